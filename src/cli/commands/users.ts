import type { Command } from 'commander';
import { addUser, listUsers } from '../../app/targeting/users.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';

export function usersCommand(program: Command): void {
  const cmd = program.command('users').description('the people who act: analysts, supervisors, officers, …');
  cmd
    .command('add')
    .description('add a user with one or more roles (admin, analyst, supervisor, officer, trader, carrier, auditor, device)')
    .argument('<id>', 'user id: letters, digits and . _ @ -')
    .requiredOption('--role <roles...>', 'one or more roles')
    .option('--name <name>', 'display name (default: the id)')
    .option('--party <id>', 'the trader or carrier the user acts for')
    .option('--json', 'print one JSON object', false)
    .action((id: string, o: { role: string[]; name?: string; party?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const u = await addUser(app, { id, roles: o.role, ...(o.name !== undefined ? { name: o.name } : {}), ...(o.party !== undefined ? { party: o.party } : {}) });
          out.result({ ok: true, user: u }, [`added ${u.id} (${u.roles.join(', ')})`]);
        }),
      ),
    );
  cmd
    .command('list')
    .description('list the users and their roles')
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const users = await listUsers(app);
          out.result({ users }, users.length === 0 ? ['no users yet: portcullis users add ID --role analyst'] : users.map((u) => `${u.id.padEnd(20)} ${u.roles.join(', ')}${u.name !== u.id ? `  (${u.name})` : ''}`));
        }),
      ),
    );
}
