/**
 * Work that concurrent callers hand in, done in batches: what arrives while a batch runs waits,
 * and goes together into the next one (up to `max` items), so that a burst of single requests
 * costs a few transactions and ledger appends instead of one each. Items that `clash` with one
 * already in the batch (the same declaration, say) wait for the batch after, so that they see
 * what it did. A failed batch fails each of its callers; the next batch runs.
 */
export interface Batcher<T, R> {
  /** Results in the order of `items`. */
  submit(items: readonly T[]): Promise<R[]>;
  /** Resolves once nothing is waiting or running. */
  idle(): Promise<void>;
}

interface Waiting<T, R> {
  readonly items: readonly T[];
  resolve(r: R[]): void;
  reject(e: unknown): void;
}

export function openBatcher<T, R>(run: (items: readonly T[]) => Promise<R[]>, o: { max: number; keyOf?: (item: T) => string }): Batcher<T, R> {
  let waiting: Waiting<T, R>[] = [];
  let running: Promise<void> | undefined;

  const next = (): Waiting<T, R>[] => {
    const batch: Waiting<T, R>[] = [];
    const keys = new Set<string>();
    let n = 0;
    const later: Waiting<T, R>[] = [];
    for (const w of waiting) {
      const own = o.keyOf === undefined ? [] : w.items.map(o.keyOf);
      const fits = batch.length === 0 || n + w.items.length <= o.max;
      if (!fits || own.some((k) => keys.has(k)) || later.length > 0) {
        // Callers keep their order: once one waits, so does everyone after it.
        later.push(w);
        continue;
      }
      batch.push(w);
      n += w.items.length;
      for (const k of own) keys.add(k);
    }
    waiting = later;
    return batch;
  };

  const loop = async (): Promise<void> => {
    while (waiting.length > 0) {
      const batch = next();
      try {
        const results = await run(batch.flatMap((b) => b.items));
        let k = 0;
        for (const b of batch) {
          b.resolve(results.slice(k, k + b.items.length));
          k += b.items.length;
        }
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
  };

  // A batch starts on the next turn of the event loop, not at once: a store call answered at once
  // (better-sqlite3) would otherwise run the whole batch in microtasks before the requests that
  // came in meanwhile are even read, and every batch would hold one request.
  let scheduled = false;
  const kick = (): void => {
    if (running !== undefined || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      running = loop().finally(() => {
        running = undefined;
        if (waiting.length > 0) kick();
      });
    });
  };

  return {
    submit(items) {
      if (items.length === 0) return Promise.resolve([]);
      return new Promise<R[]>((resolve, reject) => {
        waiting.push({ items, resolve, reject });
        kick();
      });
    },
    async idle() {
      while (running !== undefined || scheduled) await (running ?? new Promise((r) => setImmediate(r)));
    },
  };
}
