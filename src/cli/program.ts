import { Command, type OutputConfiguration } from 'commander';
import { COMMANDS, moduleOf } from './commands.ts';
import { io } from './io.ts';

/**
 * The `portcullis` command line, with the subcommands that `first` (the first argument) needs: its
 * own module only, or all of them for help and unknown commands. `onExit` receives what commander
 * would exit with (help, a version, a parse error); it is set before the subcommands are added, so
 * that they inherit it, as they inherit where commander writes (io).
 */
export async function buildProgram(first: string, onExit: (exitCode: number) => void): Promise<Command> {
  const output: OutputConfiguration = { writeOut: (s) => void io.out.write(s), writeErr: (s) => void io.err.write(s) };
  const program = new Command()
    .name('portcullis')
    .description('Customs security risk evaluation: intake, risk models, targeting and a verifiable ledger')
    .version('0.1.0')
    .configureOutput(output)
    .showHelpAfterError()
    .exitOverride((err) => {
      onExit(err.exitCode === 0 ? 0 : 2);
      throw err;
    });
  const one = moduleOf(first);
  for (const name of one === undefined ? Object.keys(COMMANDS) : [one]) (await COMMANDS[name]!())(program);
  return program;
}
