import { stat } from 'node:fs/promises';
import { PortcullisError } from '../../domain/errors.ts';
import { openCsvSource } from './csv-source.ts';
import { openJsonlSource } from './jsonl-source.ts';
import type { Mapping } from './mapping.ts';
import type { RowSource } from './source.ts';

/** Opens a data file as the mapping says (CSV or JSON Lines); a missing or unreadable file is INVALID_FILE. */
export async function openSource(
  file: string,
  mapping: Mapping,
  onChunk: (chunk: Buffer) => void,
  batchRows: number,
): Promise<{ source: RowSource<unknown>; bytes: number }> {
  const bytes = await stat(file).then(
    (st) => {
      if (!st.isFile()) throw new PortcullisError('INVALID_FILE', `${file} is not a file`);
      return st.size;
    },
    (e: NodeJS.ErrnoException) => {
      throw new PortcullisError('INVALID_FILE', `cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, [], { cause: e });
    },
  );
  const source =
    mapping.format === 'jsonl'
      ? ((await openJsonlSource(file, onChunk, batchRows)) as RowSource<unknown>)
      : ((await openCsvSource(file, mapping.csv, onChunk, batchRows)) as RowSource<unknown>);
  return { source, bytes };
}
