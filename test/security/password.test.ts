import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hash } from '@node-rs/argon2';
import { dummyVerify, hashPassword, needsRehash, passwordProblem, verifyPassword } from '../../src/security/password.ts';

/** The parameters of a PHC string, read by hand (not by the library under test). */
function phc(s: string): { alg: string; v: number; m: number; t: number; p: number; salt: Buffer; hash: Buffer } {
  const m = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(s);
  assert.ok(m, `not a PHC string: ${s}`);
  return { alg: m[1]!, v: Number(m[2]), m: Number(m[3]), t: Number(m[4]), p: Number(m[5]), salt: Buffer.from(m[6]!, 'base64'), hash: Buffer.from(m[7]!, 'base64') };
}

describe('password hashing', () => {
  test('argon2id, version 19, 19456 KiB, 2 passes, 1 lane, 16-byte salt, 32-byte hash', async () => {
    const h = phc(await hashPassword('correct horse battery'));
    assert.deepEqual({ alg: h.alg, v: h.v, m: h.m, t: h.t, p: h.p, salt: h.salt.length, hash: h.hash.length }, { alg: 'argon2id', v: 19, m: 19456, t: 2, p: 1, salt: 16, hash: 32 });
  });

  test('verifies the right password only; each hash has its own salt', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.notEqual(a, b);
    assert.equal(await verifyPassword(a, 'correct horse battery'), true);
    assert.equal(await verifyPassword(b, 'correct horse battery'), true);
    assert.equal(await verifyPassword(a, 'correct horse batterY'), false);
    assert.equal(await verifyPassword(a, ''), false);
    assert.equal(await verifyPassword('not a hash', 'x'), false);
    assert.equal(await dummyVerify('correct horse battery'), false);
  });

  test('needsRehash: weaker parameters, another algorithm or a malformed hash', async () => {
    assert.equal(needsRehash(await hashPassword('pw pw pw pw pw')), false);
    assert.equal(needsRehash(await hash('pw', { memoryCost: 4096, timeCost: 2, parallelism: 1 })), true, 'less memory');
    assert.equal(needsRehash(await hash('pw', { memoryCost: 19456, timeCost: 1, parallelism: 1 })), true, 'fewer passes');
    assert.equal(needsRehash(await hash('pw', { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 1 as never })), true, 'argon2i');
    assert.equal(needsRehash(await hash('pw', { memoryCost: 65536, timeCost: 3, parallelism: 1 })), false, 'stronger is fine');
    assert.equal(needsRehash('$2b$10$abcdefghijklmnopqrstuu'), true, 'bcrypt');
  });

  test('password policy: length, user id, common passwords', () => {
    assert.equal(passwordProblem('short-pw', 'ann'), 'shorter than 12 characters');
    assert.equal(passwordProblem('ann.analyst.1', 'ANN.ANALYST.1'), 'the same as the user id');
    assert.equal(passwordProblem('Password1234', 'ann'), 'a commonly used password');
    assert.equal(passwordProblem('aaaaaaaaaaaaaaaa', 'ann'), 'one character repeated');
    assert.equal(passwordProblem('tangerine-oxbow-47', 'ann'), undefined);
    assert.equal(passwordProblem('ünïcödé-pässwörd', 'ann'), undefined);
  });
});
