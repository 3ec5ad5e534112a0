import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import mqtt, { MqttClient } from 'mqtt';
import { parseDeviceEvent, verifyDeviceSignature } from '../../iot/event.ts';
import { DEVICE_TOPIC_FILTER } from '../../iot/types.ts';
import { inboxFileWriter, type ReceivedMessage } from '../../store/dialects/sqlite-inbox.ts';
import { brokerAddress, heldConnection, type HeldConnection } from './held-connection.ts';
import { subscriberOptions, type ReceiverData, type ReceiverReply, type ReceiverRequest } from './receiver.ts';

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
const { url, protocolVersion, clientId, inboxFile } = workerData as ReceiverData;

// Receiving goes first: what the broker cannot hand over it drops, while what waits in the inbox
// waits safely. So this thread asks the scheduler for a little more than the processing gets (a
// nice of -5 on Linux, where a thread has a nice of its own; it takes the privilege to raise a
// priority, and without it the thread runs at the process's).
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  if (Number.isSafeInteger(tid)) setPriority(tid, -5);
} catch {
  // Not Linux, or not allowed: the same priority as the rest.
}
const port = parentPort!;
const send = (r: ReceiverReply) => port.postMessage(r);

const inbox = inboxFileWriter(inboxFile);
/**
 * Messages the broker may send awaiting their acknowledgement (MQTT 5's receive maximum). Over MQTT
 * 3.1.1 Mosquitto sends a subscriber 20 at a time, and at 5,000 messages a second on this machine
 * even its own C client lost messages to its 1,000-message queue. With 1,000 in flight, the queue
 * still overflowed whenever this thread fell a third of a second behind (a burst, a collection, the
 * scheduler): 1,000 to 2,700 of 74,500 events lost per run at 6,000/s. With 8,000 (65,535 did no
 * better) none were. Every message is kept in the inbox before its acknowledgement, so holding many
 * costs only the memory of those not yet read off the socket.
 */
const RECEIVE_MAXIMUM = 8000;
/** Device id → its registered public key, as the service last said. */
const keys = new Map<string, string>();

const address = brokerAddress(url);
let connection: HeldConnection | undefined;
const options = subscriberOptions(clientId, protocolVersion, RECEIVE_MAXIMUM);
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
let batch: { rows: ReceivedMessage[]; on: HeldConnection | undefined } | undefined;
/** Kept and acknowledged, not checked yet: oldest first. */
const unchecked: { id: number; payload: string }[] = [];
let checking = false;

/**
 * Keeps the batch, then lets its acknowledgements go: before the messages are parsed and their
 * signatures verified, which take a hundred times longer than keeping them. The broker sends a
 * subscriber only so many messages awaiting acknowledgement (Mosquitto: 20), so the time to the
 * acknowledgement, not the work per message, would bound the rate.
 */
function commit(): void {
  const b = batch;
  batch = undefined;
  if (b === undefined) return;
  if (b.on !== undefined && b.on.stream.destroyed) return; // not acknowledged: delivered again
  let ids: number[];
  try {
    ids = inbox.keep(b.rows);
  } catch (e) {
    // Not kept: no acknowledgement; the connection is dropped so that the broker delivers them again.
    send({ op: 'error', message: `telemetry inbox: ${e instanceof Error ? e.message : String(e)}` });
    b.on?.stream.destroy();
    return;
  }
  b.on?.release();
  ids.forEach((id, i) => unchecked.push({ id, payload: b.rows[i]!.payload }));
  if (!checking) {
    checking = true;
    setImmediate(check);
  }
}

/** How many messages are checked in a turn of the event loop, between turns that receive. */
const CHECK_TURN = 64;

/**
 * Parses kept messages and verifies their signatures with the keys the service gave, a few per
 * turn of the event loop so that receiving goes on meanwhile; notes what it found on their rows,
 * and tells the service up to which id the inbox is checked (the service takes only those, and
 * checks itself what this thread could not).
 */
function check(): void {
  const turn = unchecked.splice(0, CHECK_TURN);
  const found = turn.map(({ id, payload }): [string | null, string | null, number] => {
    const parsed = parseDeviceEvent(payload);
    if (!parsed.ok) return [null, null, id];
    const key = keys.get(parsed.event.deviceId);
    return [JSON.stringify(parsed.event), key !== undefined && verifyDeviceSignature(parsed.event, key) ? key : null, id];
  });
  try {
    inbox.note(found);
  } catch (e) {
    // The rows stay as they were: the service checks them itself.
    send({ op: 'error', message: `telemetry inbox: ${e instanceof Error ? e.message : String(e)}` });
  }
  send({ op: 'kept', upTo: turn.at(-1)!.id });
  if (unchecked.length > 0) setImmediate(check);
  else checking = false;
}

// In place before the connection is made: a persistent session's queued messages arrive right
// after the broker accepts it, and the default handler would acknowledge them unkept.
client.handleMessage = (packet, callback) => {
  const payload = typeof packet.payload === 'string' ? packet.payload : Buffer.from(packet.payload).toString('utf8');
  const row: ReceivedMessage = { topic: packet.topic, payload, receivedAt: new Date().toISOString() };
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
  } else if (m.op === 'processed') {
    try {
      inbox.removeUpTo(m.upTo);
    } catch (e) {
      // They stay, and are processed again at the next start: the event ids keep them from being applied twice.
      send({ op: 'error', message: `telemetry inbox: ${e instanceof Error ? e.message : String(e)}` });
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
