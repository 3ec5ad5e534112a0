import type { ErrorDetail } from '../../domain/errors.ts';
import { problemsOf } from '../../domain/issues.ts';
import { TRANSPORT_EVENT_EXPECTED, TransportEvent, type TransportEventInput } from '../../domain/transport-event.ts';
import { can } from '../../security/policy.ts';
import { movementsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { storeAndEnter } from '../movements/record-jsonl.ts';
import { movementSubject } from '../movements/record-movements.ts';
import type { ExchangeActor } from './actor.ts';
import { detailOf, type Problem } from './edifact-reader.ts';
import { checkImport, type RejectedMessage } from './import-declarations.ts';
import { sourceOf, type Mapped } from './mapped.ts';

/**
 * Records the carrier movements of CUSCAR messages as every carrier movement is recorded
 * (movements/record-jsonl.ts, storeAndEnter): validated by the TransportEvent schema, stored once under their
 * event id (a report sent again is a duplicate), each new one entered in the ledger under its
 * container or transport document (movementSubject), which is how declarations find them. A
 * message is kept or rejected whole; a carrier records only its own movements (the policy's
 * movement.record on the carrier).
 */

export interface RecordedMessage {
  readonly message: number;
  readonly reference: string | null;
  readonly events: number;
  readonly added: number;
  readonly duplicates: number;
  readonly containers: readonly string[];
  readonly transportDocuments: readonly string[];
}

export interface MovementImportReport {
  readonly format: 'cuscar';
  readonly messages: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly events: number;
  readonly added: number;
  readonly duplicates: number;
  readonly ledgerEntries: number;
  readonly recorded: readonly RecordedMessage[];
  readonly rejections: readonly RejectedMessage[];
  readonly envelope: readonly ErrorDetail[];
}

export async function recordMappedMovements(app: AppContext, mapped: readonly Mapped<TransportEventInput[]>[], o: { actor: ExchangeActor; envelope?: readonly Problem[] }): Promise<MovementImportReport> {
  checkImport(o.actor);
  const actor = o.actor;
  const rejections: RejectedMessage[] = [];
  const reject = (m: Mapped<unknown>, problems: readonly Problem[]) => rejections.push({ message: m.index, reference: m.reference, id: null, details: problems.map((p) => detailOf(m, p)) });
  const good: { m: Mapped<TransportEventInput[]>; events: TransportEvent[] }[] = [];
  for (const m of mapped) {
    if (m.value === undefined) {
      reject(m, m.problems);
      continue;
    }
    const events: TransportEvent[] = [];
    const problems: Problem[] = [];
    m.value.forEach((input, n) => {
      const r = TransportEvent.safeParse(input);
      if (!r.success) {
        for (const d of problemsOf(r.error, TRANSPORT_EVENT_EXPECTED)) problems.push({ ...sourceOf(m.sources, `${n}.${d.field}`), field: d.field, problem: d.problem, expected: d.expected ?? 'a valid value' });
        return;
      }
      if (actor !== 'operator' && !can(actor, 'movement.record', { owners: [r.data.carrier] })) {
        problems.push({ ...m.sources.get(`${n}.carrier`), field: 'carrier', problem: `${actor.id} records for ${actor.party ?? 'no party'}, not for carrier ${r.data.carrier}`, expected: 'your own party as the carrier (NAD+CA)' });
        return;
      }
      events.push(r.data);
    });
    if (problems.length > 0) reject(m, problems);
    else good.push({ m, events });
  }

  const repo = movementsRepo(app.store.db);
  const recorded: RecordedMessage[] = [];
  let ledgerEntries = 0;
  for (const { m, events } of good) {
    const { outcomes, indices } = await storeAndEnter<TransportEvent>(app, { type: 'movement.recorded', idOf: (e) => e.eventId, subjectOf: movementSubject, add: (rs, at) => repo.add(rs, at), setLedgerIndices: (pairs) => repo.setLedgerIndices(pairs) }, events);
    const conflicts = outcomes.filter((x) => x.status === 'conflict');
    ledgerEntries += indices.length;
    if (conflicts.length > 0) {
      reject(m, conflicts.map((c) => ({ ...m.sources.get(`${events.findIndex((e) => e.eventId === c.id)}`), field: 'eventId', problem: `event ${c.id} was recorded already with other content`, expected: 'the same report as before, or a new report number (BGM 1004)' })));
      continue;
    }
    recorded.push({
      message: m.index,
      reference: m.reference,
      events: events.length,
      added: outcomes.filter((x) => x.status === 'added').length,
      duplicates: outcomes.filter((x) => x.status === 'duplicate').length,
      containers: [...new Set(events.flatMap((e) => (e.container === undefined ? [] : [e.container])))],
      transportDocuments: [...new Set(events.flatMap((e) => (e.transportDocument === undefined ? [] : [e.transportDocument])))],
    });
  }
  rejections.sort((a, b) => a.message - b.message);
  const sum = (k: 'events' | 'added' | 'duplicates') => recorded.reduce((a, r) => a + r[k], 0);
  return {
    format: 'cuscar',
    messages: mapped.length,
    accepted: recorded.length,
    rejected: rejections.length,
    events: sum('events'),
    added: sum('added'),
    duplicates: sum('duplicates'),
    ledgerEntries,
    recorded,
    rejections,
    envelope: (o.envelope ?? []).map((p) => detailOf({ index: 0, reference: null }, p, 'interchange')),
  };
}
