import { z } from 'zod';
import { exportRiskAlert, importRiskAlert, riskAlertKey } from '../../app/cooperation/risk-alerts.ts';
import { RiskAlertRequest } from '../../domain/risk-alert.ts';
import { COMMON, errors, plain } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const Alert = z.looseObject({ format: z.string(), id: z.string(), issuer: z.string(), kind: z.string() });
const Rule = z.looseObject({ id: z.string(), version: z.number(), status: z.string() });

/**
 * Risk alerts between customs services (app/cooperation/risk-alerts.ts): an analyst's alert signed
 * as this service, a partner's alert checked and drafted as a rule, and the key partners verify
 * this service's alerts with (public, as the ledger's key is).
 */
export function riskAlertRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  api.post('/risk-alerts/export', { schema: { tags: ['cooperation'], body: RiskAlertRequest, response: { 201: z.object({ alert: Alert, note: z.string() }), ...errors(...COMMON) } } }, async (req, reply) => {
    const actor = allow(req, 'riskalert.exchange');
    const { alert, note } = await exportRiskAlert(ctx.app, actor.id, req.body);
    return reply.code(201).send({ alert: plain(alert), note });
  });
  api.post('/risk-alerts/import', { schema: { tags: ['cooperation'], body: z.strictObject({ note: z.string().min(1).max(64 * 1024) }), response: { 201: z.object({ alert: Alert, signedBy: z.string(), rule: Rule }), ...errors(...COMMON, 409) } } }, async (req, reply) => {
    const actor = allow(req, 'riskalert.exchange');
    const r = await importRiskAlert(ctx.app, actor.id, req.body.note);
    return reply.code(201).send({ alert: plain(r.alert), signedBy: r.signedBy, rule: plain(r.rule) });
  });
  api.get('/risk-alerts/key', { config: { public: true }, schema: { tags: ['cooperation'], security: [] } }, async (_req, reply) => reply.type('text/plain; charset=utf-8').send(`${riskAlertKey(ctx.app)}\n`));
}
