/**
 * npm run bench [-- --rows N --runs K --only sqlite|checkpoint|postgres|risk|targeting|service|scale-out|iot|web|ledger[-append|-proofs|-verify] --ledger-size N]
 * Runs the benchmarks and prints one JSON object per result (medians of K runs).
 */
import { parseArgs } from 'node:util';
import { benchCheckpoint } from './checkpoint.ts';
import { benchIngest } from './ingest.ts';
import { benchIot } from './iot.ts';
import { benchLedger, type LedgerPart } from './ledger.ts';
import { benchLearner } from './learner.ts';
import { benchRisk } from './risk.ts';
import { benchScaleOut } from './scale-out.ts';
import { benchService } from './service.ts';
import { benchTargeting } from './targeting.ts';
import { benchTrainMemory } from './train-memory.ts';
import { benchWeb } from './web.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    // Entries of the ledger `ledger verify` is timed on; the proof tree has ten times as many leaves.
    'ledger-size': { type: 'string', default: '1000000' },
  },
});
const only = values.only;
const LEDGER = ['ledger', 'ledger-append', 'ledger-proofs', 'ledger-verify'];
if (only !== undefined && !['sqlite', 'checkpoint', 'postgres', 'risk', 'targeting', 'service', 'scale-out', 'iot', 'web', ...LEDGER].includes(only)) throw new Error(`--only ${only}: expected sqlite, checkpoint, postgres, risk, targeting, service, scale-out, iot, web, ledger, ledger-append, ledger-proofs or ledger-verify`);
const ledgerSize = Number(values['ledger-size']);
if (!Number.isSafeInteger(ledgerSize) || ledgerSize < 1000) throw new Error(`--ledger-size ${values['ledger-size']}: expected an integer ≥ 1000`);
const isLedger = only !== undefined && LEDGER.includes(only);
if (only === undefined || only === 'checkpoint') await benchCheckpoint({ runs: Number(values.runs) });
if (only === undefined || only === 'targeting') await benchTargeting({ runs: Number(values.runs) });
if (only === undefined || only === 'service') await benchService({ runs: Number(values.runs) });
if (only === undefined || only === 'scale-out') await benchScaleOut({ runs: Number(values.runs) });
if (only === undefined || only === 'iot') await benchIot({ runs: Number(values.runs) });
if (only === undefined || only === 'web') await benchWeb({ runs: Number(values.runs) });
if (only !== 'checkpoint' && only !== 'risk' && only !== 'targeting' && only !== 'service' && only !== 'scale-out' && only !== 'iot' && only !== 'web' && !isLedger) await benchIngest({ rows: Number(values.rows), runs: Number(values.runs), only });
if (only === undefined || only === 'risk') {
  await benchRisk({ runs: Number(values.runs) });
  await benchLearner({ runs: Number(values.runs) });
  // One run: it takes minutes, and peak memory hardly varies between runs.
  await benchTrainMemory({ rows: Number(values.rows), runs: 1 });
}
if (only === undefined || isLedger) {
  const parts: LedgerPart[] = only === undefined || only === 'ledger' ? ['append', 'proofs', 'verify'] : [only.slice('ledger-'.length) as LedgerPart];
  await benchLedger({ runs: Number(values.runs), size: ledgerSize, parts });
}
