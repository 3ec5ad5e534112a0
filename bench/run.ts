/**
 * npm run bench [-- --rows N --runs K --only sqlite|postgres|risk]
 * Runs the benchmarks and prints one JSON object per result (medians of K runs).
 */
import { parseArgs } from 'node:util';
import { benchIngest } from './ingest.ts';
import { benchLearner } from './learner.ts';
import { benchRisk } from './risk.ts';
import { benchTargeting } from './targeting.ts';
import { benchTrainMemory } from './train-memory.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const only = values.only;
if (only !== undefined && !['sqlite', 'postgres', 'risk', 'targeting'].includes(only)) throw new Error(`--only ${only}: expected sqlite, postgres, risk or targeting`);
if (only === undefined || only === 'targeting') await benchTargeting({ runs: Number(values.runs) });
if (only !== 'risk' && only !== 'targeting') await benchIngest({ rows: Number(values.rows), runs: Number(values.runs), only });
if (only === undefined || only === 'risk') {
  await benchRisk({ runs: Number(values.runs) });
  await benchLearner({ runs: Number(values.runs) });
  // One run: it takes minutes, and peak memory hardly varies between runs.
  await benchTrainMemory({ rows: Number(values.rows), runs: 1 });
}
