import { createHash } from 'node:crypto';
import type { Declaration } from '../../domain/declaration.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { canonicalJson } from '../../ledger/entry/canonical.ts';
import { compareConsignment, linkRecords, LINK_WINDOW_DAYS, type Discrepancy, type DiscrepancyField, type Recorded } from '../../ledger/discrepancy/index.ts';
import type { TelemetryReading } from '../../domain/telemetry-reading.ts';
import type { TransportEvent } from '../../domain/transport-event.ts';
import { declarationsRepo, ledgerRepo, movementsRepo, telemetryRepo } from '../../store/index.ts';
import { raiseAlert } from '../targeting/alerts.ts';
import { decideStored } from '../targeting/decide.ts';
import type { AppContext } from '../context.ts';

/**
 * Discrepancies across parties, as an input to risk: for a declaration (or every declaration with a
 * transport document or containers), what the declarant filed, what the carrier reported and what
 * the containers' devices recorded, compared by ledger/discrepancy (rules documented there). Each
 * finding names both sides with the ledger entries of their records. Optionally one 'discrepancy'
 * alert per declaration with findings, whose id is made of the declaration id and a hash of the
 * findings: a rerun with the same findings raises nothing new; changed findings raise a new alert.
 */

export interface DeclarationDiscrepancies {
  readonly declarationId: string;
  readonly discrepancies: readonly Discrepancy[];
  /** The alert raised for them (new or already raised), with --raise-alerts. */
  readonly alert?: string;
}

export interface DiscrepancyReport {
  /** Declarations compared. */
  readonly checked: number;
  readonly withDiscrepancies: number;
  readonly discrepancies: number;
  readonly byField: Readonly<Partial<Record<DiscrepancyField, number>>>;
  readonly declarations: readonly DeclarationDiscrepancies[];
  readonly alertsRaised: number;
  /** Declarations decided again because a new alert made discrepancies a fact of theirs (null: not asked). */
  readonly redecided: { readonly decided: number; readonly lanes: Readonly<Record<'green' | 'yellow' | 'red', number>> } | null;
}

export interface DiscrepancyOptions {
  /** One declaration; every declaration with a transport document or containers when absent. */
  readonly declaration?: string;
  readonly raiseAlerts?: boolean;
  /** With raiseAlerts: decide again the declarations a new alert was raised for (their `discrepancies` fact changed). */
  readonly redecide?: boolean;
  readonly onProgress?: (checked: number) => void;
}

const PAGE = 500;
const DAY_MS = 86_400_000;
const FILING_TYPES = ['declaration.filed', 'declaration.amended'];

export async function findDiscrepancies(app: AppContext, opts: DiscrepancyOptions = {}): Promise<DiscrepancyReport> {
  const found: DeclarationDiscrepancies[] = [];
  let checked = 0;
  let alertsRaised = 0;
  const raisedFor: string[] = [];
  const compare = async (page: readonly Declaration[]) => {
    for (const r of await comparePage(app, page)) {
      checked += 1;
      if (r.discrepancies.length === 0) continue;
      if (opts.raiseAlerts === true) {
        const a = await raiseDiscrepancyAlert(app, r.declarationId, r.discrepancies);
        if (a.raised) {
          alertsRaised += 1;
          raisedFor.push(r.declarationId);
        }
        found.push({ ...r, alert: a.id });
      } else found.push(r);
    }
    opts.onProgress?.(checked);
  };
  const declarations = declarationsRepo(app.store.db);
  if (opts.declaration !== undefined) {
    const d = await declarations.get(opts.declaration);
    if (d === undefined) throw new PortcullisError('NOT_FOUND', `no declaration "${opts.declaration}"`, [{ field: 'declaration', problem: `"${opts.declaration}" is not stored`, expected: 'the id of a stored declaration' }]);
    await compare([d.declaration]);
  } else {
    let after: { filedAt: string; id: string } | undefined;
    for (;;) {
      const page = await declarations.list({ limit: PAGE, ...(after === undefined ? {} : { after }) });
      if (page.length === 0) break;
      const last = page[page.length - 1]!.declaration;
      after = { filedAt: last.filedAt, id: last.id };
      await compare(page.map((s) => s.declaration).filter((d) => d.transportDocument !== undefined || d.containers.length > 0));
    }
  }
  let redecided: DiscrepancyReport['redecided'] = null;
  if (opts.redecide === true && opts.raiseAlerts === true) {
    const r = raisedFor.length === 0 ? undefined : await decideStored(app, { ids: raisedFor });
    redecided = { decided: r?.decided ?? 0, lanes: r?.lanes ?? { green: 0, yellow: 0, red: 0 } };
  }
  const byField: Partial<Record<DiscrepancyField, number>> = {};
  for (const r of found) for (const d of r.discrepancies) byField[d.field] = (byField[d.field] ?? 0) + 1;
  return { checked, withDiscrepancies: found.length, discrepancies: found.reduce((n, r) => n + r.discrepancies.length, 0), byField, declarations: found, alertsRaised, redecided };
}

