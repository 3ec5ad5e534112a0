import { z } from 'zod';
import { acknowledgeAlert, listAlerts } from '../../app/targeting/alerts.ts';
import { listBudgets, setBudget } from '../../app/targeting/budgets.ts';
import { AlertKind } from '../../domain/alert.ts';
import { COMMON, errors, IdParams, Limit, plain } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const AlertOut = z.looseObject({ id: z.string(), kind: z.string(), status: z.string() });

/** Alerts (list, acknowledge with a reason) and inspection budgets. */
export function alertRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  api.get('/alerts', { schema: { tags: ['alerts'], querystring: z.strictObject({ status: z.enum(['open', 'acknowledged']).optional(), kind: AlertKind.optional(), limit: Limit }), response: { 200: z.object({ alerts: z.array(AlertOut) }), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'alert.read');
    const q = req.query;
    return { alerts: (await listAlerts(ctx.app, { ...(q.status ? { status: q.status } : {}), ...(q.kind ? { kind: q.kind } : {}), limit: q.limit })).map(plain) };
  });
  api.post('/alerts/:id/acknowledge', { schema: { tags: ['alerts'], params: IdParams, body: z.strictObject({ reason: z.string().trim().min(3, 'a reason of at least 3 characters').max(2000) }), response: { 200: AlertOut, ...errors(...COMMON, 409) } } }, async (req) => {
    const actor = allow(req, 'alert.acknowledge');
    return { ...(await acknowledgeAlert(ctx.app, actor.id, req.params.id, req.body.reason)) };
  });
  api.get('/budgets', { schema: { tags: ['budgets'], response: { 200: z.object({ budgets: z.array(z.record(z.string(), z.unknown())), fallback: z.record(z.string(), z.unknown()) }), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'budget.read');
    const b = await listBudgets(ctx.app);
    return { budgets: b.budgets as unknown as Record<string, unknown>[], fallback: { ...b.fallback } };
  });
  api.put('/budgets/:office', {
    schema: { tags: ['budgets'], params: z.strictObject({ office: z.string().min(1).max(32).regex(/^[A-Za-z0-9*._-]+$/, 'an office code, or * for every office') }), body: z.strictObject({ redRate: z.number().min(0).max(1), yellowRate: z.number().min(0).max(1), exploreShare: z.number().min(0).max(1).optional(), exploreMode: z.enum(['uniform', 'uncertainty']).optional() }), response: { 200: z.record(z.string(), z.unknown()), ...errors(...COMMON) } },
  }, async (req) => {
    const actor = allow(req, 'budget.write');
    const b = await setBudget(ctx.app, actor.id, { office: req.params.office, ...req.body });
    ctx.decisions.refresh();
    return { ...b };
  });
}
