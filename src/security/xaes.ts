import { createCipheriv, createDecipheriv, type Cipher } from 'node:crypto';

/**
 * XAES-256-GCM (c2sp.org/XAES-256-GCM): AES-256-GCM under a subkey derived from the key and the
 * first half of a 24-byte nonce (NIST SP 800-108r1 counter KDF with AES-256 CMAC, written out as the
 * spec's three AES block calls), so that nonces can be drawn at random for any number of messages.
 * Output: ciphertext ‖ 16-byte tag.
 */
export const XAES_KEY_BYTES = 32;
export const XAES_NONCE_BYTES = 24;
export const XAES_TAG_BYTES = 16;

export interface Xaes {
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer;
  /** The same, with the nonce in front: nonce ‖ ciphertext ‖ tag, in one buffer. */
  sealWithNonce(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer;
  /** Throws XaesAuthError when the ciphertext, the tag or the associated data do not hold. */
  open(nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer;
}

/** The tag did not verify: the wrong key, the wrong associated data, or altered bytes. */
export class XaesAuthError extends Error {
  constructor() {
    super('XAES-256-GCM: message authentication failed');
    this.name = 'XaesAuthError';
  }
}

/** An XAES-256-GCM instance for one key; the key's CMAC subkey K1 is computed once. */
export function xaes256gcm(key: Uint8Array): Xaes {
  if (key.length !== XAES_KEY_BYTES) throw new RangeError(`XAES-256-GCM key: ${key.length} bytes, expected ${XAES_KEY_BYTES}`);
  // ECB without padding is stateless block by block: one cipher object serves every derivation.
  const ecb: Cipher = createCipheriv('aes-256-ecb', key, null);
  ecb.setAutoPadding(false);
  const block = (b: Buffer): Buffer => ecb.update(b);
  const l = block(Buffer.alloc(16));
  const k1 = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) k1[i] = ((l[i]! << 1) | (i < 15 ? l[i + 1]! >>> 7 : 0)) & 0xff;
  if ((l[0]! & 0x80) !== 0) k1[15] = k1[15]! ^ 0x87;

  const derive = (nonce: Uint8Array): Buffer => {
    if (nonce.length !== XAES_NONCE_BYTES) throw new RangeError(`XAES-256-GCM nonce: ${nonce.length} bytes, expected ${XAES_NONCE_BYTES}`);
    // M_i = [i]_2 ‖ "X" ‖ 0x00 ‖ N[:12], each XORed with K1 and encrypted: Kx = AES(M1 ⊕ K1) ‖ AES(M2 ⊕ K1).
    const m = Buffer.alloc(32);
    for (let c = 0; c < 2; c++) {
      const o = c * 16;
      m[o + 1] = c + 1;
      m[o + 2] = 0x58;
      m.set(nonce.subarray(0, 12), o + 4);
      for (let i = 0; i < 16; i++) m[o + i] = m[o + i]! ^ k1[i]!;
    }
    return block(m);
  };

  const gcm = (nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, withNonce: boolean): Buffer => {
    const g = createCipheriv('aes-256-gcm', derive(nonce), nonce.subarray(12));
    g.setAAD(aad);
    const head = g.update(plaintext);
    const tail = g.final();
    return Buffer.concat(withNonce ? [nonce, head, tail, g.getAuthTag()] : [head, tail, g.getAuthTag()]);
  };
  return {
    seal: (nonce, plaintext, aad) => gcm(nonce, plaintext, aad, false),
    sealWithNonce: (nonce, plaintext, aad) => gcm(nonce, plaintext, aad, true),
    open(nonce, sealed, aad) {
      if (sealed.length < XAES_TAG_BYTES) throw new XaesAuthError();
      const g = createDecipheriv('aes-256-gcm', derive(nonce), nonce.subarray(12));
      g.setAAD(aad);
      g.setAuthTag(sealed.subarray(sealed.length - XAES_TAG_BYTES));
      const head = g.update(sealed.subarray(0, sealed.length - XAES_TAG_BYTES));
      try {
        return Buffer.concat([head, g.final()]);
      } catch {
        throw new XaesAuthError();
      }
    },
  };
}
