import type { Command } from 'commander';
import { actingUser, createApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from '../../app/auth/index.ts';
import { actorOf, AS_OPTION } from '../options.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';

const line = (k: ApiKeyInfo) =>
  `${k.id}  ${k.user.padEnd(16)} ${k.name.padEnd(24)} created ${k.createdAt}  last used ${k.lastUsedAt ?? 'never'}${k.expiresAt !== null ? `  expires ${k.expiresAt}` : ''}${k.revokedAt !== null ? `  REVOKED ${k.revokedAt}` : ''}`;

export function apiKeysCommand(program: Command): void {
  const cmd = program.command('api-keys').description('API keys of machine clients (pcl_…): create, list, revoke');
  cmd
    .command('create')
    .description('create a key for a user (yourself, or anyone as an admin); the key is printed once')
    .requiredOption('--name <name>', 'what uses the key')
    .option('--user <user>', 'whose key (default: the user who acts)')
    .option('--expires <time>', 'when the key stops working, ISO 8601 UTC')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((o: { name: string; user?: string; expires?: string; as?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const actor = await actingUser(app, actorOf(o), 'creating an API key');
          const k = await createApiKey(app, actor, { user: o.user ?? actor.id, name: o.name, ...(o.expires !== undefined ? { expiresAt: o.expires } : {}) });
          out.result({ ok: true, apiKey: k }, [k.key, `API key ${k.id} for ${k.user} ("${k.name}")${k.expiresAt !== null ? `, expires ${k.expiresAt}` : ''}: keep it now, it is not shown again`]);
        }),
      ),
    );
  cmd
    .command('list')
    .description('list your keys, a user’s (--user, admin), or everyone’s (admin)')
    .option('--user <user>', 'whose keys')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((o: { user?: string; as?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const actor = await actingUser(app, actorOf(o), 'listing API keys');
          const keys = await listApiKeys(app, actor, o.user);
          out.result({ apiKeys: keys }, keys.length === 0 ? ['no API keys'] : keys.map(line));
        }),
      ),
    );
  cmd
    .command('revoke')
    .description('revoke a key: it stops working at once (within seconds on a running server)')
    .argument('<id>', 'the key id (the 12 characters after pcl_)')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((id: string, o: { as?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const actor = await actingUser(app, actorOf(o), 'revoking an API key');
          await revokeApiKey(app, actor, id);
          out.result({ ok: true, id }, [`API key ${id} revoked`]);
        }),
      ),
    );
}
