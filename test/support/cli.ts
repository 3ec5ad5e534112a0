/**
 * The `portcullis` command in the CLI tests, two ways:
 * - `runCli`: the command line built as bin/portcullis builds it (src/cli/program.ts), run within
 *   the test's process with the given environment, its output caught (src/cli/io.ts). A new
 *   process would spend a second or two loading modules through the TypeScript loader for each
 *   command, which was most of the CLI tests' time.
 * - `spawnCli`: bin/portcullis in a child process, as a user runs it, for what only a process
 *   shows: exit codes of the real process, signals, standard input, two commands at once.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { CommanderError } from 'commander';
import { io, type CliSink } from '../../src/cli/io.ts';
import { buildProgram } from '../../src/cli/program.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/portcullis');
export const MAPPING = join(ROOT, 'examples/mappings/generated.json');

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Base environment of both: SQLite (no DATABASE_URL) and no user unless `env` says otherwise. */
const baseEnv = (env: Record<string, string>): Record<string, string> => ({ DATABASE_URL: '', PORTCULLIS_USER: '', ...env });

/** Runs bin/portcullis with the arguments in a child process; resolves with the exit code and what it printed. */
export function spawnCli(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return spawnCliWithInput(env, '', ...args);
}

/** spawnCli, with `input` on the command's standard input. */
export function spawnCliWithInput(env: Record<string, string>, input: string, ...args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(BIN, args, { env: { ...process.env, ...baseEnv(env) }, cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

/** One command at a time: each run has the process's environment and output to itself. */
let running: Promise<unknown> = Promise.resolve();

/**
 * Runs the command line with the arguments in this process, with `env` over the process's
 * environment for the time of the run; resolves with the exit code a process would have ended
 * with and what it printed.
 */
export function runCli(env: Record<string, string>, ...args: string[]): Promise<Run> {
  const run = running.then(() => runHere(baseEnv(env), args));
  running = run.catch(() => undefined);
  return run;
}

async function runHere(env: Record<string, string>, args: readonly string[]): Promise<Run> {
  const before = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  const streams = { out: io.out, err: io.err };
  const exitCode = process.exitCode;
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void): CliSink => ({ write: (s: string) => (add(s), true), isTTY: false });
  Object.assign(process.env, env);
  io.out = sink((s) => (stdout += s));
  io.err = sink((s) => (stderr += s));
  process.exitCode = undefined;
  let code: number;
  try {
    let exited: number | undefined;
    const program = await buildProgram(args[0] ?? '', (c) => (exited = c));
    try {
      await program.parseAsync(['node', 'portcullis', ...args]);
      code = Number(process.exitCode ?? 0);
    } catch (e) {
      if (!(e instanceof CommanderError) || exited === undefined) throw e;
      code = exited;
    }
  } catch (e) {
    // What would have ended the process uncaught.
    stderr += `${(e as Error).stack ?? String(e)}\n`;
    code = 1;
  } finally {
    for (const [k, v] of before) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    io.out = streams.out;
    io.err = streams.err;
    process.exitCode = exitCode;
  }
  return { code, stdout, stderr };
}

/** The last line of a command's stdout, as the JSON object `--json` prints. */
export const lastJson = (out: string): Record<string, unknown> => JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
