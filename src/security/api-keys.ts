import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { PortcullisError } from '../domain/errors.ts';

/**
 * API keys for machine clients: `pcl_<id>_<secret>`, the id 12 letters and digits (stored and
 * shown in lists), the secret 32 random bytes in base64url (shown once). Only the SHA-256 of the
 * secret is stored: the secret has 256 bits of entropy, so a fast hash is as safe as a slow one,
 * and checking a key on every request stays cheap. Comparison is in constant time.
 */
export const API_KEY_PREFIX = 'pcl';
export const API_KEY_ID_LENGTH = 12;
export const API_KEY_SECRET_BYTES = 32;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SHAPE = new RegExp(`^${API_KEY_PREFIX}_([a-z0-9]{${API_KEY_ID_LENGTH}})_([A-Za-z0-9_-]{43})$`);

export interface NewApiKey {
  readonly id: string;
  /** The whole key, to be shown once. */
  readonly key: string;
  /** SHA-256 of the secret, hex: what is stored. */
  readonly secretHash: string;
}

/** A new key with a random id and secret. */
export function generateApiKey(): NewApiKey {
  let id = '';
  for (let i = 0; i < API_KEY_ID_LENGTH; i += 1) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  const secret = randomBytes(API_KEY_SECRET_BYTES).toString('base64url');
  return { id, key: `${API_KEY_PREFIX}_${id}_${secret}`, secretHash: hashApiKeySecret(secret) };
}

/** The id and secret of a key; INVALID_INPUT saying what is wrong with its shape. */
export function parseApiKey(key: string): { id: string; secret: string } {
  const m = SHAPE.exec(key.trim());
  if (m === null) {
    const problem = !key.startsWith(`${API_KEY_PREFIX}_`)
      ? `does not start with ${API_KEY_PREFIX}_`
      : key.length > 200
        ? 'far too long'
        : `not ${API_KEY_PREFIX}_ then ${API_KEY_ID_LENGTH} letters or digits, _ and a 43-character base64url secret`;
    throw new PortcullisError('INVALID_INPUT', `the API key is malformed: it ${problem}`, [{ field: 'apiKey', problem, expected: `${API_KEY_PREFIX}_<${API_KEY_ID_LENGTH}-character id>_<43-character secret>` }]);
  }
  return { id: m[1]!, secret: m[2]! };
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function apiKeySecretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKeySecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
