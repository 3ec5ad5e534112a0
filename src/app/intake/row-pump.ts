import type { Readable } from 'node:stream';

/**
 * Collects what a stream's listeners push and hands it out as batches, in push order, with
 * backpressure: the stream is paused while a full batch waits to be taken. Batching keeps the
 * per-row cost of `await` out of the hot loop. A batch is handed out when it is full or when the
 * stream has ended.
 */
export interface Pump<T> {
  push(item: T): void;
  batches(): AsyncGenerator<T[]>;
}

export function pump<T>(stream: Readable, upstream: readonly Readable[] = [], size = 4096): Pump<T> {
  let queue: T[] = [];
  let done = false;
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('end', () => {
    done = true;
    signal();
  });
  for (const s of [stream, ...upstream]) {
    s.on('error', (error) => {
      failure = { error };
      signal();
    });
  }
  return {
    push(item) {
      queue.push(item);
      if (queue.length >= size) {
        stream.pause();
        signal();
      }
    },
    async *batches() {
      for (;;) {
        if (failure !== null) throw (failure as { error: unknown }).error;
        if (queue.length >= size || (done && queue.length > 0)) {
          const batch = queue;
          queue = [];
          yield batch;
          if (!done) stream.resume();
          continue;
        }
        if (done) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
