/** The `portcullis` command run as a user runs it, in a child process: shared by the CLI tests. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/portcullis');
export const MAPPING = join(ROOT, 'examples/mappings/generated.json');

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs bin/portcullis with the arguments, on SQLite (no DATABASE_URL) and as no user unless `env`
 * says otherwise; resolves with the exit code and what it printed.
 */
export function runCli(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(BIN, args, { env: { ...process.env, DATABASE_URL: '', PORTCULLIS_USER: '', ...env }, cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

/** The last line of a command's stdout, as the JSON object `--json` prints. */
export const lastJson = (out: string): Record<string, unknown> => JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
