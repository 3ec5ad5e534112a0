import { z } from 'zod';
import { dashboard } from '../../app/targeting/dashboard.ts';
import { COMMON, errors, IsoTime } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const Rate = z.number().min(0).max(1).nullable();
const Figures = {
  filed: z.number().int(), decided: z.number().int(), red: z.number().int(), yellow: z.number().int(), green: z.number().int(),
  inspectionRate: Rate, inspected: z.number().int(), findings: z.number().int(),
  hitRate: Rate, hitRateLow: Rate, hitRateHigh: Rate, revenue: z.number(),
};
const DashboardOut = z.strictObject({
  from: z.string(),
  to: z.string(),
  office: z.string().nullable(),
  bucket: z.enum(['day', 'week', 'month']),
  offices: z.array(z.string()).readonly(),
  totals: z.strictObject({ ...Figures, target: Rate, alertsRaised: z.number().int(), alertsOpen: z.number().int() }),
  series: z.array(z.strictObject({ start: z.string(), ...Figures, alertsRaised: z.number().int(), alertsOpen: z.number().int() })).readonly(),
  byOffice: z.array(z.strictObject({ office: z.string(), target: z.number(), budget: z.string(), ...Figures })).readonly(),
  rates: z.array(z.strictObject({ office: z.string(), target: z.number(), rates: z.array(Rate).readonly() })).readonly(),
});

/** The dashboard: the flow, lanes, inspection rate against the budget, hit rate, revenue and alerts over a period, per office. */
export function dashboardRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  api.get('/dashboard', {
    schema: {
      tags: ['dashboard'],
      querystring: z.strictObject({ from: IsoTime.optional(), to: IsoTime.optional(), weeks: z.coerce.number().int().min(1).max(1040).optional(), office: z.string().min(1).max(32).regex(/^[A-Za-z0-9._-]+$/, 'an office code').optional() }),
      response: { 200: DashboardOut, ...errors(...COMMON) },
    },
  }, async (req) => {
    allow(req, 'dashboard.read');
    const q = req.query;
    return { ...(await dashboard(ctx.app, { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(q.weeks !== undefined ? { weeks: q.weeks } : {}), ...(q.office ? { office: q.office } : {}) })) };
  });
}
