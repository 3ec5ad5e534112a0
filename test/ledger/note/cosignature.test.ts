import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ED25519_COSIGNATURE,
  NoteError,
  appendSignatures,
  cosign,
  cosignedMessage,
  formatCheckpoint,
  generateSignerKey,
  openCheckpoint,
  openNote,
  parseCosignature,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  verifyCosignature,
  type Checkpoint,
} from '../../../src/ledger/note/index.ts';
import { noteError, seedBytes, vectors } from './vectors.ts';

const keys = (name: string, type = 0x01) => {
  const k = generateSignerKey(name, seedBytes(`seed for ${name}`), type);
  return { signer: parseSignerKey(k.signerKey), verifier: parseVerifierKey(k.verifierKey) };
};
const log = keys('log.example/ledger');
const witness = keys('witness.example/w1', ED25519_COSIGNATURE);
const checkpoint: Checkpoint = { origin: 'log.example/ledger', size: 20852163, root: seedBytes('root'), extensions: [] };
const T = 1_700_000_000;

describe('cosignatures: the C2SP example (no public key: parse only)', () => {
  it('decodes the timestamp and rebuilds the cosigned message exactly', (t) => {
    const v = vectors(t, 'note-vectors.json');
    if (v === undefined) return;
    const ex = v.c2sp_checkpoint_example_parse_only;
    const signed: string = ex.signed;
    const body = signed.slice(0, signed.lastIndexOf('\n\n') + 1);
    const line = signed.trimEnd().split('\n').at(-1)!;
    const c = parseCosignature(line);
    assert.equal(c.name, 'witness.example.com/w1');
    assert.equal(c.time, 1679315147);
    assert.equal(c.signature.length, 64);
    assert.equal(cosignedMessage(body, c.time), ex.cosigned_message_for_time_1679315147);
    assert.equal(parseCosignature(`${line}\n`).time, 1679315147);
  });
});

