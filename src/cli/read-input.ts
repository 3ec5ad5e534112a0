import { readFile } from 'node:fs/promises';
import { PortcullisError } from '../domain/errors.ts';

/** A file's text, or standard input's for `-`; INVALID_FILE naming what could not be read. */
export async function readText(path: string, what: string): Promise<string> {
  try {
    return path === '-'
      ? await new Promise<string>((resolve, reject) => {
          let s = '';
          process.stdin.setEncoding('utf8').on('data', (c) => (s += c)).on('end', () => resolve(s)).on('error', reject);
        })
      : await readFile(path, 'utf8');
  } catch (e) {
    throw new PortcullisError('INVALID_FILE', `cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

/** A key given on the command line, or the file holding it (`@file`). */
export async function keyArg(v: string): Promise<string> {
  return v.startsWith('@') ? (await readText(v.slice(1), 'key file')).trim() : v;
}
