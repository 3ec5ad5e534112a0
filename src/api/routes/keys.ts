import { z } from 'zod';
import { keyRingStatus, MAX_KEY_AGE_DAYS } from '../../app/security/key-status.ts';
import { COMMON, errors } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

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
 * signing key ids. Rotation itself stays the offline `portcullis keys rotate`: it re-seals every
 * stored value, a job for an operator at the console, not a request.
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
}
