import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { PortcullisError } from '../../domain/errors.ts';

/** One problem with one row; a row with several problems has several lines in the reject file. */
export interface Rejection {
  readonly file: string;
  readonly row: number;
  readonly line?: number | undefined;
  readonly declarationId?: string | undefined;
  readonly field?: string | undefined;
  readonly column?: string | undefined;
  readonly value?: string | undefined;
  readonly problem: string;
  readonly expected?: string | undefined;
}

const HEADER = ['file', 'row', 'line', 'declaration_id', 'field', 'column', 'value', 'problem', 'expected'];

/** A CSV cell; text that a spreadsheet would run as a formula is prefixed with ' (CSV injection). */
function csvCell(v: string | number | undefined): string {
  if (v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV file of rejections, created on the first one only, so a clean intake leaves no file behind. */
export class RejectFile {
  private out: WriteStream | null = null;
  private failure: Error | null = null;

  constructor(readonly path: string) {}

  /** Refuses, before anything is stored, a path where the reject file could not be written. */
  async check(): Promise<void> {
    const st = await stat(this.path).catch(() => null);
    if (st?.isDirectory()) throw new PortcullisError('INVALID_INPUT', `reject file ${this.path} is a directory`, [{ field: '--rejects', problem: 'is a directory', expected: 'a file path' }]);
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      await access(dirname(this.path), constants.W_OK);
    } catch (e) {
      throw new PortcullisError('INVALID_INPUT', `cannot write the reject file ${this.path}: ${(e as Error).message}`, [{ field: '--rejects', problem: 'not writable', expected: 'a path in a writable folder' }], { cause: e });
    }
  }

  get used(): boolean {
    return this.out !== null;
  }

  async write(rejections: readonly Rejection[]): Promise<void> {
    if (rejections.length === 0) return;
    if (this.out === null) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.out = createWriteStream(this.path, { flags: 'w' });
      this.out.on('error', (e) => (this.failure ??= e));
      this.out.write(`${HEADER.join(',')}\n`);
    }
    const text = rejections
      .map((r) => [r.file, r.row, r.line, r.declarationId, r.field, r.column, r.value, r.problem, r.expected].map(csvCell).join(','))
      .join('\n');
    if (this.failure) throw this.failure;
    if (!this.out.write(`${text}\n`)) await once(this.out, 'drain'); // rejects if the stream fails meanwhile
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.out === null) return;
    const out = this.out;
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}
