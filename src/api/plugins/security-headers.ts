import type { IncomingMessage, ServerResponse } from 'node:http';
import helmetMiddleware, { type HelmetOptions } from 'helmet';

/**
 * The security headers that helmet sets, computed once. @fastify/helmet builds helmet's
 * middleware again for every request (the CSP directives parsed, every header function made
 * anew), which cost about 50 µs of a filing's 1.4 ms; with a fixed configuration and no CSP nonces
 * the headers are the same for every answer, so they are recorded here from helmet itself and
 * set as they are. The header values stay helmet's: only when they are computed changes.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  } as unknown as ServerResponse;
  let failed: unknown;
  helmetMiddleware(options as HelmetOptions)({} as IncomingMessage, res, (e?: unknown) => {
    failed = e;
  });
  if (failed !== undefined) throw failed instanceof Error ? failed : new Error(String(failed));
  return Object.freeze(headers);
}
