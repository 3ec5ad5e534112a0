import { z } from 'zod';
import { getParty, listParties, upsertParty } from '../../app/parties.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { PartyRole } from '../../domain/party.ts';
import { COMMON, errors, IdParams, Limit, PathId } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

/** A party as answered (the domain schema normalises on input; answers are plain). */
const Party = z.object({ id: z.string(), name: z.string(), roles: z.array(PartyRole), country: z.string(), aeo: z.boolean() });
const PartyIn = z.strictObject({ name: z.string().min(1).max(256), roles: z.array(PartyRole).min(1), country: z.string().length(2), aeo: z.boolean().default(false) });

/** Parties: staff read them; a trader or carrier reads its own; administrators and supervisors record them. */
export function partyRoutes(api: Api, ctx: RouteContext): void {
  const { allow, allowOn, partyOf } = ctx.guards;
  api.get('/parties', { schema: { tags: ['parties'], querystring: z.strictObject({ role: PartyRole.optional(), after: PathId.optional(), limit: Limit }), response: { 200: z.object({ parties: z.array(Party) }), ...errors(...COMMON) } } }, async (req) => {
    const actor = allow(req, 'party.read');
    const party = partyOf(actor);
    if (party !== undefined) {
      const own = await getParty(ctx.app, party);
      return { parties: own === undefined ? [] : [own] };
    }
    return { parties: await listParties(ctx.app, { ...(req.query.role ? { role: req.query.role } : {}), ...(req.query.after ? { afterId: req.query.after } : {}), limit: req.query.limit }) };
  });
  api.get('/parties/:id', { schema: { tags: ['parties'], params: IdParams, response: { 200: Party, ...errors(...COMMON) } } }, async (req) => {
    allowOn(req, 'party.read', [req.params.id], `party "${req.params.id}"`);
    const p = await getParty(ctx.app, req.params.id);
    if (p === undefined) throw new PortcullisError('NOT_FOUND', `no party "${req.params.id}"`);
    return p;
  });
  api.put('/parties/:id', { schema: { tags: ['parties'], params: IdParams, body: PartyIn, response: { 200: Party, ...errors(...COMMON) } } }, async (req) => {
    const actor = allow(req, 'party.write');
    return upsertParty(ctx.app, actor.id, { ...req.body, id: req.params.id });
  });
}
