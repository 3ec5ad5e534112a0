import { canonicalJson } from '../../domain/canonical-json.ts';
import { PortcullisError, type ErrorDetail } from '../../domain/errors.ts';
import { RISK_ALERT_FORMAT, RiskAlert } from '../../domain/risk-alert.ts';
import type { RuleVersion } from '../../domain/rule.ts';
import { isNoteError, openNote, parseVerifierKey, signNote, type Verifier } from '../../ledger/note/index.ts';
import { alertProfile } from '../../risk/rules/alert-profile.ts';
import type { AppContext } from '../context.ts';
import { ledgerOf } from '../ledger/ledger.ts';
import { recordPrivileged } from '../ledger/record.ts';
import { requireActor } from '../targeting/actors.ts';
import { draftRule } from '../targeting/rules.ts';
import { sharingPolicy, withheld } from './sharing.ts';

/**
 * Risk alerts between customs services (issue 9): one service signs an alert (domain/risk-alert.ts)
 * with its party key as a C2SP signed note; another checks the signature against the partner keys
 * it registered (`ledger keys add VKEY --role partner`), and turns the alert into a draft rule for
 * its analysts (risk/rules/alert-profile.ts), which its own supervisors approve and activate (four
 * eyes) or not. Both the export and the import are privileged actions in each service's ledger:
 * what left the service, and what came in, from whom.
 *
 * The note's text is a header line and the alert's RFC 8785 JSON, so that a signature over it can
 * never pass for one over a checkpoint or a ledger entry (their texts begin otherwise).
 */
const HEADER = `${RISK_ALERT_FORMAT}\n`;

const EXPORT_ROLES = ['analyst', 'supervisor'] as const;

const detailsOf = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): ErrorDetail[] =>
  issues.map((i) => ({ field: i.path.map(String).join('.') || '(alert)', problem: i.message, expected: 'a risk alert as docs/cooperation.md describes it' }));

/** Signs a risk alert as this service (its party key); `input` is the alert without format, issuer and issuedAt, which are filled in. */
export async function exportRiskAlert(app: AppContext, actor: string | undefined, input: unknown): Promise<{ alert: RiskAlert; note: string }> {
  const user = await requireActor(app, actor, EXPORT_ROLES, 'export risk alerts');
  const signer = ledgerOf(app).keys.party;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new PortcullisError('INVALID_INPUT', 'the risk alert is not a JSON object', [{ field: '(alert)', problem: 'not an object', expected: 'a JSON object with id, kind, threat, summary, indicators, validFrom, validUntil, handling' }]);
  for (const f of ['format', 'issuer', 'issuedAt']) {
    if (f in input) throw new PortcullisError('INVALID_INPUT', `the risk alert's ${f} is filled in by the service`, [{ field: f, problem: 'given', expected: 'left out: the service sets it' }]);
  }
  const r = RiskAlert.safeParse({ ...input, format: RISK_ALERT_FORMAT, issuer: signer.name, issuedAt: app.clock().toISOString() });
  if (!r.success) throw new PortcullisError('INVALID_INPUT', `the risk alert is not valid: ${r.error.issues.map((i) => `${i.path.join('.') || '(alert)'}: ${i.message}`).join('; ')}`, detailsOf(r.error.issues));
  const alert = r.data;
  // The data-sharing policy decides what may leave; a refusal is recorded as well as an export.
  const policy = sharingPolicy(app.config.sharing);
  const kept = withheld(policy, alert);
  if (kept.length > 0) {
    await recordPrivileged(app, user.id, 'risk-alert.withheld', `risk-alert-out:${alert.id}`, { withheld: kept, policy: policy.indicators });
    throw new PortcullisError('FORBIDDEN', `the data-sharing policy keeps ${kept.join(', ')} in this service: the alert was not signed`, kept.map((k) => ({ field: `indicators.${k}`, problem: 'may not leave the service', expected: `only ${policy.indicators.join(', ')} (PORTCULLIS_SHARING)` })));
  }
  const note = signNote(`${HEADER}${canonicalJson(alert)}\n`, [signer]);
  await recordPrivileged(app, user.id, 'risk-alert.exported', `risk-alert-out:${alert.id}`, { kind: alert.kind, handling: alert.handling, threat: alert.threat, indicators: alert.indicators, policy: policy.indicators });
  return { alert, note };
}

