import { Command } from 'commander';
import { declarationsCommand } from './commands/declarations.ts';
import { generateCommand } from './commands/generate.ts';
import { ingestCommand } from './commands/ingest.ts';
import { mappingCommand } from './commands/mapping.ts';
import { migrateCommand } from './commands/migrate.ts';
import { modelsCommands } from './commands/models.ts';
import { startCommand } from './commands/start.ts';

/** The `portcullis` command. Each subcommand lives in commands/, one file each. */
const program = new Command()
  .name('portcullis')
  .description('Customs security risk evaluation: intake, risk models, targeting and a verifiable ledger')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

startCommand(program);
ingestCommand(program);
generateCommand(program);
mappingCommand(program);
declarationsCommand(program);
migrateCommand(program);
modelsCommands(program);

await program.parseAsync(process.argv);
