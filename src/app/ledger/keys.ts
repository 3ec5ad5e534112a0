import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortcullisError } from '../../domain/errors.ts';
import { ED25519_COSIGNATURE, generateSignerKey, parseSignerKey, type Signer } from '../../ledger/note/index.ts';
import type { LedgerConfig } from '../config.ts';

/** The service's two ledger keys: the log's (signs checkpoints) and its own party key (signs entries). */
export interface LedgerKeys {
  readonly log: Signer;
  readonly party: Signer;
}

const memory = new WeakMap<LedgerConfig, LedgerKeys>();

/**
 * The keys the configuration names: from the environment, else from key files (made on first use,
 * readable by the owner only), else — for an in-memory store, which lives no longer than the
 * process — made for this process.
 */
export function loadLedgerKeys(c: LedgerConfig): LedgerKeys {
  if (c.keysDir === null && (c.logKey === undefined || c.partyKey === undefined)) {
    let k = memory.get(c);
    if (k === undefined) {
      k = { log: parseKey(c.logKey ?? generateSignerKey(c.origin, randomBytes(32)).signerKey, 'PORTCULLIS_LOG_KEY'), party: parseKey(c.partyKey ?? generateSignerKey(c.party, randomBytes(32)).signerKey, 'PORTCULLIS_PARTY_KEY') };
      memory.set(c, k);
    }
    return k;
  }
  return {
    log: parseKey(c.logKey ?? fileKey(c.keysDir!, 'log.key', c.origin), 'PORTCULLIS_LOG_KEY'),
    party: parseKey(c.partyKey ?? fileKey(c.keysDir!, 'party.key', c.party), 'PORTCULLIS_PARTY_KEY'),
  };
}

const witnessMemory = new WeakMap<LedgerConfig, Signer>();

/**
 * This deployment's witness key (a cosignature key, C2SP tlog-cosignature), with which it cosigns
 * its partners' checkpoints (mutual-witness.ts): PORTCULLIS_WITNESS_KEY, else `witness.key` in the
 * keys directory, made on first use and named after the log (`ORIGIN/witness`).
 */
export function loadWitnessKey(c: LedgerConfig): Signer {
  if (c.witnessKey !== undefined) return parseKey(c.witnessKey, 'PORTCULLIS_WITNESS_KEY', ED25519_COSIGNATURE);
  if (c.keysDir !== null) return parseKey(fileKey(c.keysDir, 'witness.key', `${c.origin}/witness`, ED25519_COSIGNATURE), 'PORTCULLIS_WITNESS_KEY', ED25519_COSIGNATURE);
  let k = witnessMemory.get(c);
  if (k === undefined) witnessMemory.set(c, (k = parseSignerKey(generateSignerKey(`${c.origin}/witness`, randomBytes(32), ED25519_COSIGNATURE).signerKey)));
  return k;
}

function parseKey(text: string, where: string, type?: number): Signer {
  try {
    const k = parseSignerKey(text.trim());
    if (type !== undefined && k.type !== type) throw new Error(`a key of type 0x0${k.type}, not 0x0${type}`);
    return k;
  } catch (e) {
    throw new PortcullisError('CONFIG_ERROR', `${where} (or its key file) is not a signed-note private key: ${(e as Error).message}`, [{ field: where, problem: 'not a key', expected: 'PRIVATE+KEY+name+keyid+base64, as `portcullis ledger keys generate` prints' }]);
  }
}

function fileKey(dir: string, file: string, name: string, type?: number): string {
  const path = join(dir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { signerKey } = generateSignerKey(name, randomBytes(32), type);
  try {
    writeFileSync(path, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process made it first: use that one.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw e;
  }
  chmodSync(path, 0o600);
  return signerKey;
}
