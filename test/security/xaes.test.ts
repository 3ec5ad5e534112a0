/**
 * XAES-256-GCM against every vector of c2sp.org/XAES-256-GCM, read from ../shared/vectors beside
 * the project (never copied here): the two worked examples with their intermediate values, and the
 * accumulated test over 10,000 random inputs (1,000,000 with PORTCULLIS_SLOW_VECTORS=1).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { XaesAuthError, xaes256gcm } from '../../src/security/xaes.ts';

const FILE = resolve(import.meta.dirname, '../../../shared/vectors/xaes-256-gcm/vectors.json');
const SKIP = existsSync(FILE) ? false : `${FILE} not found: the XAES-256-GCM vectors come from ../shared/vectors; vector tests skipped`;

interface Vector { K: string; N_ascii: string; Kx: string; Nx: string; plaintext_ascii: string; aad_ascii: string; ciphertext: string }
interface VectorFile { vectors: Vector[]; accumulated: Record<string, string> }
const file = (): VectorFile => JSON.parse(readFileSync(FILE, 'utf8')) as VectorFile;

describe('XAES-256-GCM vectors', { skip: SKIP }, () => {
  test('every worked example: ciphertext, tag and round trip', () => {
    const vs = file().vectors;
    assert.ok(vs.length >= 2);
    for (const v of vs) {
      const x = xaes256gcm(Buffer.from(v.K, 'hex'));
      const nonce = Buffer.from(v.N_ascii, 'latin1');
      assert.equal(nonce.subarray(12).toString('hex'), v.Nx);
      const sealed = x.seal(nonce, Buffer.from(v.plaintext_ascii, 'latin1'), Buffer.from(v.aad_ascii, 'latin1'));
      assert.equal(sealed.toString('hex'), v.ciphertext, `vector K=${v.K.slice(0, 8)}… aad="${v.aad_ascii}"`);
      assert.equal(x.open(nonce, sealed, Buffer.from(v.aad_ascii, 'latin1')).toString('latin1'), v.plaintext_ascii);
      assert.throws(() => x.open(nonce, sealed, Buffer.from(`${v.aad_ascii}!`, 'latin1')), XaesAuthError);
    }
  });

  const accumulated = (n: number, want: string) => {
    // Inputs from the SHAKE-128 stream of the empty string: key[32] nonce[24] len plaintext len aad.
    const stream = createHash('shake128', { outputLength: n * (32 + 24 + 1 + 255 + 1 + 255) }).digest();
    let at = 0;
    const take = (k: number): Buffer => stream.subarray(at, (at += k));
    const out = createHash('shake128', { outputLength: 32 });
    for (let i = 0; i < n; i++) {
      const key = take(32);
      const nonce = take(24);
      const plaintext = take(take(1)[0]!);
      const aad = take(take(1)[0]!);
      const x = xaes256gcm(key);
      const sealed = x.seal(nonce, plaintext, aad);
      out.update(sealed);
      assert.deepEqual(x.open(nonce, sealed, aad), plaintext);
    }
    assert.equal(out.digest('hex'), want);
  };
  test('accumulated: 10,000 iterations', () => accumulated(10_000, file().accumulated.hash_10000!));
  test('accumulated: 1,000,000 iterations', { skip: process.env.PORTCULLIS_SLOW_VECTORS === '1' ? false : 'set PORTCULLIS_SLOW_VECTORS=1 to run the 1,000,000-iteration vector (about a minute)' }, () =>
    accumulated(1_000_000, file().accumulated.hash_1000000!));
});

test('XAES-256-GCM refuses keys and nonces of the wrong size', () => {
  assert.throws(() => xaes256gcm(Buffer.alloc(16)), /32/);
  assert.throws(() => xaes256gcm(Buffer.alloc(32)).seal(Buffer.alloc(12), Buffer.alloc(1), Buffer.alloc(0)), /24/);
});
