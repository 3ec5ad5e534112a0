import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { PortcullisError } from '../domain/errors.ts';
import { Role } from '../domain/user.ts';

/**
 * Short-lived access tokens: JWTs signed with HMAC-SHA256 under the service's 32-byte key. Only
 * HS256 is accepted (a token with `alg: none` or any other algorithm is refused), and the issuer,
 * the audience and the lifetime are checked. Pure: the key and the time are passed in.
 */
export const TOKEN_ISSUER = 'portcullis';
export const TOKEN_AUDIENCE = 'portcullis-api';
export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const TOKEN_ALGORITHMS = ['HS256'] as const;
export const TOKEN_KEY_BYTES = 32;

export interface AccessClaims {
  /** The user id. */
  readonly sub: string;
  readonly roles: readonly Role[];
  readonly party?: string;
  /** The session the token belongs to; revoking the session ends the token. */
  readonly sid: string;
  /** The token's own id. */
  readonly jti: string;
  /** Issued at and expires, seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
}

const Claims = z.object({
  sub: z.string().min(1),
  roles: z.array(Role),
  party: z.string().min(1).optional(),
  sid: z.string().min(1),
  jti: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
});

function checkKey(key: Uint8Array): void {
  if (key.length !== TOKEN_KEY_BYTES) {
    throw new PortcullisError('CONFIG_ERROR', `the token key has ${key.length} bytes; it must have ${TOKEN_KEY_BYTES}`, [{ field: 'PORTCULLIS_TOKEN_KEY', problem: `${key.length} bytes`, expected: `base64url of ${TOKEN_KEY_BYTES} random bytes` }]);
  }
}

/** A signed access token for the subject, valid from `now` for ACCESS_TOKEN_SECONDS. */
export async function signAccessToken(
  key: Uint8Array,
  subject: { sub: string; roles: readonly Role[]; party?: string; sid: string },
  now: Date,
  jti: string = randomUUID(),
): Promise<{ token: string; expiresIn: number; expiresAt: Date; jti: string }> {
  checkKey(key);
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ACCESS_TOKEN_SECONDS;
  const token = await new SignJWT({ roles: [...subject.roles], ...(subject.party !== undefined ? { party: subject.party } : {}), sid: subject.sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject.sub)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(key);
  return { token, expiresIn: ACCESS_TOKEN_SECONDS, expiresAt: new Date(exp * 1000), jti };
}

/** Why a token was refused, for the server's log (never shown to the caller in more than one word). */
function reason(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `claim ${e.claim} ${e.reason}`;
  if (e instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (e instanceof errors.JOSEError) return e.code;
  return 'malformed';
}

/**
 * The claims of a valid token; UNAUTHENTICATED (with the reason in `details`) when the token is
 * malformed, signed with another algorithm or key, for another issuer or audience, expired or not
 * yet valid, or lacks a claim.
 */
export async function verifyAccessToken(key: Uint8Array, token: string, now: Date): Promise<AccessClaims> {
  checkKey(key);
  // A token verified before under this key needs only its lifetime checked again: the rest of what
  // it says cannot change. (Verifying costs a signature check through WebCrypto, about 0.1 ms,
  // on every request of a client that keeps its token for 15 minutes.)
  let verified = VERIFIED.get(key);
  const hit = verified?.get(token);
  if (hit !== undefined && hit.exp > now.getTime() / 1000 && now.getTime() / 1000 >= hit.iat) return hit;
  const claims = await verifyAfresh(key, token, now);
  if (verified === undefined) VERIFIED.set(key, (verified = new Map()));
  if (verified.size >= MAX_VERIFIED) verified.clear();
  verified.set(token, claims);
  return claims;
}

/** Tokens verified lately, per key (never a refused one). */
const VERIFIED = new WeakMap<Uint8Array, Map<string, AccessClaims>>();
const MAX_VERIFIED = 10_000;

async function verifyAfresh(key: Uint8Array, token: string, now: Date): Promise<AccessClaims> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [...TOKEN_ALGORITHMS],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      typ: 'JWT',
      currentDate: now,
      requiredClaims: ['sub', 'iat', 'exp', 'jti'],
      maxTokenAge: ACCESS_TOKEN_SECONDS,
    }));
  } catch (e) {
    throw new PortcullisError('UNAUTHENTICATED', 'the access token is not valid', [{ field: 'authorization', problem: reason(e), expected: 'a current access token from login or refresh' }]);
  }
  const c = Claims.safeParse(payload);
  if (!c.success) {
    throw new PortcullisError('UNAUTHENTICATED', 'the access token is not valid', [{ field: 'authorization', problem: `claims: ${c.error.issues.map((i) => i.path.join('.')).join(', ')}`, expected: 'sub, roles, sid and jti claims' }]);
  }
  return c.data;
}
