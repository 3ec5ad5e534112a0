import type { Declaration, Labels } from '../../domain/declaration.ts';
import { PortcullisError } from '../../domain/errors.ts';
import type { Mapping } from '../intake/mapping.ts';
import { openSource } from '../intake/open-source.ts';
import { compileRowConverter, type ReadRow } from '../intake/row-converter.ts';

export type LabelName = 'illicit' | 'critical';

/** Declarations read from data files for training or evaluation, with their outcome labels. */
export interface LabelledSet {
  readonly declarations: Declaration[];
  /** 1 illicit (or critical), 0 not; NaN where the row has no label. */
  readonly labels: Float64Array;
  /** Every outcome the mapping has, the same way (a model learns from the other outcomes' profiles too). */
  readonly outcomes: Partial<Record<LabelName, Float64Array>>;
  /** Revenue recovered, or the duty at stake where the data has none (what finding a fraud there is worth). */
  readonly revenue: Float64Array;
  readonly rows: number;
  readonly rejected: number;
}

/**
 * Reads declaration files through a mapping, in file order, keeping the valid declarations (bad
 * rows are counted, as intake would reject them). The label must be a column of the mapping.
 */
export async function readLabelled(files: readonly string[], mapping: Mapping, label: LabelName | undefined, onProgress?: (rows: number, file: string) => void): Promise<LabelledSet> {
  const declarations: Declaration[] = [];
  const labels: number[] = [];
  const names = (['illicit', 'critical'] as const).filter((l) => mapping.labels[l] !== undefined);
  const outcomes = names.map(() => [] as number[]);
  const revenue: number[] = [];
  const { rows, rejected } = await forEachLabelled(files, mapping, label, (d, l) => {
    declarations.push(d);
    const v = label === undefined ? undefined : l[label];
    labels.push(v === undefined ? Number.NaN : v ? 1 : 0);
    names.forEach((n, j) => outcomes[j]!.push(l[n] === undefined ? Number.NaN : l[n] ? 1 : 0));
    revenue.push(revenueOf(d, l));
  }, onProgress);
  return { declarations, labels: Float64Array.from(labels), outcomes: Object.fromEntries(names.map((n, j) => [n, Float64Array.from(outcomes[j]!)])), revenue: Float64Array.from(revenue), rows, rejected };
}

/** Revenue recovered, or the duty at stake where the data has none. */
export function revenueOf(d: Declaration, l: Labels): number {
  let duty = 0;
  for (const it of d.items) duty += it.duty ?? 0;
  return l.revenueRecovered ?? duty;
}

/**
 * Reads declaration files as readLabelled does, handing each valid declaration and its labels to
 * `visit` as it is read instead of keeping them (for data too large to hold as declarations).
 */
export async function forEachLabelled(files: readonly string[], mapping: Mapping, label: LabelName | undefined, visit: (d: Declaration, l: Labels) => void, onProgress?: (rows: number, file: string) => void): Promise<{ rows: number; rejected: number }> {
  if (label !== undefined && mapping.labels[label] === undefined) {
    const have = Object.keys(mapping.labels);
    throw new PortcullisError('INVALID_MAPPING', `the mapping has no "${label}" label column (it has ${have.length > 0 ? have.join(', ') : 'no labels'})`, [
      { field: `labels.${label}`, problem: 'is not in the mapping', expected: `a "labels": { "${label}": { "column": … } } entry` },
    ]);
  }
  let rows = 0;
  let rejected = 0;
  let kept = 0;
  const keep = (d: Declaration, l: Labels) => {
    kept += 1;
    visit(d, l);
  };
  for (const file of files) {
    const { source } = await openSource(file, mapping, () => {}, 4096);
    try {
      const converter = compileRowConverter(mapping, source.locate);
      let group: ReadRow[] = [];
      const finish = () => {
        if (group.length === 0) return;
        const f = converter.finish(group);
        if (f.ok) keep(f.declaration, f.labels);
        else rejected += 1;
        group = [];
      };
      for await (const batch of source.rows) {
        for (const r of batch) {
          rows += 1;
          if (r.broken !== undefined || r.cells === undefined) {
            rejected += 1;
            continue;
          }
          const read = converter.read(r.cells);
          if (!mapping.groupItems || group.length === 0 || read.id === undefined || read.id !== group[0]!.id) finish();
          group.push(read);
        }
        onProgress?.(rows, file);
      }
      finish();
    } finally {
      source.close();
    }
  }
  if (kept === 0 && rows > 0) {
    throw new PortcullisError('INVALID_INPUT', `none of the ${rows} rows could be read through the mapping (are its column names those of the files? try portcullis mapping check --sample FILE)`, [
      { field: '(rows)', problem: `${rejected} of ${rows} rows rejected`, expected: 'rows that the mapping can read' },
    ]);
  }
  return { rows, rejected };
}
