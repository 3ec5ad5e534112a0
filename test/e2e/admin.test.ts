import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, e2eSkip, launch, PASSWORD, screenshot, signIn, startServer, type Served } from './support.ts';

const skip = e2eSkip();
if (skip !== undefined) console.log(`# ${skip}`);

/** A device's Ed25519 public key as the API takes it: base64 of the raw 32 bytes. */
function devicePublicKey(): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32).toString('base64');
}

describe('administration, end to end (Chromium against portcullis serve)', { skip: skip ?? false, timeout: 600_000 }, () => {
  let served: Served;
  let browser: Browser;

  before(async () => {
    [served, browser] = await Promise.all([startServer(), launch()]);
    await served.admin('/users', { json: { id: 'audra', name: 'Audra (auditor)', roles: ['auditor'], password: PASSWORD } });
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  const page = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    return context.newPage();
  };
  const asAdmin = async (tab?: string): Promise<Page> => {
    const p = await page();
    await signIn(p, served.url, 'admin', ADMIN_PASSWORD);
    await p.getByRole('heading', { name: 'Administration' }).waitFor();
    if (tab !== undefined) await p.getByRole('tab', { name: tab, exact: true }).click();
    return p;
  };
  /** Sign-in through the form, for a user who may be refused: the frame on success, the form's alert otherwise. */
  const tryToSignIn = async (p: Page, user: string, password: string): Promise<'in' | string> => {
    await p.goto(served.url);
    await p.getByLabel('User').fill(user);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    const frame = p.getByRole('navigation', { name: 'Main' });
    const alert = p.getByRole('alert');
    await frame.or(alert).first().waitFor();
    return (await frame.count()) > 0 ? 'in' : ((await alert.textContent()) ?? '');
  };

  it('an administrator lands on administration, adds an analyst (the server\'s refusal shown at the field) who signs in to the worklist, then disables them and their sign-in is refused', async () => {
    const p = await asAdmin();
    assert.equal(await p.getByRole('tab', { name: 'Users', selected: true }).count(), 1, 'the users tab is first');
    const users = p.getByRole('table', { name: 'Users' });
    await users.getByRole('button', { name: 'ana' }).waitFor();

    const form = p.getByRole('form', { name: 'New user' });
    await form.getByLabel('User id').fill('nia');
    await form.getByLabel('Name').fill('Nia (analyst)');
    await form.getByRole('group', { name: 'Roles' }).getByLabel('analyst').check();
    // Too short: refused by the server, which names the field; the page shows it next to the field.
    await form.getByLabel(/^Password/).fill('short');
    await form.getByRole('button', { name: 'Add user' }).click();
    await form.getByRole('alert').waitFor();
    assert.equal(await form.getByLabel(/^Password/).getAttribute('aria-invalid'), 'true');
    assert.match((await form.locator('.field-error').textContent()) ?? '', /12|small|short/i);
    await form.getByLabel(/^Password/).fill(PASSWORD);
    await form.getByRole('button', { name: 'Add user' }).click();
    await form.getByRole('status').getByText('User nia added.').waitFor();
    await users.getByRole('button', { name: 'nia' }).waitFor();
    assert.match((await users.getByRole('row', { name: /nia/ }).textContent()) ?? '', /analyst.*enabled/);
    await screenshot(p, 'admin-users');

    const nia = await page();
    assert.equal(await tryToSignIn(nia, 'nia', PASSWORD), 'in');
    await nia.getByRole('grid', { name: 'Worklist' }).getByRole('row').nth(2).waitFor();
    await nia.context().close();

    // The detail panel of the selected user: disable after a confirmation.
    await p.getByRole('heading', { name: /^nia/ }).waitFor();
    await p.getByRole('button', { name: 'Disable' }).click();
    await p.getByRole('button', { name: 'Yes, disable' }).click();
    await users.getByRole('row', { name: /nia/ }).getByText('disabled').waitFor();
    await p.context().close();

    const refused = await tryToSignIn(await page(), 'nia', PASSWORD);
    assert.notEqual(refused, 'in', 'a disabled user may not sign in');
    assert.match(refused, /password|credentials|sign|disabled/i);
  });

  it('makes an API key whose secret is shown once, which authenticates an API call until it is revoked', async () => {
    const p = await asAdmin('API keys');
    await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.url });
    const form = p.getByRole('form', { name: 'New API key' });
    await form.getByLabel(/^Name/).fill('e2e reporting job');
    await form.getByRole('button', { name: 'Make key' }).click();
    const secret = p.getByRole('region', { name: 'New API key secret' });
    await secret.waitFor();
    assert.match((await secret.textContent()) ?? '', /shown this once/);
    const key = ((await secret.getByLabel('API key secret').textContent()) ?? '').trim();
    assert.ok(key.length > 20, key);
    await secret.getByRole('button', { name: 'Copy' }).click();
    await secret.getByRole('status').getByText('Copied.').waitFor();
    assert.equal(await p.evaluate('navigator.clipboard.readText()'), key);
    await screenshot(p, 'admin-api-key-secret');

    const call = () => fetch(`${served.url}/api/v1/users`, { headers: { 'x-api-key': key } });
    assert.equal((await call()).status, 200, 'the key authenticates as the administrator');

    // Once dismissed, the secret is nowhere on the page: the list shows the key's name and id only.
    await secret.getByRole('button', { name: 'I have copied it' }).click();
    await secret.waitFor({ state: 'detached' });
    const row = p.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /e2e reporting job/ });
    await row.waitFor();
    assert.ok(!(await p.content()).includes(key), 'the secret is no longer in the page');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.getByText(/revoked/).waitFor();
    assert.equal((await call()).status, 401, 'a revoked key authenticates nothing');
  });

  it('registers a device with its public key (a malformed key refused at the field), then revokes it after a confirmation', async () => {
    const p = await asAdmin('Devices');
    const form = p.getByRole('form', { name: 'Register a device' });
    await form.getByLabel('Device id').fill('e2e-seal-1');
    await form.getByLabel(/^Public key/).fill('not a key');
    await form.getByLabel(/^Container/).fill('CSQU3054383');
    await form.getByRole('button', { name: 'Register' }).click();
    await form.getByRole('alert').waitFor();
    assert.equal(await form.getByLabel(/^Public key/).getAttribute('aria-invalid'), 'true');
    await form.getByLabel(/^Public key/).fill(devicePublicKey());
    await form.getByRole('button', { name: 'Register' }).click();
    await form.getByRole('status').getByText(/Device e2e-seal-1 registered/).waitFor();
    const row = p.getByRole('table', { name: 'Devices' }).getByRole('row', { name: /e2e-seal-1/ });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /CSQU3054383.*by admin/);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await screenshot(p, 'admin-device-revoke');
    // Cancel keeps it; Yes revokes it.
    await row.getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.getByText(/revoked/).waitFor();
    const { devices } = await served.admin<{ devices: { id: string; revokedAt: string | null }[] }>('/devices');
    assert.ok(devices.find((d) => d.id === 'e2e-seal-1')?.revokedAt, 'revoked on the server');
  });

  it("shows the data-key ring (current key, its age, values per key and column), the ledger's key ids and the rotation command; an auditor reads it too, and manages nothing", async () => {
    const status = await served.admin<{ current: { kid: string }; keys: { kid: string; values: number }[]; ledger: { log: { keyId: string } } }>('/keys/status');
    const p = await asAdmin('Keys');
    const current = p.getByRole('definition').filter({ hasText: status.current.kid });
    await current.first().waitFor();
    const ring = p.getByRole('table', { name: 'Data key ring' });
    const row = ring.getByRole('row', { name: new RegExp(status.current.kid) });
    assert.match((await row.textContent()) ?? '', /current/);
    // Values sealed under the current key: at least what the API counted just before (the demo goes on filing and sealing).
    const shown = Number(((await row.getByRole('cell').last().textContent()) ?? '').replace(/\D/g, ''));
    assert.ok(shown > 0 && shown >= status.keys.find((k) => k.kid === status.current.kid)!.values, `${shown} values shown`);
    assert.ok((await p.getByRole('table', { name: 'Sealed values per column' }).getByRole('row').count()) > 2);
    assert.match((await p.getByLabel('Rotation command').textContent()) ?? '', /portcullis keys rotate --as admin/);
    await p.getByLabel('Ledger keys').getByText(status.ledger.log.keyId).waitFor();
    await screenshot(p, 'admin-keys');

    const a = await page();
    await signIn(a, served.url, 'audra', PASSWORD);
    await a.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    await a.getByRole('heading', { name: /Administration.*read only/ }).waitFor();
    assert.deepEqual(await a.getByRole('tab').allTextContents(), ['Users', 'Devices', 'Keys']);
    await a.getByRole('table', { name: 'Users' }).getByRole('button', { name: 'nia' }).waitFor();
    assert.equal(await a.getByRole('form', { name: 'New user' }).count(), 0);
    await a.getByRole('tab', { name: 'Keys', exact: true }).click();
    await a.getByRole('table', { name: 'Data key ring' }).waitFor();
    // The tabs answer the keyboard: ← from Keys goes back to Devices.
    await a.getByRole('tab', { name: 'Keys', exact: true }).press('ArrowLeft');
    await a.getByRole('tab', { name: 'Devices', selected: true }).waitFor();
    assert.equal(await a.evaluate('document.activeElement?.textContent'), 'Devices');
  });
});
