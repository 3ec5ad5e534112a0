import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { DeclarationRecord, DeclarationSink, StoreAdapter } from '../../store/index.ts';
import { ingestRunsRepo } from '../../store/index.ts';
import { openSource } from './open-source.ts';
import type { Mapping } from './mapping.ts';
import { RejectFile, type Rejection } from './reject-file.ts';
import { compileRowConverter, type ReadRow, type RowConverter } from './row-converter.ts';

export interface IngestProgress {
  readonly file: string;
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly duplicates: number;
}

export interface FileSummary {
  readonly file: string;
  readonly sha256: string;
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly duplicates: number;
  /** Strict intake of a file with a bad row keeps nothing of that file. */
  readonly rolledBack: boolean;
}

export interface IngestSummary {
  readonly files: FileSummary[];
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly rejectFile: string | null;
  readonly strict: boolean;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

export interface IngestOptions {
  readonly mapping: Mapping;
  readonly mappingName: string;
  readonly strict: boolean;
  readonly rejectFile: string;
  readonly clock: () => Date;
  readonly onProgress?: (p: IngestProgress) => void;
  /**
   * Called with the declarations newly stored, once they are durable (after each batch, or after
   * the file's commit in strict mode), in file order, and with those found stored already with the
   * same content: the ledger's entries are made here (for a duplicate, only if a crash between its
   * storing and its entry left it without one, so that ingesting the file again repairs that).
   */
  readonly onStored?: (inserted: readonly DeclarationRecord[], duplicates: readonly DeclarationRecord[]) => Promise<unknown>;
}

/**
 * Intake of declaration files: each row is read through the mapping, validated, and stored, in
 * batches that are durable when written. A bad row never stops the file; it goes to the reject
 * file with its row number, the field, what was wrong and what was expected. In strict mode a file
 * with any bad row is kept not at all. Re-ingesting the same rows adds nothing (idempotent on the
 * declaration id); a row whose id is stored with other content is rejected as a conflict.
 */
export async function ingestFiles(store: StoreAdapter, files: readonly string[], opts: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const rejects = new RejectFile(opts.rejectFile);
  await rejects.check();
  const summaries: FileSummary[] = [];
  try {
    for (const file of files) summaries.push(await ingestFile(store, file, opts, rejects));
  } finally {
    await rejects.close();
  }
  const sum = (k: 'rows' | 'accepted' | 'rejected' | 'duplicates') => summaries.reduce((a, s) => a + s[k], 0);
  const seconds = (performance.now() - started) / 1000;
  return {
    files: summaries,
    rows: sum('rows'),
    accepted: sum('accepted'),
    rejected: sum('rejected'),
    duplicates: sum('duplicates'),
    rejectFile: rejects.used ? rejects.path : null,
    strict: opts.strict,
    seconds: Math.round(seconds * 1000) / 1000,
    rowsPerSecond: Math.round(sum('rows') / Math.max(seconds, 1e-6)),
  };
}

/** Where a declaration starts in its file. */
interface Place {
  readonly row: number;
  readonly line: number;
}

/** The rows that make one declaration (one row, unless the mapping groups goods items). */
interface Group extends Place {
  readonly reads: ReadRow[];
}

async function ingestFile(store: StoreAdapter, file: string, opts: IngestOptions, rejects: RejectFile): Promise<FileSummary> {
  const { mapping, clock } = opts;
  const hash = createHash('sha256');
  let bytesRead = 0;
  const onChunk = (chunk: Buffer) => {
    bytesRead += chunk.length;
    hash.update(chunk);
  };
  const { source, bytes: bytesTotal } = await openSource(file, mapping, onChunk, store.batchRows);
  let converter: RowConverter<unknown>;
  try {
    converter = compileRowConverter(mapping, source.locate);
  } catch (e) {
    source.close();
    throw e;
  }

  const runs = ingestRunsRepo(store.db);
  let runId: string;
  let sink: DeclarationSink;
  try {
    runId = await runs.start({ file, mapping: opts.mappingName, strict: opts.strict, startedAt: clock().toISOString() });
  } catch (e) {
    source.close();
    throw e;
  }
  try {
    sink = await store.openDeclarationSink({ atomic: opts.strict });
  } catch (e) {
    source.close();
    await runs.finish(runId, 'failed', { rows: 0, accepted: 0, rejected: 0, duplicates: 0, rejectFile: null }, clock().toISOString(), null).catch(() => {});
    throw e;
  }
  const name = basename(file);
  const t = { rows: 0, accepted: 0, rejected: 0, duplicates: 0 };
  let ingestedAt = clock().toISOString();
  let pending: Group | null = null;

  const reject = (out: Rejection[], at: { row: number; line: number }, id: string | undefined, problems: readonly Omit<Rejection, 'file' | 'row' | 'line' | 'declarationId'>[]) => {
    t.rejected += 1;
    for (const p of problems) out.push({ file: name, row: at.row, line: at.line, declarationId: id, ...p });
  };
  const finish = (group: Group, records: DeclarationRecord[], rows: Place[], out: Rejection[]) => {
    const f = converter.finish(group.reads);
    if (f.ok) {
      records.push({ declaration: f.declaration, labels: f.labels, source: `${name}#${group.row}`, ingestedAt });
      // Only where it came from is kept while the write is in flight, not the rows as read.
      rows.push({ row: group.row, line: group.line });
    } else {
      reject(out, group, group.reads[0]?.id, f.problems);
    }
  };
  // Several writes in flight (as many as the store asks for): this batch's is started, then the
  // oldest one is awaited, so the store works while the next batches are read and validated.
  // Outcomes are handled batch after batch, so the reject file lists batches in file order (within a
  // batch, conflicts come after the other rows).
  let tail: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  // Strict intake keeps nothing until the file commits: what it stored waits for that.
  const storedInStrict: DeclarationRecord[] = [];
  const duplicatesInStrict: DeclarationRecord[] = [];
  const store_ = async (records: DeclarationRecord[], rows: Place[], out: Rejection[]) => {
    const previous = tail;
    if (records.length === 0 || (opts.strict && t.rejected > 0)) {
      tail = previous.then(() => rejects.write(out));
    } else {
      const written = sink.write(records);
      tail = Promise.all([previous, written]).then(async ([, statuses]) => {
        const stored: DeclarationRecord[] = [];
        const duplicates: DeclarationRecord[] = [];
        statuses.forEach((s, i) => {
          if (s === 'inserted') stored.push(records[i]!);
          if (s === 'duplicate') duplicates.push(records[i]!);
          if (s === 'inserted') t.accepted += 1;
          else if (s === 'duplicate') t.duplicates += 1;
          else {
            reject(out, rows[i]!, records[i]!.declaration.id, [
              { field: 'id', problem: 'a declaration with this id is already stored with different content or labels', expected: 'a new id, or an amendment of the stored declaration' },
            ]);
          }
        });
        await rejects.write(out);
        if (opts.onStored !== undefined && stored.length + duplicates.length > 0) {
          if (opts.strict) {
            storedInStrict.push(...stored);
            duplicatesInStrict.push(...duplicates);
          } else await opts.onStored(stored, duplicates);
        }
      });
    }
    // Keep an unhandled rejection from surfacing before an await picks the failure up.
    tail.catch(() => {});
    inFlight.push(tail);
    if (inFlight.length >= store.writesInFlight) await inFlight.shift();
  };

  try {
    for await (const batch of source.rows) {
      const records: DeclarationRecord[] = [];
      const rows: Place[] = [];
      const out: Rejection[] = [];
      ingestedAt = clock().toISOString();
      for (const r of batch) {
        t.rows += 1;
        if (r.broken !== undefined) {
          const id = r.cells === undefined ? undefined : converter.idOf(r.cells);
          // A broken row inside a group of goods items breaks its declaration: none of it is kept.
          if (pending !== null && (id === undefined || id === pending.reads[0]?.id)) {
            pending.reads[0]?.problems.push({ field: '(row)', problem: `row ${r.row} of this declaration ${r.broken.problem}`, expected: r.broken.expected });
          }
          reject(out, r, id, [{ field: '(row)', ...r.broken }]);
          continue;
        }
        const read = converter.read(r.cells);
        if (!mapping.groupItems) {
          finish({ row: r.row, line: r.line, reads: [read] }, records, rows, out);
        } else if (pending !== null && read.id !== undefined && pending.reads[0]?.id === read.id) {
          pending.reads.push(read);
        } else {
          if (pending !== null) finish(pending, records, rows, out);
          pending = { row: r.row, line: r.line, reads: [read] };
        }
      }
      await store_(records, rows, out);
      opts.onProgress?.({ file, bytesRead, bytesTotal, ...t });
    }
    if (pending !== null) {
      const records: DeclarationRecord[] = [];
      const rows: Place[] = [];
      const out: Rejection[] = [];
      finish(pending, records, rows, out);
      await store_(records, rows, out);
    }
    await tail;
    const rolledBack = opts.strict && t.rejected > 0;
    if (rolledBack) await sink.rollback();
    else await sink.commit();
    if (!rolledBack && storedInStrict.length + duplicatesInStrict.length > 0) await opts.onStored?.(storedInStrict, duplicatesInStrict);
    const summary: FileSummary = {
      file,
      sha256: hash.digest('hex'),
      rows: t.rows,
      accepted: rolledBack ? 0 : t.accepted,
      rejected: t.rejected,
      duplicates: rolledBack ? 0 : t.duplicates,
      rolledBack,
    };
    await runs.finish(runId, rolledBack ? 'rolled back' : 'done', { ...summary, rejectFile: rejects.used ? rejects.path : null }, clock().toISOString(), summary.sha256);
    opts.onProgress?.({ file, bytesRead, bytesTotal, ...t });
    return summary;
  } catch (e) {
    await sink.rollback().catch(() => {});
    await runs.finish(runId, 'failed', { ...t, rejectFile: rejects.used ? rejects.path : null }, clock().toISOString(), null).catch(() => {});
    throw e;
  } finally {
    source.close();
  }
}
