import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { movementsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { generateMovements, generateRows } from '../generator/index.ts';
import { recordMovements } from '../movements/record-movements.ts';
import { recordTelemetry } from '../movements/record-telemetry.ts';
import { DEMO_ROWS, DEMO_SEED } from './seed-demo.ts';

const SAMPLE = 4;

export interface MovementsSeed {
  readonly movements: number;
  readonly readings: number;
  /** Declarations given a planted discrepancy between what they say and what the carrier or the devices recorded. */
  readonly planted: number;
}

/**
 * What the carriers and the containers' devices of the demo filings reported (the generator's
 * movements of the same seeded rows), recorded as an operator would from their files, each a ledger
 * entry, for a quarter of the filings: carriers then find their own movements and proofs, and a few filings (5 %) disagree with
 * what was carried, which the declaration page shows as discrepancies. Does nothing when movements
 * are recorded already.
 */
export async function seedMovementsDemo(app: AppContext, recorder: string, dir: string, rows = DEMO_ROWS): Promise<MovementsSeed | undefined> {
  if ((await movementsRepo(app.store.db).count()) > 0) return undefined;
  // A quarter of the filings' consignments (every fourth row): enough for every carrier and every
  // kind of discrepancy, at a quarter of the first start's time that all of them would take.
  const sample = [...generateRows({ rows, seed: DEMO_SEED })].filter((_, i) => i % SAMPLE === 0);
  const generated = generateMovements(sample, { seed: DEMO_SEED, discrepancyShare: 0.05 });
  const jsonl = (items: readonly unknown[]) => items.map((x) => JSON.stringify(x)).join('\n') + '\n';
  const movementsFile = join(dir, 'movements.jsonl');
  const readingsFile = join(dir, 'telemetry.jsonl');
  writeFileSync(movementsFile, jsonl(generated.movements));
  writeFileSync(readingsFile, jsonl(generated.telemetry));
  const m = await recordMovements(app, recorder, movementsFile);
  const t = await recordTelemetry(app, recorder, readingsFile);
  return { movements: m.added, readings: t.added, planted: generated.planted.length };
}
