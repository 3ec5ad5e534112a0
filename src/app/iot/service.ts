import mqtt, { type MqttClient } from 'mqtt';
import { DEVICE_TOPIC_FILTER, type MonitorConfig } from '../../iot/types.ts';
import type { Declaration } from '../../domain/declaration.ts';
import { declarationsRepo, tableInbox } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { decideStored } from '../targeting/decide.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { INGEST_BATCH, ingestInbox, ledgerUnledgered, onDurableError, telemetryLedger, tickMonitors, type IngestResult } from './ingest.ts';
import { startReceiver, subscriberOptions, type Receiver } from './receiver.ts';

/** How long telemetry's ledger entries are gathered before they are appended (ingest.ts, telemetryLedger). */
export const TELEMETRY_LEDGER_MS = 1000;

/**
 * The telemetry service of `portcullis serve`: subscribes to the devices' topic on the broker
 * (MQTT_URL, or the embedded one), keeps each message in the inbox before the broker hears that it
 * arrived, and processes the inbox in batches behind it (ingest.ts); every minute the monitors'
 * clock looks for devices gone silent. Alerts decide their consignments again.
 *
 * The subscription is a persistent session (clean: false, a fixed client id, QoS 1): messages
 * published while the server is down wait at the broker and are delivered when it returns. A
 * message is acknowledged (PUBACK) only once it is committed to the inbox, so a crash between the
 * two makes the broker deliver it again, and the event id keeps it from being applied twice.
 *
 * Where the inbox is a file of its own (a SQLite store), the subscription runs on a thread of its
 * own (receiver.ts), which keeps a turn's messages in one commit and parses and verifies them
 * there; elsewhere (PostgreSQL) it runs here, one message at a time, since mqtt.js hands over the
 * next message only once the last is acknowledged.
 */
export interface IotService {
  /** The broker in use: MQTT_URL's, or the embedded one's. */
  readonly brokerUrl: string;
  readonly embedded: boolean;
  /** Resolves once the inbox is empty, no batch is under way and every applied event is in the ledger (tests, shutdown). */
  drained(): Promise<void>;
  /** Totals since start. */
  readonly totals: { messages: number; applied: number; rejected: number; alerts: number };
  /**
   * Stops receiving and finishes the batch under way. `endSession` ends the persistent session at
   * the broker as well, discarding what is queued for it: for tests and benchmarks, whose sessions
   * would otherwise stay at the broker and take a queue of messages each, for ever.
   */
  close(o?: { readonly endSession?: boolean }): Promise<void>;
}

export interface IotServiceOptions {
  /** An external broker; without it an embedded one is started. */
  readonly url?: string | undefined;
  /** The embedded broker's port (1883; a free one when that is taken). */
  readonly embeddedPort?: number;
  /** The persistent session's client id. */
  readonly clientId?: string;
  readonly config?: MonitorConfig;
  /** How often the monitors' clock runs (60 s). */
  readonly tickMs?: number;
  /**
   * Decides again the declarations an alert changed: the service passes its decision queue, so that
   * one decider keeps the offices' selector states; by default a decider of its own (decideStored).
   */
  readonly decide?: (declarations: readonly Declaration[]) => Promise<unknown>;
  /**
   * Re-scoring through the job queue instead (several instances on PostgreSQL: the server passes
   * app/jobs' rescoreThroughQueue): a `decisions.rescore` job per round, done once by whichever
   * instance takes it, even if this one dies; the round ends when the job has.
   */
  readonly rescore?: (declarationIds: readonly string[]) => Promise<unknown>;
  /**
   * Each batch's result, once its events and alerts are stored and its alerts in the ledger (before
   * the decisions they change); the events' entries follow within TELEMETRY_LEDGER_MS.
   */
  readonly onResult?: (r: IngestResult) => void;
  readonly onError?: (e: unknown) => void;
}

