import type { Declaration } from '../../domain/declaration.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { can } from '../../security/policy.ts';
import { declarationsRepo, decisionsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { findDeclarations, ownersOf } from '../filing/declaration-views.ts';
import type { ExchangeActor } from './actor.ts';
import { LANE_STATUS, writeCusres, type DeclarationStatus } from './cusres.ts';

/**
 * The decisions on declarations, as a CUSRES interchange (cusres.ts) and as JSON: the declarations
 * named, or those filed in [from, to) (at one office). A trader gets only its own declarations (as
 * importer or declarant: the policy's exchange.export on the declaration's owners); a declaration
 * it may not see is answered as one that does not exist. Declarations not decided yet are listed
 * apart, with no message.
 */

export interface CusresQuery {
  readonly ids?: readonly string[] | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly office?: string | undefined;
  /** UNB recipient (S003); the trader's party by default, else "ALL". */
  readonly recipient?: string | undefined;
}

export interface CusresExport {
  readonly edifact: string;
  readonly controlReference: string;
  readonly statuses: readonly DeclarationStatus[];
  readonly undecided: readonly string[];
}

export const MAX_EXPORT = 10_000;
const PAGE = 1000;

const unbId = (s: string) => s.replace(/[^A-Za-z0-9 .\-_/]/g, '').slice(0, 35) || 'UNKNOWN';

export async function exportCusres(app: AppContext, actor: ExchangeActor, q: CusresQuery): Promise<CusresExport> {
  if (actor !== 'operator' && !can(actor, 'exchange.export')) {
    throw new PortcullisError('FORBIDDEN', `${actor.id} may not export decisions: none of the roles ${actor.roles.join(', ')} allows exchange.export`, [{ field: 'action', problem: 'exchange.export', expected: "an action the caller's roles allow" }]);
  }
  const visible = (d: Declaration) => actor === 'operator' || can(actor, 'exchange.export', { owners: ownersOf(d) });
  // A resource owned by no party is refused to party-scoped roles (traders) only.
  const party = actor !== 'operator' && !can(actor, 'exchange.export', { owners: [] }) ? actor.party : undefined;
  const declarations: Declaration[] = [];
  if (q.ids !== undefined && q.ids.length > 0) {
    if (q.ids.length > MAX_EXPORT) throw new PortcullisError('INVALID_INPUT', `${q.ids.length} declarations asked for`, [{ field: 'declaration', problem: `${q.ids.length} ids`, expected: `at most ${MAX_EXPORT}` }]);
    const repo = declarationsRepo(app.store.db);
    for (const id of new Set(q.ids)) {
      const d = (await repo.get(id))?.declaration;
      if (d === undefined || !visible(d)) throw new PortcullisError('NOT_FOUND', `no declaration "${id}"`, [{ field: 'declaration', problem: `"${id}" is not a declaration you can see`, expected: 'the id of a filed declaration' }]);
      declarations.push(d);
    }
  } else {
    if (q.from === undefined || q.to === undefined) throw new PortcullisError('INVALID_INPUT', 'name the declarations, or a period', [{ field: 'from', problem: 'neither declaration ids nor a period given', expected: 'declaration ids, or --from and --to (filing times, ISO 8601)' }]);
    let after: { filedAt: string; id: string } | undefined;
    for (;;) {
      const page = await findDeclarations(app, { office: q.office, importer: party, from: q.from, to: q.to, after, limit: PAGE });
      declarations.push(...page.items.map((i) => i.declaration).filter(visible));
      if (declarations.length > MAX_EXPORT) throw new PortcullisError('INVALID_INPUT', `more than ${MAX_EXPORT} declarations were filed in the period`, [{ field: 'from', problem: `more than ${MAX_EXPORT} declarations`, expected: 'a shorter period, or one office' }]);
      if (page.next === null) break;
      after = page.next;
    }
  }
  const decisions = decisionsRepo(app.store.db);
  const statuses: DeclarationStatus[] = [];
  const undecided: string[] = [];
  for (let i = 0; i < declarations.length; i += PAGE) {
    const chunk = declarations.slice(i, i + PAGE);
    const latest = await decisions.latestOf(chunk.map((d) => d.id));
    for (const d of chunk) {
      const x = latest.get(d.id);
      if (x === undefined) undecided.push(d.id);
      else statuses.push({ declarationId: d.id, lane: x.lane, status: LANE_STATUS[x.lane].status, decidedAt: x.decidedAt, revision: x.revision, office: x.office, transportDocument: d.transportDocument, containers: d.containers });
    }
  }
  const preparedAt = app.clock().toISOString();
  const controlReference = preparedAt.slice(2, 19).replace(/[-T:]/g, '');
  const recipient = q.recipient ?? (party ?? 'ALL');
  const edifact = writeCusres(statuses, { sender: unbId(app.config.ledger.party), recipient: unbId(recipient), preparedAt, controlReference });
  return { edifact, controlReference, statuses, undecided };
}