/** The records of a page of declarations, read in a few queries, then compared one by one. */
async function comparePage(app: AppContext, page: readonly Declaration[]): Promise<{ declarationId: string; discrepancies: Discrepancy[] }[]> {
  if (page.length === 0) return [];
  const db = app.store.db;
  const containers = page.flatMap((d) => d.containers);
  const documents = page.flatMap((d) => (d.transportDocument === undefined ? [] : [d.transportDocument]));
  const movements = await movementsRepo(db).about({ containers, documents });
  const times = page.map((d) => Date.parse(d.filedAt));
  const window = { from: new Date(Math.min(...times) - LINK_WINDOW_DAYS * DAY_MS).toISOString(), to: new Date(Math.max(...times) + LINK_WINDOW_DAYS * DAY_MS + 1).toISOString() };
  const movedContainers = movements.flatMap((m) => (m.event.container === undefined ? [] : [m.event.container]));
  const readings = await telemetryRepo(db).byContainers([...containers, ...movedContainers], window);
  const filings = await ledgerRepo(app.store).latestAbout(page.map((d) => `declaration:${d.id}`), FILING_TYPES);

  const byContainer = new Map<string, Recorded<TransportEvent>[]>();
  const byDocument = new Map<string, Recorded<TransportEvent>[]>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => m.set(k, [...(m.get(k) ?? []), v]);
  for (const m of movements) {
    const r = { record: m.event, entry: m.ledgerIndex };
    if (m.event.container !== undefined) push(byContainer, m.event.container, r);
    if (m.event.transportDocument !== undefined) push(byDocument, m.event.transportDocument, r);
  }
  const readingsOf = new Map<string, Recorded<TelemetryReading>[]>();
  for (const t of readings) push(readingsOf, t.reading.container, { record: t.reading, entry: t.ledgerIndex });

  return page.map((d) => {
    const candidates = [...(d.transportDocument === undefined ? [] : (byDocument.get(d.transportDocument) ?? [])), ...d.containers.flatMap((k) => byContainer.get(k) ?? [])];
    const linkedContainers = new Set([...d.containers, ...candidates.flatMap((m) => (m.record.container === undefined ? [] : [m.record.container]))]);
    const linked = linkRecords(d, candidates, [...linkedContainers].flatMap((k) => readingsOf.get(k) ?? []));
    const movementsInOrder = linked.movements.sort((a, b) => (a.record.eventDateTime < b.record.eventDateTime ? -1 : a.record.eventDateTime > b.record.eventDateTime ? 1 : 0));
    return { declarationId: d.id, discrepancies: compareConsignment({ declaration: d, declarationEntry: filings.get(`declaration:${d.id}`) ?? null, movements: movementsInOrder, telemetry: linked.telemetry }) };
  });
}

async function raiseDiscrepancyAlert(app: AppContext, declarationId: string, discrepancies: readonly Discrepancy[]): Promise<{ id: string; raised: boolean }> {
  const hash = createHash('sha256').update(canonicalJson(discrepancies)).digest('hex').slice(0, 16);
  const id = `DSC-${declarationId}-${hash}`;
  const fields = [...new Set(discrepancies.map((d) => d.field))];
  const raised = await raiseAlert(app, {
    id, kind: 'discrepancy', subject: declarationId,
    // A seal or a container that one party does not know of is a security matter; the rest may be clerical.
    severity: fields.includes('seal') || fields.includes('container') ? 'critical' : 'warning',
    message: `${declarationId}: ${discrepancies.length} discrepanc${discrepancies.length === 1 ? 'y' : 'ies'} across parties (${fields.join(', ')})`,
    detail: { declarationId, discrepancies }, raisedAt: app.clock().toISOString(), status: 'open',
  });
  return { id, raised };
}
