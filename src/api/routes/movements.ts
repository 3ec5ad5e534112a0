import { z } from 'zod';
import { movementsAbout } from '../../app/movements/read-movements.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { COMMON, errors } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

/** Carriers' movements of a container or transport document; a carrier sees only its own. */
export function movementRoutes(api: Api, ctx: RouteContext): void {
  const { allow, partyOf } = ctx.guards;
  api.get('/movements', {
    schema: { tags: ['movements'], querystring: z.strictObject({ container: z.string().regex(/^[A-Z]{4}\d{7}$/, 'an ISO 6346 container number').optional(), document: z.string().min(1).max(64).optional() }), response: { 200: z.object({ movements: z.array(z.object({ event: z.record(z.string(), z.unknown()), ledgerIndex: z.number().nullable() })) }), ...errors(...COMMON) } },
  }, async (req) => {
    const actor = allow(req, 'movement.read');
    if (req.query.container === undefined && req.query.document === undefined) throw new PortcullisError('INVALID_INPUT', 'name a container or a transport document', [{ field: 'querystring.container', problem: 'missing', expected: 'container=ISO6346 or document=B/L' }]);
    const found = await movementsAbout(ctx.app, { container: req.query.container, document: req.query.document, carrier: partyOf(actor) });
    return { movements: found.map((m) => ({ event: { ...m.event }, ledgerIndex: m.ledgerIndex })) };
  });
}
