import type { Ledger } from './ledger.ts';

/** Something started and stopped: a service of the process (telemetry intake, witnessing). */
export interface Duty {
  close(): Promise<void>;
}

export interface SequencerDuty<T extends Duty> {
  /** The duty while this process does it. */
  readonly current: T | undefined;
  /** Settles once the first start (or the decision not to) is done. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Work that one instance of a deployment must do and no other (the devices' persistent MQTT
 * session, witnessing partners' logs): done by the instance that sequences the ledger, started
 * when it becomes the sequencer and stopped when it stops being it, so that it moves with the
 * lease when an instance dies. Where one process serves (SQLite) it is simply started.
 */
export function whileSequencer<T extends Duty>(ledger: Ledger, start: () => Promise<T>, onError: (e: unknown) => void): SequencerDuty<T> {
  let current: T | undefined;
  let closed = false;
  // Starts and stops one after the other, in the order the role changed.
  let steps: Promise<void> = Promise.resolve();
  const want = (on: boolean) => {
    steps = steps.then(async () => {
      try {
        if (on && !closed && current === undefined) current = await start();
        else if (!on && current !== undefined) {
          const c = current;
          current = undefined;
          await c.close();
        }
      } catch (e) {
        onError(e);
      }
    });
    return steps;
  };
  const unwatch = ledger.watchRole((role) => void want(role === 'sequencer'));
  const ready = want(ledger.role !== 'follower');
  return {
    ready,
    get current() {
      return current;
    },
    async close() {
      closed = true;
      unwatch();
      await want(false);
    },
  };
}
