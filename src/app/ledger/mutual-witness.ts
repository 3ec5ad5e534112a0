import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../context.ts';
import { jsonSetting } from '../json-setting.ts';
import { loadWitnessKey } from './keys.ts';
import { verifierKey } from './offline.ts';
import { httpLogSource, witnessOnce, type LogSource, type WitnessReport } from './witness.ts';

/**
 * Mutual witnessing between customs services: each deployment's `portcullis serve` witnesses its
 * partners' logs (PORTCULLIS_WITNESS_LOGS) with its own cosignature key (keys.ts, loadWitnessKey),
 * as `portcullis witness` does for one log: each round it fetches the partner's latest checkpoint
 * and a consistency proof from the one it last cosigned, verifies both, cosigns and hands the
 * cosignature back. Each partner registers the other's witness key (`ledger keys add VKEY --role
 * witness`), so that each log's checkpoints carry the other's cosignature and neither service can
 * show the two a different history without the other's evidence of it. A split view stops the
 * witnessing of that log, its evidence saved beside the state.
 */
export interface PartnerLog {
  /** Where the partner's service answers (its /api/v1/ledger paths). */
  readonly url: string;
  /** The partner log's verifier key. */
  readonly key: string;
}

const EXPECTED = 'JSON such as [{"url": "https://customs.partner.example", "key": "their log\'s verifier key (`portcullis ledger key`)"}], or @FILE holding it';

/** The partners of PORTCULLIS_WITNESS_LOGS (JSON, or @FILE); CONFIG_ERROR naming what is wrong. */
export function parsePartnerLogs(text: string | undefined): PartnerLog[] {
  if (text === undefined || text.trim() === '') return [];
  const { value: raw, bad } = jsonSetting('PORTCULLIS_WITNESS_LOGS', text, EXPECTED);
  if (!Array.isArray(raw)) return bad('is not a list');
  return raw.map((p: unknown, i): PartnerLog => {
    const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
    if (typeof o.url !== 'string' || !/^https?:\/\/./.test(o.url)) bad(`[${i}].url is not an http(s) address`);
    if (typeof o.key !== 'string') bad(`[${i}].key is missing`);
    try {
      verifierKey(`PORTCULLIS_WITNESS_LOGS[${i}].key`, o.key as string);
    } catch (e) {
      bad(`[${i}].key is not a log's verifier key (${(e as Error).message})`);
    }
    return { url: o.url as string, key: o.key as string };
  });
}

/** This deployment's witness verifier key, for its partners to register (`ledger keys add VKEY --role witness`). */
export const witnessVerifierKey = (app: AppContext): string => loadWitnessKey(app.config.ledger).verifierKey;

export interface Witnessing {
  /** Stops after the rounds under way. */
  close(): Promise<void>;
}

export function startWitnessing(
  app: AppContext,
  partners: readonly PartnerLog[],
  o: { readonly intervalMs: number; readonly onReport?: (p: PartnerLog, r: WitnessReport) => void; readonly onError: (p: PartnerLog, e: unknown) => void; readonly source?: (p: PartnerLog) => LogSource },
): Witnessing {
  if (partners.length === 0) return { close: async () => undefined };
  const signer = loadWitnessKey(app.config.ledger);
  const dir = join(app.config.dataDir, 'witness');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const rounds = new Set<Promise<void>>();
  for (const p of partners) {
    const log = verifierKey('PORTCULLIS_WITNESS_LOGS key', p.key);
    // A state file per partner log, named by its address and key.
    const stateFile = join(dir, `${createHash('sha256').update(`${p.url}\n${p.key}`).digest('hex').slice(0, 16)}.json`);
    const source = o.source?.(p) ?? httpLogSource(p.url);
    const round = async (): Promise<void> => {
      let again = true;
      try {
        const r = await witnessOnce({ source, log, signer, stateFile, clock: app.clock });
        o.onReport?.(p, r);
        // A split view: the evidence is saved, and this log is not cosigned again until someone looks.
        if (r.kind === 'split-view') again = false;
      } catch (e) {
        o.onError(p, e);
      }
      if (again && !stopped) schedule(o.intervalMs);
    };
    const schedule = (ms: number): void => {
      const t = setTimeout(() => {
        timers.delete(t);
        const r = round();
        rounds.add(r);
        void r.finally(() => rounds.delete(r));
      }, ms);
      t.unref();
      timers.add(t);
    };
    schedule(0);
  }
  return {
    async close() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(rounds);
    },
  };
}
