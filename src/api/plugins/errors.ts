import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isPortcullisError, type ErrorCode, type ErrorDetail } from '../../domain/errors.ts';

/**
 * One error shape for every answer that is not a success: {error: {code, message, details}}, the
 * details naming each field that was wrong, what was wrong and what was expected.
 */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: readonly ErrorDetail[] };
}

const STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  INVALID_MAPPING: 400,
  INVALID_FILE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  STORE_ERROR: 500,
  CONFIG_ERROR: 500,
  BROKER_ERROR: 503,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}

export function errorBody(code: string, message: string, details: readonly ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** The validation errors of a request, one detail per field (unknown fields named one by one). */
function validationDetails(e: FastifyError): ErrorDetail[] {
  const context = (e as { validationContext?: string }).validationContext ?? 'body';
  const out: ErrorDetail[] = [];
  for (const v of e.validation ?? []) {
    const params = (v.params ?? {}) as { keys?: readonly string[]; expected?: string; values?: readonly unknown[] };
    const base = (v.instancePath ?? '').split('/').filter((s) => s !== '').join('.');
    const at = (k: string) => [context === 'body' ? '' : context, base, k].filter((s) => s !== '').join('.');
    if (v.keyword === 'unrecognized_keys' && params.keys !== undefined) {
      for (const k of params.keys) out.push({ field: at(k), problem: 'unknown field', expected: 'only the fields of the schema (see /api/v1/openapi.json)' });
    } else {
      const expected = params.values !== undefined ? `one of ${params.values.map((x) => JSON.stringify(x)).join(', ')}` : params.expected !== undefined ? `a ${params.expected}` : 'a value as the schema says (see /api/v1/openapi.json)';
      out.push({ field: at('') || context, problem: v.message ?? 'invalid', expected });
    }
  }
  return out;
}

export function registerErrorHandler(server: FastifyInstance): void {
  server.setErrorHandler((e: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (hasZodFastifySchemaValidationErrors(e)) {
      const details = validationDetails(e);
      return reply.code(400).send(errorBody('INVALID_INPUT', `the request is not valid: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details));
    }
    if (isPortcullisError(e)) {
      const status = statusOf(e.code);
      if (e.code === 'RATE_LIMITED') {
        const wait = e.details.find((d) => d.field === 'retryAfter')?.problem;
        reply.header('retry-after', wait !== undefined && /^\d+$/.test(wait) ? wait : '60');
      }
      if (status >= 500) req.log.error({ err: e }, 'request failed');
      return reply.code(status).send(errorBody(e.code, e.message, e.details));
    }
    const status = e.statusCode ?? 500;
    if (status === 413) return reply.code(413).send(errorBody('PAYLOAD_TOO_LARGE', 'the body is larger than this route accepts', [{ field: '(body)', problem: 'too large', expected: `at most ${req.routeOptions.bodyLimit ?? server.initialConfig.bodyLimit} bytes` }]));
    if (status === 429) return reply.code(429).send(errorBody('RATE_LIMITED', typeof e.message === 'string' && e.message !== '' ? e.message : 'too many requests', [{ field: 'retryAfter', problem: String(reply.getHeader('retry-after') ?? '60'), expected: 'fewer requests: wait this many seconds' }]));
    if (status === 415) return reply.code(415).send(errorBody('UNSUPPORTED_MEDIA_TYPE', 'the body must be JSON', [{ field: 'content-type', problem: String(req.headers['content-type'] ?? 'missing'), expected: 'application/json' }]));
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody('INVALID_INPUT', e.message, [{ field: '(body)', problem: e.code ?? 'malformed', expected: 'a well-formed JSON request' }]));
    req.log.error({ err: e }, 'request failed');
    return reply.code(500).send(errorBody('INTERNAL', 'internal error'));
  });
  server.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));
}
