import { z } from 'zod';

/** Pieces of request and response schemas shared by the routes. */
export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ row: z.number().optional(), field: z.string().optional(), problem: z.string(), expected: z.string().optional() })),
  }),
});

/** A path id: 1 to 64 characters of the kinds ids are made of. */
export const PathId = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:@-]+$/, 'letters, digits and . _ : @ - only');
export const IdParams = z.strictObject({ id: PathId });

export const Limit = z.coerce.number().int().min(1).max(1000).default(50);
export const Offset = z.coerce.number().int().min(0).max(1_000_000).default(0);
export const IsoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z)?$/, 'an ISO 8601 date or UTC time, e.g. 2026-01-01 or 2026-01-01T00:00:00Z');

/** Standard error answers of a route, for the OpenAPI document. */
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorResponse]));
export const COMMON = [400, 401, 403, 404, 429] as const;

/** A record as a plain object type (interfaces are not assignable to index-signature response schemas). */
export const plain = <T extends object>(o: T): { [K in keyof T]: T[K] } => ({ ...o });
