import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { NoteError, type NoteErrorCode } from '../../../src/ledger/note/index.ts';

/** The shared vectors live beside the project, in ../shared/vectors/signed-note. */
const DIR = resolve(import.meta.dirname, '../../../../shared/vectors/signed-note');

/**
 * The parsed vector file, or undefined (after marking the test skipped) when it is absent.
 * The files' shape is documented by the files themselves, so it is read loosely here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function vectors(t: TestContext, file: 'note-vectors.json' | 'checkpoint-vectors.json'): any {
  const path = resolve(DIR, file);
  if (!existsSync(path)) {
    t.skip(`${file} not found: the vectors come from ../shared/vectors`);
    return undefined;
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** 32 bytes derived from a label: repeatable "random" seeds and hashes for tests. */
export function seedBytes(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(label).digest());
}

/** An assert.throws matcher: a NoteError with this code, and a message matching `message`. */
export function noteError(code: NoteErrorCode, message?: RegExp) {
  return (e: unknown): boolean => {
    if (!(e instanceof NoteError)) throw new Error(`expected a NoteError ${code}, got ${String(e)}`);
    if (e.code !== code) throw new Error(`expected code ${code}, got ${e.code}: ${e.message}`);
    if (message !== undefined && !message.test(e.message)) throw new Error(`expected the message to match ${message}, got: ${e.message}`);
    return true;
  };
}