export async function startIotService(app: AppContext, o: IotServiceOptions = {}): Promise<IotService> {
  let broker: EmbeddedBroker | undefined;
  const url = o.url ?? (broker = await startEmbeddedBroker({ port: o.embeddedPort ?? 1883 })).url;
  const inbox = app.store.iotInbox();
  const redecide = async (ids: readonly string[]): Promise<unknown> => {
    if (o.decide === undefined) return decideStored(app, { ids });
    const repo = declarationsRepo(app.store.db);
    const found = await Promise.all(ids.map((id) => repo.get(id)));
    return o.decide(found.flatMap((d) => (d === undefined ? [] : [d.declaration])));
  };
  const onError = o.onError ?? (() => undefined);
  onDurableError(app, onError);
  const totals = { messages: 0, applied: 0, rejected: 0, alerts: 0 };
  const ledger = telemetryLedger(app, { maxMs: TELEMETRY_LEDGER_MS, maxEvents: 2 * INGEST_BATCH, onError });

  // With a receiver thread: the last message it has checked (what comes after is not taken yet),
  // and the last one processed (the thread removes those).
  let upTo: number | undefined;
  let processed = 0;
  let receiver: Receiver | undefined;
  // One processing loop at a time; a message kept while it runs makes it go round once more.
  let running: Promise<void> | undefined;
  let again = false;
  const account = (r: IngestResult): void => {
    totals.messages += r.messages;
    totals.applied += r.applied;
    totals.rejected += Object.values(r.rejected).reduce((a, b) => a + (b ?? 0), 0);
    totals.alerts += r.alerts.length;
    // Device keys for the receiver thread, when there is one.
    receiver?.learn(r.keys);
    o.onResult?.(r);
    if (r.redecide.length > 0) redecideLater(r.redecide);
  };
  // Consignments an alert concerns are decided again beside the processing loop, not in it: a
  // decision (features, model, explanation, its ledger entry made durable) takes milliseconds, and
  // the events behind it would wait that long. Those named while one round runs go in the next.
  const toRedecide = new Set<string>();
  let redeciding: Promise<void> | undefined;
  const redecideLater = (ids: readonly string[]): void => {
    for (const id of ids) toRedecide.add(id);
    redeciding ??= (async () => {
      while (toRedecide.size > 0) {
        const round = [...toRedecide];
        toRedecide.clear();
        await (o.rescore ?? redecide)(round).catch(onError);
      }
    })().finally(() => {
      redeciding = undefined;
    });
  };
  const loop = async () => {
    do {
      again = false;
      for (;;) {
        // A turn of the event loop first, so that every "kept" the receiver thread has sent
        // meanwhile is heard: the batch then takes all that waits (up to INGEST_BATCH), and the
        // cost of a batch (a transaction, the monitors of its containers read and written, a
        // ledger entry per container) is shared by more events when they come faster.
        if (receiver !== undefined) await new Promise((r) => setImmediate(r));
        const r = await ingestInbox(app, { telemetryLedger: ledger.add, ...(o.config === undefined ? {} : { config: o.config }), ...(receiver === undefined ? {} : { after: processed, upTo, remove: false }) });
        if (r.messages === 0) break;
        if (receiver !== undefined) {
          processed = r.lastId;
          receiver.processed(processed);
        }
        account(r);
      }
    } while (again);
  };
  const kick = () => {
    if (running !== undefined) {
      again = true;
      return;
    }
    running = loop()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  };

  // Messages an earlier version kept in the store's table, when this store's inbox is a file of its own.
  if (!inbox.inStore) await moveTableInbox(app);
  // Before any message is processed: events a stopped process stored without their ledger entries.
  await ledgerUnledgered(app);
  const clientId = o.clientId ?? 'portcullis-ingest';
  // The embedded broker (aedes) speaks MQTT 3.1.1 only; an external one is expected to speak MQTT 5.
  const protocolVersion = broker === undefined ? 5 : 4;
  let client: MqttClient | undefined;
  if (inbox.file !== undefined) {
    // What an earlier run left is taken at once (checked here where the thread had not).
    upTo = await inbox.lastId();
    const kept = (id: number) => {
      upTo = Math.max(upTo ?? 0, id);
      kick();
    };
    receiver = await startReceiver({ url, protocolVersion, clientId, inboxFile: inbox.file }, { kept, error: onError });
  } else {
    client = await subscribeInThread(app, url, protocolVersion, clientId, kick, onError);
  }
  // What a previous run left in the inbox.
  kick();

  const timer = setInterval(() => {
    tickMonitors(app, o.config === undefined ? {} : { config: o.config }).then(account, onError);
  }, o.tickMs ?? 60_000);
  timer.unref();

  return {
    brokerUrl: url,
    embedded: broker !== undefined,
    totals,
    async drained() {
      for (;;) {
        while (running !== undefined || redeciding !== undefined) await (running ?? redeciding);
        if ((await inbox.count()) === 0) return ledger.flush();
        kick();
        // What the receiver has not checked yet is not taken: give it a moment.
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close(c = {}) {
      clearInterval(timer);
      await receiver?.close();
      await client?.endAsync();
      while (running !== undefined || redeciding !== undefined) await (running ?? redeciding);
      await ledger.flush();
      if (c.endSession === true && broker === undefined) await endSession(url, clientId);
      await broker?.close();
    },
  };
}

/** Moves what the store's inbox table holds into the store's inbox file, oldest first. */
async function moveTableInbox(app: AppContext): Promise<void> {
  const from = tableInbox(app.store.db);
  const to = app.store.iotInbox();
  for (;;) {
    const messages = await from.take(500);
    if (messages.length === 0) return;
    for (const m of messages) await to.put(m);
    await from.remove(messages.map((m) => m.id));
  }
}

/**
 * The subscription in the main thread, for an inbox in the store (PostgreSQL, an in-memory SQLite):
 * each message kept before its acknowledgement. The handler is in place before the connection is
 * made: a persistent session's queued messages arrive right after the broker accepts it, and the
 * default handler would acknowledge them unkept.
 */
async function subscribeInThread(app: AppContext, url: string, protocolVersion: 4 | 5, clientId: string, kick: () => void, onError: (e: unknown) => void): Promise<MqttClient> {
  const inbox = app.store.iotInbox();
  // One message at a time is all mqtt.js takes here.
  const client = mqtt.connect(url, subscriberOptions(clientId, protocolVersion, 1));
  client.handleMessage = (packet, callback) => {
    const payload = typeof packet.payload === 'string' ? packet.payload : Buffer.from(packet.payload).toString('utf8');
    // Not kept: no acknowledgement; the connection is dropped so that the broker delivers it again.
    const refuse = (e: unknown) => {
      onError(e);
      callback(e instanceof Error ? e : new Error(String(e)));
    };
    Promise.resolve()
      .then(() => inbox.put({ topic: packet.topic, payload, receivedAt: app.clock().toISOString() }))
      .then(() => {
        callback();
        kick();
      }, refuse);
  };
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  client.on('error', onError);
  await client.subscribeAsync(DEVICE_TOPIC_FILTER, { qos: 1 });
  return client;
}

/** Ends a persistent session at the broker: connects with its client id and a clean start, and leaves. */
export async function endSession(url: string, clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 5, properties: { sessionExpiryInterval: 0 }, reconnectPeriod: 0, connectTimeout: 10_000 });
  await c.endAsync();
}
