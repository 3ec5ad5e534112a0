/**
 * The command table of `portcullis` (src/cli/commands.ts): a command loads only the module that
 * registers it, so every top-level command must be found in the table under the module that
 * registers it. One missing falls back to loading every module, which is right but twice as slow.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { COMMANDS, moduleOf } from '../../src/cli/commands.ts';

test('every top-level command is found under the module that registers it, and no two modules register one name', async () => {
  const registeredBy = new Map<string, string>();
  for (const [module, load] of Object.entries(COMMANDS)) {
    const program = new Command();
    (await load())(program);
    for (const c of program.commands) {
      assert.equal(registeredBy.get(c.name()), undefined, `${c.name()} is registered by ${registeredBy.get(c.name())} and by ${module}`);
      registeredBy.set(c.name(), module);
      assert.equal(moduleOf(c.name()), module, `portcullis ${c.name()} is registered by the module "${module}" but the table finds ${String(moduleOf(c.name()))}`);
    }
  }
  assert.ok(registeredBy.size >= Object.keys(COMMANDS).length);
  for (const none of ['', '--help', 'help', 'no-such-command', 'constructor', '__proto__']) assert.equal(moduleOf(none), undefined, none);
});
