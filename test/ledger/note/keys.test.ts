import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ED25519_COSIGNATURE,
  ED25519_NOTE,
  generateSignerKey,
  keyIdOf,
  parseSignerKey,
  parseVerifierKey,
} from '../../../src/ledger/note/index.ts';
import { noteError, seedBytes, vectors } from './vectors.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('note keys: Go sumdb vectors', () => {
  it('parses the PeterNeumann signer and verifier keys', (t) => {
    const v = vectors(t, 'note-vectors.json');
    if (v === undefined) return;
    const signer = parseSignerKey(v.go_sumdb_note.signer_key);
    const verifier = parseVerifierKey(v.go_sumdb_note.verifier_key);
    assert.equal(signer.name, 'PeterNeumann');
    assert.equal(signer.keyId, 0xc74f20a3);
    assert.equal(signer.type, ED25519_NOTE);
    assert.equal(signer.verifierKey, v.go_sumdb_note.verifier_key);
    assert.equal(verifier.name, 'PeterNeumann');
    assert.equal(verifier.keyId, 0xc74f20a3);
    assert.equal(verifier.publicKey.length, 32);
    assert.equal(keyIdOf(verifier.name, verifier.type, verifier.publicKey), 0xc74f20a3);
    const message = utf8('hello');
    assert.ok(verifier.verify(message, signer.sign(message)));
    assert.ok(!verifier.verify(utf8('hellO'), signer.sign(message)));
  });

  it('generates EnochRoot from a seed of 32 zero bytes', (t) => {
    const v = vectors(t, 'note-vectors.json');
    if (v === undefined) return;
    const { signerKey, verifierKey } = generateSignerKey('EnochRoot', new Uint8Array(32));
    assert.equal(verifierKey, v.go_sumdb_note.second_verifier_key);
    assert.equal(parseSignerKey(signerKey).verifierKey, verifierKey);
    assert.match(signerKey, /^PRIVATE\+KEY\+EnochRoot\+af0cfe78\+AQA{42}$/);
  });

  it('rejects every bad verifier key of the vectors', (t) => {
    const v = vectors(t, 'note-vectors.json');
    if (v === undefined) return;
    assert.ok(v.go_sumdb_note.bad_vkeys_must_fail.length > 0);
    for (const bad of v.go_sumdb_note.bad_vkeys_must_fail) assert.throws(() => parseVerifierKey(bad), noteError('MALFORMED_KEY'), bad);
  });
});

describe('note keys: transparency-dev key pairs', () => {
  it('derives the listed verifier key from each signer key', (t) => {
    const v = vectors(t, 'checkpoint-vectors.json');
    if (v === undefined) return;
    const pairs = Object.entries(v.key_pairs as Record<string, [string, string]>);
    assert.equal(pairs.length, 4);
    for (const [name, [skey, vkey]] of pairs) {
      const signer = parseSignerKey(skey);
      const verifier = parseVerifierKey(vkey);
      assert.equal(signer.verifierKey, vkey, name);
      assert.equal(signer.name, name);
      assert.equal(verifier.keyId, signer.keyId, name);
      assert.ok(verifier.verify(utf8(name), signer.sign(utf8(name))), name);
    }
  });
});

