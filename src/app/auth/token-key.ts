import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortcullisError } from '../../domain/errors.ts';
import { TOKEN_KEY_BYTES } from '../../security/tokens.ts';
import type { Config } from '../config.ts';

const known = new WeakMap<Config, Uint8Array>();

/**
 * The 32-byte key that signs access tokens and refresh tokens: PORTCULLIS_TOKEN_KEY, else the key
 * file `token.key` in the ledger's keys directory (made on first use, readable by the owner only),
 * else — an in-memory store, which lives no longer than the process — a key made for this process.
 */
export function tokenKeyOf(config: Config): Uint8Array {
  let key = known.get(config);
  if (key === undefined) {
    const s = config.security;
    if (s.tokenKey !== undefined) key = decode(s.tokenKey, 'PORTCULLIS_TOKEN_KEY');
    else if (config.ledger.keysDir !== null) key = decode(fileKey(config.ledger.keysDir), join(config.ledger.keysDir, 'token.key'));
    else key = randomBytes(TOKEN_KEY_BYTES);
    known.set(config, key);
  }
  return key;
}

function decode(text: string, where: string): Uint8Array {
  const t = text.trim();
  const key = Buffer.from(t, 'base64url');
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(t) || key.length !== TOKEN_KEY_BYTES) {
    throw new PortcullisError('CONFIG_ERROR', `${where} is not a token key: it must be base64url of ${TOKEN_KEY_BYTES} bytes`, [
      { field: where, problem: /^[A-Za-z0-9_-]+={0,2}$/.test(t) ? `${key.length} bytes` : 'not base64url', expected: `base64url of ${TOKEN_KEY_BYTES} random bytes (node -e "console.log(crypto.randomBytes(32).toString('base64url'))")` },
    ]);
  }
  return new Uint8Array(key);
}

function fileKey(dir: string): string {
  const path = join(dir, 'token.key');
  if (existsSync(path)) return readFileSync(path, 'utf8');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const text = randomBytes(TOKEN_KEY_BYTES).toString('base64url');
  try {
    writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process made it first: use that one.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw e;
  }
  chmodSync(path, 0o600);
  return text;
}
