import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, it } from 'node:test';
import type { AppContext } from '../../../src/app/context.ts';
import { ledgerHttpServer } from '../../../src/app/ledger/http.ts';
import { addLedgerKey } from '../../../src/app/ledger/keys-admin.ts';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { publishedCheckpoint } from '../../../src/app/ledger/published.ts';
import { verifyLedger } from '../../../src/app/ledger/verify.ts';
import { httpLogSource, witnessOnce, type LogSource } from '../../../src/app/ledger/witness.ts';
import { openCheckpoint, parseVerifierKey } from '../../../src/ledger/note/index.ts';
import { openStore } from '../../../src/store/index.ts';
import { tempDir } from '../targeting/fixtures.ts';
import { keyPair, ledgerApp, recordSome, supervisor } from './support.ts';

const dir = tempDir('witness');
after(() => dir.cleanup());

async function served(app: AppContext) {
  const server = ledgerHttpServer(ledgerOf(app), app.clock);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('a witness fetches each checkpoint over HTTP, checks consistency, cosigns; the log publishes the cosignature', async () => {
  const store = await openStore({ sqliteFile: dir.path('log.db') });
  after(() => store.close());
  const { app, ledger } = ledgerApp(store);
  const sue = await supervisor(app);
  const w = keyPair('witness.carrier.example', 4);
  await addLedgerKey(app, sue, w.vkey, 'witness');
  await recordSome(ledger, 5);
  await ledger.checkpoint();
  const url = await served(app);
  const log = parseVerifierKey(ledger.verifierKey);
  const state = dir.path('w1.json');
  const opts = { source: httpLogSource(url), log, signer: w.signer, stateFile: state, clock: () => new Date('2026-03-01T12:00:00Z') };

  const first = await witnessOnce(opts);
  assert.equal(first.kind, 'cosigned');
  const size1 = (await ledger.repo.latestCheckpoint())!.size;
  assert.deepEqual(first, { kind: 'cosigned', size: size1, root: (await ledger.repo.latestCheckpoint())!.root, from: 0 });
  assert.deepEqual(await witnessOnce(opts), { kind: 'unchanged', size: size1 });

  await recordSome(ledger, 9, 5);
  await ledger.checkpoint();
  const second = await witnessOnce(opts);
  assert.equal(second.kind, 'cosigned');
  assert.equal(second.kind === 'cosigned' && second.from, size1);

  // The published checkpoint carries the cosignature, verifiable with the witness's public key.
  const p = (await publishedCheckpoint(ledger))!;
  const opened = openCheckpoint(p.note, log, [parseVerifierKey(w.vkey)]);
  assert.deepEqual(opened.cosignatures.map((c) => [c.name, c.time]), [['witness.carrier.example', Date.parse('2026-03-01T12:00:00Z') / 1000]]);
  const r = await verifyLedger(ledger.repo, { logKey: ledger.verifierKey, signatures: false, payloads: true });
  assert.equal(r.ok, true);
  assert.equal(r.checked.cosignatures, 2);

  // The log refuses cosignatures from witnesses it does not know, and bad lines.
  const stranger = keyPair('witness.carrier.example', 4);
  const res = await fetch(`${url}/api/v1/ledger/cosignatures`, { method: 'POST', body: JSON.stringify({ size: p.checkpoint.size, line: opened.text.length > 0 ? (await import('../../../src/ledger/note/index.ts')).cosign(opened.text, stranger.signer, 1) : '' }) });
  assert.equal(res.status, 403);
  const bad = await fetch(`${url}/api/v1/ledger/cosignatures`, { method: 'POST', body: '{"size": 1}' });
  assert.equal(bad.status, 400);
  assert.equal((await fetch(`${url}/api/v1/ledger/proof/consistency?from=3&to=999999`)).status, 400);
});

it('a witness shown a forked history reports a split view with both signed checkpoints, and cosigns neither', async () => {
  // One log key, two databases: the operator shows one history to some and another to others.
  const { generateSignerKey } = await import('../../../src/ledger/note/index.ts');
  const logKey = generateSignerKey('fork.example/log', new Uint8Array(32).fill(9)).signerKey;
  const open = async (name: string) => {
    const store = await openStore({ sqliteFile: dir.path(name) });
    after(() => store.close());
    const { app } = ledgerApp(store);
    const keyed: AppContext = { ...app, config: { ...app.config, ledger: { ...app.config.ledger, logKey } } };
    return { app: keyed, ledger: ledgerOf(keyed) };
  };
  const a = await open('a.db');
  const b = await open('b.db');
  await recordSome(a.ledger, 6);
  await recordSome(b.ledger, 6);
  await b.ledger.record([{ type: 'decision.made', subject: 'declaration:D-2', payload: { lane: 'green', rewritten: true } }]);
  await recordSome(a.ledger, 1, 6);
  await a.ledger.checkpoint();
  await recordSome(b.ledger, 3, 100);
  await b.ledger.checkpoint();
  const w = keyPair('witness.neighbour.example', 4);
  const log = parseVerifierKey(a.ledger.verifierKey);
  assert.equal(b.ledger.verifierKey, a.ledger.verifierKey);
  const direct = (ledger: typeof a.ledger): LogSource => ({
    description: 'direct',
    checkpoint: async () => (await publishedCheckpoint(ledger))!.note,
    consistency: (from, to) => ledger.consistencyProof(from, to),
    cosign: async () => {},
  });
  const state = dir.path('w2.json');
  const clock = () => new Date('2026-03-02T00:00:00Z');
  assert.equal((await witnessOnce({ source: direct(a.ledger), log, signer: w.signer, stateFile: state, clock })).kind, 'cosigned');
  const before = readFileSync(state, 'utf8');
  const r = await witnessOnce({ source: direct(b.ledger), log, signer: w.signer, stateFile: state, clock });
  assert.equal(r.kind, 'split-view');
  assert.ok(r.kind === 'split-view' && /not consistent/.test(r.reason), JSON.stringify(r));
  const evidence = JSON.parse(readFileSync((r as { evidence: string }).evidence, 'utf8')) as { seen: string; offered: string };
  // Both notes are genuinely signed by the log: the evidence stands on its own.
  assert.equal(openCheckpoint(evidence.seen, log).checkpoint.size, 7);
  assert.equal(openCheckpoint(evidence.offered, log).checkpoint.size, 10);
  assert.equal(readFileSync(state, 'utf8'), before, 'the state is kept as it was');
  assert.ok(existsSync(state));
});