describe('note keys: formats and rules', () => {
  const { signerKey, verifierKey } = generateSignerKey('example.com/log', seedBytes('log'));

  it('round-trips generated keys, and signs deterministically', () => {
    const signer = parseSignerKey(signerKey);
    const verifier = parseVerifierKey(verifierKey);
    assert.equal(signer.verifierKey, verifierKey);
    assert.deepEqual(signer.sign(utf8('x')), signer.sign(utf8('x')));
    assert.ok(verifier.verify(utf8('x'), signer.sign(utf8('x'))));
    assert.ok(!verifier.verify(utf8('x'), signer.sign(utf8('x')).subarray(1)), 'a short signature');
  });

  it('hashes the signature type into the key id, so a cosignature key (0x04) has another id', () => {
    const seed = seedBytes('witness');
    const note = parseVerifierKey(generateSignerKey('w.example', seed, ED25519_NOTE).verifierKey);
    const cosig = parseVerifierKey(generateSignerKey('w.example', seed, ED25519_COSIGNATURE).verifierKey);
    assert.deepEqual(note.publicKey, cosig.publicKey);
    assert.equal(cosig.type, ED25519_COSIGNATURE);
    assert.equal(cosig.keyId, keyIdOf('w.example', 0x04, cosig.publicKey));
    assert.notEqual(cosig.keyId, note.keyId);
  });

  it('accepts names with any non-space Unicode, and hex ids in upper case (as Go does)', () => {
    const k = generateSignerKey('пример.рф/лог', seedBytes('u'));
    assert.equal(parseSignerKey(k.signerKey).name, 'пример.рф/лог');
    const [name, id, material] = verifierKey.split(/\+(.*?)\+/s) as [string, string, string];
    assert.equal(parseVerifierKey(`${name}+${id.toUpperCase()}+${material}`).name, name);
  });

  const [name, id, material] = verifierKey.split(/\+(.*?)\+/s) as [string, string, string];
  const malformedVerifierKeys: [string, string, RegExp][] = [
    ['empty', '', /expected <name>/],
    ['no key', `${name}+${id}`, /expected <name>/],
    ['empty name', `+${id}+${material}`, /key name/],
    ['space in name', `a b+${id}+${material}`, /key name/],
    ['short key id', `${name}+${id.slice(1)}+${material}`, /8 hex digits/],
    ['non-hex key id', `${name}+${id.slice(1)}g+${material}`, /8 hex digits/],
    ['wrong key id', `${name}+00000000+${material}`, /does not match/],
    ['another name', `other+${id}+${material}`, /does not match/],
    ['URL-safe base64', `${name}+${id}+${material.replace(/\+/g, '-').replace(/\//g, '_')}`, /base64|does not match/],
    ['truncated base64', `${name}+${id}+${material.slice(0, -1)}`, /base64/],
    ['base64 with stray bits', `${name}+${id}+${material.slice(0, -1)}${material.endsWith('A') ? 'B' : 'A'}`, /base64|does not match/],
    ['no key material', `${name}+${id}+`, /type none/],
    ['short key', `${name}+${id}+${Buffer.from([1, 2, 3]).toString('base64')}`, /32-byte/],
    ['unknown type', `${name}+${id}+${Buffer.concat([Buffer.from([2]), Buffer.alloc(32)]).toString('base64')}`, /type 0x02/],
  ];
  for (const [what, vkey, message] of malformedVerifierKeys) {
    it(`rejects a verifier key: ${what}`, () => assert.throws(() => parseVerifierKey(vkey), noteError('MALFORMED_KEY', message)));
  }

  it('rejects malformed signer keys', () => {
    assert.throws(() => parseSignerKey(verifierKey), noteError('MALFORMED_KEY', /PRIVATE\+KEY\+/));
    assert.throws(() => parseSignerKey(signerKey.replace('PRIVATE+KEY+', 'PRIVATE+KEY+x')), noteError('MALFORMED_KEY', /does not match/));
    assert.throws(() => parseSignerKey(signerKey.slice(0, -4)), noteError('MALFORMED_KEY'));
  });

  it('refuses to generate a key with a bad name, seed or type', () => {
    assert.throws(() => generateSignerKey('', seedBytes('a')), noteError('MALFORMED_KEY', /key name/));
    assert.throws(() => generateSignerKey('a+b', seedBytes('a')), noteError('MALFORMED_KEY', /key name/));
    assert.throws(() => generateSignerKey('a\u00a0b', seedBytes('a')), noteError('MALFORMED_KEY', /key name/));
    assert.throws(() => generateSignerKey('a', new Uint8Array(31)), noteError('MALFORMED_KEY', /32 bytes/));
    assert.throws(() => generateSignerKey('a', seedBytes('a'), 0x02), noteError('MALFORMED_KEY', /0x01 or 0x04/));
  });
});
