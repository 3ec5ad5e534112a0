import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { PortcullisError } from '../../domain/errors.ts';
import type { ApiActor, AuthPort, Can } from '../ports.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, once authenticated (null: anonymous). */
    actor: ApiActor | null;
  }
  interface FastifyContextConfig {
    /** Answered without credentials (health, the public face of the ledger, sign-in). */
    public?: boolean;
  }
}

/** What the routes are given: the application, authentication and the access policy. */
export interface ApiDeps {
  readonly app: AppContext;
  readonly auth: AuthPort<AppContext>;
  readonly can: Can;
}

/**
 * Authentication of every request under /api/v1: `Authorization: Bearer <token>` or
 * `X-API-Key: <key>`. A route that is not public answers 401 to a caller without valid credentials;
 * a public route still learns who calls when credentials come along.
 */
export function registerAuth(server: FastifyInstance, deps: ApiDeps): void {
  server.decorateRequest('actor', null);
  server.addHook('preHandler', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const header = req.headers.authorization;
    const apiKey = req.headers['x-api-key'];
    const bearer = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
    const key = typeof apiKey === 'string' && apiKey.trim() !== '' ? apiKey.trim() : undefined;
    const isPublic = req.routeOptions.config.public === true;
    if (bearer === undefined && key === undefined) {
      if (isPublic) return;
      throw new PortcullisError('UNAUTHENTICATED', 'sign in first: send Authorization: Bearer <token> or X-API-Key: <key>', [{ field: 'authorization', problem: typeof header === 'string' ? 'not a Bearer token' : 'missing', expected: 'Authorization: Bearer <access token> or X-API-Key: <key>' }]);
    }
    req.actor = await deps.auth.authenticate(deps.app, { ...(bearer !== undefined ? { bearer } : {}), ...(key !== undefined ? { apiKey: key } : {}) });
  });
}

/** The caller, who must have signed in. */
export function actorOf(req: FastifyRequest): ApiActor {
  if (req.actor === null) throw new PortcullisError('UNAUTHENTICATED', 'sign in first', [{ field: 'authorization', problem: 'missing', expected: 'Authorization: Bearer <access token> or X-API-Key: <key>' }]);
  return req.actor;
}

const forbidden = (actor: ApiActor, action: string) =>
  new PortcullisError('FORBIDDEN', `${actor.id} may not ${action.replace('.', ' ')}: none of the roles ${actor.roles.join(', ')} allows it`, [{ field: 'action', problem: action, expected: "an action the caller's roles allow" }]);

/**
 * The policy's checks, for routes. `allow`: an action on no resource in particular (listing, creating),
 * refused with 403. `allowOn`: an action on an owned resource, refused as if the resource did not
 * exist (404), so that ids cannot be probed.
 */
export function guards(can: Can) {
  return {
    allow(req: FastifyRequest, action: string): ApiActor {
      const actor = actorOf(req);
      if (!can(actor, action)) throw forbidden(actor, action);
      return actor;
    },
    /**
     * The role must allow the action at all (else 403, which says nothing of the resource); then
     * the resource must be the caller's to reach (else 404, as for a resource that does not exist).
     */
    allowOn(req: FastifyRequest, action: string, owners: readonly (string | undefined | null)[], what: string): ApiActor {
      const actor = actorOf(req);
      if (!can(actor, action)) throw forbidden(actor, action);
      if (!can(actor, action, { owners: owners.filter((o): o is string => typeof o === 'string' && o !== '') })) throw new PortcullisError('NOT_FOUND', `no ${what}`);
      return actor;
    },
    /** Whether the caller sees only its own party's rows (traders and carriers). */
    partyOf(actor: ApiActor): string | undefined {
      const staff = actor.roles.some((r) => r !== 'trader' && r !== 'carrier' && r !== 'device');
      return staff ? undefined : (actor.party ?? '\u0000none');
    },
  };
}
export type Guards = ReturnType<typeof guards>;
