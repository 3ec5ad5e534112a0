import { join } from 'node:path';
import { loadConfig } from '../app/config.ts';
import { openApp } from '../app/context.ts';
import { randomBytes } from 'node:crypto';
import { bootstrapAdmin, setPassword } from '../app/auth/index.ts';
import { DEMO_ROWS, seedDemoIfEmpty } from '../app/demo/seed-demo.ts';
import { DEMO_USERS, seedTargetingDemo } from '../app/demo/seed-targeting.ts';
import { seedIotDemo } from '../app/demo/seed-iot.ts';
import { seedMovementsDemo } from '../app/demo/seed-movements.ts';
import { jobQueueSettings } from '../app/jobs/open.ts';
import { ledgerOf } from '../app/ledger/ledger.ts';
import { buildServer, shutdown } from './server.ts';
import { authPort, policy } from './wiring.ts';

export interface ServeOptions {
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  /** Messages for the operator (the URL, the first administrator's password): stderr. */
  readonly say: (line: string) => void;
  readonly env: Record<string, string | undefined>;
  /** Seeds the demo data on first start (default true). */
  readonly demo?: boolean;
}

const int = (v: string | undefined, fallback: number): number => {
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
};

/**
 * `portcullis serve`: opens the application; on first start loads the demo data (as `start` does)
 * and creates the administrator (the generated password printed once); listens; and on SIGTERM or
 * SIGINT stops accepting, lets requests under way finish and closes the application (the ledger
 * writes what it was asked to and signs a last checkpoint). Resolves once shut down.
 */
export async function serve(o: ServeOptions): Promise<void> {
  const config = loadConfig(o.env);
  const app = await openApp(config, undefined, { service: true, warn: (m) => o.say(`portcullis: ${m}`) });
  let server;
  // The demo consignment to play a voyage for, said once the broker's address is known.
  let demoSeal: { count: number; consignment: string } | undefined;
  // Whether this start made the demo's people (who are then given a password).
  let demoPeople = false;
  try {
    // The ledger's sequencer (issue 9): on PostgreSQL this instance stands for it at once, and
    // takes over when the instance holding it dies; the others queue their entries for it.
    const ledger = ledgerOf(app);
    const part = (role: string) => (role === 'follower' ? 'follower: another instance sequences the ledger' : 'sequencer: this instance sequences the ledger');
    ledger.watchRole((role, why) => o.say(`portcullis: ledger ${part(role)} (${why})`));
    await ledger.start();
    if (ledger.role !== 'single') o.say(`portcullis: ledger ${part(ledger.role)}`);
    // Instances started together on a new database: one loads the demo and makes the administrator.
    await app.store.exclusive('first-start', async () => {
      if (o.demo !== false) {
        const seed = await seedDemoIfEmpty(app, {});
        if (seed.seeded && seed.ingest) o.say(`first start: ${seed.ingest.accepted} of ${DEMO_ROWS} demo declarations ingested`);
        const t = seed.seeded && seed.file !== undefined ? await seedTargetingDemo(app, seed.file, (step) => o.say(step)) : undefined;
        if (t !== undefined) o.say(`demo targeting: model ${t.model.slice(0, 19)}… in force, rule ${t.rule} active, ${t.decisions.decided} declarations decided`);
        demoPeople = t !== undefined;
        if (t !== undefined) {
          const seals = await seedIotDemo(app, 'sam');
          if (seals.length > 0) demoSeal = { count: seals.length, consignment: seals[0]!.consignment };
          const moved = await seedMovementsDemo(app, 'sam', join(config.dataDir, 'demo'));
          if (moved !== undefined) o.say(`demo movements: ${moved.movements} carrier movements and ${moved.readings} device readings recorded; ${moved.planted} filings disagree with them (discrepancies)`);
        }
      }
      const admin = await bootstrapAdmin(app);
      if (admin.created) o.say(admin.password !== undefined ? `administrator "${admin.user}" created; password (shown this once): ${admin.password}` : `administrator "${admin.user}" created with PORTCULLIS_ADMIN_PASSWORD`);
      if (demoPeople) {
        // The demo's analyst, supervisors and officer can sign in at once (the web application has
        // nothing to show the administrator alone): one password, said once, set by the administrator.
        const configured = o.env.PORTCULLIS_DEMO_PASSWORD?.trim() || undefined;
        const password = configured ?? randomBytes(18).toString('base64url');
        for (const u of DEMO_USERS) await setPassword(app, admin.user, u.id, password);
        const who = DEMO_USERS.map((u) => `${u.id} (${u.roles.join(', ')})`).join(', ');
        o.say(configured === undefined ? `demo people ${who}: password (shown this once): ${password}` : `demo people ${who}: password from PORTCULLIS_DEMO_PASSWORD`);
      }
    });
    server = await buildServer(app, {
      auth: authPort,
      can: policy,
      logger: { level: o.env.PORTCULLIS_LOG_LEVEL?.trim() || 'info' },
      rateLimit: { max: int(o.env.PORTCULLIS_RATE_LIMIT, 6000), loginMax: int(o.env.PORTCULLIS_LOGIN_RATE_LIMIT, 10) },
      jobs: jobQueueSettings(o.env),
      iot: { url: config.mqttUrl, embeddedPort: int(o.env.PORTCULLIS_MQTT_PORT, 1883), ...(o.env.PORTCULLIS_MQTT_CLIENT_ID?.trim() ? { clientId: o.env.PORTCULLIS_MQTT_CLIENT_ID.trim() } : {}) },
    });
    const address = await server.listen({ port: o.port ?? config.port, host: o.host ?? config.security.host });
    o.say(`portcullis: serving ${address} (API ${address}/api/v1, OpenAPI ${address}/api/v1/openapi.json); store ${app.store.description}`);
    const iot = (server as unknown as { iotBroker?: string }).iotBroker;
    if (iot !== undefined) o.say(`portcullis: telemetry from ${iot}`);
    if (demoSeal !== undefined) {
      // The simulator publishes to MQTT_URL, else to port 1883: an embedded broker elsewhere (1883 taken) is named.
      const url = iot?.split(' ')[0];
      const broker = url !== undefined && url !== (config.mqttUrl ?? 'mqtt://127.0.0.1:1883') ? ` --broker ${url}` : '';
      o.say(`demo telemetry: ${demoSeal.count} e-seals registered; try \`portcullis iot simulate --consignment ${demoSeal.consignment} --scenario seal-breach${broker}\``);
    }
  } catch (e) {
    await (server?.close() ?? Promise.resolve()).catch(() => undefined);
    await app.close();
    throw e;
  }
  const s = server;
  await new Promise<void>((resolve, reject) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      o.say(`portcullis: ${signal}: finishing requests under way, then closing`);
      shutdown(s, app).then(resolve, reject);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  o.say('portcullis: stopped');
}
