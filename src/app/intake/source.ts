import type { Locate } from './row-converter.ts';

/** One row of a source file: its cells, or why it could not be read at all. */
export interface SourceRow<R> {
  /** 1-based number of the data row (the header is not counted). */
  readonly row: number;
  /** 1-based line of the file where the row starts. */
  readonly line: number;
  /** The cells, when the row could be split into cells (a broken row may still have some). */
  readonly cells?: R;
  readonly broken?: { readonly problem: string; readonly expected: string };
}

/** A file opened for intake: how to find a column, and its rows in batches. */
export interface RowSource<R> {
  readonly columns: readonly string[];
  readonly locate: Locate<R>;
  readonly rows: AsyncGenerator<SourceRow<R>[]>;
  close(): void;
}
