import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { addLedgerKey, revokeLedgerKey } from '../../../src/app/ledger/keys-admin.ts';
import { proveEntry } from '../../../src/app/ledger/prove.ts';
import { isPortcullisError, type ErrorCode } from '../../../src/domain/errors.ts';
import { commitPayload } from '../../../src/ledger/entry/commitment.ts';
import { signEntry } from '../../../src/ledger/entry/entry.ts';
import { parseVerifierKey } from '../../../src/ledger/note/index.ts';
import { checkBundle } from '../../../src/ledger/proof/bundle.ts';
import { forEachStore } from '../../support/stores.ts';
import { keyPair, ledgerApp, recordSome, supervisor } from './support.ts';

const code = (c: ErrorCode, re?: RegExp) => (e: unknown) => isPortcullisError(e) && e.code === c && (re === undefined || re.test(e.message));

function signed(signer: ReturnType<typeof keyPair>['signer'], payload: unknown, over: { corrects?: number | null } = {}) {
  const salt = randomBytes(32);
  const entry = signEntry({ type: 'movement.recorded', time: '2026-03-01T10:00:00Z', corrects: over.corrects ?? null, commitment: commitPayload(payload, salt) }, signer);
  return { entry, payload, salt: salt.toString('base64'), subject: 'container:MSCU1234565' };
}

