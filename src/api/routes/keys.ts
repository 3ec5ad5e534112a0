import { z } from 'zod';
import { keyRingStatus, MAX_KEY_AGE_DAYS } from '../../app/security/key-status.ts';
import { COMMON, errors } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';
import { Job, jobView } from './models.ts';

const Kid = z.object({ name: z.string(), keyId: z.string() });
const KeyStatusOut = z.object({
  source: z.enum(['file', 'env', 'memory']),
  current: z.object({ kid: z.string(), created: z.string().nullable(), ageDays: z.number().nullable(), stale: z.boolean(), maxAgeDays: z.number() }),
  keys: z.array(z.object({ kid: z.string(), created: z.string().nullable(), current: z.boolean(), values: z.number() })),
  columns: z.array(z.object({ table: z.string(), column: z.string(), byKey: z.record(z.string(), z.number()) })),
  plaintext: z.number(),
  underOlderKeys: z.number(),
  rotating: z.string().nullable(),
  rotateCommand: z.string(),
  ledger: z.object({ log: Kid, party: Kid }),
});

/**
 * The keys' status for administrators and auditors (audit.read): the data-key ring by id, what
 * each key seals, the current key's age against the security audit's limit, and the ledger's
 * signing key ids. Rotation (keys.rotate, administrators) is a background job (app/jobs), one at a
 * time, resumable: it re-seals every stored value not under the current key, and a run after an
 * interruption continues where the last stopped. `portcullis keys rotate` does the same at the console.
 */
export function keyRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  api.get('/keys/status', {
    schema: { tags: ['security'], querystring: z.strictObject({ maxAgeDays: z.coerce.number().int().min(1).max(3650).default(MAX_KEY_AGE_DAYS) }), response: { 200: KeyStatusOut, ...errors(...COMMON) } },
  }, async (req) => {
    allow(req, 'audit.read');
    const s = await keyRingStatus(ctx.app, { maxKeyAgeDays: req.query.maxAgeDays });
    return { ...s, keys: [...s.keys], columns: [...s.columns] };
  });
  api.post('/keys/rotate', {
    schema: {
      tags: ['security'],
      description: 'Queues a rotation of the data keys: a new current key, then every sealed value re-sealed under it (`retire`: then the old keys no value is under any more are dropped from the key file). 202 with the job, read at /jobs/{id}; 409 while another rotation is queued or running.',
      body: z.strictObject({ retire: z.boolean().optional() }).default({}),
      response: { 202: Job, ...errors(...COMMON, 409) },
    },
  }, async (req, reply) => {
    const actor = allow(req, 'keys.rotate');
    const job = await ctx.jobs.send('keys.rotate', actor.id, req.body?.retire === undefined ? {} : { retire: req.body.retire });
    return reply.code(202).header('location', `/api/v1/jobs/${job.id}`).send(jobView(job));
  });
}
