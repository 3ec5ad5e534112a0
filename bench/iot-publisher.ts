/**
 * The devices of bench/iot.ts, in a process of their own (as devices are not in the server's):
 * reads signed messages (JSON lines of { topic, payload, eventId }) from the file named by argv[2]
 * and publishes them with QoS 1 to MQTT_URL, at argv[3] messages a second in all (flat out when
 * absent), from PUBLISHERS connections, each device always on the same one (so that its events
 * reach the broker in their order), at most WINDOW awaiting their acknowledgement per connection.
 *
 * The PUBLISH packets are encoded beforehand with mqtt-packet and written in bursts, and the
 * acknowledgements counted as they come: the load generator shares the machine's two cores with
 * the server and the broker, and a full MQTT client per message (mqtt.js took about 40 µs of
 * processor a message here) would take from them what real devices, elsewhere, never take.
 * Sends the parent, over IPC, the wall-clock time (ms since the epoch) each message was written.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import mqttPacket from 'mqtt-packet';

const PUBLISHERS = 4;
const WINDOW = 512;
/** How often the paced publisher writes what is due. */
const TICK_MS = 5;

interface Message {
  readonly topic: string;
  readonly payload: string;
  readonly eventId: string;
}

const now = () => performance.timeOrigin + performance.now();

/** One connection: CONNECT, then PUBLISH packets of QoS 1; resolves once all are acknowledged. */
async function lane(url: URL, messages: readonly { m: Message; i: number }[], due: (i: number) => number, sent: [string, number][]): Promise<void> {
  const socket = net.connect({ host: url.hostname, port: Number(url.port || 1883) });
  socket.setNoDelay(true);
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const packets = messages.map(({ m }, k) => mqttPacket.generate({ cmd: 'publish', topic: m.topic, payload: Buffer.from(m.payload), qos: 1, messageId: (k % 65535) + 1, retain: false, dup: false }));
  let acked = 0;
  let written = 0;
  let wake: (() => void) | undefined;
  const connected = new Promise<void>((resolve, reject) => {
    parser.on('packet', (p) => {
      if (p.cmd === 'connack') {
        if (p.returnCode === 0) resolve();
        else reject(new Error(`CONNACK ${p.returnCode}`));
      } else if (p.cmd === 'puback') {
        acked++;
        wake?.();
      }
    });
    socket.on('error', reject);
  });
  socket.on('data', (chunk) => parser.parse(chunk));
  socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: `bench-pub-${randomBytes(4).toString('hex')}`, keepalive: 60 }));
  await connected;
  while (acked < packets.length) {
    const t = performance.now();
    const burst: Buffer[] = [];
    const at = now();
    while (written < packets.length && written - acked < WINDOW && due(messages[written]!.i) <= t) {
      burst.push(packets[written]!);
      sent.push([messages[written]!.m.eventId, at]);
      written++;
    }
    if (burst.length > 0) socket.write(Buffer.concat(burst));
    // Wait for acknowledgements when the window is full or all is written, else for the next tick.
    if (written === packets.length || written - acked >= WINDOW) await new Promise<void>((r) => (wake = r));
    else await new Promise((r) => setTimeout(r, TICK_MS));
    wake = undefined;
  }
  socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
}

async function main(): Promise<void> {
  const url = new URL(process.env.MQTT_URL!);
  const messages = readFileSync(process.argv[2]!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Message);
  const pace = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  const lanes: { m: Message; i: number }[][] = Array.from({ length: PUBLISHERS }, () => []);
  messages.forEach((m, i) => lanes[Number(m.topic.split('-').at(-1)!.split('/')[0]) % PUBLISHERS]!.push({ m, i }));
  const sent: [string, number][] = [];
  process.send!({ ready: true });
  const t0 = performance.now();
  const due = (i: number) => (pace === undefined ? t0 : t0 + (i / pace) * 1000);
  await Promise.all(lanes.map((l) => lane(url, l, due, sent)));
  const seconds = (performance.now() - t0) / 1000;
  process.send!({ done: true, seconds, sent }, () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
