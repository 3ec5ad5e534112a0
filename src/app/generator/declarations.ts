import { PortcullisError } from '../../domain/errors.ts';
import { assemble } from './assemble.ts';
import { dailyCounts, DAY_MS, filingTimes, formatUtc, utcMidnight } from './calendar.ts';
import { chooseFraud, commit, splitConsignment } from './fraud.ts';
import type { Importer } from './parties.ts';
import { createRandom, hashSeed, type Random } from './random.ts';
import type { GeneratedRow } from './row.ts';
import { planConsignment, type Consignment } from './shipment.ts';
import { buildWorld, type World } from './world.ts';

/**
 * Generates import declarations, one goods item per row, in filing-time order over a period. Rows
 * are produced one at a time: memory stays flat whatever the number of rows. The same options give
 * the same rows; the world (parties) depends on the seed and on the number of rows.
 */

export interface GenerateOptions {
  readonly rows: number;
  readonly seed: string | number;
  /** First day of the period, ISO 8601 date; default 2025-01-01. */
  readonly start?: string;
  /** Length of the period in days; default 365. */
  readonly days?: number;
}

const DEFAULT_START = '2025-01-01';
const DEFAULT_DAYS = 365;
const MAX_DAYS = 36_500;
/** Share of filings, on days when some are active, that come from fly-by-night importers. */
const FLY_BY_NIGHT_SHARE = 0.025;

function invalid(field: string, problem: string, expected: string): PortcullisError {
  return new PortcullisError('INVALID_INPUT', `generator option ${field}: ${problem}`, [{ field, problem, expected }]);
}

function validate(opts: GenerateOptions): { rows: number; startMs: number; days: number } {
  const { rows, seed, start = DEFAULT_START, days = DEFAULT_DAYS } = opts;
  if (!Number.isSafeInteger(rows) || rows < 0) throw invalid('rows', `is ${rows}`, 'a whole number >= 0');
  if (typeof seed === 'number' ? !Number.isFinite(seed) : typeof seed !== 'string') {
    throw invalid('seed', `is ${String(seed)}`, 'a text or a finite number');
  }
  if (!Number.isSafeInteger(days) || days < 1 || days > MAX_DAYS) throw invalid('days', `is ${days}`, `a whole number from 1 to ${MAX_DAYS}`);
  const startMs = utcMidnight(start);
  if (startMs === undefined) throw invalid('start', `"${start}" is not a date`, 'an ISO 8601 date such as 2025-01-01');
  return { rows, startMs, days };
}

/** Generates `rows` declarations; the options are checked before the first row is asked for. */
export function generateRows(opts: GenerateOptions): Generator<GeneratedRow> {
  const { rows, startMs, days } = validate(opts);
  return rowsOf(buildWorld({ seed: opts.seed, rows }), rows, startMs, days);
}

function* rowsOf(world: World, rows: number, startMs: number, days: number): Generator<GeneratedRow> {
  const rng = createRandom(`${world.seed}/rows`);
  const counts = dailyCounts(rows, startMs, days);
  const width = Math.max(9, String(rows).length);
  let serial = 0;
  // Ids carry a tag of the seed, so that files generated with other seeds can share one store.
  const prefix = `D${seedTag(world.seed)}`;
  for (let day = 0; day < days; day++) {
    let left = counts[day] ?? 0;
    if (left === 0) continue;
    const dayStart = startMs + day * DAY_MS;
    const times = filingTimes(rng, dayStart, left);
    const active = world.flyByNights.filter((f) => {
      const first = Math.floor(f.debut * days);
      return first <= day && day < first + f.lifespanDays;
    });
    while (left > 0) {
      const base = planConsignment(world, rng, pickImporter(world, rng, day, days, active));
      let pattern = chooseFraud(rng, base);
      let batch: Consignment[];
      if (pattern === 'split_consignment') {
        batch = left >= 2 ? splitConsignment(world, rng, base, Math.min(left, rng.int(3, 6))) : [base];
        if (left < 2) pattern = '';
      } else {
        batch = [pattern === '' ? base : commit(rng, base, pattern)];
      }
      for (const c of batch) {
        const at = times.next();
        if (at.done === true) throw new Error('filing times ran out before the rows of the day'); // cannot happen: batch <= left
        serial++;
        yield assemble(world, rng, c, `${prefix}${String(serial).padStart(width, '0')}`, formatUtc(at.value), pattern);
        left--;
      }
    }
  }
}

/** Four letters derived from the seed. */
function seedTag(seed: string): string {
  const [h] = hashSeed(seed);
  let tag = '';
  for (let i = 0, v = h >>> 0; i < 4; i++, v = Math.floor(v / 26)) tag += String.fromCharCode(65 + (v % 26));
  return tag;
}

function pickImporter(world: World, rng: Random, day: number, days: number, flyByNights: readonly Importer[]): Importer {
  if (flyByNights.length > 0 && rng.bernoulli(FLY_BY_NIGHT_SHARE)) return rng.pick(flyByNights);
  // Importers that start trading later in the period are skipped until their first day.
  for (let tries = 0; tries < 8; tries++) {
    const importer = rng.choose(world.importerTable);
    if (Math.floor(importer.debut * days) <= day) return importer;
  }
  return world.importers[0] as Importer;
}
