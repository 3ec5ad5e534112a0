import { PortcullisError } from '../domain/errors.ts';

/**
 * Keyset paging: a page's `next` is where the following page starts, the last row's time and id,
 * sent as one opaque token (base64url of "time|id") and read back from `?cursor=`.
 */
export function cursorOf(a: { time: string; id: string } | null): string | null {
  return a === null ? null : Buffer.from(`${a.time}|${a.id}`).toString('base64url');
}

/** The place a `?cursor=` names; a token this API did not give is refused, naming the parameter. */
export function parseCursor(c: string | undefined): { time: string; id: string } | undefined {
  if (c === undefined) return undefined;
  const [time, ...rest] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  const id = rest.join('|');
  if (time === undefined || !/^\d{4}-\d{2}-\d{2}T/.test(time) || id === '') throw new PortcullisError('INVALID_INPUT', 'the cursor is not one this API gave', [{ field: 'querystring.cursor', problem: 'unreadable', expected: 'the `next` value of the previous page' }]);
  return { time, id };
}
