import { z } from 'zod';
import { listMovements, movementsAbout } from '../../app/movements/read-movements.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { COMMON, errors } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';
import { cursorOf, parseCursor } from '../cursor.ts';

/**
 * Carriers' movements: of a container or transport document (in time order), or, with neither,
 * the newest first a page at a time; a carrier sees only its own.
 */
export function movementRoutes(api: Api, ctx: RouteContext): void {
  const { allow, partyOf } = ctx.guards;
  api.get('/movements', {
    schema: {
      tags: ['movements'],
      querystring: z.strictObject({
        container: z.string().regex(/^[A-Z]{4}\d{7}$/, 'an ISO 6346 container number').optional(),
        document: z.string().min(1).max(64).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        cursor: z.string().max(400).optional(),
      }),
      response: { 200: z.object({ movements: z.array(z.object({ event: z.record(z.string(), z.unknown()), ledgerIndex: z.number().nullable() })), next: z.string().nullable() }), ...errors(...COMMON) },
    },
  }, async (req) => {
    const actor = allow(req, 'movement.read');
    const q = req.query;
    const carrier = partyOf(actor);
    const view = (m: { event: object; ledgerIndex: number | null }) => ({ event: { ...m.event }, ledgerIndex: m.ledgerIndex });
    if (q.container === undefined && q.document === undefined) {
      const page = await listMovements(ctx.app, { carrier, after: parseCursor(q.cursor), limit: q.limit });
      return { movements: page.movements.map(view), next: cursorOf(page.next) };
    }
    if (q.cursor !== undefined) throw new PortcullisError('INVALID_INPUT', 'a container or document is answered whole: no cursor', [{ field: 'querystring.cursor', problem: 'given with container or document', expected: 'a cursor only when listing without container or document' }]);
    const found = await movementsAbout(ctx.app, { container: q.container, document: q.document, carrier });
    return { movements: found.map(view), next: null };
  });
}
