import type { Command } from 'commander';
import { securityAudit } from '../../app/security/security-audit.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';

/** `portcullis security-audit`: weak configuration, idle accounts, privileged actions, the ledger's verification. Exit 1 on anything high. */
export function securityAuditCommand(program: Command): void {
  program
    .command('security-audit')
    .description('report weak configuration (default passwords, missing or loose keys, TLS off outside localhost, stale keys), accounts without recent use, the privileged actions of a period and the ledger verification; exit status 1 when something is high severity')
    .option('--since <date>', 'privileged actions from this date on, ISO 8601 (default: 30 days ago)')
    .option('--inactive-days <n>', 'report accounts not used for this many days', '90')
    .option('--max-key-age-days <n>', 'report keys older than this many days', '365')
    .option('--json', 'print one JSON object', false)
    .action((o: { since?: string; inactiveDays: string; maxKeyAgeDays: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        let since: string | undefined;
        if (o.since !== undefined) {
          const t = Date.parse(o.since);
          if (Number.isNaN(t)) throw new PortcullisError('INVALID_INPUT', `--since "${o.since}" is not a date`, [{ field: '--since', problem: 'not a date', expected: 'ISO 8601, e.g. 2026-01-01 or 2026-01-01T00:00:00Z' }]);
          since = new Date(t).toISOString();
        }
        return withApp(async (app) => {
          const a = await securityAudit(app, { ...(since === undefined ? {} : { since }), inactiveDays: positiveInt('--inactive-days', o.inactiveDays), maxKeyAgeDays: positiveInt('--max-key-age-days', o.maxKeyAgeDays) });
          out.result(a, [
            `security audit at ${a.at}: ${a.counts.high} high, ${a.counts.medium} medium, ${a.counts.low} low, ${a.counts.info} info`,
            ...a.findings.map((f) => `  [${f.severity.toUpperCase()}] ${f.check}: ${f.message}${f.fix ? ` — ${f.fix}` : ''}`),
            `privileged actions since ${a.since}: ${a.privilegedActions.length}`,
            ...a.privilegedActions.slice(0, 200).map((p) => `  ${p.time}  ${p.actor.padEnd(16)} ${p.action.padEnd(24)} ${p.subject ?? ''}`),
            a.ledger.ok ? `ledger verified: ${a.ledger.entries} entries, ${a.ledger.checkpoints} checkpoints` : `ledger verification FAILED: ${a.ledger.findingCount} problems`,
          ]);
          return a.ok ? 0 : 1;
        });
      }),
    );
}
