import { z } from 'zod';
import type { Api, RouteContext } from '../server.ts';
import { storeReady } from '../../app/health.ts';
import { ledgerOf } from '../../app/ledger/ledger.ts';

/** Liveness (the process answers) and readiness (the store answers and its schema is up to date; and the instance's part in sequencing the ledger). */
export function healthRoutes(api: Api, ctx: RouteContext): void {
  api.get('/healthz', { config: { public: true }, schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  api.get('/readyz', { config: { public: true }, schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ready'), store: z.string(), ledger: z.enum(['single', 'sequencer', 'follower']).describe('whether this instance sequences the ledger (always, on SQLite), or queues its entries for the instance that does') }), 503: z.object({ status: z.literal('not-ready'), reason: z.string() }) } } }, async (_req, reply) => {
    const r = await storeReady(ctx.app);
    if (r.ready) return { status: 'ready' as const, store: ctx.app.store.dialect, ledger: ledgerOf(ctx.app).role };
    return reply.code(503).send({ status: 'not-ready' as const, reason: r.reason });
  });
}
