import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { exportRiskAlert, importRiskAlert, riskAlertKey } from '../../app/cooperation/risk-alerts.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { actorOf, AS_OPTION } from '../options.ts';
import { runAction } from '../output.ts';
import { readText } from '../read-input.ts';
import { printLine, withApp } from '../with-app.ts';

/** `portcullis risk-alerts`: signed risk alerts between customs services (docs/cooperation.md). */
export function riskAlertsCommand(program: Command): void {
  const cmd = program.command('risk-alerts').description('risk alerts (seizure and intelligence notices) signed by this service for partner services, and theirs imported as draft rules');
  cmd
    .command('export')
    .description('sign a risk alert as this service; a partner imports it with `risk-alerts import` (analysts, supervisors)')
    .argument('<file>', 'the alert as JSON: id, kind, threat, summary, indicators, validFrom, validUntil, handling (- for stdin)')
    .requiredOption('--out <file>', 'where to write the signed alert (a signed note)')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((file: string, o: { out: string; as?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          let input: unknown;
          try {
            input = JSON.parse(await readText(file, 'risk alert'));
          } catch (e) {
            if (e instanceof PortcullisError) throw e;
            throw new PortcullisError('INVALID_INPUT', `${file} is not JSON (${(e as Error).message})`, [{ field: 'file', problem: 'not JSON', expected: 'a risk alert as a JSON object' }]);
          }
          const { alert, note } = await exportRiskAlert(app, actorOf(o), input);
          await writeFile(o.out, note);
          out.result({ ok: true, alert, out: o.out }, [`signed ${alert.kind} notice ${alert.id} as ${alert.issuer} (${alert.handling}) → ${o.out}`, `partners verify it with: ${riskAlertKey(app)}`]);
        }),
      ),
    );
  cmd
    .command('import')
    .description("check a partner's signed risk alert (its key registered with `ledger keys add VKEY --role partner`) and draft a rule from it for review (analysts, supervisors)")
    .argument('<file>', 'the signed alert (- for stdin)')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((file: string, o: { as?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const r = await importRiskAlert(app, actorOf(o), await readText(file, 'signed risk alert'));
          out.result({ ok: true, ...r }, [`${r.alert.kind} notice ${r.alert.id} from ${r.signedBy}: signature verified`, `draft rule ${r.rule.id} "${r.rule.name}"; next: review it, then portcullis rules submit ${r.rule.id}`]);
        }),
      ),
    );
  cmd
    .command('key')
    .description("print the public key partners verify this service's risk alerts with (they register it with `ledger keys add VKEY --role partner`)")
    .action(printLine(riskAlertKey));
}
