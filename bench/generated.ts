/** The generated declarations file that the intake and training benches share, written once. */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeGeneratedCsv } from '../src/app/generator/index.ts';
import { emit } from './stats.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const GENERATED_MAPPING = join(ROOT, 'examples/mappings/generated.json');

/** N generated rows (seed "bench"), cached in the OS temp dir: written, and reported, only when missing. */
export async function generatedFile(rows: number): Promise<string> {
  const dir = join(tmpdir(), 'portcullis-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `generated-${rows}-bench.csv`);
  if (!existsSync(file)) {
    const t = performance.now();
    const s = await writeGeneratedCsv(file, { rows, seed: 'bench' });
    const seconds = (performance.now() - t) / 1000;
    emit({ bench: 'generate', rows: s.rows, seconds: Math.round(seconds * 1000) / 1000, rowsPerSecond: Math.round(s.rows / seconds) });
  }
  return file;
}
