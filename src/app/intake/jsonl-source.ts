import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pump } from './row-pump.ts';
import type { Locate } from './row-converter.ts';
import type { RowSource, SourceRow } from './source.ts';

type Json = Record<string, unknown>;

/**
 * Streams a JSON Lines file: one JSON object per line, UTF-8 with or without a byte-order mark.
 * A line that is not a JSON object (a truncated last line, say) is a broken row, not an error
 * that stops the file. Columns are key paths ("goods.hs" reads {"goods":{"hs":…}}).
 */
export async function openJsonlSource(file: string, onChunk: (chunk: Buffer) => void): Promise<RowSource<Json>> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  input.on('data', (chunk) => onChunk(chunk as Buffer));
  let rest = '';
  let first = true;
  const lines = new Transform({
    readableObjectMode: true,
    decodeStrings: false,
    transform(chunk: Buffer, _enc, done) {
      let text = rest + chunk.toString('utf8');
      if (first) {
        text = text.replace(/^\uFEFF/, '');
        first = false;
      }
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (const l of parts) this.push(l);
      done();
    },
    flush(done) {
      if (rest !== '') this.push(rest);
      done();
    },
  });
  const stream = input.pipe(lines);
  const p = pump<SourceRow<Json>>(stream, [input]);
  let row = 0;
  stream.on('data', (line: string) => {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() === '') return;
    row += 1;
    try {
      const v: unknown = JSON.parse(text);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) p.push({ row, cells: v as Json });
      else p.push({ row, broken: { problem: 'is JSON but not an object', expected: 'one JSON object per line' } });
    } catch {
      p.push({ row, broken: { problem: 'is not valid JSON (truncated or broken line)', expected: 'one JSON object per line' } });
    }
  });
  return { columns: [], locate: jsonLocate, rows: p.batches(), close: () => input.destroy() };
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
