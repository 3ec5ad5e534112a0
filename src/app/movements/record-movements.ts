import { hasRole } from '../../domain/user.ts';
import { TRANSPORT_EVENT_EXPECTED, TransportEvent } from '../../domain/transport-event.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { movementsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { requireActor } from '../targeting/actors.ts';
import { recordJsonl, type RecordOptions, type RecordSummary } from './record-jsonl.ts';

/**
 * Where a carrier's movement is filed in the ledger: under the container it is about
 * (`container:CSQU3054383`), or, for an event about no container (a vessel's arrival or departure),
 * under its transport document (`document:MAEU123456789`). A declaration's own entries are under
 * `declaration:ID`; the discrepancy check joins them through the declaration's containers and document.
 */
export function movementSubject(e: Pick<TransportEvent, 'container' | 'transportDocument'>): string {
  return e.container !== undefined ? `container:${e.container}` : `document:${e.transportDocument!}`;
}

/** Who records movements: the carrier (its own only), or an officer or supervisor for any carrier. */
export const MOVEMENT_ROLES = ['carrier', 'officer', 'supervisor'] as const;

/** Records a JSON Lines file of carrier movements (DCSA Track & Trace events), one ledger entry each. */
export async function recordMovements(app: AppContext, actor: string | undefined, file: string, opts: RecordOptions = {}): Promise<RecordSummary> {
  const user = await requireActor(app, actor, MOVEMENT_ROLES, 'record carrier movements');
  const ownOnly = !hasRole(user, 'officer') && !hasRole(user, 'supervisor');
  if (ownOnly && user.party === undefined) {
    throw new PortcullisError('FORBIDDEN', `${user.id} is a carrier user with no carrier party: set the party it acts for (portcullis users add … --party CARRIER)`, [{ field: 'as', problem: 'no party', expected: 'a carrier user with --party, or an officer or supervisor' }]);
  }
  const repo = movementsRepo(app.store.db);
  return recordJsonl<TransportEvent>(app, file, {
    schema: TransportEvent,
    expected: TRANSPORT_EVENT_EXPECTED,
    type: 'movement.recorded',
    idOf: (e) => e.eventId,
    subjectOf: movementSubject,
    refuse: (e) => (ownOnly && e.carrier !== user.party ? { field: 'carrier', problem: `${user.id} records for carrier ${user.party}, not ${e.carrier}`, expected: `carrier ${user.party}` } : undefined),
    add: (rs, at) => repo.add(rs, at),
    setLedgerIndices: (pairs) => repo.setLedgerIndices(pairs),
  }, opts);
}
