import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { AppContext } from '../../src/app/context.ts';
import { addLedgerKey } from '../../src/app/ledger/keys-admin.ts';
import { closeLedger, type Ledger } from '../../src/app/ledger/ledger.ts';
import { ledgerCosign, ledgerProofBundle, ledgerVerifierKey } from '../../src/app/ledger/read.ts';
import { ENTRY_TYPES as SERVER_ENTRY_TYPES } from '../../src/ledger/entry/entry-type.ts';
import { leafText as serverLeafText, signEntry } from '../../src/ledger/entry/entry.ts';
import { cosign, formatCheckpoint, openCheckpoint, parseVerifierKey as serverParseVerifierKey, signNote, type Signer } from '../../src/ledger/note/index.ts';
import type { ProofBundle } from '../../src/ledger/proof/bundle.ts';
import { openStore, type StoreAdapter } from '../../src/store/index.ts';
import {
  ENTRY_TYPES,
  LedgerVerifyError,
  decodeBase64,
  entryLeafHash,
  leafHash,
  leafText,
  nodeHash,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  rootFromInclusionProof,
  supportsEd25519,
  verifyConsistency,
  verifyInclusion,
  verifyProofBundle,
  type BundleResult,
  type BundleStep,
} from '../../web/src/ledger/verify.ts';
import { consistency, makeLeaves, mth, path } from '../ledger/merkle/reference.ts';
import { keyPair, ledgerApp, recordSome, supervisor } from '../app/ledger/support.ts';

/**
 * The web app's verification of inclusion proof bundles (web/src/ledger/verify.ts), against bundles
 * the service itself makes (an in-memory SQLite ledger, the use case behind
 * GET /api/v1/ledger/entries/:index/proof), the log key as GET /api/v1/ledger/key sends it, the
 * server's own checkBundle rules, and the shared Merkle and signed-note vectors.
 */

const VECTORS = resolve(import.meta.dirname, '../../../shared/vectors');
const WEB_FILE = resolve(import.meta.dirname, '../../web/src/ledger/verify.ts');

/** Tree sizes the ledger is grown to, with a signed checkpoint at each: 1, powers of two, odd sizes. */
const SIZES = [1, 2, 3, 4, 5, 7, 8, 11, 16, 17];

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const flipBit = (base64: string, byte = 0) => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[byte]! ^= 1;
  return bytes.toString('base64');
};

/** Asserts that the bundle is refused at `step`, with a message matching `message`. */
async function refused(bundle: unknown, key: string, step: BundleStep, message: RegExp, what: string): Promise<void> {
  const r = await verifyProofBundle(bundle, key);
  assert.equal(r.ok, false, `${what}: expected a refusal at ${step}, but it verified`);
  const f = r as Extract<BundleResult, { ok: false }>;
  assert.equal(f.step, step, `${what}: refused at ${f.step} (${f.message}), expected ${step}`);
  assert.match(f.message, message, what);
}

