/**
 * Training memory (issue: Risk models): `portcullis train --json` on N generated declarations
 * (default 1,000,000; generated once, seed `bench`, cached in the OS temp dir beside the ingest
 * benchmark's file), label illicit, the last two months validating, in its own process: peak RSS
 * (through /usr/bin/time; skipped without it), wall time and the validation AUC it prints.
 * Target: peak RSS < 1 GB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_MAPPING as MAPPING, generatedFile, ROOT } from './generated.ts';
import { emit, machine, median, round } from './stats.ts';

const TIME = '/usr/bin/time';

export async function benchTrainMemory(opts: { rows: number; runs: number }): Promise<void> {
  if (!existsSync(TIME)) return emit({ bench: 'risk-train-memory', skipped: `${TIME} not found (GNU time reports the peak RSS)` });
  const file = await generatedFile(opts.rows);
  const out = mkdtempSync(join(tmpdir(), 'portcullis-bench-train-'));
  try {
    const results = [];
    for (let i = 0; i < opts.runs; i++) {
      const rss = join(out, 'rss');
      const args = ['-f', '%M', '-o', rss, join(ROOT, 'bin/portcullis'), 'train', '--data', file, '--mapping', MAPPING, '--label', 'illicit', '--valid-from', '2025-11-01', '--seed', '7', '--out', join(out, 'm.json'), '--json'];
      const t = performance.now();
      const r = spawnSync(TIME, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
      const seconds = (performance.now() - t) / 1000;
      if (r.error) throw r.error;
      if (r.status !== 0) throw new Error(`portcullis train exited with ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
      const printed = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rows: { train: number; valid: number }; rounds: number; validation: { auc: number } };
      // GNU time writes max RSS in KiB on the file's last line.
      const peakRssMB = Math.round(Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024);
      results.push({ seconds, peakRssMB, printed });
    }
    const last = results.at(-1)!.printed;
    const target = { maxPeakRssMB: 1024 };
    const peak = Math.max(...results.map((r) => r.peakRssMB));
    emit({
      bench: 'risk-train-memory',
      rows: last.rows,
      rounds: last.rounds,
      runs: results.length,
      peakRssMBMax: peak,
      secondsMedian: round(median(results.map((r) => r.seconds))),
      validationAuc: round(last.validation.auc, 4),
      target,
      meetsTarget: peak < target.maxPeakRssMB,
      machine: machine(),
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

