import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Refresh tokens: `<session id>.<secret>.<mac>`. The session stores only the SHA-256 of its
 * current token. The MAC (HMAC-SHA256 under the token key) proves the token was issued by the
 * service, so that a genuine token that no longer matches its session can be told apart from a
 * forgery: the first is a rotated token used again — stolen — and ends the session; the second is
 * refused and changes nothing.
 */
export interface RefreshParts {
  readonly sessionId: string;
  readonly token: string;
}

const SHAPE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{22})$/;

function mac(key: Uint8Array, sessionId: string, secret: string): Buffer {
  return createHmac('sha256', key).update(`portcullis refresh token\n${sessionId}\n${secret}`).digest().subarray(0, 16);
}

export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

export function newRefreshToken(key: Uint8Array, sessionId: string): string {
  const secret = randomBytes(32).toString('base64url');
  return `${sessionId}.${secret}.${mac(key, sessionId, secret).toString('base64url')}`;
}

/** The session of a token the service issued, or undefined for anything else. */
export function parseRefreshToken(key: Uint8Array, token: string): RefreshParts | undefined {
  const m = SHAPE.exec(token);
  if (m === null) return undefined;
  const expected = mac(key, m[1]!, m[2]!);
  const given = Buffer.from(m[3]!, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected) ? { sessionId: m[1]!, token } : undefined;
}

export function refreshHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