describe('web ledger verification of bundles the service makes', () => {
  let store: StoreAdapter;
  let app: AppContext;
  let ledger: Ledger;
  /** The text GET /api/v1/ledger/key answers: the verifier key and a newline. */
  let logKey: string;
  /** Bundles as the proof route sends them (JSON round trip), at every size of SIZES. */
  const bundles: ProofBundle[] = [];
  /** The bundle most tampering starts from: entry 5 of 11, with its payload. */
  let base: ProofBundle;

  before(async () => {
    store = await openStore({ sqliteFile: ':memory:' });
    ({ app, ledger } = ledgerApp(store));
    let recorded = 0;
    for (const size of SIZES) {
      await recordSome(ledger, size - recorded, recorded);
      recorded = size;
      await ledger.checkpoint();
      for (const index of new Set([0, Math.floor(size / 2), size - 1])) {
        bundles.push(clone(await ledgerProofBundle(app, index, { size, withPayload: true })));
      }
    }
    logKey = `${ledgerVerifierKey(app)}\n`;
    base = bundles.find((b) => b.index === 5 && /\n11\n/.test(b.checkpoint))!;
    assert.ok(base !== undefined && base.proof.length === 4 && base.payload !== undefined);
  });

  after(async () => {
    await closeLedger(app);
    await store.close();
  });

  it('WebCrypto here verifies Ed25519', async () => {
    assert.equal(await supportsEd25519(), true);
  });

  it('verifies every bundle: index 0, the last index, the middle, trees of 1, odd and power-of-two sizes', async () => {
    const covered = bundles.map((b) => `${b.index}/${openCheckpoint(b.checkpoint, serverParseVerifierKey(logKey.trim())).checkpoint.size}`);
    for (const must of ['0/1', '0/17', '16/17', '0/11', '10/11', '5/11', '2/3', '4/5', '6/7', '7/8', '15/16']) assert.ok(covered.includes(must), `no bundle ${must}`);
    for (const b of bundles) {
      const { checkpoint } = openCheckpoint(b.checkpoint, serverParseVerifierKey(logKey.trim()));
      assert.deepEqual(await verifyProofBundle(b, logKey), { ok: true, index: b.index, size: checkpoint.size, root: b64(checkpoint.root), origin: ledger.origin, payload: true }, `entry ${b.index} of ${checkpoint.size}`);
    }
  });

  it('says payload: null for a bundle without the payload, and takes the key without its newline too', async () => {
    const b = clone(await ledgerProofBundle(app, 3, { size: 8 }));
    assert.equal(b.payload, undefined);
    const r = await verifyProofBundle(b, logKey.trim());
    assert.equal(r.ok, true);
    assert.equal((r as Extract<BundleResult, { ok: true }>).payload, null);
  });

  it('verifies a checkpoint that witnesses cosigned (their lines are not the log key, and are ignored)', async () => {
    const sue = await supervisor(app);
    const witness = keyPair('witness.example', 4);
    await addLedgerKey(app, sue, witness.vkey, 'witness');
    const body = base.checkpoint.slice(0, base.checkpoint.indexOf('\n\n') + 1);
    assert.equal(await ledgerCosign(app, 11, cosign(body, witness.signer, 1_772_352_000)), true);
    const cosigned = clone(await ledgerProofBundle(app, 5, { size: 11, withPayload: true }));
    assert.equal(cosigned.checkpoint.split('\n— ').length, 3, 'the log signature and the cosignature');
    assert.equal((await verifyProofBundle(cosigned, logKey)).ok, true);
    // An extra plain signature by some other key is ignored as well.
    const other = keyPair('other.example');
    const extra = `${cosigned.checkpoint}${signNote(body, [other.signer]).slice(body.length + 1)}`;
    assert.equal((await verifyProofBundle({ ...cosigned, checkpoint: extra }, logKey)).ok, true);
  });

  it("refuses a bundle that is not one, at 'format', naming the field", async () => {
    const cases: [unknown, RegExp][] = [
      [null, /not a JSON object/],
      [[base], /not a JSON object/],
      ['{"format":"portcullis-inclusion-proof/v1"}', /not a JSON object/],
      [{ ...base, format: 'portcullis-inclusion-proof/v2' }, /format is "portcullis-inclusion-proof\/v2"; expected "portcullis-inclusion-proof\/v1"/],
      [{ ...base, format: undefined }, /format is missing/],
      [{ ...base, index: -1 }, /index is -1/],
      [{ ...base, index: 6.5 }, /index is 6.5/],
      [{ ...base, index: '6' }, /index is "6"/],
      [{ ...base, entry: 'entry' }, /entry is not a JSON object/],
      [{ ...base, entry: { ...base.entry, time: undefined } }, /entry\.time is missing/],
      [{ ...base, entry: { ...base.entry, time: '1 March 2026' } }, /entry\.time is "1 March 2026"; expected an ISO 8601 UTC time/],
      [{ ...base, entry: { ...base.entry, type: 'declaration.forged' } }, /entry\.type is "declaration\.forged"; expected one of/],
      [{ ...base, entry: { ...base.entry, keyId: 'ABCDEF01' } }, /entry\.keyId/],
      [{ ...base, entry: { ...base.entry, corrects: -2 } }, /entry\.corrects is -2/],
      [{ ...base, entry: { ...base.entry, signature: 'c2ln' } }, /entry\.signature/],
      [{ ...base, entry: { ...base.entry, v: 2 } }, /entry\.v is 2/],
      // Not hashed into the leaf, so it would be shown unverified: refused.
      [{ ...base, entry: { ...base.entry, subject: 'declaration:D-5' } }, /entry\.subject is not a field of an entry/],
      [{ ...base, checkpoint: undefined }, /checkpoint is missing/],
      [{ ...base, proof: base.proof.join(',') }, /proof is not a list/],
      [{ ...base, proof: [base.proof[0], 'not base64!', ...base.proof.slice(2)] }, /proof hash 1 is "not base64!"/],
      [{ ...base, proof: [b64(randomBytes(31)), ...base.proof.slice(1)] }, /proof hash 0 .* 32-byte hash/],
      [{ ...base, proof: [flipBit(base.proof[0]!).slice(0, -2) + 'B=', ...base.proof.slice(1)] }, /proof hash 0 .* 32-byte hash/],
      [{ ...base, proof: [b64(randomBytes(33)), ...base.proof.slice(1)] }, /proof hash 0 .* 32-byte hash/],
      [{ ...base, payload: { json: JSON.parse(base.payload!.json), salt: base.payload!.salt } }, /payload is malformed/],
      [{ ...base, payload: null }, /payload is malformed/],
    ];
    for (const [bundle, message] of cases) await refused(bundle, logKey, 'format', message, JSON.stringify(bundle)?.slice(0, 120) ?? String(bundle));
  });

  it("refuses a changed entry field at 'inclusion': the leaf is no longer in the tree", async () => {
    const changes: Partial<ProofBundle['entry']>[] = [
      { type: base.entry.type === 'declaration.filed' ? 'declaration.amended' : 'declaration.filed' },
      { party: `${base.entry.party}x` },
      { keyId: base.entry.keyId === '00000000' ? '00000001' : '00000000' },
      { time: '2026-01-01T00:00:00Z' },
      { corrects: 0 },
      { commitment: flipBit(base.entry.commitment) },
      { signature: flipBit(base.entry.signature, 63) },
    ];
    assert.equal(base.entry.corrects, null);
    for (const change of changes) {
      await refused({ ...base, entry: { ...base.entry, ...change } }, logKey, 'inclusion', /does not lead from entry 5 to the root of the checkpoint of 11 entries: .*another root/, JSON.stringify(change));
    }
  });

  it("refuses a changed, dropped, added or reordered proof hash at 'inclusion'", async () => {
    for (let i = 0; i < base.proof.length; i++) {
      const proof = base.proof.map((h, j) => (j === i ? flipBit(h, 31) : h));
      await refused({ ...base, proof }, logKey, 'inclusion', /another root/, `proof hash ${i} changed`);
      await refused({ ...base, proof: base.proof.filter((_, j) => j !== i) }, logKey, 'inclusion', /the proof has 3 hashes, fewer than leaf 5 of a tree of 11 needs/, `proof hash ${i} dropped`);
    }
    await refused({ ...base, proof: [...base.proof, base.proof[0]] }, logKey, 'inclusion', /the proof has 5 hashes, more than/, 'a hash added');
    await refused({ ...base, proof: [base.proof[1], base.proof[0], ...base.proof.slice(2)] }, logKey, 'inclusion', /another root/, 'two hashes swapped');
    // Trees where the proof is short: entry 0 of 1 has an empty path, so any hash is one too many.
    const single = bundles.find((b) => b.proof.length === 0)!;
    assert.equal((await verifyProofBundle(single, logKey)).ok, true);
    await refused({ ...single, proof: [base.proof[0]] }, logKey, 'inclusion', /more than leaf 0 of a tree of 1 needs/, 'a hash added to an empty path');
  });

  it("refuses a wrong index at 'inclusion'", async () => {
    for (const index of [0, 4, 6, 10]) await refused({ ...base, index }, logKey, 'inclusion', new RegExp(`from entry ${index} to the root`), `index ${index}`);
    await refused({ ...base, index: 11 }, logKey, 'inclusion', /leaf index 11 is not below the tree size 11/, 'index = size');
    // The last entry of an odd tree: its neighbours' indices do not fit its path either.
    const last = bundles.find((b) => b.index === 16 && /\n17\n/.test(b.checkpoint))!;
    assert.equal((await verifyProofBundle(last, logKey)).ok, true);
    await refused({ ...last, index: 15 }, logKey, 'inclusion', /from entry 15/, 'index 15 of 17');
  });

  it("refuses a checkpoint the log key did not sign at 'checkpoint'", async () => {
    const body = base.checkpoint.slice(0, base.checkpoint.indexOf('\n\n') + 1);
    // Another key under the log's own name signs the same body.
    const impostor = keyPair(ledger.origin);
    await refused({ ...base, checkpoint: signNote(body, [impostor.signer]) }, logKey, 'checkpoint', new RegExp(`not signed by the log key ${ledger.origin.replace(/[.]/g, '\\.')}\\+[0-9a-f]{8}: the note has no signature by`), 'signed by another key');
    // The log's signature line, name and key id kept, with another key's signature bytes.
    const logLine = base.checkpoint.slice(body.length + 1);
    const forged = signNote(body, [{ ...impostor.signer, keyId: ledger.keys.log.keyId }]).slice(body.length + 1);
    assert.equal(forged.slice(0, 12), logLine.slice(0, 12), 'the same name and key id');
    await refused({ ...base, checkpoint: `${body}\n${forged}` }, logKey, 'checkpoint', /signature line 1: the signature by .* does not verify/, "another key's signature on the log's line");
    // A good log signature does not save a note with a bad one by the same key.
    await refused({ ...base, checkpoint: `${base.checkpoint}${forged}` }, logKey, 'checkpoint', /signature line 2: .* does not verify/, 'a second, bad line by the log key');
    // The right bundle checked with another log's key.
    await refused(base, `${impostor.vkey}\n`, 'checkpoint', /no signature by/, 'checked with another key');
    // A log key whose id does not match it, or of the cosignature type.
    const [name, id] = logKey.trim().split('+', 2) as [string, string];
    await refused(base, `${name}+00000000${logKey.trim().slice(name.length + 1 + id.length)}`, 'checkpoint', /key id 00000000 does not match the key/, 'a wrong key id');
    await refused(base, keyPair(ledger.origin, 4).vkey, 'checkpoint', /has type 0x04/, 'a cosignature key');
    await refused(base, 'not a key', 'checkpoint', /not <name>\+<8 hex digits>\+<base64 key>/, 'not a key');
  });

  it("refuses a changed checkpoint at 'checkpoint': root, size or origin", async () => {
    const root = b64(openCheckpoint(base.checkpoint, serverParseVerifierKey(logKey.trim())).checkpoint.root);
    const otherRoot = b64(randomBytes(32));
    await refused({ ...base, checkpoint: base.checkpoint.replace(`\n${root}\n`, `\n${otherRoot}\n`) }, logKey, 'checkpoint', /does not verify/, 'root changed');
    await refused({ ...base, checkpoint: base.checkpoint.replace('\n11\n', '\n12\n') }, logKey, 'checkpoint', /does not verify/, 'size changed');
    await refused({ ...base, checkpoint: base.checkpoint.replace('\n\n', '\n') }, logKey, 'checkpoint', /no blank line|not begin with an em dash/, 'no blank line');
    // Signed by the log key, but for another origin.
    const log: Signer = ledger.keys.log;
    const elsewhere = signNote(formatCheckpoint({ origin: 'another.log', size: 11, root: Buffer.from(root, 'base64'), extensions: [] }), [log]);
    await refused({ ...base, checkpoint: elsewhere }, logKey, 'checkpoint', /origin is "another\.log"; expected the log key's name/, 'another origin');
  });

  it("refuses a checkpoint the log did sign, but of another tree, at 'inclusion'", async () => {
    const log: Signer = ledger.keys.log;
    const other = signNote(formatCheckpoint({ origin: ledger.origin, size: 11, root: randomBytes(32), extensions: [] }), [log]);
    await refused({ ...base, checkpoint: other }, logKey, 'inclusion', /another root/, 'a signed root of another tree');
    const bigger = bundles.find((b) => /\n16\n/.test(b.checkpoint))!;
    await refused({ ...base, checkpoint: bigger.checkpoint }, logKey, 'inclusion', /checkpoint of 16 entries: .*another root/, "the log's checkpoint of 16 with the path in 11");
  });

  it("refuses a changed payload or salt at 'payload'", async () => {
    const p = base.payload!;
    assert.deepEqual(JSON.parse(p.json), { id: 'D-5', value: 50 });
    await refused({ ...base, payload: { ...p, json: '{"id":"D-5","value":51}' } }, logKey, 'payload', /do not match the entry's commitment/, 'payload changed');
    await refused({ ...base, payload: { ...p, json: `${p.json} ` } }, logKey, 'payload', /do not match/, 'a space added');
    await refused({ ...base, payload: { ...p, salt: flipBit(p.salt, 31) } }, logKey, 'payload', /do not match/, 'salt changed');
    await refused({ ...base, payload: { ...p, salt: b64(Buffer.from(p.salt, 'base64').subarray(0, 31)) } }, logKey, 'payload', /not base64 of 32 bytes \(it has 31\)/, 'salt cut short');
    await refused({ ...base, payload: { ...p, salt: 'not base64' } }, logKey, 'payload', /not base64 of 32 bytes$/, 'salt not base64');
    // The payload's first bytes moved into the salt: the same hash, a shorter payload shown.
    const shifted = { json: p.json.slice(20), salt: b64(Buffer.concat([Buffer.from(p.salt, 'base64'), Buffer.from(p.json.slice(0, 20))])) };
    assert.equal(createHash('sha256').update(Buffer.from(shifted.salt, 'base64')).update(shifted.json).digest('base64'), base.entry.commitment, 'the shifted split hashes to the commitment');
    await refused({ ...base, payload: shifted }, logKey, 'payload', /not base64 of 32 bytes \(it has 52\)/, 'payload bytes moved into the salt');
  });

  it('never rejects, whatever it is given', async () => {
    const odd: unknown[] = [undefined, 0, true, {}, { format: 'portcullis-inclusion-proof/v1' }, { ...base, entry: null }, { ...base, proof: [null] }];
    for (const o of odd) assert.equal((await verifyProofBundle(o, logKey)).ok, false);
    for (const key of ['', '+', '\n', 'a+b+c', `${logKey}${logKey}`]) assert.equal((await verifyProofBundle(base, key)).ok, false, JSON.stringify(key));
  });

  it("says so at 'checkpoint' where there is no WebCrypto (an insecure page) or no Ed25519 in it (an older browser)", async () => {
    const real = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    const withCrypto = async (value: unknown, run: () => Promise<void>) => {
      Object.defineProperty(globalThis, 'crypto', { value, configurable: true });
      try {
        await run();
      } finally {
        Object.defineProperty(globalThis, 'crypto', real);
      }
    };
    await withCrypto({}, () => refused(base, logKey, 'checkpoint', /WebCrypto \(crypto\.subtle\) is not available: browsers give it only to pages served over https or from localhost/, 'no crypto.subtle'));
    const subtle = (real.get!.call(globalThis) as typeof globalThis.crypto).subtle;
    const noEd25519 = {
      digest: subtle.digest.bind(subtle),
      importKey: () => Promise.reject(new DOMException('Unrecognized algorithm name', 'NotSupportedError')),
    };
    await withCrypto({ subtle: noEd25519 }, async () => {
      assert.equal(await supportsEd25519(), false);
      await refused(base, logKey, 'checkpoint', /does not verify Ed25519 signatures/, 'no Ed25519');
    });
    assert.equal((await verifyProofBundle(base, logKey)).ok, true, 'crypto restored');
  });

  it("hashes each entry's leaf text exactly as the server does", async () => {
    assert.deepEqual(ENTRY_TYPES, SERVER_ENTRY_TYPES);
    const { signer } = keyPair('zoll-ämt/ü');
    const unusual = signEntry({ type: 'inspection.recorded', time: '2026-03-01T10:00:00.123Z', corrects: 5, commitment: b64(randomBytes(32)) }, signer);
    for (const e of [...bundles.map((b) => b.entry), unusual]) {
      assert.equal(leafText(e), serverLeafText(e));
      assert.equal(b64(await entryLeafHash(e)), createHash('sha256').update('\0').update(serverLeafText(e)).digest('base64'));
    }
  });

  it("parses the log's verifier key to the key id the server computes", async () => {
    const mine = await parseVerifierKey(logKey.trim());
    const theirs = serverParseVerifierKey(logKey.trim());
    assert.deepEqual([mine.name, mine.keyId, b64(mine.publicKey)], [theirs.name, theirs.keyId, b64(theirs.publicKey)]);
  });
});

describe('web ledger verification: RFC 9162 inclusion against an independent reference', () => {
  it('accepts PATH(m, D[n]) for every leaf of trees of 1 to 33 leaves, and the path one short or one long is refused', async () => {
    for (let n = 1; n <= 33; n++) {
      const leaves = makeLeaves(n);
      const root = mth(leaves);
      for (let m = 0; m < n; m++) {
        const proof = path(leaves, m);
        await verifyInclusion(leaves[m]!, m, n, proof, root);
        assert.equal(b64(await rootFromInclusionProof(leaves[m]!, m, n, proof)), b64(root));
        await assert.rejects(verifyInclusion(leaves[m]!, m, n, [...proof, root], root), LedgerVerifyError);
        if (proof.length > 0) await assert.rejects(verifyInclusion(leaves[m]!, m, n, proof.slice(0, -1), root), LedgerVerifyError);
      }
    }
  });
});

/**
 * The parsed vector file, or undefined after skipping the test with a message saying it is absent.
 * The files document their own shape, so they are read loosely (as test/ledger/note/vectors.ts does).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function vectorFile(t: TestContext, file: string): any {
  const p = join(VECTORS, file);
  if (!existsSync(p)) {
    t.skip(`${file} not found: the vectors come from ../shared/vectors`);
    return undefined;
  }
  return JSON.parse(readFileSync(p, 'utf8'));
}

describe('web ledger verification: transparency-dev/merkle vectors', () => {
  const dir = join(VECTORS, 'transparency-dev-merkle/testdata/inclusion');
  const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.json') ? [join(d, e.name)] : [])).sort();

  it('agrees with every inclusion vector: wantErr refused, the others verified', async (t) => {
    if (!existsSync(dir)) return t.skip('transparency-dev-merkle/testdata/inclusion not found: the vectors come from ../shared/vectors');
    const all = files(dir);
    assert.ok(all.length > 50, `only ${all.length} inclusion vectors`);
    const b = (s: string) => Buffer.from(s, 'base64');
    for (const file of all) {
      const v = JSON.parse(readFileSync(file, 'utf8')) as { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean };
      const run = verifyInclusion(b(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b), b(v.root));
      if (v.wantErr) await assert.rejects(run, LedgerVerifyError, relative(dir, file));
      else await run;
    }
    return undefined;
  });

  it('hashes the reference tree: leaves, nodes and the root of every size', async (t) => {
    const v = vectorFile(t, 'transparency-dev-merkle/reference-tree.json');
    if (v === undefined) return;
    const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');
    const levels: string[][] = v.nodeHashesHexByLevel;
    const leaves = await Promise.all((v.leafInputsHex as string[]).map((h) => leafHash(Buffer.from(h, 'hex'))));
    assert.deepEqual(leaves.map(hex), levels[0]);
    for (let l = 1; l < levels.length; l++) {
      for (let i = 0; i < levels[l]!.length; i++) {
        assert.equal(hex(await nodeHash(Buffer.from(levels[l - 1]![2 * i]!, 'hex'), Buffer.from(levels[l - 1]![2 * i + 1]!, 'hex'))), levels[l]![i]);
      }
    }
    // Every leaf's path in every tree size leads to that size's root.
    const roots: string[] = v.rootHashesHexBySize;
    for (let n = 1; n < roots.length; n++) {
      for (let m = 0; m < n; m++) assert.equal(hex(await rootFromInclusionProof(leaves[m]!, m, n, path(leaves.slice(0, n), m))), roots[n], `${m} of ${n}`);
    }
  });
});

describe('web ledger verification: signed-note vectors', () => {
  it('opens the Go sumdb note with its key, and the second (EnochRoot) signature with its own', async (t) => {
    const v = vectorFile(t, 'signed-note/note-vectors.json');
    if (v === undefined) return;
    const g = v.go_sumdb_note;
    const peter = await parseVerifierKey(g.verifier_key);
    assert.equal(peter.keyId, 0xc74f20a3);
    assert.deepEqual(await openNote(g.signed, [peter]), { text: g.text, verified: [{ name: 'PeterNeumann', keyId: 0xc74f20a3 }], unverified: [] });
    const enoch = await parseVerifierKey(g.second_verifier_key);
    const both = g.signed + g.second_signature_line;
    const byEnoch = await openNote(both, [enoch]);
    assert.deepEqual(byEnoch.verified, [{ name: 'EnochRoot', keyId: 0xaf0cfe78 }]);
    assert.deepEqual(byEnoch.unverified, [{ name: 'PeterNeumann', keyId: 0xc74f20a3 }]);
    assert.equal((await openNote(both, [peter, enoch])).verified.length, 2);
    // The text changed by one character: the signature no longer verifies.
    await assert.rejects(openNote(g.signed.replace('answer', 'Answer'), [peter]), /signature line 1: the signature by PeterNeumann\+c74f20a3 does not verify/);
    await assert.rejects(openNote(g.signed, [enoch]), /no signature by EnochRoot\+af0cfe78/);
  });

  it('refuses the malformed notes and bad keys the vectors list', async (t) => {
    const v = vectorFile(t, 'signed-note/note-vectors.json');
    if (v === undefined) return;
    const g = v.go_sumdb_note;
    const text: string = g.text;
    const sigLine: string = g.signed.slice(text.length + 1);
    const peter = await parseVerifierKey(g.verifier_key);
    // Each malformed note, and the reason it must be refused for (not merely a signature that fails).
    const build: Record<string, [() => string | Uint8Array, RegExp]> = {
      'TEXT (no blank line / no signatures)': [() => text, /no blank line between its text and its signatures/],
      'TEXT + "\\n" (no signatures)': [() => `${text}\n`, /no signature line after its blank line/],
      'TEXT + "\\n" + sigline without final newline': [() => `${text}\n${sigLine.slice(0, -1)}`, /last signature line does not end in a newline/],
      '"\\x01" + TEXT + "\\n" + sigline (control char)': [() => `\x01${text}\n${sigLine}`, /control character 0x01 at offset 0/],
      '"\\xff" + TEXT + "\\n" + sigline (invalid UTF-8)': [() => new Uint8Array([0xff, ...new TextEncoder().encode(`${text}\n${sigLine}`)]), /not valid UTF-8/],
      'TEXT + "\\n" + "— Bad Name <sig>" (space in name)': [() => `${text}\n${sigLine.replace('PeterNeumann', 'Bad Name')}`, /the signature of Bad is not standard base64 \(or the name holds a space\)/],
      'TEXT + "\\n" + sigline + "Unexpected line.\\n"': [() => `${text}\n${sigLine}Unexpected line.\n`, /signature line 2 does not begin with an em dash/],
    };
    const cases: string[] = g.malformed_messages_must_fail;
    assert.equal(cases.length, 7);
    for (const description of cases) {
      const c = build[description];
      assert.ok(c !== undefined, `no construction for the vector ${JSON.stringify(description)}`);
      await assert.rejects(openNote(c[0](), [peter]), (e) => e instanceof LedgerVerifyError && c[1].test(e.message), description);
    }
    // A lone surrogate (possible in a JSON string) has no UTF-8 form.
    await assert.rejects(openNote(`\ud800${g.signed}`, [peter]), /lone surrogate/);
    for (const bad of g.bad_vkeys_must_fail as string[]) await assert.rejects(parseVerifierKey(bad), LedgerVerifyError, bad);
  });

  it('opens the C2SP signed-note example', async (t) => {
    const v = vectorFile(t, 'signed-note/note-vectors.json');
    if (v === undefined) return;
    const c = v.c2sp_signed_note;
    const opened = await openNote(c.signed, [await parseVerifierKey(c.verifier_key)]);
    assert.deepEqual(opened, { text: 'This is an example message.\n', verified: [{ name: 'example.com/foo', keyId: 0x530d903a }], unverified: [] });
  });

  it('opens the real sum.golang.org checkpoint and its extra signatures; a changed one is refused', async (t) => {
    const v = vectorFile(t, 'signed-note/checkpoint-vectors.json');
    if (v === undefined) return;
    const r = v.real_sum_golang_org_checkpoint;
    const log = await parseVerifierKey(r.verifier_key);
    const opened = await openNote(r.signed, [log]);
    const c = parseCheckpoint(opened.text);
    assert.deepEqual({ ...c, root: b64(c.root) }, { origin: r.origin, size: 6476701, root: 'mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=', extensions: [] });
    const witnesses = await Promise.all((r.extra_cosigner_vkeys as string[]).map(parseVerifierKey));
    const signed = `${r.signed}${(r.extra_cosigner_lines as string[]).map((l) => `${l}\n`).join('')}`;
    assert.deepEqual((await openNote(signed, [log, ...witnesses])).verified.map((s) => s.name), ['sum.golang.org', 'monkeys', 'bananas', 'witness']);
    const tampered = signed.replace(/(— bananas .{20})(.)/, (_, head: string, ch: string) => `${head}${ch === 'A' ? 'B' : 'A'}`);
    await assert.rejects(openNote(tampered, [log, ...witnesses]), /signature line 3: the signature by bananas\+cf639f13 does not verify/);
    assert.equal((await openNote(tampered, [log])).verified.length, 1, 'a line by a key not given is ignored');
  });

  it('parses checkpoint bodies under C2SP rules: the bad ones refused, the good ones only with a 32-byte root', async (t) => {
    const v = vectorFile(t, 'signed-note/checkpoint-vectors.json');
    if (v === undefined) return;
    const cases = v.checkpoint_body_unmarshal as { m: string; ok: boolean; rest?: string; why?: string }[];
    assert.equal(cases.length, 10);
    const reasons: Record<string, RegExp> = {
      'insufficient lines': /has 2 lines; expected at least 3/,
      'empty origin': /origin \(line 1\) is empty/,
      'missing newline on root hash': /does not end in a newline/,
      'size not a number': /size \(line 2\) is not a decimal number/,
      'negative size': /size \(line 2\) is not a decimal number with no sign/,
      'size > uint64': /above the uint64 maximum/,
      'root not base64': /root hash \(line 3\) is not standard base64/,
    };
    for (const u of cases.filter((c) => !c.ok)) {
      const reason = reasons[u.why!];
      assert.ok(reason !== undefined, `no expected reason for the vector ${JSON.stringify(u.why)}`);
      assert.throws(() => parseCheckpoint(u.m), (e) => e instanceof LedgerVerifyError && reason.test(e.message), u.why);
    }
    assert.throws(() => parseCheckpoint(`log\n011\n${b64(new Uint8Array(32))}\n`), /no leading zeroes/);
    assert.throws(() => parseCheckpoint(`log\n9007199254740992\n${b64(new Uint8Array(32))}\n`), /above 9007199254740991/);
    assert.throws(() => parseCheckpoint(`log\n1\n${b64(new Uint8Array(32))}\next\n\n`), /extension line 5 is empty/);
    const root = b64(createHash('sha256').update('root').digest());
    for (const u of cases.filter((c) => c.ok)) {
      assert.throws(() => parseCheckpoint(u.m), /has (7|37) bytes; expected a 32-byte SHA-256 hash/);
      const lines = u.m.split('\n');
      lines[2] = root;
      assert.deepEqual(parseCheckpoint(lines.join('\n')).extensions, u.rest === '' ? [] : u.rest!.slice(0, -1).split('\n'));
    }
    const tree = vectorFile(t, 'signed-note/note-vectors.json');
    if (tree !== undefined) assert.equal(parseCheckpoint(tree.go_sumdb_tree_note.text).size, 123456789012);
  });
});

describe('web ledger verification: browser code only', () => {
  it('imports nothing but types from src/domain, and uses no Node API', () => {
    const text = readFileSync(WEB_FILE, 'utf8');
    for (const m of text.matchAll(/^\s*(import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm)) {
      assert.ok(/^import\s+type\s/.test(m[0].trim()) && /\/src\/domain\//.test(m[2]!), `web/src/ledger/verify.ts: ${m[0].trim()}`);
    }
    assert.doesNotMatch(text, /\bBuffer\b|\bprocess\.|\brequire\(|['"]node:/);
  });

  it('decodes only canonical standard base64', () => {
    assert.deepEqual(decodeBase64('AQI='), Uint8Array.of(1, 2));
    for (const bad of ['AQI', 'AQJ=', 'AQ-_', ' AQI=', 'AQI=\n']) assert.equal(decodeBase64(bad), undefined, bad);
  });
});

describe('web ledger verification: consistency between two checkpoints (RFC 9162 §2.1.4.2)', () => {
  it('accepts the reference proofs between every pair of sizes up to 40, and refuses changed roots and proofs', async () => {
    const leaves = makeLeaves(40);
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistency(leaves.slice(0, n), m);
        const r1 = mth(leaves, 0, m);
        const r2 = mth(leaves, 0, n);
        await verifyConsistency(m, n, r1, r2, proof);
        if (m === n) continue;
        // The first tree changed (another root), the second, a hash of the proof, a hash dropped.
        const other = Uint8Array.from(r1, (b, i) => (i === 0 ? b ^ 1 : b));
        await assert.rejects(verifyConsistency(m, n, other, r2, proof), LedgerVerifyError, `${m}→${n} with another first root`);
        await assert.rejects(verifyConsistency(m, n, r1, other.length === 32 ? Uint8Array.from(r2, (b, i) => (i === 31 ? b ^ 1 : b)) : r2, proof), LedgerVerifyError, `${m}→${n} with another second root`);
        const bent = proof.map((h, i) => (i === proof.length - 1 ? Uint8Array.from(h, (b, j) => (j === 0 ? b ^ 1 : b)) : h));
        await assert.rejects(verifyConsistency(m, n, r1, r2, bent), LedgerVerifyError, `${m}→${n} with a changed proof`);
        await assert.rejects(verifyConsistency(m, n, r1, r2, proof.slice(0, -1)), LedgerVerifyError, `${m}→${n} with a hash missing`);
      }
    }
    await assert.rejects(verifyConsistency(5, 4, mth(leaves, 0, 5), mth(leaves, 0, 4), []), LedgerVerifyError, 'a log that shrank');
  });

  it('agrees with every transparency-dev/merkle consistency vector: wantErr refused, the others verified', async (t) => {
    const dir = join(VECTORS, 'transparency-dev-merkle/testdata/consistency');
    if (!existsSync(dir)) return t.skip('transparency-dev-merkle/testdata/consistency not found: the vectors come from ../shared/vectors');
    const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.json') ? [join(d, e.name)] : [])).sort();
    const all = files(dir);
    assert.ok(all.length > 20, `only ${all.length} consistency vectors`);
    const b = (x: string | null) => Buffer.from(x ?? '', 'base64');
    for (const file of all) {
      const v = JSON.parse(readFileSync(file, 'utf8')) as { size1: number; size2: number; root1: string | null; root2: string | null; proof: string[] | null; wantErr: boolean };
      const run = verifyConsistency(v.size1, v.size2, b(v.root1), b(v.root2), (v.proof ?? []).map(b));
      if (v.wantErr) await assert.rejects(run, LedgerVerifyError, relative(dir, file));
      else await run;
    }
    return undefined;
  });
});
