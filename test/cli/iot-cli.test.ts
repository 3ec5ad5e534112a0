import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/app/config.ts';
import { openApp, type AppContext } from '../../src/app/context.ts';
import { startIotService, type IotService } from '../../src/app/iot/service.ts';
import { iotEventsRepo } from '../../src/store/index.ts';
import { iotApp } from '../app/iot/support.ts';
import { lastJson, runCli } from '../support/cli.ts';

/**
 * `portcullis iot devices register`, `iot simulate`, `iot track` and `iot stats` (the command line
 * run in this process: support/cli.ts), the service listening on a broker of its own (the embedded
 * one) in this process.
 */
describe('portcullis iot', () => {
  let t: Awaited<ReturnType<typeof iotApp>>;
  let env: Record<string, string>;
  let app: AppContext;
  let service: IotService;

  before(async () => {
    t = await iotApp(1);
    env = { PORTCULLIS_DB: join(t.dir, 'p.db'), PORTCULLIS_KEYS_DIR: join(t.dir, 'keys') };
    // The CLI's processes and the service share the store file; this process keeps one app open for the service.
    await t.app.close();
    app = await openApp(loadConfig(env));
    service = await startIotService(app, { embeddedPort: 0, clientId: 'cli-test', tickMs: 3_600_000 });
  });
  after(async () => {
    await service.close();
    await app.close();
    await t.close().catch(() => undefined);
  });

  it('registers a device for a consignment, plays a seal breach through the broker, and shows the track, the alerts and the counters', async () => {
    const consignment = t.consignments[0]!;
    const r = await runCli(env, 'iot', 'devices', 'register', 'seal-1', '--consignment', consignment, '--as', 'sue', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.match(String((lastJson(r.stdout) as { keyFile: string }).keyFile), /devices\/seal-1\.key$/);
    const again = await runCli(env, 'iot', 'devices', 'register', 'seal-1', '--consignment', consignment, '--as', 'sue', '--json');
    assert.equal(again.code, 2);
    assert.equal((lastJson(again.stdout).error as { code: string }).code, 'CONFLICT');
    const refused = await runCli(env, 'iot', 'devices', 'register', 'seal-2', '--as', 'nobody');
    assert.notEqual(refused.code, 0);

    const s = await runCli(env, 'iot', 'simulate', '--consignment', consignment, '--scenario', 'seal-breach', '--speed', 'max', '--broker', service.brokerUrl, '--json');
    assert.equal(s.code, 0, s.stderr);
    const published = (lastJson(s.stdout) as { published: number }).published;
    assert.ok(published > 20, `${published} events`);
    const end = Date.now() + 30_000;
    while ((await iotEventsRepo(app.store.db).count()) < published && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
    await service.drained();

    const track = lastJson((await runCli(env, 'iot', 'track', consignment, '--json')).stdout) as { events: unknown[]; alerts: { id: string }[]; ports: string[] };
    assert.equal(track.events.length, published);
    assert.deepEqual(track.ports, ['CNSHA', 'NLRTM']);
    assert.equal(track.alerts.length, 3, 'door opened, seal opened, seal changed');
    const stats = lastJson((await runCli(env, 'iot', 'stats', '--json')).stdout) as { events: number; inbox: number };
    assert.deepEqual([stats.events, stats.inbox], [published, 0]);

    const bad = await runCli(env, 'iot', 'simulate', '--consignment', consignment, '--scenario', 'shipwreck', '--broker', service.brokerUrl);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout + bad.stderr, /scenario/);
  });
});
