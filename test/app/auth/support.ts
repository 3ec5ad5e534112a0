import type { AppContext } from '../../../src/app/context.ts';
import { closeLedger } from '../../../src/app/ledger/ledger.ts';
import { ledgerRepo, type StoreAdapter } from '../../../src/store/index.ts';
import { appOf } from '../targeting/fixtures.ts';

/** A clock the test moves by hand. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export function testClock(start = '2026-03-02T08:00:00.000Z'): TestClock {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

/** An application around a store of the harness, with a hand-moved clock; its ledger closed by `done`. */
export function authApp(store: StoreAdapter, clock: TestClock = testClock()): { app: AppContext; clock: TestClock; done: () => Promise<void> } {
  const app = appOf(store, clock.now);
  return { app, clock, done: () => closeLedger(app) };
}

/** The privileged-action payloads filed under a subject, oldest first (read back from the ledger). */
export async function privileged(app: AppContext, subject: string): Promise<Record<string, unknown>[]> {
  const repo = ledgerRepo(app.store);
  const out: Record<string, unknown>[] = [];
  for (const e of await repo.entriesAbout(subject)) {
    if (e.type !== 'privileged.action') continue;
    const p = await repo.payload(e.index);
    out.push(JSON.parse(p!.payload) as Record<string, unknown>);
  }
  return out;
}

/** Every payload in the ledger, as text: to look for what must not be there. */
export async function allPayloads(app: AppContext): Promise<string> {
  const repo = ledgerRepo(app.store);
  return (await repo.payloads(0, await repo.size())).map((p) => p.payload).join('\n');
}
