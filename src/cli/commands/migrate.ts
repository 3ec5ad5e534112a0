import type { Command } from 'commander';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create or bring up to date the database schema (every command does this on start)')
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, async (out) => {
        return withApp(async (app) => {
          out.result({ ok: true, store: app.store.description }, [`schema up to date on ${app.store.description}`]);
        });
      }),
    );
}
