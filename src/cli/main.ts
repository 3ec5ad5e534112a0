import { Command } from 'commander';
import { COMMANDS, moduleOf } from './commands.ts';

// Output piped into a reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const program = new Command()
  .name('portcullis')
  .description('Customs security risk evaluation: intake, risk models, targeting and a verifiable ledger')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

const one = moduleOf(process.argv[2] ?? '');
for (const name of one === undefined ? Object.keys(COMMANDS) : [one]) (await COMMANDS[name]!())(program);

await program.parseAsync(process.argv);
