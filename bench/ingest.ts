/**
 * Ingest benchmark (issue: Foundation). Generates N declarations once (cached in the OS temp dir),
 * then ingests them with `portcullis ingest` into a fresh SQLite file, and into a fresh PostgreSQL
 * schema when DATABASE_URL is set, each in its own process, several times. Reports the median throughput and the peak RSS.
 * Targets: SQLite >= 50,000 rows/s with peak RSS < 300 MB; PostgreSQL >= 20,000 rows/s.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { GENERATED_MAPPING as MAPPING, generatedFile, ROOT } from './generated.ts';
import { emit, machine, median } from './stats.ts';

export async function benchIngest(opts: { rows: number; runs: number; only?: string }): Promise<void> {
  const file = await generatedFile(opts.rows);
  const child = (env: Record<string, string>) => {
    // The command users run, in its own process, so that its peak RSS is its own.
    const out = execFileSync(join(ROOT, 'bin/portcullis'), ['ingest', file, '--mapping', MAPPING, '--rejects', `${file}.rejects.csv`, '--json'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', ...env },
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out.trim().split('\n').pop()!) as { rows: number; accepted: number; rejected: number; seconds: number; rowsPerSecond: number; peakRssMB: number };
  };

  if (!opts.only || opts.only === 'sqlite') {
    const runs = [];
    for (let i = 0; i < opts.runs; i++) {
      const db = join(dirname(file), `ingest-${i}.db`);
      for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
      runs.push(child({ PORTCULLIS_DB: db }));
      for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    }
    report('ingest-sqlite', runs, { minRowsPerSecond: 50_000, maxPeakRssMB: 300 });
  }

  const url = process.env.DATABASE_URL;
  if (!opts.only || opts.only === 'postgres') {
    if (!url) {
      emit({ bench: 'ingest-postgres', skipped: 'DATABASE_URL not set' });
      return;
    }
    const runs = [];
    for (let i = 0; i < opts.runs; i++) {
      const schema = `bench_ingest_${process.pid}_${i}`;
      try {
        runs.push(child({ DATABASE_URL: url, PORTCULLIS_PG_SCHEMA: schema }));
      } finally {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    }
    report('ingest-postgres', runs, { minRowsPerSecond: 20_000 });
  }
}

function report(bench: string, runs: { rows: number; accepted: number; rejected: number; rowsPerSecond: number; peakRssMB: number; seconds: number }[], target: { minRowsPerSecond: number; maxPeakRssMB?: number }) {
  const rps = median(runs.map((r) => r.rowsPerSecond));
  const rss = Math.max(...runs.map((r) => r.peakRssMB));
  emit({
    bench,
    rows: runs[0]?.rows,
    accepted: runs[0]?.accepted,
    rejected: runs[0]?.rejected,
    runs: runs.length,
    rowsPerSecondMedian: rps,
    rowsPerSecondAll: runs.map((r) => r.rowsPerSecond),
    secondsMedian: median(runs.map((r) => r.seconds)),
    peakRssMBMax: rss,
    target,
    meetsTarget: rps >= target.minRowsPerSecond && (target.maxPeakRssMB === undefined || rss < target.maxPeakRssMB),
    machine: machine(),
  });
}

