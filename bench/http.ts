/** What the service benchmarks say to a server: JSON calls under /api/v1, and signing in. */

/** The password the benchmarks give the servers they start (administrator and users alike). */
export const BENCH_PASSWORD = 'bench-Portcullis-2026!';

export async function call<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const r = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const login = async (base: string, user: string): Promise<string> => (await call<{ accessToken: string }>(base, 'POST', '/auth/login', { user, password: BENCH_PASSWORD })).accessToken;
