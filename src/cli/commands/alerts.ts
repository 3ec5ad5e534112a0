import type { Command } from 'commander';
import { acknowledgeAlert, listAlerts } from '../../app/targeting/alerts.ts';
import { AlertKind, type Alert } from '../../domain/alert.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { actorOf, AS_OPTION, positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';

const line = (a: Alert) => `${a.id}  ${a.raisedAt}  ${a.kind.padEnd(10)} ${a.severity.padEnd(8)} ${a.status.padEnd(12)} ${a.message}${a.acknowledgedBy ? `  [acknowledged by ${a.acknowledgedBy}: ${a.acknowledgeReason ?? ''}]` : ''}`;

export function alertsCommand(program: Command): void {
  const cmd = program.command('alerts').description('alerts raised by drift and decayed rules: list, acknowledge');
  cmd
    .command('list')
    .description('alerts, newest first')
    .option('--open', 'only those not acknowledged', false)
    .option('--kind <kind>', `only this kind: ${AlertKind.options.join(', ')}`)
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print one JSON object', false)
    .action((o: { open: boolean; kind?: string; limit: string; json: boolean }) =>
      runAction(o.json, (out) => {
        const kind = o.kind === undefined ? undefined : AlertKind.safeParse(o.kind);
        if (kind !== undefined && !kind.success) throw new PortcullisError('INVALID_INPUT', `--kind "${o.kind}" is not a kind of alert`, [{ field: 'kind', problem: `"${o.kind}"`, expected: AlertKind.options.join(', ') }]);
        const limit = positiveInt('--limit', o.limit);
        return withApp(async (app) => {
          const alerts = await listAlerts(app, { ...(o.open ? { status: 'open' as const } : {}), ...(kind?.success ? { kind: kind.data } : {}), limit });
          out.result({ alerts }, alerts.length === 0 ? ['no alerts'] : alerts.map(line));
        });
      }),
    );
  cmd
    .command('ack')
    .description('acknowledge an alert, with the reason')
    .argument('<id>', 'alert id')
    .requiredOption('--reason <text>', 'why it needs nothing more, or what was done')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((id: string, o: { reason: string; as?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const a = await acknowledgeAlert(app, actorOf(o), id, o.reason);
          out.result({ ok: true, alert: a }, [line(a)]);
        }),
      ),
    );
}
