import { Worker } from 'node:worker_threads';
import type { Booster } from './tree.ts';

/** A row's top reasons: the features that raised its score most, with their contributions (shap.ts topReasons). */
export type TopReasons = { feature: string; contribution: number }[];

export interface ExplainRequest {
  readonly id: number;
  /** The rows' feature values, row after row (`features` values each). */
  readonly values: Float64Array;
  readonly rows: number;
  readonly features: number;
  readonly names: readonly string[];
  readonly count: number;
}
export type ExplainReply = { readonly id: number; readonly ok: true; readonly tops: TopReasons[] } | { readonly id: number; readonly ok: false; readonly message: string };

/**
 * TreeSHAP explanations of one model on a thread of their own: exact as in-thread (the same code),
 * while the main thread goes on reading requests. The service's decisions explain each declaration
 * they decide (a quarter of the time a filing took on the main thread); with the explanations
 * here, that time overlaps the reading and validating of the next requests.
 */
export class ExplainThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (t: TopReasons[]) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failure: Error | undefined;

  constructor(booster: Booster) {
    this.worker = new Worker(new URL('./explain-thread.mjs', import.meta.url), { workerData: { booster } });
    this.worker.unref();
    this.worker.on('message', (r: ExplainReply) => {
      const p = this.pending.get(r.id);
      if (p === undefined) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.tops);
      else p.reject(new Error(`explanation thread: ${r.message}`));
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`explanation thread exited (code ${code})`)));
  }

  /** The top `count` reasons of each row of `values` (row-major, `features` values per row). */
  top(values: Float64Array, rows: number, features: number, names: readonly string[], count: number): Promise<TopReasons[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (rows === 0) return Promise.resolve([]);
    const id = this.next++;
    return new Promise<TopReasons[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // The thread is held (ref) while it owes answers, so that the process waits for them.
      if (this.pending.size === 1) this.worker.ref();
      const req: ExplainRequest = { id, values, rows, features, names, count };
      this.worker.postMessage(req, [values.buffer as ArrayBuffer]);
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    });
  }

  /** Answers what was asked already, then ends the thread; nothing more can be asked. */
  async close(): Promise<void> {
    const owed = [...this.pending.values()].map(
      (p) =>
        new Promise<void>((done) => {
          const { resolve, reject } = p;
          p.resolve = (t) => {
            resolve(t);
            done();
          };
          p.reject = (e) => {
            reject(e);
            done();
          };
        }),
    );
    this.failure ??= new Error('explanation thread closed');
    await Promise.all(owed);
    await this.worker.terminate();
  }
}
