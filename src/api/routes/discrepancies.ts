import { z } from 'zod';
import { declarationView, ownersOf } from '../../app/filing/declaration-views.ts';
import { findDiscrepancies, type DeclarationDiscrepancies } from '../../app/ledger/discrepancies.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { actorOf } from '../plugins/auth.ts';
import { COMMON, errors, IdParams } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

type DiscrepancySide = DeclarationDiscrepancies['discrepancies'][number]['sides'][number];

const Side = z.object({
  role: z.enum(['declarant', 'carrier', 'telemetry']),
  party: z.string(),
  value: z.union([z.string(), z.number(), z.array(z.string()), z.null()]),
  records: z.array(z.object({ id: z.string(), entry: z.number().nullable() })),
});
const Discrepancy = z.object({
  field: z.enum(['container', 'portOfLoading', 'portOfDischarge', 'weight', 'date', 'seal']),
  container: z.string().optional(),
  sides: z.tuple([Side, Side]),
  message: z.string(),
});

/** What the parties recorded of one consignment, compared: where the declarant, the carrier and the devices disagree. */
export function discrepancyRoutes(api: Api, ctx: RouteContext): void {
  api.get('/declarations/:id/discrepancies', {
    schema: { tags: ['decisions'], params: IdParams, response: { 200: z.object({ declarationId: z.string(), discrepancies: z.array(Discrepancy) }), ...errors(...COMMON) } },
  }, async (req) => {
    // The findings quote the carrier's and the devices' records: whoever may read the decision's
    // details may see them, nobody else. Every refusal is a 404, as for an id that does not exist,
    // so that a trader cannot learn from the answer whether others recorded anything about a filing.
    const actor = actorOf(req);
    const view = await declarationView(ctx.app, req.params.id);
    if (view === undefined || !ctx.can(actor, 'decision.read', { owners: ownersOf(view.stored.declaration) })) throw new PortcullisError('NOT_FOUND', `no declaration "${req.params.id}"`);
    const report = await findDiscrepancies(ctx.app, { declaration: req.params.id });
    const side = (s: DiscrepancySide) => ({ ...s, value: Array.isArray(s.value) ? [...(s.value as readonly string[])] : (s.value as string | number | null), records: s.records.map((r) => ({ ...r })) });
    return { declarationId: req.params.id, discrepancies: report.declarations.flatMap((d) => d.discrepancies.map((x) => ({ ...x, sides: [side(x.sides[0]), side(x.sides[1])] as [ReturnType<typeof side>, ReturnType<typeof side>] }))) };
  });
}
