import { z } from 'zod';
import { Role } from '../../domain/user.ts';
import { actorOf } from '../plugins/auth.ts';
import { COMMON, errors } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const TokenPair = z.object({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number(), refreshToken: z.string(), refreshExpiresAt: z.string() });

/** Sign-in (rate-limited per client beyond the global limit, and slowed then locked per account by the auth module), refresh, sign-out, and who am I. */
export function authRoutes(api: Api, ctx: RouteContext): void {
  api.post('/auth/login', {
    config: { public: true, rateLimit: { max: ctx.loginMax, timeWindow: 60_000 } },
    schema: { tags: ['auth'], security: [], body: z.strictObject({ user: z.string().min(1).max(64), password: z.string().min(1).max(1024) }), response: { 200: TokenPair, ...errors(400, 401, 429) } },
  }, async (req) => ctx.auth.login(ctx.app, req.body, { ip: req.ip }));

  api.post('/auth/refresh', {
    config: { public: true },
    schema: { tags: ['auth'], security: [], body: z.strictObject({ refreshToken: z.string().min(1).max(4096) }), response: { 200: TokenPair, ...errors(400, 401, 429) } },
  }, async (req) => ctx.auth.refreshSession(ctx.app, req.body.refreshToken));

  api.post('/auth/logout', { schema: { tags: ['auth'], response: { 204: z.null(), ...errors(401) } } }, async (req, reply) => {
    await ctx.auth.logout(ctx.app, actorOf(req));
    return reply.code(204).send(null);
  });

  api.get('/me', { schema: { tags: ['auth'], response: { 200: z.object({ id: z.string(), name: z.string(), roles: z.array(Role), party: z.string().nullable(), via: z.enum(['token', 'api-key']) }), ...errors(401) } } }, async (req) => {
    const a = actorOf(req);
    return { id: a.id, name: a.name, roles: [...a.roles], party: a.party ?? null, via: a.via };
  });
  void COMMON;
}
