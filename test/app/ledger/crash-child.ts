/**
 * Run by crash.test.ts as a child process: appends entries to the ledger of the configured store
 * (PORTCULLIS_DB or DATABASE_URL + PORTCULLIS_PG_SCHEMA, keys in PORTCULLIS_KEYS_DIR) from several
 * concurrent callers, forever, printing "ack FIRST LAST" for every batch the ledger acknowledged.
 * The parent kills it with SIGKILL mid-way.
 */
import { loadConfig } from '../../../src/app/config.ts';
import { openApp } from '../../../src/app/context.ts';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';

const app = await openApp(loadConfig(process.env));
const ledger = ledgerOf(app);
let n = 0;
async function caller(id: number): Promise<never> {
  for (;;) {
    const size = 1 + ((n * 7 + id) % 50);
    const batch = Array.from({ length: size }, (_, i) => ({ type: 'telemetry.recorded' as const, subject: `container:C${id}`, payload: { caller: id, seq: n + i, filler: 'x'.repeat(200) } }));
    n += size;
    const indices = await ledger.record(batch);
    process.stdout.write(`ack ${indices[0]} ${indices[indices.length - 1]}\n`);
    // Checkpoints too, now and then, so that the kill may land inside one.
    if (id === 0 && n % 5 === 0) await ledger.checkpoint();
  }
}
process.stdout.write('ready\n');
await Promise.all([0, 1, 2, 3].map(caller));
