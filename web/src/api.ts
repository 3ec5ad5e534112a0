/**
 * The REST API as the application calls it. The tokens live in this page's memory only (never in
 * storage a script could read later): a reload signs the user out. An access token that expired is
 * renewed once with the refresh token, and the request made again.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly details: readonly { field?: string; row?: number; problem: string; expected?: string }[] = [],
  ) {
    super(message);
  }
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

let tokens: Tokens | undefined;
let onSignedOut: (() => void) | undefined;

export function setTokens(t: Tokens | undefined): void {
  tokens = t;
}

/** Called when the session ends on the server's side (refresh refused). */
export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

async function send(path: string, init: RequestInit & { json?: unknown }): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (tokens !== undefined) headers.authorization = `Bearer ${tokens.accessToken}`;
  return fetch(`/api/v1${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) }, ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }) });
}

async function refresh(): Promise<boolean> {
  if (tokens === undefined) return false;
  const res = await fetch('/api/v1/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ refreshToken: tokens.refreshToken }) });
  if (!res.ok) {
    tokens = undefined;
    onSignedOut?.();
    return false;
  }
  const body = (await res.json()) as Tokens;
  tokens = { accessToken: body.accessToken, refreshToken: body.refreshToken };
  return true;
}

/** A JSON request; throws ApiError with the server's message (and the fields it names) when refused. */
export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  let res = await send(path, init);
  if (res.status === 401 && tokens !== undefined && path !== '/auth/login' && (await refresh())) res = await send(path, init);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await res.json().catch(() => undefined) : await res.text();
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: ApiError['details'] } } | undefined)?.error;
    throw new ApiError(res.status, e?.message ?? `HTTP ${res.status}`, e?.code, e?.details ?? []);
  }
  return body as T;
}

/**
 * Opens a server-sent event stream (text/event-stream) with the session's credentials, which
 * EventSource cannot send; an expired access token is renewed once, as for any request. The
 * caller reads `body` until it ends, and aborts through `signal`.
 */
export async function openStream(path: string, signal: AbortSignal): Promise<Response> {
  const open = () => send(path, { signal, headers: { accept: 'text/event-stream' } });
  let res = await open();
  if (res.status === 401 && tokens !== undefined && (await refresh())) res = await open();
  if (!res.ok || res.body === null) throw new ApiError(res.status, `the event stream ${path} answered HTTP ${res.status}`);
  return res;
}

export const post = <T>(path: string, json?: unknown) => api<T>(path, { method: 'POST', json: json ?? {} });
export const put = <T>(path: string, json: unknown) => api<T>(path, { method: 'PUT', json });

/** Query-string of the defined values. */
export function query(o: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}
