/**
 * npm run bench [-- --rows N --runs K --only sqlite|postgres]
 * Runs the benchmarks and prints one JSON object per result (medians of K runs).
 */
import { parseArgs } from 'node:util';
import { benchIngest } from './ingest.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
await benchIngest({ rows: Number(values.rows), runs: Number(values.runs), only: values.only });
