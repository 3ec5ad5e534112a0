import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { verifyPassword } from '../../security/password.ts';
import { auditRepo, authRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { ledgerOf } from '../ledger/ledger.ts';
import { verifyLedger, type VerifyReport } from '../ledger/verify.ts';
import { DATA_KEYS_FILE, dataKeysText, loadDataKeys } from './data-keys.ts';
import { keyAge, MAX_KEY_AGE_DAYS } from './key-status.ts';

export type Severity = 'high' | 'medium' | 'low' | 'info';

/** One thing the audit found: what, how bad, and what to do about it. */
export interface AuditFinding {
  readonly check: string;
  readonly severity: Severity;
  readonly message: string;
  readonly fix?: string;
}

export interface AuditOptions {
  /** Privileged actions from this time on (ISO 8601); default: 30 days before now. */
  readonly since?: string;
  /** Accounts not seen for this many days are reported (90). */
  readonly inactiveDays?: number;
  /** Keys older than this many days are reported as stale (365). */
  readonly maxKeyAgeDays?: number;
  /** Passwords tried against administrators' hashes, besides the user id (a short list of defaults). */
  readonly defaultPasswords?: readonly string[];
}

export interface SecurityAudit {
  readonly at: string;
  readonly since: string;
  readonly findings: readonly AuditFinding[];
  readonly counts: Readonly<Record<Severity, number>>;
  readonly inactiveAccounts: readonly { id: string; roles: readonly string[]; lastSeenAt: string | null }[];
  readonly privilegedActions: readonly { index: number; time: string; actor: string; action: string; subject: string | null }[];
  readonly ledger: Pick<VerifyReport, 'ok' | 'entries' | 'checkpoints' | 'findingCount' | 'findings' | 'seconds'>;
  /** True when nothing high was found: the command's exit status is 0. */
  readonly ok: boolean;
}

const DEFAULTS = ['admin', 'administrator', 'password', 'changeme', 'portcullis', 'admin123', 'password123', 'letmein', 'secret', '123456'];
const LOOPBACK = (host: string) => host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
const DAY = 86_400_000;
const MAX_ACTIONS = 10_000;

/**
 * `portcullis security-audit`: weak configuration (default or never-changed administrator
 * passwords, data keys missing or values left unsealed, key files others can read, TLS off on a
 * non-loopback address, keys older than allowed), accounts nobody has used lately, the privileged
 * actions of the period from the ledger, and the ledger's verification.
 */
export async function securityAudit(app: AppContext, o: AuditOptions = {}): Promise<SecurityAudit> {
  const now = app.clock();
  const since = o.since ?? new Date(now.getTime() - 30 * DAY).toISOString();
  const inactiveDays = o.inactiveDays ?? 90;
  const maxKeyAgeDays = o.maxKeyAgeDays ?? MAX_KEY_AGE_DAYS;
  const findings: AuditFinding[] = [];
  const add = (f: AuditFinding) => findings.push(f);
  const sec = app.config.security;
  const audit = auditRepo(app.store.db);

  // Exposure.
  if (!LOOPBACK(sec.host) && sec.tls === undefined) {
    add({ check: 'tls-off', severity: 'high', message: `the server listens on ${sec.host}, not a loopback address, without TLS: passwords and tokens cross the network in clear`, fix: 'set PORTCULLIS_TLS_CERT and PORTCULLIS_TLS_KEY, or listen on 127.0.0.1 behind a TLS proxy' });
  }
  if (sec.corsOrigins.includes('*')) add({ check: 'cors-any', severity: 'medium', message: 'PORTCULLIS_CORS_ORIGINS allows any origin', fix: 'name the origins of the web application' });

  // Administrators' passwords.
  const users = await audit.users();
  const auth = authRepo(app.store.db);
  for (const u of users.filter((x) => x.roles.includes('admin') && !x.disabled)) {
    const hash = await auth.passwordHash(u.id);
    if (hash === undefined) continue;
    const tries = [...new Set([...(o.defaultPasswords ?? DEFAULTS), u.id])];
    let weak: string | undefined;
    for (const p of tries) if (await verifyPassword(hash, p)) weak = p;
    if (weak !== undefined) {
      add({ check: 'default-password', severity: 'high', message: `administrator ${u.id} has a default password ("${weak === u.id ? 'the user id' : weak}")`, fix: `set a new password for ${u.id}` });
    } else if (sec.adminPassword !== undefined && (await verifyPassword(hash, sec.adminPassword))) {
      add({ check: 'configured-password', severity: 'medium', message: `administrator ${u.id} still has the password of PORTCULLIS_ADMIN_PASSWORD (it lives in the environment)`, fix: `set a new password for ${u.id} and unset PORTCULLIS_ADMIN_PASSWORD` });
    } else if (u.passwordChangedAt !== null && Date.parse(u.passwordChangedAt) - Date.parse(u.createdAt) < 60_000) {
      add({ check: 'first-start-password', severity: 'medium', message: `administrator ${u.id} still has the password set when the account was made (${u.createdAt}): the one printed at first start`, fix: `set a new password for ${u.id}` });
    }
  }

  // Data keys and key files.
  const loaded = loadDataKeys(app.config, app.clock);
  if (loaded.source.kind === 'memory') add({ check: 'data-keys-memory', severity: 'info', message: 'data keys are made for this process only (in-memory store)' });
  const sealing = await audit.sealing(loaded.ring.current.kid);
  const plaintext = sealing.reduce((a, c) => a + c.plaintext, 0);
  const otherKey = sealing.reduce((a, c) => a + c.otherKey, 0);
  if (plaintext > 0) {
    add({ check: 'unsealed-values', severity: 'high', message: `${plaintext} sensitive values are stored in plaintext (${sealing.filter((c) => c.plaintext > 0).map((c) => `${c.table}.${c.column}: ${c.plaintext}`).join(', ')})`, fix: 'run portcullis keys rotate' });
  }
  if (otherKey > 0) add({ check: 'rotation-unfinished', severity: 'medium', message: `${otherKey} values are sealed under an older data key than the current ${loaded.ring.current.kid}`, fix: 'run portcullis keys rotate' });
  const created = loaded.ring.current.created;
  if (keyAge(created, now, maxKeyAgeDays).stale) {
    add({ check: 'stale-data-key', severity: 'medium', message: `the current data key ${loaded.ring.current.kid} was made ${created}, more than ${maxKeyAgeDays} days ago`, fix: 'run portcullis keys rotate' });
  } else if (created === undefined) {
    add({ check: 'data-key-age-unknown', severity: 'info', message: `the current data key ${loaded.ring.current.kid} comes from PORTCULLIS_DATA_KEYS: its age is not known`, fix: `rotate it at least every ${maxKeyAgeDays} days` });
  }
  const dir = app.config.ledger.keysDir;
  if (dir !== null && existsSync(dir)) {
    if ((statSync(dir).mode & 0o077) !== 0) add({ check: 'key-dir-permissions', severity: 'medium', message: `the keys directory ${dir} is open to others (mode ${(statSync(dir).mode & 0o777).toString(8)})`, fix: `chmod 700 ${dir}` });
    for (const f of [DATA_KEYS_FILE, 'log.key', 'party.key', 'token.key']) {
      const path = join(dir, f);
      if (!existsSync(path)) continue;
      const st = statSync(path);
      if ((st.mode & 0o077) !== 0) add({ check: 'key-file-permissions', severity: 'high', message: `key file ${path} can be read by others (mode ${(st.mode & 0o777).toString(8)})`, fix: `chmod 600 ${path}` });
      if ((f === 'log.key' || f === 'party.key') && now.getTime() - st.mtimeMs > maxKeyAgeDays * DAY) {
        add({ check: 'stale-ledger-key', severity: 'low', message: `ledger key ${path} was written ${new Date(st.mtimeMs).toISOString()}, more than ${maxKeyAgeDays} days ago`, fix: 'plan a ledger key rotation (portcullis ledger keys)' });
      }
    }
  }

  // Accounts nobody uses.
  const cutoff = now.getTime() - inactiveDays * DAY;
  const inactive = users.filter((u) => !u.disabled && !u.roles.includes('device') && Date.parse(u.lastSeenAt ?? u.createdAt) < cutoff);
  for (const u of inactive) {
    add({ check: 'inactive-account', severity: u.roles.includes('admin') ? 'medium' : 'low', message: `${u.id} (${u.roles.join(', ')}) ${u.lastSeenAt === null ? `has never signed in (made ${u.createdAt})` : `was last seen ${u.lastSeenAt}`}: more than ${inactiveDays} days`, fix: `disable ${u.id} if nobody needs it` });
  }

  // Privileged actions of the period, from the ledger.
  const ledger = ledgerOf(app);
  const entries = await audit.entriesOfType('privileged.action', since, MAX_ACTIONS);
  const privilegedActions = [];
  for (const e of entries) {
    const p = await ledger.repo.payload(e.index);
    const body = p === undefined ? {} : (JSON.parse(p.payload) as { actor?: unknown; action?: unknown });
    privilegedActions.push({ index: e.index, time: e.time, actor: String(body.actor ?? '?'), action: String(body.action ?? '?'), subject: e.subject });
  }
  if (entries.length === MAX_ACTIONS) add({ check: 'privileged-actions-truncated', severity: 'info', message: `only the first ${MAX_ACTIONS} privileged actions since ${since} are listed` });

  // The ledger itself.
  const { sqliteFile, databaseUrl, pgSchema } = app.config;
  const v = await verifyLedger(ledger.repo, { logKey: ledger.verifierKey, signatures: false, payloads: true, store: { sqliteFile, databaseUrl, pgSchema }, dataKeys: dataKeysText(app.config) });
  if (!v.ok) add({ check: 'ledger-verification', severity: 'high', message: `ledger verification FAILED: ${v.findingCount} problems (first: ${v.findings[0]?.message ?? '?'})`, fix: 'portcullis ledger verify names each one' });

  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const order: Severity[] = ['high', 'medium', 'low', 'info'];
  findings.sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  return {
    at: now.toISOString(),
    since,
    findings,
    counts,
    inactiveAccounts: inactive.map((u) => ({ id: u.id, roles: u.roles, lastSeenAt: u.lastSeenAt })),
    privilegedActions,
    ledger: { ok: v.ok, entries: v.entries, checkpoints: v.checkpoints, findingCount: v.findingCount, findings: v.findings.slice(0, 20), seconds: v.seconds },
    ok: counts.high === 0,
  };
}
