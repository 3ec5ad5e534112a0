import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import { canonicalJson } from '../../../src/ledger/entry/canonical.ts';
import { commitCanonical, commitmentOf, commitPayload } from '../../../src/ledger/entry/commitment.ts';
import { checkEntry, entryLeafHash, entrySignatureValid, leafInput, leafText, signedMessage, signEntry, type Entry } from '../../../src/ledger/entry/entry.ts';
import { ENTRY_TYPES } from '../../../src/ledger/entry/entry-type.ts';
import { leafHash } from '../../../src/ledger/merkle/index.ts';
import { generateSignerKey, parseSignerKey, parseVerifierKey } from '../../../src/ledger/note/index.ts';

const key = generateSignerKey('maersk', new Uint8Array(32).fill(3));
const signer = parseSignerKey(key.signerKey);
const verifier = parseVerifierKey(key.verifierKey);

const arbEntry: fc.Arbitrary<Entry> = fc.record({
  type: fc.constantFrom(...ENTRY_TYPES),
  party: fc.stringMatching(/^[^\s+]{1,40}$/u),
  keyId: fc.stringMatching(/^[0-9a-f]{8}$/),
  time: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  corrects: fc.option(fc.nat({ max: Number.MAX_SAFE_INTEGER }), { nil: null }),
  commitment: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64')),
  signature: fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
});

describe('ledger entries', () => {
  it('the leaf text and signed message written out directly are RFC 8785 (canonicalize) of the same objects', () => {
    fc.assert(
      fc.property(arbEntry, (e) => {
        assert.equal(leafText(e), canonicalJson({ v: 1, ...e }));
        const body = { v: 1, type: e.type, party: e.party, keyId: e.keyId, time: e.time, corrects: e.corrects, commitment: e.commitment };
        assert.equal(Buffer.from(signedMessage(e)).toString('utf8'), `portcullis/ledger-entry/v1\n${canonicalJson(body)}`);
        assert.deepEqual(entryLeafHash(e), leafHash(leafInput(e)));
      }),
      { numRuns: 300 },
    );
  });

  it('party names with any Unicode still canonicalise alike', () => {
    const e = { ...signEntry({ type: 'decision.made', time: '2026-03-01T08:00:00.000Z', corrects: 4, commitment: commitPayload({ a: 1 }, randomBytes(32)) }, signer), party: 'Zoll-Ämter/\u2028\u00e9' };
    assert.equal(leafText(e), canonicalJson({ v: 1, ...e }));
  });

  it("a signed entry verifies with the party's key, and not once any field changes", () => {
    const e = signEntry({ type: 'movement.recorded', time: '2026-03-01T08:00:00.000Z', corrects: null, commitment: commitPayload({ event: 'LOAD' }, randomBytes(32)) }, signer);
    assert.equal(e.party, 'maersk');
    assert.equal(entrySignatureValid(e, verifier), true);
    for (const change of [{ time: '2026-03-01T08:00:01.000Z' }, { corrects: 1 }, { type: 'decision.made' as const }, { commitment: commitPayload({ event: 'DISC' }, randomBytes(32)) }]) {
      assert.equal(entrySignatureValid({ ...e, ...change }, verifier), false, JSON.stringify(change));
    }
    const other = parseVerifierKey(generateSignerKey('maersk', new Uint8Array(32).fill(4)).verifierKey);
    assert.equal(entrySignatureValid(e, other), false);
  });

  it('the commitment is SHA-256(salt ‖ canonical payload): key order does not matter, the salt does', () => {
    const salt = randomBytes(32);
    assert.equal(commitPayload({ b: 2, a: [1, 'x'] }, salt), commitPayload({ a: [1, 'x'], b: 2 }, salt));
    assert.equal(commitPayload({ a: 1 }, salt), commitCanonical('{"a":1}', salt));
    assert.notEqual(commitPayload({ a: 1 }, salt), commitPayload({ a: 1 }, randomBytes(32)));
    assert.throws(() => commitPayload({ a: 1 }, randomBytes(16)), RangeError);
    assert.throws(() => commitPayload({ a: Number.NaN }, salt), /finite/);
  });

  it('commitmentOf (verification\'s reused buffer) gives commitCanonical\'s commitment, for any size and script', () => {
    const salt = randomBytes(32);
    // Small, non-ASCII, then larger than the buffer it starts with, then small again after it grew.
    for (const text of ['{"a":1}', '{"name":"Ünal Şahin — 貿易"}', JSON.stringify({ big: 'é'.repeat(70_000) }), '{}']) {
      assert.equal(commitmentOf(text, salt.toString('base64')), commitCanonical(text, salt));
    }
  });

  it('checkEntry names every malformed field and what was expected', () => {
    const good = signEntry({ type: 'decision.made', time: '2026-03-01T08:00:00.000Z', corrects: null, commitment: commitPayload({}, randomBytes(32)) }, signer);
    assert.deepEqual(checkEntry(JSON.parse(JSON.stringify(good))), good);
    const fields = (o: unknown) => {
      try {
        checkEntry(o);
        return [];
      } catch (e) {
        assert.ok(isPortcullisError(e) && e.code === 'INVALID_INPUT');
        return e.details.map((d) => d.field);
      }
    };
    assert.deepEqual(fields({ ...good, type: 'gossip', time: '2026-03-01 08:00', corrects: -1 }), ['type', 'time', 'corrects']);
    assert.deepEqual(fields({ ...good, commitment: 'abc', signature: undefined }), ['commitment', 'signature']);
    assert.deepEqual(fields({ ...good, party: 'two words', extra: 1 }), ['party', 'extra']);
    assert.deepEqual(fields([]), ['(entry)', 'type', 'party', 'keyId', 'time', 'corrects', 'commitment', 'signature']);
  });
});
