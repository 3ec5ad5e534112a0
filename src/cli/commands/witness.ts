import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { httpLogSource, witnessOnce } from '../../app/ledger/witness.ts';
import { signerKey, verifierKey } from '../../app/ledger/offline.ts';
import { positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { keyArg } from '../read-input.ts';

/**
 * `portcullis witness`: run by another party (a carrier, another customs service). Each round it
 * fetches the log's latest checkpoint and a consistency proof from the last one it cosigned,
 * verifies, cosigns and hands the cosignature back; a split view stops it with the evidence saved.
 */
export function witnessCommand(program: Command): void {
  program
    .command('witness')
    .description("witness a log: fetch each new checkpoint and a consistency proof from the last one seen, verify, cosign (C2SP tlog-cosignature); report a split view")
    .requiredOption('--log <url>', 'where the log is published (`portcullis ledger serve`, or the service)')
    .requiredOption('--log-key <vkey>', "the log's verifier key (@file reads it from a file)")
    .requiredOption('--key <skey>', "this witness's private cosignature key, from `ledger keys generate NAME --cosigner` (@file)")
    .requiredOption('--state <file>', 'where the witness keeps the checkpoint it last cosigned')
    .option('--interval <seconds>', 'seconds between rounds', '5')
    .option('--once', 'one round, then exit', false)
    .option('--json', 'one JSON object a round', false)
    .action((o: { log: string; logKey: string; key: string; state: string; interval: string; once: boolean; json: boolean }) =>
      runAction(o.json, async (out) => {
        const log = verifierKey('--log-key', await keyArg(o.logKey));
        const signer = signerKey('--key', await keyArg(o.key), true);
        const interval = positiveInt('--interval', o.interval) * 1000;
        const source = httpLogSource(o.log);
        let stop = false;
        process.once('SIGINT', () => (stop = true));
        process.once('SIGTERM', () => (stop = true));
        for (;;) {
          const r = await witnessOnce({ source, log, signer, stateFile: o.state, clock: () => new Date() });
          if (r.kind === 'split-view') {
            out.result({ ok: false, ...r }, [`SPLIT VIEW of ${log.name}: ${r.reason}; evidence in ${r.evidence}`]);
            return 3;
          }
          out.result({ ok: true, ...r }, [r.kind === 'cosigned' ? `${new Date().toISOString()} cosigned ${log.name} at ${r.size} entries (consistent with ${r.from})` : `${new Date().toISOString()} ${log.name} unchanged at ${r.size} entries`]);
          if (o.once || stop) return 0;
          await sleep(interval);
          if (stop) return 0;
        }
      }),
    );
}
