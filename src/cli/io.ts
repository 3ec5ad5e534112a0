/**
 * Where the commands write: the process's own streams when run as `portcullis`. A caller that runs
 * commands within its own process (the CLI tests, through src/cli/program.ts) gives other sinks for
 * the time of a run, so that commands never write to process.stdout or process.stderr themselves.
 */
export interface CliSink {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

export const io: { out: CliSink; err: CliSink } = { out: process.stdout, err: process.stderr };
