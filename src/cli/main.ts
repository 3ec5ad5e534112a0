import { Command } from 'commander';
import { ingestCommand } from './commands/ingest.ts';

/** The `portcullis` command. Each subcommand lives in commands/, one file each. */
const program = new Command()
  .name('portcullis')
  .description('Customs security risk evaluation: intake, risk models, targeting and a verifiable ledger')
  .version('0.1.0')
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(s) })
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

ingestCommand(program);

await program.parseAsync(process.argv);
