import { Worker } from 'node:worker_threads';
import { PortcullisError } from '../../domain/errors.ts';

/**
 * The MQTT subscription on a thread of its own (receiver-worker.ts), for a store whose telemetry
 * inbox is a file: the thread keeps each message in the file before it is acknowledged, then parses
 * it and, when it knows the device's key, verifies its signature, and says up to which message the
 * inbox is checked; the service's processing (ingest.ts) takes those from the file. So the two
 * cores share the work, and receiving never waits for processing.
 */
export interface ReceiverData {
  readonly url: string;
  readonly protocolVersion: 4 | 5;
  readonly clientId: string;
  readonly inboxFile: string;
}
export type ReceiverRequest = { readonly op: 'keys'; readonly keys: readonly (readonly [string, string | null])[] } | { readonly op: 'processed'; readonly upTo: number } | { readonly op: 'close' };
export type ReceiverReply = { readonly op: 'ready' | 'closed' } | { readonly op: 'kept'; readonly upTo: number } | { readonly op: 'error'; readonly message: string };

/**
 * The subscriber's connection: a persistent session, MQTT 5 where the broker speaks it (an external
 * one), with a session that never expires (as MQTT 3.1.1's clean: false) and at most
 * `receiveMaximum` messages sent to it awaiting acknowledgement; MQTT 3.1.1 with the embedded
 * broker (aedes speaks no MQTT 5), which sends 3.1.1 subscribers 20 at a time.
 */
export function subscriberOptions(clientId: string, protocolVersion: 4 | 5, receiveMaximum: number) {
  const common = { clientId, clean: false, reconnectPeriod: 1000, connectTimeout: 10_000 };
  return protocolVersion === 5 ? { ...common, protocolVersion: 5 as const, properties: { sessionExpiryInterval: 0xffffffff, receiveMaximum } } : { ...common, protocolVersion: 4 as const };
}

export interface Receiver {
  /** Device keys the thread verifies signatures with (null: forget the device). */
  learn(keys: readonly (readonly [string, string | null])[]): void;
  /** Every message of id up to `upTo` is processed: the thread removes them from the inbox. */
  processed(upTo: number): void;
  close(): Promise<void>;
}

/** Starts the thread; resolves once it is subscribed. */
export async function startReceiver(data: ReceiverData, on: { kept: (upTo: number) => void; error: (e: Error) => void }): Promise<Receiver> {
  const worker = new Worker(new URL('./receiver-thread.mjs', import.meta.url), { workerData: data });
  let closing: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (r: ReceiverReply) => {
      if (r.op === 'ready') resolve();
      else if (r.op === 'kept') on.kept(r.upTo);
      else if (r.op === 'closed') closing?.();
      else if (r.op === 'error') {
        const e = new PortcullisError('BROKER_ERROR', r.message);
        on.error(e);
      }
    });
    worker.once('error', reject);
    worker.on('error', on.error);
    worker.on('exit', (code) => {
      if (closing === undefined) {
        const e = new PortcullisError('BROKER_ERROR', `the telemetry receiver thread stopped (exit code ${code})`);
        reject(e);
        on.error(e);
      }
      closing?.();
    });
  });
  return {
    learn(keys) {
      if (keys.length > 0) worker.postMessage({ op: 'keys', keys } satisfies ReceiverRequest);
    },
    processed(upTo) {
      worker.postMessage({ op: 'processed', upTo } satisfies ReceiverRequest);
    },
    async close() {
      const done = new Promise<void>((resolve) => (closing = resolve));
      worker.postMessage({ op: 'close' } satisfies ReceiverRequest);
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000).unref())]);
      await worker.terminate();
    },
  };
}
