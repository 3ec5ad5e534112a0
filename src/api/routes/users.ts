import { z } from 'zod';
import { addUser, listUsers } from '../../app/targeting/users.ts';
import { setUserDisabled, setUserRoles } from '../../app/auth/index.ts';
import { Role } from '../../domain/user.ts';
import { actorOf } from '../plugins/auth.ts';
import { COMMON, errors, IdParams, PathId } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const UserOut = z.object({ id: z.string(), name: z.string(), roles: z.array(Role), party: z.string().optional() });
/** A user as the administrators' list shows it: since when, whether disabled, when last seen (null: never). */
const UserRow = UserOut.extend({ disabled: z.boolean(), createdAt: z.string(), lastSeenAt: z.string().nullable() });

/** Users (administrators), their passwords (administrators, or oneself), and API keys. */
export function userRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  api.get('/users', { schema: { tags: ['users'], response: { 200: z.object({ users: z.array(UserRow) }), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'user.read');
    return {
      users: (await listUsers(ctx.app)).map((u) => ({ id: u.id, name: u.name, roles: u.roles, ...(u.party !== undefined ? { party: u.party } : {}), disabled: u.disabled, createdAt: u.createdAt, lastSeenAt: u.lastSeenAt })),
    };
  });

  api.post('/users', {
    schema: { tags: ['users'], body: z.strictObject({ id: PathId, name: z.string().min(1).max(256).optional(), roles: z.array(Role).min(1).max(8), party: PathId.optional(), password: z.string().min(12).max(1024).optional() }), response: { 201: UserOut, ...errors(...COMMON, 409) } },
  }, async (req, reply) => {
    const actor = allow(req, 'user.write');
    const u = await addUser(ctx.app, { ...req.body, by: actor.id });
    return reply.code(201).send(u);
  });

  api.put('/users/:id/roles', { schema: { tags: ['users'], params: IdParams, body: z.strictObject({ roles: z.array(Role).min(1).max(8) }), response: { 200: UserOut, ...errors(...COMMON) } } }, async (req) => {
    const actor = allow(req, 'user.write');
    const u = await setUserRoles(ctx.app, actor, req.params.id, req.body.roles);
    return { id: u.id, name: u.name, roles: u.roles, ...(u.party !== undefined ? { party: u.party } : {}) };
  });

  api.put('/users/:id/disabled', { schema: { tags: ['users'], params: IdParams, body: z.strictObject({ disabled: z.boolean() }), response: { 204: z.null(), ...errors(...COMMON, 409) } } }, async (req, reply) => {
    const actor = allow(req, 'user.write');
    await setUserDisabled(ctx.app, actor, req.params.id, req.body.disabled);
    return reply.code(204).send(null);
  });

  api.put('/users/:id/password', { schema: { tags: ['users'], params: IdParams, body: z.strictObject({ password: z.string().min(12).max(1024) }), response: { 204: z.null(), ...errors(...COMMON) } } }, async (req, reply) => {
    const actor = actorOf(req);
    if (actor.id !== req.params.id) allow(req, 'user.write');
    await ctx.auth.setPassword(ctx.app, actor.id, req.params.id, req.body.password);
    return reply.code(204).send(null);
  });

  api.post('/api-keys', { schema: { tags: ['api-keys'], body: z.strictObject({ user: PathId.optional(), name: z.string().min(1).max(120), expiresAt: z.iso.datetime().optional() }), response: { 201: z.unknown(), ...errors(...COMMON) } } }, async (req, reply) => {
    const actor = actorOf(req);
    const user = req.body.user ?? actor.id;
    allow(req, user === actor.id ? 'apikey.own' : 'apikey.admin');
    return reply.code(201).send(await ctx.auth.createApiKey(ctx.app, actor, { user, name: req.body.name, ...(req.body.expiresAt !== undefined ? { expiresAt: req.body.expiresAt } : {}) }));
  });

  api.get('/api-keys', { schema: { tags: ['api-keys'], querystring: z.strictObject({ user: PathId.optional() }), response: { 200: z.object({ keys: z.array(z.unknown()) }), ...errors(...COMMON) } } }, async (req) => {
    const actor = actorOf(req);
    const user = req.query.user;
    allow(req, user === undefined || user === actor.id ? 'apikey.own' : 'apikey.admin');
    return { keys: await ctx.auth.listApiKeys(ctx.app, actor, user) };
  });

  api.delete('/api-keys/:id', { schema: { tags: ['api-keys'], params: IdParams, response: { 204: z.null(), ...errors(...COMMON) } } }, async (req, reply) => {
    const actor = allow(req, 'apikey.own');
    await ctx.auth.revokeApiKey(ctx.app, actor, req.params.id);
    return reply.code(204).send(null);
  });
}
