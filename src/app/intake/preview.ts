import { openSource } from './open-source.ts';
import type { Mapping } from './mapping.ts';
import { compileRowConverter, type Finished } from './row-converter.ts';

export interface PreviewRow {
  readonly row: number;
  readonly result: Finished | { ok: false; problems: { field: string; problem: string; expected: string }[] };
}

/**
 * Reads the first rows of a file through a mapping without storing anything: how an analyst checks
 * a new mapping before a real intake. Each row is read on its own (no item grouping).
 */
export async function previewMapping(mapping: Mapping, file: string, rows: number): Promise<{ columns: readonly string[]; rows: PreviewRow[] }> {
  const { source } = await openSource(file, mapping, () => {}, Math.max(rows, 1));
  const out: PreviewRow[] = [];
  try {
    const converter = compileRowConverter(mapping, source.locate);
    for await (const batch of source.rows) {
      for (const r of batch) {
        if (out.length >= rows) break;
        if (r.broken !== undefined) out.push({ row: r.row, result: { ok: false, problems: [{ field: '(row)', ...r.broken }] } });
        else out.push({ row: r.row, result: converter.finish([converter.read(r.cells)]) });
      }
      if (out.length >= rows) break;
    }
  } finally {
    source.close();
  }
  return { columns: source.columns, rows: out };
}
