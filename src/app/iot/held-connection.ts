import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

/**
 * A connection to an MQTT broker for mqtt.js (its stream builder) whose writes can be held back
 * and let go later, in order. The receiver keeps a message before the broker may learn that it
 * arrived; mqtt.js writes the acknowledgement (PUBACK) as soon as its message handler calls back,
 * and takes no next message before. So the handler calls back at once, the acknowledgements wait
 * here, and once the messages of a turn of the event loop are committed together they go out
 * together: one commit and one write for a batch, not one of each per message.
 */
export interface HeldConnection {
  readonly stream: Duplex;
  /** From now on, writes wait until `release`. */
  hold(): void;
  /** Writes what waited, in order, and stops holding. */
  release(): void;
}

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
}

/** The address of an mqtt:// or mqtts:// (tcp://, ssl://) broker URL; undefined for any other kind (ws://). */
export function brokerAddress(url: string): BrokerAddress | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const secure = u.protocol === 'mqtts:' || u.protocol === 'ssl:';
  if (!secure && u.protocol !== 'mqtt:' && u.protocol !== 'tcp:') return undefined;
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port === '' ? (secure ? 8883 : 1883) : Number(u.port),
    tls: secure,
    ...(u.username === '' ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === '' ? {} : { password: decodeURIComponent(u.password) }),
  };
}

export function heldConnection(address: BrokerAddress): HeldConnection {
  const socket: net.Socket = address.tls ? tls.connect({ host: address.host, port: address.port, servername: address.host }) : net.connect({ host: address.host, port: address.port });
  socket.setNoDelay(true);
  let held: Buffer[] | undefined;
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (held !== undefined) {
        held.push(chunk);
        callback();
      } else {
        socket.write(chunk, (e) => callback(e ?? null));
      }
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      held = undefined;
      socket.destroy();
      callback(error);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('error', (e) => stream.destroy(e));
  socket.on('close', () => stream.destroy());
  return {
    stream,
    hold() {
      held ??= [];
    },
    release() {
      const out = held;
      held = undefined;
      if (out !== undefined && out.length > 0 && !socket.destroyed) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    },
  };
}
