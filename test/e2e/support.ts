import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

/**
 * End-to-end tests of the web application: a real `portcullis serve` (its own SQLite store with
 * the demo data, an embedded broker on a free port) driven by Debian's Chromium through
 * playwright-core. Each test saves a screenshot under test-results/.
 */
export const CHROMIUM = process.env.PORTCULLIS_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS = join(ROOT, 'test-results');
const BIN = join(ROOT, 'bin', 'portcullis');

/** Why the end-to-end tests cannot run here, or undefined when they can. */
export function e2eSkip(): string | undefined {
  if (!existsSync(CHROMIUM)) return `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it): the web end-to-end tests skip`;
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html'))) return 'the web application is not built (npm run build:web; npm test builds it first): the web end-to-end tests skip';
  return undefined;
}

export const ADMIN_PASSWORD = 'e2e-admin-password-7Qx!';
export const PASSWORD = 'e2e-user-password-3Lm!';

export interface Served {
  readonly url: string;
  /** What the server said on its first start (the demo people's password among it). */
  readonly said: () => string;
  readonly stop: () => Promise<void>;
  /** An API call as the administrator. */
  admin<T>(path: string, init?: { method?: string; json?: unknown }): Promise<T>;
  /** API calls as a user. */
  as(user: string, password: string): <T>(path: string, init?: { method?: string; json?: unknown }) => Promise<T>;
  /** The `portcullis` command on the server's store (its database, keys, broker), as an operator beside it would run it. */
  cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `portcullis serve` on a fresh store (first start: demo data, the admin account), resolving once it listens. */
export async function startServer(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: '',
    MQTT_URL: '',
    PORTCULLIS_DB: join(dir, 'p.db'),
    PORTCULLIS_KEYS_DIR: join(dir, 'keys'),
    PORTCULLIS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    PORTCULLIS_MQTT_PORT: '0',
    PORTCULLIS_LOG_LEVEL: 'warn',
    PORTCULLIS_LOGIN_RATE_LIMIT: '1000',
  };
  const child: ChildProcess = spawn(BIN, ['serve', '--port', '0', '--host', '127.0.0.1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portcullis serve did not start in 240 s:\n${said}`)), 240_000);
    child.stderr!.on('data', (c: Buffer) => {
      said += c.toString();
      const m = /serving (http:\/\/[^\s]+)/.exec(said);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ''));
      }
    });
    child.stdout!.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`portcullis serve ended (exit ${code}):\n${said}`));
    });
  });
  const tokens = new Map<string, string>();
  const as = (user: string, password: string) => async <T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> => {
    if (!tokens.has(user)) {
      const r = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });
      if (!r.ok) throw new Error(`sign-in of ${user}: ${r.status} ${await r.text()}`);
      tokens.set(user, ((await r.json()) as { accessToken: string }).accessToken);
    }
    const method = init.method ?? (init.json === undefined ? 'GET' : 'POST');
    const r = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${tokens.get(user)}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) }, ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }) });
    if (!r.ok) throw new Error(`${method} ${path} as ${user}: ${r.status} ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };
  const cli = (args: readonly string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const run = spawn(BIN, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      run.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      run.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      run.once('error', reject);
      run.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  return {
    url,
    said: () => said,
    cli,
    admin: as('admin', ADMIN_PASSWORD),
    as,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form and waits for the application's frame. */
export async function signIn(page: Page, url: string, user: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Saves the page as test-results/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: false });
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}
