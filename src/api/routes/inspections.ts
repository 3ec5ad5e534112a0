import { z } from 'zod';
import { declarationView, inspectionsOf, ownersOf } from '../../app/filing/declaration-views.ts';
import { recordInspection } from '../../app/targeting/inspections.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { Finding } from '../../domain/inspection-result.ts';
import { COMMON, errors, IdParams, PathId } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const Inspection = z.object({ declarationId: z.string(), officer: z.string(), finding: Finding, revenueRecovered: z.number(), currency: z.string().optional(), notes: z.string(), inspectedAt: z.string(), revision: z.number() });

/** Inspection results: officers record them; staff read them. */
export function inspectionRoutes(api: Api, ctx: RouteContext): void {
  const { allow, allowOn } = ctx.guards;
  api.post('/inspections', {
    schema: { tags: ['inspections'], body: z.strictObject({ declarationId: PathId, finding: Finding, revenueRecovered: z.number().finite().nonnegative().optional(), currency: z.string().length(3).optional(), notes: z.string().max(4000).optional(), inspectedAt: z.iso.datetime().optional() }), response: { 201: Inspection, ...errors(...COMMON) } },
  }, async (req, reply) => {
    const actor = allow(req, 'inspection.record');
    const r = await recordInspection(ctx.app, actor.id, req.body);
    return reply.code(201).send(r);
  });
  api.get('/declarations/:id/inspections', { schema: { tags: ['inspections'], params: IdParams, response: { 200: z.object({ inspections: z.array(Inspection.extend({ recordedAt: z.string() })) }), ...errors(...COMMON) } } }, async (req) => {
    const view = await declarationView(ctx.app, req.params.id);
    allowOn(req, 'inspection.read', view === undefined ? [] : ownersOf(view.stored.declaration), `declaration "${req.params.id}"`);
    if (view === undefined) throw new PortcullisError('NOT_FOUND', `no declaration "${req.params.id}"`);
    return { inspections: await inspectionsOf(ctx.app, req.params.id) };
  });
}
