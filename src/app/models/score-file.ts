import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { transformBatch } from '../../risk/features/transform-batch.ts';
import { predictMarginFast } from '../../risk/gbdt/forest.ts';
import { explain, topReasons } from '../../risk/gbdt/shap.ts';
import { sigmoid } from '../../risk/gbdt/tree.ts';
import { formatCsvRow } from '../generator/csv.ts';
import type { Mapping } from '../intake/mapping.ts';
import type { ModelFile } from './model-file.ts';
import { readLabelled } from './read-labelled.ts';

export const REASONS = 3;

export interface ScoreSummary {
  readonly rows: number;
  readonly scored: number;
  readonly skipped: number;
  readonly out: string;
  readonly meanProbability: number;
}

/**
 * Scores every declaration of the files with a model and writes a CSV: the declaration id, the
 * score (log-odds), the probability, and the top reasons (TreeSHAP contributions to the log-odds).
 */
export async function scoreFile(model: ModelFile, files: readonly string[], mapping: Mapping, out: string, onProgress?: (done: number, total: number) => void): Promise<ScoreSummary> {
  const data = await readLabelled(files, mapping, undefined);
  const matrix = transformBatch(model.pipeline, data.declarations);
  const margin = predictMarginFast(model.booster, matrix);
  const stream = createWriteStream(out);
  const header = ['declaration_id', 'score', 'probability', ...Array.from({ length: REASONS }, (_, i) => [`reason_${i + 1}`, `contribution_${i + 1}`]).flat()];
  stream.write(`${header.join(',')}\n`);
  let sum = 0;
  for (let r = 0; r < matrix.rows; r++) {
    const e = explain(model.booster, (f) => matrix.columns[f]![r]!);
    const reasons = topReasons(e, matrix.names, REASONS);
    const p = sigmoid(margin[r]!);
    sum += p;
    const cells: (string | number)[] = [data.declarations[r]!.id, margin[r]!.toFixed(6), p.toFixed(6)];
    for (let i = 0; i < REASONS; i++) cells.push(reasons[i]?.feature ?? '', reasons[i] ? reasons[i]!.contribution.toFixed(6) : '');
    if (!stream.write(`${formatCsvRow(cells)}\n`)) await once(stream, 'drain');
    if (r % 1000 === 0) onProgress?.(r, matrix.rows);
  }
  stream.end();
  await once(stream, 'finish');
  return { rows: data.rows, scored: matrix.rows, skipped: data.rows - matrix.rows, out, meanProbability: matrix.rows > 0 ? sum / matrix.rows : 0 };
}
