import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { isPortcullisError } from '../../src/domain/errors.ts';
import { ACCESS_TOKEN_SECONDS, signAccessToken, verifyAccessToken } from '../../src/security/tokens.ts';

const KEY = randomBytes(32);
const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const SUBJECT = { sub: 'ann', roles: ['analyst'] as const, sid: 'S-1' };

async function refused(p: Promise<unknown>, problem: RegExp): Promise<void> {
  await assert.rejects(p, (e) => isPortcullisError(e) && e.code === 'UNAUTHENTICATED' && problem.test(e.details[0]?.problem ?? ''));
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function forged(header: object, payload: object, key: Uint8Array = KEY, alg = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(alg, key).update(input).digest('base64url')}`;
}

describe('access tokens', () => {
  test('round trip: the claims come back, for 15 minutes', async () => {
    const { token, expiresIn, jti } = await signAccessToken(KEY, { ...SUBJECT, party: 'P-1' }, T0);
    assert.equal(expiresIn, 900);
    const c = await verifyAccessToken(KEY, token, at(899));
    assert.deepEqual({ sub: c.sub, roles: c.roles, party: c.party, sid: c.sid, jti: c.jti, exp: c.exp - c.iat }, { sub: 'ann', roles: ['analyst'], party: 'P-1', sid: 'S-1', jti, exp: ACCESS_TOKEN_SECONDS });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' });
  });

  test('expired at 15 minutes', async () => {
    const { token } = await signAccessToken(KEY, SUBJECT, T0);
    await refused(verifyAccessToken(KEY, token, at(900)), /expired|exp/);
    await refused(verifyAccessToken(KEY, token, at(3600)), /expired|exp/);
  });

  test('not yet valid: issued in the future', async () => {
    const { token } = await signAccessToken(KEY, SUBJECT, at(600));
    await refused(verifyAccessToken(KEY, token, T0), /iat/);
  });

  test('another key, a tampered payload or signature', async () => {
    const { token } = await signAccessToken(KEY, SUBJECT, T0);
    await refused(verifyAccessToken(randomBytes(32), token, T0), /signature/);
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    await refused(verifyAccessToken(KEY, `${h}.${b64({ ...payload, roles: ['admin'] })}.${s}`, T0), /signature/);
    const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
    await refused(verifyAccessToken(KEY, `${h}.${p}.${flipped}`, T0), /signature/);
    await refused(verifyAccessToken(KEY, 'not.a.token', T0), /./);
    await refused(verifyAccessToken(KEY, '', T0), /./);
  });

  test('alg none and other algorithms are refused, even when correctly made', async () => {
    const claims = { sub: 'ann', roles: ['admin'], sid: 'S', jti: 'J', iat: Math.floor(T0.getTime() / 1000), exp: Math.floor(T0.getTime() / 1000) + 60, iss: 'portcullis', aud: 'portcullis-api' };
    const none = new UnsecuredJWT(claims).encode();
    await refused(verifyAccessToken(KEY, none, T0), /algorithm|alg/i);
    await refused(verifyAccessToken(KEY, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, T0), /algorithm|alg|JWS/i);
    await refused(verifyAccessToken(KEY, forged({ alg: 'HS512', typ: 'JWT' }, claims, KEY, 'sha512'), T0), /algorithm/);
    const hs384 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS384', typ: 'JWT' }).sign(new Uint8Array(48).fill(7));
    await refused(verifyAccessToken(KEY, hs384, T0), /algorithm/);
    // The same claims, HS256 under the key, pass: the refusals above are about the algorithm.
    assert.equal((await verifyAccessToken(KEY, forged({ alg: 'HS256', typ: 'JWT' }, claims), T0)).sub, 'ann');
  });

  test('wrong issuer or audience, missing claims', async () => {
    const base = { sub: 'ann', roles: ['analyst'], sid: 'S', jti: 'J', iat: Math.floor(T0.getTime() / 1000), exp: Math.floor(T0.getTime() / 1000) + 60, iss: 'portcullis', aud: 'portcullis-api' };
    await refused(verifyAccessToken(KEY, forged({ alg: 'HS256', typ: 'JWT' }, { ...base, iss: 'someone-else' }), T0), /iss/);
    await refused(verifyAccessToken(KEY, forged({ alg: 'HS256', typ: 'JWT' }, { ...base, aud: 'portcullis-web' }), T0), /aud/);
    const noSid: Partial<typeof base> = { ...base };
    delete noSid.sid;
    await refused(verifyAccessToken(KEY, forged({ alg: 'HS256', typ: 'JWT' }, noSid), T0), /sid/);
    await refused(verifyAccessToken(KEY, forged({ alg: 'HS256', typ: 'JWT' }, { ...base, roles: ['root'] }), T0), /roles/);
    const noExp: Partial<typeof base> = { ...base };
    delete noExp.exp;
    await refused(verifyAccessToken(KEY, forged({ alg: 'HS256', typ: 'JWT' }, noExp), T0), /exp/);
  });

  test('a key that is not 32 bytes is a configuration error', async () => {
    await assert.rejects(signAccessToken(randomBytes(16), SUBJECT, T0), (e) => isPortcullisError(e) && e.code === 'CONFIG_ERROR');
  });
});
