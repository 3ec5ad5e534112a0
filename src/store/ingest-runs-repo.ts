import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export interface IngestRunTotals {
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly rejectFile: string | null;
}

/** The record of every intake run: which file, with which mapping, and what came of it. */
export function ingestRunsRepo(db: Kysely<Schema>) {
  return {
    async start(run: { file: string; mapping: string; strict: boolean; startedAt: string }): Promise<string> {
      const id = randomUUID();
      await db
        .insertInto('ingest_runs')
        .values({ id, file: run.file, file_sha256: null, mapping: run.mapping, strict: run.strict ? 1 : 0, started_at: run.startedAt, status: 'running', rows: 0, accepted: 0, rejected: 0, duplicates: 0 })
        .execute();
      return id;
    },
    async finish(id: string, status: 'done' | 'failed' | 'rolled back', totals: IngestRunTotals, finishedAt: string, fileSha256: string | null): Promise<void> {
      await db
        .updateTable('ingest_runs')
        .set({ status, finished_at: finishedAt, file_sha256: fileSha256, rows: totals.rows, accepted: totals.accepted, rejected: totals.rejected, duplicates: totals.duplicates, reject_file: totals.rejectFile })
        .where('id', '=', id)
        .execute();
    },
    async list(limit = 20) {
      return db.selectFrom('ingest_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
    },
  };
}
export type IngestRunsRepo = ReturnType<typeof ingestRunsRepo>;