describe('cosignatures: sign, cosign, open', () => {
  const body = formatCheckpoint(checkpoint);
  const signed = signCheckpoint(checkpoint, log.signer);
  const line = cosign(body, witness.signer, T);
  const cosigned = appendSignatures(signed, [line]);

  it('opens with the log key and the cosigner key', () => {
    const opened = openCheckpoint(cosigned, log.verifier, [witness.verifier]);
    assert.deepEqual(opened.checkpoint, checkpoint);
    assert.deepEqual(opened.cosignatures, [{ name: 'witness.example/w1', keyId: witness.verifier.keyId, time: T }]);
    assert.deepEqual(verifyCosignature(body, line, witness.verifier), { time: T });
    assert.deepEqual(openCheckpoint(cosigned, log.verifier).cosignatures, [], 'an unknown cosigner is ignored');
    assert.equal(openNote(cosigned, [log.verifier]).unverified.length, 1);
  });

  it('writes keyid || u64 timestamp || Ed25519 signature, and signs the whole body', () => {
    const bytes = Buffer.from(line.split(' ')[2]!, 'base64');
    assert.equal(bytes.length, 4 + 8 + 64);
    assert.equal(bytes.readUInt32BE(0), witness.verifier.keyId);
    assert.equal(bytes.readBigUInt64BE(4), BigInt(T));
    const message = new TextEncoder().encode(`cosignature/v1\ntime ${T}\n${body}`);
    assert.ok(witness.verifier.verify(message, bytes.subarray(12)));
    const withExtension = formatCheckpoint({ ...checkpoint, extensions: ['note: extension lines are cosigned too'] });
    const extLine = cosign(withExtension, witness.signer, T);
    assert.throws(() => verifyCosignature(body, extLine, witness.verifier), noteError('BAD_COSIGNATURE', /does not verify/));
    assert.deepEqual(verifyCosignature(withExtension, extLine, witness.verifier), { time: T });
  });

  it('fails when any bit of the cosigned checkpoint is flipped', () => {
    const bytes = new TextEncoder().encode(cosigned);
    let flips = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = bytes.slice();
        flipped[i]! ^= 1 << bit;
        let fullyVerified = false;
        try {
          fullyVerified = openCheckpoint(flipped, log.verifier, [witness.verifier]).cosignatures.length === 1;
        } catch (e) {
          assert.ok(e instanceof NoteError, `byte ${i} bit ${bit}: ${String(e)}`);
        }
        assert.ok(!fullyVerified, `byte ${i} bit ${bit} flipped, and both signatures still verify`);
        flips++;
      }
    }
    assert.equal(flips, bytes.length * 8);
  });

  it('fails over a different body, at a different time, or by another key', () => {
    const other = formatCheckpoint({ ...checkpoint, size: checkpoint.size + 1 });
    assert.throws(() => verifyCosignature(other, line, witness.verifier), noteError('BAD_COSIGNATURE', /does not verify/));
    const otherSigned = signCheckpoint({ ...checkpoint, size: checkpoint.size + 1 }, log.signer);
    assert.throws(() => openCheckpoint(appendSignatures(otherSigned, [line]), log.verifier, [witness.verifier]), noteError('BAD_COSIGNATURE'));
    const bytes = Buffer.from(line.split(' ')[2]!, 'base64');
    bytes.writeBigUInt64BE(BigInt(T + 1), 4);
    const retimed = `— witness.example/w1 ${bytes.toString('base64')}`;
    assert.throws(() => verifyCosignature(body, retimed, witness.verifier), noteError('BAD_COSIGNATURE', /time 1700000001/));
    const other2 = keys('witness.example/w2', ED25519_COSIGNATURE);
    assert.throws(() => verifyCosignature(body, line, other2.verifier), noteError('BAD_COSIGNATURE', /expected witness\.example\/w2/));
  });

  it('does not take a note signature (0x01) for a cosignature, nor the other way round', () => {
    const plain = keys('witness.example/w1');
    assert.throws(() => cosign(body, plain.signer, T), noteError('WRONG_KEY_TYPE', /type 0x04/));
    const asCosigner = { ...witness.verifier, type: 0x01 };
    assert.throws(() => verifyCosignature(body, line, { ...asCosigner, keyId: witness.verifier.keyId }), noteError('BAD_COSIGNATURE', /type 0x04/));
    assert.throws(() => openCheckpoint(cosigned, witness.verifier), noteError('WRONG_KEY_TYPE'));
  });

  it('refuses malformed lines and times', () => {
    assert.throws(() => parseCosignature('— w AAAA'), noteError('BAD_COSIGNATURE'));
    assert.throws(() => parseCosignature(`— w ${Buffer.alloc(4 + 64).toString('base64')}`), noteError('BAD_COSIGNATURE', /72 bytes/));
    const huge = Buffer.alloc(4 + 8 + 64);
    huge.writeBigUInt64BE(2n ** 63n - 1n, 4);
    assert.throws(() => parseCosignature(`— w ${huge.toString('base64')}`), noteError('BAD_COSIGNATURE', /above 9007199254740991/));
    for (const time of [-1, 1.5, Number.NaN, 2 ** 53]) {
      assert.throws(() => cosign(body, witness.signer, time), noteError('BAD_COSIGNATURE', /time/), String(time));
    }
    assert.throws(() => cosign('no newline', witness.signer, T), noteError('MALFORMED_NOTE'));
    assert.equal(parseCosignature(cosign(body, witness.signer, 0)).time, 0);
  });

  it('verifies for any checkpoint and time (property)', () => {
    const arbitrary = fc.record({
      size: fc.maxSafeNat(),
      root: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      extensions: fc.array(fc.stringMatching(/^[ -~]{1,20}$/), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(arbitrary, fc.maxSafeNat(), (c, time) => {
        const b = formatCheckpoint({ ...c, origin: checkpoint.origin });
        const cosignedNote = appendSignatures(signCheckpoint({ ...c, origin: checkpoint.origin }, log.signer), [cosign(b, witness.signer, time)]);
        assert.deepEqual(openCheckpoint(cosignedNote, log.verifier, [witness.verifier]).cosignatures.map((x) => x.time), [time]);
      }),
      { numRuns: 100 },
    );
  });
});