/** The public key partners register to verify this service's alerts (`ledger keys add VKEY --role partner`). */
export const riskAlertKey = (app: AppContext): string => ledgerOf(app).keys.party.verifierKey;

/**
 * Checks a partner's signed risk alert and drafts a rule from it. Refused, naming why: a note no
 * registered partner key signed (or whose signature does not verify: any change to the text), an
 * issuer other than the signer, a malformed alert, one expired, one imported before.
 */
export async function importRiskAlert(app: AppContext, actor: string | undefined, note: string): Promise<{ alert: RiskAlert; signedBy: string; rule: RuleVersion }> {
  const user = await requireActor(app, actor, EXPORT_ROLES, 'import risk alerts');
  const ledger = ledgerOf(app);
  const partners: Verifier[] = (await ledger.repo.keys('partner')).filter((k) => k.revokedAt === null).map((k) => parseVerifierKey(k.vkey));
  let opened;
  try {
    opened = openNote(note, partners);
  } catch (e) {
    if (!isNoteError(e)) throw e;
    const field = e.code === 'BAD_SIGNATURE' || e.code === 'UNVERIFIED' ? 'signature' : 'note';
    throw new PortcullisError(field === 'signature' ? 'FORBIDDEN' : 'INVALID_INPUT', `the risk alert is refused: ${e.message}`, [{ field, problem: e.message, expected: field === 'signature' ? 'a note signed by a partner key registered with `ledger keys add VKEY --role partner`, unchanged since' : 'a signed risk alert as `risk-alerts export` writes it' }]);
  }
  if (!opened.text.startsWith(HEADER)) throw new PortcullisError('INVALID_INPUT', `the note is not a risk alert: its first line is not ${RISK_ALERT_FORMAT}`, [{ field: 'note', problem: 'another kind of note', expected: `a note whose first line is ${RISK_ALERT_FORMAT}` }]);
  let json: unknown;
  try {
    json = JSON.parse(opened.text.slice(HEADER.length));
  } catch (e) {
    throw new PortcullisError('INVALID_INPUT', `the risk alert's text is not JSON (${(e as Error).message})`, [{ field: 'note', problem: 'not JSON', expected: 'the alert as RFC 8785 JSON after the header line' }]);
  }
  const r = RiskAlert.safeParse(json);
  if (!r.success) throw new PortcullisError('INVALID_INPUT', `the risk alert is not valid: ${r.error.issues.map((i) => `${i.path.join('.') || '(alert)'}: ${i.message}`).join('; ')}`, detailsOf(r.error.issues));
  const alert = r.data;
  const signedBy = opened.verified.map((v) => v.name);
  if (!signedBy.includes(alert.issuer)) throw new PortcullisError('FORBIDDEN', `the risk alert names ${alert.issuer} as its issuer, and is signed by ${signedBy.join(', ')}`, [{ field: 'issuer', problem: `"${alert.issuer}"`, expected: `the signer: ${signedBy.join(', ')}` }]);
  const now = app.clock().toISOString();
  if (alert.validUntil <= now) throw new PortcullisError('INVALID_INPUT', `the risk alert ${alert.id} expired at ${alert.validUntil}`, [{ field: 'validUntil', problem: alert.validUntil, expected: `a time after now (${now})` }]);
  const subject = `risk-alert-in:${alert.issuer}/${alert.id}`;
  if ((await ledger.repo.entriesAbout(subject)).length > 0) throw new PortcullisError('CONFLICT', `the risk alert ${alert.id} of ${alert.issuer} was imported before`, [{ field: 'id', problem: `${alert.issuer}/${alert.id}`, expected: 'an alert not imported yet' }]);
  const rule = await draftRule(app, user.id, alertProfile(alert));
  await recordPrivileged(app, user.id, 'risk-alert.imported', subject, { rule: rule.id, kind: alert.kind, handling: alert.handling, signedBy });
  return { alert, signedBy: alert.issuer, rule };
}
