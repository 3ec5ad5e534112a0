import { isPortcullisError } from '../domain/errors.ts';
import { io } from './io.ts';

/** How a command reports: one JSON object on stdout with --json, readable text otherwise. */
export interface Out {
  readonly json: boolean;
  /** Human-readable text: stdout normally, stderr under --json so that stdout stays one JSON object. */
  text(line: string): void;
  result(obj: object, lines: readonly string[]): void;
}

export function makeOut(json: boolean): Out {
  return {
    json,
    text: (line) => (json ? io.err : io.out).write(`${line}\n`),
    result(obj, lines) {
      if (json) io.out.write(`${JSON.stringify(obj)}\n`);
      else for (const l of lines) io.out.write(`${l}\n`);
    },
  };
}

/** Exit codes: 0 done, 1 failed, 2 bad input (arguments, mapping, file). */
export function exitCodeOf(e: unknown): number {
  if (!isPortcullisError(e)) return 1;
  return ['INVALID_INPUT', 'INVALID_MAPPING', 'INVALID_FILE', 'CONFIG_ERROR', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNAUTHENTICATED', 'RATE_LIMITED'].includes(e.code) ? 2 : 1;
}

/** Runs a command's body; reports any error plainly (and as JSON under --json) and sets the exit code. */
export async function runAction(json: boolean, body: (out: Out) => Promise<number | void>): Promise<void> {
  const out = makeOut(json);
  try {
    const code = await body(out);
    process.exitCode = code ?? 0;
  } catch (e) {
    const busy = (e as { code?: unknown } | null)?.code === 'SQLITE_BUSY';
    const code = isPortcullisError(e) ? e.code : busy ? 'STORE_ERROR' : 'INTERNAL';
    const message = busy ? 'the SQLite database is busy: another process is writing to it; try again when it is done' : e instanceof Error ? e.message : String(e);
    io.err.write(`portcullis: error [${code}]: ${message}\n`);
    if (isPortcullisError(e)) for (const d of e.details.slice(0, 20)) io.err.write(`  ${d.field ?? ''}${d.row !== undefined ? ` (row ${d.row})` : ''}: ${d.problem}${d.expected ? `; expected ${d.expected}` : ''}\n`);
    if (!isPortcullisError(e) && e instanceof Error && process.env.PORTCULLIS_DEBUG) io.err.write(`${e.stack}\n`);
    if (json) {
      const details = isPortcullisError(e) ? e.details : [];
      io.out.write(`${JSON.stringify({ ok: false, error: { code, message, details } })}\n`);
    }
    process.exitCode = exitCodeOf(e);
  }
}