forEachStore('ledger: parties submit signed entries; proofs check offline', (h) => {
  it("accepts an entry signed by a registered party's key, and refuses the others", async () => {
    const { app, ledger } = ledgerApp(await h.open());
    const sue = await supervisor(app);
    const carrier = keyPair('maersk');
    const stranger = keyPair('maersk');
    await addLedgerKey(app, sue, carrier.vkey, 'party');
    await recordSome(ledger, 2);
    const before = await ledger.repo.size();
    assert.deepEqual(await ledger.submit([signed(carrier.signer, { event: 'LOAD' })]), [before]);
    const e = (await ledger.repo.entry(before))!;
    assert.equal(e.party, 'maersk');
    // Another key under the same name is not the registered one.
    await assert.rejects(ledger.submit([signed(stranger.signer, { event: 'LOAD' })]), code('FORBIDDEN', /no key/));
    // A signature over other content.
    const s = signed(carrier.signer, { event: 'DISC' });
    await assert.rejects(ledger.submit([{ ...s, entry: { ...s.entry, time: '2026-03-01T11:00:00Z' } }]), code('INVALID_INPUT', /signature/));
    // A payload that is not the one committed to.
    await assert.rejects(ledger.submit([{ ...s, payload: { event: 'GTOT' } }]), code('INVALID_INPUT', /commitment/));
    // A correction of an entry the log does not hold.
    await assert.rejects(ledger.submit([signed(carrier.signer, { event: 'LOAD' }, { corrects: 99 })]), code('INVALID_INPUT', /corrects entry 99/));
    // A subject no store could keep (PostgreSQL's text takes no NUL), or too long, is refused, naming the field.
    await assert.rejects(ledger.submit([{ ...signed(carrier.signer, { event: 'LOAD' }), subject: 'container:MSCU\u00001234567' }]), (err) => isPortcullisError(err) && err.code === 'INVALID_INPUT' && err.details[0]?.field === 'subject');
    await assert.rejects(ledger.submit([{ ...signed(carrier.signer, { event: 'LOAD' }), subject: 'x'.repeat(513) }]), code('INVALID_INPUT', /subject/));
    // A malformed entry names its fields.
    await assert.rejects(ledger.submit([{ ...s, entry: { ...s.entry, keyId: 'XYZ', type: 'gossip' } }]), (err) => isPortcullisError(err) && err.details.map((d) => d.field).join() === 'type,keyId');
    // One bad entry refuses the whole submission.
    await assert.rejects(ledger.submit([signed(carrier.signer, { event: 'ARRI' }), { ...s, payload: { x: 1 } }]), code('INVALID_INPUT', /entry 2/));
    assert.equal(await ledger.repo.size(), before + 1);
    // A revoked key signs nothing more.
    await revokeLedgerKey(app, sue, 'maersk', e.keyId, 'party');
    await assert.rejects(ledger.submit([signed(carrier.signer, { event: 'LOAD' })]), code('FORBIDDEN'));
  });

  it('only a supervisor or admin registers keys, and only keys of the right type', async () => {
    const { app } = ledgerApp(await h.open());
    const sue = await supervisor(app);
    const { addUser } = await import('../../../src/app/targeting/users.ts');
    await addUser(app, { id: 'ana', roles: ['analyst'] });
    await assert.rejects(addLedgerKey(app, 'ana', keyPair('x').vkey, 'party'), code('FORBIDDEN'));
    await assert.rejects(addLedgerKey(app, sue, keyPair('w').vkey, 'witness'), code('INVALID_INPUT', /type/));
    await assert.rejects(addLedgerKey(app, sue, 'not a key', 'party'), code('INVALID_INPUT'));
    const w = keyPair('witness.example', 4);
    await addLedgerKey(app, sue, w.vkey, 'witness');
    await assert.rejects(addLedgerKey(app, sue, w.vkey, 'witness'), code('CONFLICT'));
  });

  it('a proof bundle checks offline with the log key alone, and any change to it fails', async () => {
    const { ledger } = ledgerApp(await h.open());
    await recordSome(ledger, 11);
    const bundle = await proveEntry(ledger, 6, { withPayload: true });
    const log = parseVerifierKey(ledger.verifierKey);
    const roundTrip = JSON.parse(JSON.stringify(bundle)) as unknown;
    const ok = checkBundle(roundTrip, log, { party: parseVerifierKey(ledger.keys.party.verifierKey) });
    assert.equal(ok.index, 6);
    assert.equal(ok.checkpoint.size, 11);
    assert.equal(ok.payload, true);
    assert.equal(ok.partySignature, true);
    assert.deepEqual(JSON.parse(bundle.payload!.json), { id: 'D-6', value: 60 });

    const fails = (b: object, field: RegExp) => assert.throws(() => checkBundle(b, log), (e) => isPortcullisError(e) && field.test(e.details[0]?.field ?? ''), JSON.stringify(b).slice(0, 80));
    const flipped = Buffer.from(bundle.proof[1]!, 'base64');
    flipped[0]! ^= 1;
    fails({ ...bundle, proof: [bundle.proof[0], flipped.toString('base64'), ...bundle.proof.slice(2)] }, /^proof$/);
    fails({ ...bundle, index: 7 }, /^proof$/);
    fails({ ...bundle, entry: { ...bundle.entry, time: '2026-01-01T00:00:00Z' } }, /^proof$/);
    fails({ ...bundle, checkpoint: bundle.checkpoint.replace('\n11\n', '\n12\n') }, /^checkpoint$/);
    fails({ ...bundle, payload: { ...bundle.payload!, json: '{"id":"D-6","value":61}' } }, /^payload$/);
    // The payload's first bytes moved into the salt: the same bytes hashed, refused for the salt's length.
    const salt = Buffer.from(bundle.payload!.salt, 'base64');
    fails({ ...bundle, payload: { json: bundle.payload!.json.slice(13), salt: Buffer.concat([salt, Buffer.from(bundle.payload!.json.slice(0, 13))]).toString('base64') } }, /^payload$/);
    assert.throws(() => checkBundle(bundle, parseVerifierKey(keyPair(ledger.origin).vkey)), (e) => isPortcullisError(e) && e.details[0]?.field === 'checkpoint');
    // The entry after the latest checkpoint: a checkpoint that covers it is signed for the proof.
    await recordSome(ledger, 1, 11);
    assert.equal(checkBundle(await proveEntry(ledger, 11), log).checkpoint.size, 12);
    await assert.rejects(proveEntry(ledger, 12), code('NOT_FOUND'));
  });
});
