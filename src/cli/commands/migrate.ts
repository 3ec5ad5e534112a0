import type { Command } from 'commander';
import { loadConfig } from '../../app/config.ts';
import { openApp } from '../../app/context.ts';
import { runAction } from '../output.ts';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create or bring up to date the database schema (every command does this on start)')
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, async (out) => {
        const app = await openApp(loadConfig(process.env));
        try {
          out.result({ ok: true, store: app.store.description }, [`schema up to date on ${app.store.description}`]);
        } finally {
          await app.close();
        }
      }),
    );
}
