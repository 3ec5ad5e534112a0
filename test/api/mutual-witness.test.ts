import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { addLedgerKey } from '../../src/app/ledger/keys-admin.ts';
import { ledgerOf } from '../../src/app/ledger/ledger.ts';
import { parsePartnerLogs } from '../../src/app/ledger/mutual-witness.ts';
import { newKeyPair, verifierKey, verifyCheckpointNote } from '../../src/app/ledger/offline.ts';
import { recordPrivileged } from '../../src/app/ledger/record.ts';
import { isPortcullisError } from '../../src/domain/errors.ts';
import { startApi, STORE_LABEL, type TestApi } from './support.ts';

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`two customs services witness each other's ledger (${STORE_LABEL})`, () => {
  it('reads the partners from PORTCULLIS_WITNESS_LOGS, and refuses a malformed list naming what is wrong', () => {
    const log = newKeyPair('customs.b.example/ledger', false);
    assert.deepEqual(parsePartnerLogs(undefined), []);
    assert.deepEqual(parsePartnerLogs(JSON.stringify([{ url: 'https://b.example', key: log.verifierKey }])), [{ url: 'https://b.example', key: log.verifierKey }]);
    const refused = (text: string, problem: RegExp) => assert.throws(() => parsePartnerLogs(text), (e) => isPortcullisError(e) && e.code === 'CONFIG_ERROR' && e.details[0]?.field === 'PORTCULLIS_WITNESS_LOGS' && problem.test(e.message), text);
    refused('{"url": "https://b.example"}', /not a list/);
    refused('[{"url": "b.example", "key": "x"}]', /\[0\]\.url is not an http\(s\) address/);
    refused(JSON.stringify([{ url: 'https://b.example', key: log.verifierKey }, { url: 'https://c.example', key: 'not-a-key' }]), /\[1\]\.key is not a log's verifier key/);
    refused('[{', /not readable JSON/);
  });

  it("each service's checkpoints carry the other's cosignature, old and new, proven consistent each time", async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const keys = (name: string) => ({ log: newKeyPair(`${name}/ledger`, false), witness: newKeyPair(`${name}/witness`, true) });
    const a = keys('customs.a.example');
    const b = keys('customs.b.example');
    const env = (own: typeof a, partnerPort: number, partner: typeof a) => ({
      PORTCULLIS_LOG_KEY: own.log.signerKey,
      PORTCULLIS_WITNESS_KEY: own.witness.signerKey,
      PORTCULLIS_WITNESS_LOGS: JSON.stringify([{ url: `http://127.0.0.1:${partnerPort}`, key: partner.log.verifierKey }]),
    });
    // A starts first and finds no B yet: its rounds fail until B answers, then go on.
    const apiA = await startApi({ port: portA, env: env(a, portB, b), witness: { intervalMs: 150 } });
    let apiB: TestApi | undefined;
    try {
      apiB = await startApi({ port: portB, env: env(b, portA, a), witness: { intervalMs: 150 } });
      const services = [
        { api: apiA, own: a, partner: b },
        { api: apiB, own: b, partner: a },
      ];
      for (const s of services) {
        // What a partner registers: the key this service publishes.
        const published = await s.api.call('GET', '/api/v1/ledger/witness-key');
        assert.equal(published.status, 200);
        assert.equal(String(published.body).trim(), s.own.witness.verifierKey);
        await addLedgerKey(s.api.app, 'sam', s.partner.witness.verifierKey, 'witness');
      }

      const cosignedAt = async (s: (typeof services)[number], size: number): Promise<boolean> => {
        const r = await s.api.call('GET', '/api/v1/ledger/checkpoint');
        if (r.status !== 200) return false;
        const note = String(r.body);
        try {
          const opened = verifyCheckpointNote(note, verifierKey('log', s.own.log.verifierKey), [verifierKey('witness', s.partner.witness.verifierKey)]);
          return opened.checkpoint.size >= size;
        } catch {
          return false;
        }
      };
      for (const round of [1, 2]) {
        for (const s of services) {
          await recordPrivileged(s.api.app, 'adm', 'mutual-witness.test', `test:${round}`);
          await ledgerOf(s.api.app).checkpoint();
        }
        for (const s of services) {
          const size = (await ledgerOf(s.api.app).head()).size;
          await until(`${s.own.log.verifierKey.split('+')[0]} cosigned by its partner at ${size} entries`, () => cosignedAt(s, size));
        }
      }
    } finally {
      await apiB?.close();
      await apiA.close();
    }
  });
});
