/**
 * An instance that works the job queue and nothing else, for the test to kill with SIGKILL
 * mid-job: the environment names the store (DATABASE_URL, PORTCULLIS_PG_SCHEMA, PORTCULLIS_KEYS_DIR)
 * and JOBS_DATA_DIR the data directory. Says "ready" on stdout once its workers run.
 */
import { loadConfig } from '../../../src/app/config.ts';
import { openApp } from '../../../src/app/context.ts';
import { pgJobQueue } from '../../../src/app/jobs/pg-queue.ts';
import { FAST } from './support.ts';

const app = await openApp({ ...loadConfig(process.env), dataDir: process.env.JOBS_DATA_DIR! });
await pgJobQueue(app, { onError: (e) => process.stderr.write(`child job error: ${String(e)}\n`) }, { ...FAST, instance: 'child' });
process.stdout.write('ready\n');
// Runs until killed.
setInterval(() => undefined, 60_000);
