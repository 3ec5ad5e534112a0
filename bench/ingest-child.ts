/**
 * One ingest run in its own process, so that its peak memory is its own: prints one JSON object
 * with the throughput and the process's peak RSS. Called by bench/ingest.ts.
 *   node --import tsx bench/ingest-child.ts FILE MAPPING   (store from PORTCULLIS_DB / DATABASE_URL)
 */
import { loadConfig } from '../src/app/config.ts';
import { openApp } from '../src/app/context.ts';
import { ingestFiles, loadMapping } from '../src/app/intake/index.ts';

const [file, mappingPath] = process.argv.slice(2);
if (!file || !mappingPath) throw new Error('usage: ingest-child FILE MAPPING');
const app = await openApp(loadConfig(process.env));
const mapping = await loadMapping(mappingPath);
const s = await ingestFiles(app.store, [file], { mapping, mappingName: mappingPath, strict: false, rejectFile: `${file}.bench-rejects.csv`, clock: () => new Date() });
await app.close();
process.stdout.write(
  `${JSON.stringify({ rows: s.rows, accepted: s.accepted, rejected: s.rejected, seconds: s.seconds, rowsPerSecond: s.rowsPerSecond, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
