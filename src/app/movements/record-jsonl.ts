import { statSync } from 'node:fs';
import type { z } from 'zod';
import { PortcullisError, type ErrorDetail } from '../../domain/errors.ts';
import { problemsOf } from '../../domain/issues.ts';
import type { EntryType } from '../../ledger/entry/entry-type.ts';
import type { AddOutcome } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { openJsonlSource } from '../intake/jsonl-source.ts';
import { recordInLedger } from '../ledger/record.ts';

/**
 * Records a JSON Lines file of records that carry their own ids (carrier movements, telemetry):
 * every line is validated on its own — a bad one is rejected with its line number, the field, what
 * was wrong and what was expected, and the good ones are kept; new records are stored and each gets
 * one ledger entry, whose payload is the normalised record. Sending a file again adds nothing: a
 * record already stored is a duplicate (and is put in the ledger now if an earlier run stopped
 * before it was); another record under a stored id is rejected as a conflict.
 */

export interface RejectedLine {
  readonly line: number;
  readonly field: string;
  readonly problem: string;
  readonly expected: string;
}

export interface RecordSummary {
  readonly file: string;
  /** Non-empty lines read. */
  readonly lines: number;
  readonly added: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** The first MAX_REJECTIONS problems of rejected lines. */
  readonly rejections: readonly RejectedLine[];
  /** Ledger entries appended. */
  readonly ledgerEntries: number;
  readonly firstEntry: number | null;
  readonly lastEntry: number | null;
}

export interface RecordKind<T> {
  readonly schema: z.ZodType<T>;
  readonly expected: Readonly<Record<string, string>>;
  readonly type: EntryType;
  idOf(r: T): string;
  /** The ledger subject the record is filed under. */
  subjectOf(r: T): string;
  /** A check that depends on who records (a carrier records only its own movements). */
  refuse?(r: T): ErrorDetail | undefined;
  add(records: readonly T[], at: string): Promise<AddOutcome[]>;
  setLedgerIndices(pairs: readonly { id: string; index: number }[]): Promise<void>;
}

export interface RecordOptions {
  /** Called after every batch with the bytes read so far and the file's size. */
  readonly onProgress?: (p: { bytes: number; size: number; lines: number; added: number; rejected: number }) => void;
}

export const MAX_REJECTIONS = 1000;
const BATCH = 1000;

export async function recordJsonl<T>(app: AppContext, file: string, kind: RecordKind<T>, opts: RecordOptions = {}): Promise<RecordSummary> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new PortcullisError('INVALID_FILE', `cannot read ${file}: ${(e as Error).message}`, [{ field: 'file', problem: (e as Error).message, expected: 'a readable JSON Lines file' }], { cause: e });
  }
  let bytes = 0;
  const source = await openJsonlSource(file, (b) => (bytes += b.length), BATCH);
  const rejections: RejectedLine[] = [];
  let lines = 0, added = 0, duplicates = 0, rejected = 0, ledgerEntries = 0;
  let firstEntry: number | null = null, lastEntry: number | null = null;
  const reject = (details: readonly ErrorDetail[], line: number) => {
    rejected += 1;
    for (const d of details) if (rejections.length < MAX_REJECTIONS) rejections.push({ line, field: d.field ?? '(line)', problem: d.problem, expected: d.expected ?? 'a valid value' });
  };
  try {
    for await (const batch of source.rows) {
      const good: { line: number; record: T }[] = [];
      for (const row of batch) {
        lines += 1;
        if (row.broken !== undefined) {
          reject([{ field: '(line)', problem: `the line ${row.broken.problem}`, expected: row.broken.expected }], row.line);
          continue;
        }
        const r = kind.schema.safeParse(row.cells);
        if (!r.success) {
          reject(problemsOf(r.error, kind.expected, row.line), row.line);
          continue;
        }
        const refused = kind.refuse?.(r.data);
        if (refused !== undefined) reject([refused], row.line);
        else good.push({ line: row.line, record: r.data });
      }
      const { outcomes, indices } = await storeAndEnter(app, kind, good.map((g) => g.record));
      outcomes.forEach((o, i) => {
        if (o.status === 'conflict') reject([{ field: 'eventId', problem: `"${o.id}" was recorded already with other content`, expected: 'the same record as before, or a new eventId' }], good[i]!.line);
        else if (o.status === 'added') added += 1;
        else duplicates += 1;
      });
      if (indices.length > 0) {
        ledgerEntries += indices.length;
        firstEntry ??= indices[0]!;
        lastEntry = indices[indices.length - 1]!;
      }
      opts.onProgress?.({ bytes, size, lines, added, rejected });
    }
  } finally {
    await source.close();
  }
  return { file, lines, added, duplicates, rejected, rejections, ledgerEntries, firstEntry, lastEntry };
}

/**
 * Stores records (each once, by its id) and enters in the ledger the new ones, and stored ones an
 * earlier run left out of it; a conflict (another record under a stored id) is stored and entered
 * neither. The outcomes in the order of the records, and the ledger indices of the entries made.
 */
export async function storeAndEnter<T>(app: AppContext, kind: Pick<RecordKind<T>, 'type' | 'idOf' | 'subjectOf' | 'add' | 'setLedgerIndices'>, records: readonly T[]): Promise<{ outcomes: AddOutcome[]; indices: number[] }> {
  const outcomes = records.length === 0 ? [] : await kind.add(records, app.clock().toISOString());
  const toLedger: T[] = [];
  const queued = new Set<string>();
  outcomes.forEach((o, i) => {
    if (o.status === 'conflict' || o.ledgerIndex !== null || queued.has(o.id)) return;
    queued.add(o.id);
    toLedger.push(records[i]!);
  });
  if (toLedger.length === 0) return { outcomes, indices: [] };
  const indices = await recordInLedger(app, kind.type, toLedger.map((r) => ({ subject: kind.subjectOf(r), payload: r })));
  await kind.setLedgerIndices(toLedger.map((r, i) => ({ id: kind.idOf(r), index: indices[i]! })));
  return { outcomes, indices };
}
