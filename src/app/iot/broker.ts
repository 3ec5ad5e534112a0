import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

/**
 * The embedded MQTT broker (aedes), for a server started without MQTT_URL: devices and the
 * simulator publish to it as to any broker, and the service subscribes to it over TCP like to an
 * external one, so that one code path serves both. It keeps sessions in memory: what is published
 * while the server is down is lost with it. A deployment that must not lose telemetry across
 * restarts uses an external broker with persistence (Mosquitto), as CI does.
 */
export interface EmbeddedBroker {
  /** mqtt://host:port */
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on `port` (1883 by default); when that port is taken (a broker already runs there), on a free one, which `url` names. */
export async function startEmbeddedBroker(o: { host?: string; port?: number } = {}): Promise<EmbeddedBroker> {
  const host = o.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const fail = (e: Error) => reject(e);
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        resolve((server.address() as { port: number }).port);
      });
    });
  let port: number;
  try {
    port = await listen(o.port ?? 1883);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || o.port === 0) throw e;
    port = await listen(0);
  }
  return {
    url: `mqtt://${host}:${port}`,
    close: () => closeAll(server, broker),
  };
}

async function closeAll(server: Server, broker: Aedes): Promise<void> {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
