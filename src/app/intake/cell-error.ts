/** Thrown by a cell reader: what was wrong with the cell and what was expected instead. */
export class CellError extends Error {
  constructor(
    readonly problem: string,
    readonly expected: string,
  ) {
    super(problem);
  }
}
