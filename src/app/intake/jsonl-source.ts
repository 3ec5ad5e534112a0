import { pieces, readTextChunks } from './chunks.ts';
import type { Locate } from './row-converter.ts';
import type { RowSource, SourceRow } from './source.ts';

type Json = Record<string, unknown>;
/** A longer line is refused without being held whole in memory. */
const MAX_LINE = 1 << 20;

/**
 * Streams a JSON Lines file: one JSON object per line, UTF-8 with or without a byte-order mark.
 * A line that is not a JSON object (a truncated last line, say) is a broken row, not an error
 * that stops the file. Columns are key paths ("goods.hs" reads {"goods":{"hs":…}}).
 */
export async function openJsonlSource(file: string, onChunk: (chunk: Buffer) => void, batchRows = 1024): Promise<RowSource<Json>> {
  const reader = readTextChunks(file);
  let row = 0;
  let line = 0;
  const parseLine = (raw: string, out: SourceRow<Json>[]) => {
    line += 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    row += 1;
    try {
      const v: unknown = JSON.parse(text);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push({ row, line, cells: v as Json });
      else out.push({ row, line, broken: { problem: 'is JSON but not an object', expected: 'one JSON object per line' } });
    } catch {
      out.push({ row, line, broken: { problem: 'is not valid JSON (truncated or broken line)', expected: 'one JSON object per line' } });
    }
  };
  async function* rows(): AsyncGenerator<SourceRow<Json>[]> {
    let rest = '';
    let first = true;
    let skipping = false; // inside a line that was too long, until its end
    for await (const chunk of reader.chunks) {
      onChunk(chunk.bytes);
      let text = chunk.text;
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      const out: SourceRow<Json>[] = [];
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        if (skipping) skipping = false;
        else parseLine(rest + text.slice(from, nl), out);
        rest = '';
        from = nl + 1;
      }
      if (!skipping) rest += text.slice(from);
      if (rest.length > MAX_LINE) {
        line += 1;
        row += 1;
        out.push({ row, line, broken: { problem: `is longer than ${MAX_LINE} characters`, expected: 'one JSON object per line' } });
        rest = '';
        skipping = true;
      }
      yield* pieces(out, batchRows);
    }
    const out: SourceRow<Json>[] = [];
    if (rest !== '' && !skipping) parseLine(rest, out);
    yield* pieces(out, batchRows);
  }
  return { columns: [], locate: jsonLocate, rows: rows(), close: () => reader.close() };
}

const jsonLocate: Locate<Json> = (column) => {
  const path = column.split('.');
  if (path.length === 1) return (o) => o[column];
  return (o) => {
    let v: unknown = o;
    for (const k of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Json)[k];
    }
    return v;
  };
};
