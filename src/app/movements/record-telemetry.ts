import { TELEMETRY_READING_EXPECTED, TelemetryReading } from '../../domain/telemetry-reading.ts';
import { telemetryRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { requireActor } from '../targeting/actors.ts';
import { recordJsonl, type RecordOptions, type RecordSummary } from './record-jsonl.ts';

/** Telemetry is filed in the ledger under its container, as carriers' container events are (record-movements.ts). */
export const telemetrySubject = (t: Pick<TelemetryReading, 'container'>): string => `container:${t.container}`;

export const TELEMETRY_ROLES = ['device', 'carrier', 'officer', 'supervisor'] as const;

/** Records a JSON Lines file of container telemetry readings, one ledger entry each. */
export async function recordTelemetry(app: AppContext, actor: string | undefined, file: string, opts: RecordOptions = {}): Promise<RecordSummary> {
  await requireActor(app, actor, TELEMETRY_ROLES, 'record container telemetry');
  const repo = telemetryRepo(app.store.db);
  return recordJsonl<TelemetryReading>(app, file, {
    schema: TelemetryReading,
    expected: TELEMETRY_READING_EXPECTED,
    type: 'telemetry.recorded',
    idOf: (t) => t.eventId,
    subjectOf: telemetrySubject,
    add: (rs, at) => repo.add(rs, at),
    setLedgerIndices: (pairs) => repo.setLedgerIndices(pairs),
  }, opts);
}
