import { z } from 'zod';
import { claimWork, listWorklist, overrideDecision, releaseWork, worklistVersion } from '../../app/worklist/worklist.ts';
import { responseCache } from '../response-cache.ts';
import { Decision } from '../../domain/decision.ts';
import { Lane } from '../../domain/rule.ts';
import { COMMON, errors, IdParams, IsoTime, Limit, Offset } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const WorkItem = z.object({ decision: Decision, status: z.enum(['open', 'claimed', 'inspected']), claimedBy: z.string().nullable(), claimedAt: z.string().nullable() });
/** The worklist's filters. A chapter and a country filter on the goods (any item), the dates on the filing: from inclusive, to exclusive. */
const WorklistQuery = z.strictObject({
  office: z.string().min(1).max(32).optional(),
  lane: Lane.optional(),
  status: z.enum(['open', 'claimed', 'inspected']).optional(),
  hsChapter: z.string().regex(/^\d{2}$/, 'an HS chapter: two digits, e.g. 85').optional(),
  origin: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code in capitals, e.g. CN').optional(),
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  limit: Limit,
  offset: Offset,
});
const Claim = z.object({ declarationId: z.string(), claimedBy: z.string(), claimedAt: z.string() });

/** The analysts' worklist: ranked by risk, filtered; claim, release, override (with a reason). */
export function worklistRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  // Pages as sent, while the store is unchanged (on PostgreSQL, for a second at most, or until this
  // process changes the worklist): analysts' screens poll the same first pages.
  const pages = responseCache({ version: worklistVersion(ctx.app), ttlMs: 1000, max: 256 });
  api.get('/worklist', {
    schema: { tags: ['worklist'], querystring: WorklistQuery, response: { 200: z.object({ items: z.array(WorkItem) }), ...errors(...COMMON) } },
  }, async (req, reply) => {
    allow(req, 'worklist.read');
    const q = req.query;
    const key = JSON.stringify([q.office, q.lane, q.status, q.hsChapter, q.origin, q.from, q.to, q.limit, q.offset]);
    const kept = pages.lookup(key);
    let body = kept.body;
    if (body === undefined) {
      const items = await listWorklist(ctx.app, { ...(q.office ? { office: q.office } : {}), ...(q.lane ? { lanes: [q.lane] } : {}), ...(q.status ? { status: q.status } : {}), ...(q.hsChapter ? { hsChapter: q.hsChapter } : {}), ...(q.origin ? { originCountry: q.origin } : {}), ...(q.from ? { filedFrom: q.from } : {}), ...(q.to ? { filedTo: q.to } : {}), limit: q.limit, offset: q.offset });
      // Built from stored decisions by the store's own mapping: the response schema documents it,
      // and the page is serialized once here rather than checked against it on every request.
      body = JSON.stringify({ items });
      pages.set(key, kept.version, body);
    }
    // Sent as serialized: the zod serializer would parse the page again against the schema.
    return reply.type('application/json; charset=utf-8').serializer((b: string) => b).send(body as never);
  });
  api.post('/worklist/:id/claim', { schema: { tags: ['worklist'], params: IdParams, response: { 200: Claim, ...errors(...COMMON, 409) } } }, async (req) => {
    const actor = allow(req, 'worklist.claim');
    try {
      return await claimWork(ctx.app, actor.id, req.params.id);
    } finally {
      pages.clear();
    }
  });
  api.post('/worklist/:id/release', { schema: { tags: ['worklist'], params: IdParams, response: { 204: z.null(), ...errors(...COMMON, 409) } } }, async (req, reply) => {
    const actor = allow(req, 'worklist.claim');
    try {
      await releaseWork(ctx.app, actor.id, req.params.id, { anyone: actor.roles.includes('supervisor') });
    } finally {
      pages.clear();
    }
    return reply.code(204).send(null);
  });
  api.post('/worklist/:id/override', { schema: { tags: ['worklist'], params: IdParams, body: z.strictObject({ lane: Lane, reason: z.string().trim().min(3, 'a reason of at least 3 characters').max(2000) }), response: { 200: Decision, ...errors(...COMMON, 409) } } }, async (req) => {
    const actor = allow(req, 'decision.override');
    try {
      return await overrideDecision(ctx.app, actor.id, req.params.id, req.body);
    } finally {
      pages.clear();
    }
  });
}
