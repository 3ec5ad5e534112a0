import { parentPort, workerData } from 'node:worker_threads';
import mqtt, { MqttClient } from 'mqtt';
import { parseDeviceEvent, verifyDeviceSignature } from '../../iot/event.ts';
import { DEVICE_TOPIC_FILTER } from '../../iot/types.ts';
import { openInboxFile } from '../../store/dialects/sqlite-inbox.ts';
import { brokerAddress, heldConnection, type HeldConnection } from './held-connection.ts';
import type { ReceiverData, ReceiverReply, ReceiverRequest } from './receiver.ts';

/**
 * The receiver thread (receiver.ts): the MQTT subscription, and each message kept in the inbox
 * file before its acknowledgement, with what can be learnt of it without the store: the event
 * parsed, and its signature verified with the device key the service told this thread. The main
 * thread's processing may hold its event loop for a while, and the broker's queue for a subscriber
 * is short (Mosquitto keeps 1,000 messages by default and drops the rest): receiving must not wait
 * for it.
 *
 * The messages of one turn of the event loop are kept in one transaction, and their
 * acknowledgements, held back meanwhile (held-connection.ts), go out once it commits. A connection
 * lost before the commit takes its batch with it: those messages were not acknowledged, and the
 * broker delivers them again to the persistent session.
 */
const { url, clientId, inboxFile } = workerData as ReceiverData;
const port = parentPort!;
const send = (r: ReceiverReply) => port.postMessage(r);

const inbox = openInboxFile(inboxFile);
const insert = inbox.prepare('INSERT INTO inbox (topic, payload, received_at, event, verified_key) VALUES (?, ?, ?, ?, ?)');
type Row = [topic: string, payload: string, receivedAt: string, event: string | null, verifiedKey: string | null];
const keep = inbox.transaction((rows: readonly Row[]) => {
  for (const r of rows) insert.run(...r);
});
/** Device id → its registered public key, as the service last said. */
const keys = new Map<string, string>();

const address = brokerAddress(url);
let connection: HeldConnection | undefined;
const options = { clientId, clean: false, protocolVersion: 4 as const, reconnectPeriod: 1000, connectTimeout: 10_000 };
const client: MqttClient =
  address === undefined
    ? // Another kind of broker URL (WebSocket): mqtt.js's own connection, and a commit per message.
      mqtt.connect(url, options)
    : new MqttClient(
        () => {
          connection = heldConnection(address);
          return connection.stream;
        },
        { ...options, ...(address.username === undefined ? {} : { username: address.username }), ...(address.password === undefined ? {} : { password: address.password }) },
      );

/** The messages handled since the last commit, and the connection they came on. */
let batch: { rows: Row[]; on: HeldConnection | undefined } | undefined;

function commit(): void {
  const b = batch;
  batch = undefined;
  if (b === undefined) return;
  if (b.on !== undefined && b.on.stream.destroyed) return; // not acknowledged: delivered again
  try {
    keep(b.rows);
  } catch (e) {
    // Not kept: no acknowledgement; the connection is dropped so that the broker delivers them again.
    send({ op: 'error', message: `telemetry inbox: ${e instanceof Error ? e.message : String(e)}` });
    b.on?.stream.destroy();
    return;
  }
  b.on?.release();
  send({ op: 'kept' });
}

// In place before the connection is made: a persistent session's queued messages arrive right
// after the broker accepts it, and the default handler would acknowledge them unkept.
client.handleMessage = (packet, callback) => {
  const payload = typeof packet.payload === 'string' ? packet.payload : Buffer.from(packet.payload).toString('utf8');
  let event: string | null = null;
  let verifiedKey: string | null = null;
  const parsed = parseDeviceEvent(payload);
  if (parsed.ok) {
    event = JSON.stringify(parsed.event);
    const key = keys.get(parsed.event.deviceId);
    if (key !== undefined && verifyDeviceSignature(parsed.event, key)) verifiedKey = key;
  }
  const row: Row = [packet.topic, payload, new Date().toISOString(), event, verifiedKey];
  if (connection === undefined) {
    // mqtt.js's own connection: kept before the acknowledgement, one at a time.
    batch = { rows: [row], on: undefined };
    commit();
    callback();
    return;
  }
  // A batch of a connection since lost: dropped (commit leaves it), and this one starts anew.
  if (batch !== undefined && batch.on !== connection) commit();
  if (batch === undefined) {
    batch = { rows: [], on: connection };
    connection.hold();
    setImmediate(commit);
  }
  batch.rows.push(row);
  callback();
};
client.on('error', (e) => send({ op: 'error', message: e.message }));
client.once('connect', () => {
  client.subscribe(DEVICE_TOPIC_FILTER, { qos: 1 }, (e) => (e ? send({ op: 'error', message: `subscribe: ${e.message}` }) : send({ op: 'ready' })));
});

port.on('message', (m: ReceiverRequest) => {
  if (m.op === 'keys') {
    for (const [id, key] of m.keys) {
      if (key === null) keys.delete(id);
      else keys.set(id, key);
    }
  } else if (m.op === 'close') {
    commit();
    client.end(false, {}, () => {
      inbox.close();
      send({ op: 'closed' });
      port.close();
    });
  }
});
