import type { Command } from 'commander';
import { setPassword } from '../../app/auth/index.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { actorOf, AS_OPTION } from '../options.ts';
import { runAction } from '../output.ts';
import { readText } from '../read-input.ts';
import { withApp } from '../with-app.ts';
import { io } from '../io.ts';

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  io.err.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let s = '';
    const end = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      io.err.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          end();
          resolve(s);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          end();
          reject(new PortcullisError('INVALID_INPUT', 'no password given: cancelled', [{ field: 'password', problem: 'cancelled', expected: 'a new password' }]));
          return;
        }
        if (ch === '\u007f' || ch === '\b') s = s.slice(0, -1);
        else s += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The new password: from standard input (one line, its line ending dropped) or asked twice at the terminal. */
async function newPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return (await readText('-', 'the password on')).replace(/\r?\n$/, '');
  if (!process.stdin.isTTY) {
    throw new PortcullisError('INVALID_INPUT', 'no terminal to ask the password at', [{ field: 'password', problem: 'standard input is not a terminal', expected: '--password-stdin with the password on standard input' }]);
  }
  const a = await promptHidden('new password: ');
  const b = await promptHidden('again: ');
  if (a !== b) throw new PortcullisError('INVALID_INPUT', 'the two passwords differ', [{ field: 'password', problem: 'the second differs from the first', expected: 'the same password twice' }]);
  return a;
}

/** `portcullis users passwd USER`: registered on the `users` command of users.ts. */
export function usersPasswdCommand(program: Command): void {
  const users = program.commands.find((c) => c.name() === 'users') ?? program.command('users');
  users
    .command('passwd')
    .description("set a user's password (its own, or anyone's by an admin); the user's sessions end")
    .argument('<user>', 'the user whose password is set')
    .option('--password-stdin', 'read the password from standard input instead of asking for it', false)
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((user: string, o: { passwordStdin: boolean; as?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const password = await newPassword(o.passwordStdin);
        await withApp(async (app) => {
          await setPassword(app, actorOf(o) ?? user, user, password);
          out.result({ ok: true, user }, [`password of ${user} set; its sessions have ended`]);
        });
      }),
    );
}
