import assert from 'node:assert/strict';
import { it } from 'node:test';
import { hash as argon2 } from '@node-rs/argon2';
import { authenticate, login, logout, refreshSession, setPassword, type Actor } from '../../../src/app/auth/index.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { authRepo, usersRepo } from '../../../src/store/index.ts';
import { forEachStore } from '../../support/stores.ts';
import { failsWith } from '../targeting/fixtures.ts';
import { allPayloads, authApp, privileged } from './support.ts';

const PW = 'tangerine-oxbow-47';

forEachStore('login, refresh, logout and authenticate', (h) => {
  it('login gives a token pair; the access token authenticates the user with its current roles and session', async () => {
    const { app, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', name: 'Ann Analyst', roles: ['analyst'], password: PW });
      await addUser(app, { id: 'tom', roles: ['trader'], party: 'IMP-1', password: 'plum-harbour-1999' });
      const pair = await login(app, { user: 'ann', password: PW }, { ip: '10.0.0.1' });
      assert.equal(pair.tokenType, 'Bearer');
      assert.equal(pair.expiresIn, 900);
      assert.equal(pair.refreshExpiresAt, '2026-03-02T20:00:00.000Z');
      const actor = await authenticate(app, { bearer: pair.accessToken });
      assert.equal(actor.id, 'ann');
      assert.equal(actor.name, 'Ann Analyst');
      assert.deepEqual(actor.roles, ['analyst']);
      assert.equal(actor.via, 'token');
      assert.ok(actor.sessionId);
      const t = await authenticate(app, { bearer: (await login(app, { user: 'tom', password: 'plum-harbour-1999' })).accessToken });
      assert.equal(t.party, 'IMP-1');

      // Roles come from the store, not from the token: a change shows (here at once: a new process cache).
      await usersRepo(app.store.db).setRoles('ann', ['auditor']);
      const { app: other, done: done2 } = authApp(app.store);
      try {
        // A second application on the same store with the same key: a process of its own.
        const again = await authenticate({ ...other, config: app.config }, { bearer: pair.accessToken });
        assert.deepEqual(again.roles, ['auditor']);
      } finally {
        await done2();
      }

      const entries = await privileged(app, 'user:ann');
      const login1 = entries.find((e) => e.action === 'auth.login');
      assert.deepEqual(login1, { actor: 'ann', action: 'auth.login', session: actor.sessionId, ip: '10.0.0.1' });
    } finally {
      await done();
    }
  });

  it('an unknown user and a wrong password get the same answer; the ledger keeps neither the password nor the unknown name', async () => {
    const { app, clock, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', roles: ['analyst'], password: PW });
      const tried = 'Secret-Guess-123';
      let wrong: unknown;
      let unknown: unknown;
      await login(app, { user: 'ann', password: tried }).catch((e) => (wrong = e));
      clock.advance(60_000);
      await login(app, { user: 'nobody-here', password: tried }).catch((e) => (unknown = e));
      failsWith('UNAUTHENTICATED', 'password')(wrong);
      failsWith('UNAUTHENTICATED', 'password')(unknown);
      assert.equal((wrong as Error).message, (unknown as Error).message);
      assert.deepEqual((wrong as { details: unknown }).details, (unknown as { details: unknown }).details);

      await addUser(app, { id: 'nopass', roles: ['analyst'] });
      await assert.rejects(login(app, { user: 'nopass', password: tried }), failsWith('UNAUTHENTICATED', 'password', /user or the password is wrong/));
      await usersRepo(app.store.db).setDisabled('ann', true);
      await assert.rejects(login(app, { user: 'ann', password: PW }), failsWith('UNAUTHENTICATED'), 'a disabled user cannot sign in');

      const failed = (await privileged(app, 'user:ann')).filter((e) => e.action === 'auth.login-failed');
      assert.equal(failed.length, 2);
      assert.equal(failed[0]!.failures, 1);
      assert.equal((await privileged(app, 'auth:unknown-user')).length, 1);
      const text = await allPayloads(app);
      assert.ok(!text.includes(tried), 'the tried password is not in the ledger');
      assert.ok(!text.includes(PW), 'nor the real one');
      assert.ok(!text.includes('nobody-here'), 'nor a name that is no user');
      assert.ok(!text.includes('$argon2'), 'nor a hash');
    } finally {
      await done();
    }
  });

  it('failed logins back off, then lock the account for 15 minutes; a success resets the count', async () => {
    const { app, clock, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', roles: ['analyst'], password: PW });
      const bad = () => login(app, { user: 'ann', password: 'not-the-password' }, { ip: '10.0.0.9' });
      await assert.rejects(bad(), failsWith('UNAUTHENTICATED'));
      await assert.rejects(bad(), failsWith('UNAUTHENTICATED'));
      await assert.rejects(bad(), failsWith('UNAUTHENTICATED'));
      // The 3rd failure: wait a second, even with the right password.
      await assert.rejects(login(app, { user: 'ann', password: PW }), (e) => failsWith('RATE_LIMITED', 'retryAfter')(e) && (e as { details: { problem: string }[] }).details[0]!.problem === '1');
      clock.advance(1000);
      const ok = await login(app, { user: 'ann', password: PW });
      assert.ok(ok.accessToken);
      assert.equal(await authRepo(app.store.db).loginFailures('user:ann'), undefined, 'a success resets');

      // Ten in a row lock the account.
      for (let n = 1; n <= 10; n += 1) {
        await assert.rejects(bad(), failsWith('UNAUTHENTICATED'), `failure ${n}`);
        clock.advance(60_000);
      }
      clock.advance(-60_000);
      await assert.rejects(login(app, { user: 'ann', password: PW }), (e) => failsWith('RATE_LIMITED', 'retryAfter')(e) && (e as { details: { problem: string }[] }).details[0]!.problem === '900');
      const locked = (await privileged(app, 'user:ann')).filter((e) => e.action === 'auth.login-failed').at(-1)!;
      assert.equal(locked.failures, 10);
      assert.ok(typeof locked.lockedUntil === 'string');
      clock.advance(15 * 60_000);
      assert.ok((await login(app, { user: 'ann', password: PW })).accessToken, 'the lock ends');

      // Parallel guesses do not slip past the count: each sees the failures before it.
      clock.advance(15 * 60_000);
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => bad()));
      const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'));
      assert.deepEqual(codes.sort(), [...Array(3).fill('UNAUTHENTICATED'), ...Array(5).fill('RATE_LIMITED')].sort());

      // Unknown users are throttled the same way: the answer does not tell they do not exist.
      for (let n = 0; n < 3; n += 1) await assert.rejects(login(app, { user: 'ghost', password: 'whatever-1234' }), failsWith('UNAUTHENTICATED'));
      await assert.rejects(login(app, { user: 'ghost', password: 'whatever-1234' }), failsWith('RATE_LIMITED'));
    } finally {
      await done();
    }
  });

  it('refresh rotates: the new pair works, the old refresh token is refused, and using it again ends the session', async () => {
    const { app, clock, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', roles: ['analyst'], password: PW });
      const first = await login(app, { user: 'ann', password: PW });
      clock.advance(10 * 60_000);
      const second = await refreshSession(app, first.refreshToken);
      assert.notEqual(second.refreshToken, first.refreshToken);
      assert.notEqual(second.accessToken, first.accessToken);
      assert.equal(second.refreshExpiresAt, first.refreshExpiresAt, 'the session keeps its end');
      const a = await authenticate(app, { bearer: second.accessToken });
      clock.advance(60_000);
      const third = await refreshSession(app, second.refreshToken);

      // The first token again: a copy was used; the session ends for everyone holding it.
      await assert.rejects(refreshSession(app, first.refreshToken), failsWith('UNAUTHENTICATED', 'refreshToken', /used already/));
      await assert.rejects(refreshSession(app, third.refreshToken), failsWith('UNAUTHENTICATED', 'refreshToken', /ended/));
      await assert.rejects(authenticate(app, { bearer: third.accessToken }), failsWith('UNAUTHENTICATED'));
      const reused = (await privileged(app, 'user:ann')).find((e) => e.action === 'auth.refresh-reused');
      assert.deepEqual(reused, { actor: 'ann', action: 'auth.refresh-reused', session: a.sessionId });

      // A forged token (right session id, made-up secret) is refused and ends nothing.
      const fresh = await login(app, { user: 'ann', password: PW });
      const sid = fresh.refreshToken.split('.')[0]!;
      await assert.rejects(refreshSession(app, `${sid}.${'A'.repeat(43)}.${'B'.repeat(22)}`), failsWith('UNAUTHENTICATED', 'refreshToken'));
      await assert.rejects(refreshSession(app, 'junk'), failsWith('UNAUTHENTICATED', 'refreshToken'));
      assert.ok(await refreshSession(app, fresh.refreshToken), 'the session lives on');
    } finally {
      await done();
    }
  });

  it('a session ends after 12 hours; an access token after 15 minutes', async () => {
    const { app, clock, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', roles: ['analyst'], password: PW });
      const p = await login(app, { user: 'ann', password: PW });
      clock.advance(15 * 60_000);
      await assert.rejects(authenticate(app, { bearer: p.accessToken }), failsWith('UNAUTHENTICATED', 'authorization'));
      const q = await refreshSession(app, p.refreshToken);
      assert.ok(await authenticate(app, { bearer: q.accessToken }));
      clock.advance(12 * 3600_000);
      await assert.rejects(refreshSession(app, q.refreshToken), failsWith('UNAUTHENTICATED', 'refreshToken', /ended/));
    } finally {
      await done();
    }
  });

  it('logout ends the session: its access token at once here, within 5 s in another process; its refresh token at once', async () => {
    const { app, clock, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', roles: ['analyst'], password: PW });
      const p = await login(app, { user: 'ann', password: PW });
      const other = { ...app }; // another process: its own caches, the same store and key
      const actor: Actor = await authenticate(app, { bearer: p.accessToken });
      assert.ok(await authenticate(other, { bearer: p.accessToken }));
      clock.advance(1000);
      await logout(app, actor);
      await assert.rejects(authenticate(app, { bearer: p.accessToken }), failsWith('UNAUTHENTICATED'));
      await assert.rejects(refreshSession(app, p.refreshToken), failsWith('UNAUTHENTICATED', 'refreshToken'));
      assert.ok(await authenticate(other, { bearer: p.accessToken }), 'still cached there, for less than 5 s');
      clock.advance(4000);
      await assert.rejects(authenticate(other, { bearer: p.accessToken }), failsWith('UNAUTHENTICATED'));
      assert.ok((await privileged(app, 'user:ann')).some((e) => e.action === 'auth.logout' && e.session === actor.sessionId));
    } finally {
      await done();
    }
  });

  it('authenticate refuses no credentials, both at once, garbage, a disabled user; and notes last_seen_at at most once a minute', async () => {
    const { app, clock, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', roles: ['analyst'], password: PW });
      await assert.rejects(authenticate(app, {}), failsWith('UNAUTHENTICATED', 'authorization'));
      await assert.rejects(authenticate(app, { bearer: 'x.y.z' }), failsWith('UNAUTHENTICATED', 'authorization'));
      const p = await login(app, { user: 'ann', password: PW });
      await assert.rejects(authenticate(app, { bearer: p.accessToken, apiKey: 'pcl_x' }), failsWith('UNAUTHENTICATED'));
      const repo = authRepo(app.store.db);
      assert.equal(await repo.lastSeen('ann'), '2026-03-02T08:00:00.000Z');
      clock.advance(30_000);
      await authenticate(app, { bearer: p.accessToken });
      assert.equal(await repo.lastSeen('ann'), '2026-03-02T08:00:00.000Z', 'not again within the minute');
      clock.advance(30_000);
      await authenticate(app, { bearer: p.accessToken });
      assert.equal(await repo.lastSeen('ann'), '2026-03-02T08:01:00.000Z');

      await usersRepo(app.store.db).setDisabled('ann', true);
      clock.advance(5000);
      await assert.rejects(authenticate(app, { bearer: p.accessToken }), failsWith('UNAUTHENTICATED', 'authorization'));
    } finally {
      await done();
    }
  });

  it('setPassword: the policy, own or by an administrator, and the user’s other sessions end', async () => {
    const { app, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'ann', roles: ['analyst'], password: PW });
      await addUser(app, { id: 'bob', roles: ['supervisor'], password: 'walnut-meadow-88' });
      await addUser(app, { id: 'root', roles: ['admin'], password: 'granite-kettle-314' });
      const s1 = await login(app, { user: 'ann', password: PW });
      const s2 = await login(app, { user: 'ann', password: PW });
      const a1 = await authenticate(app, { bearer: s1.accessToken });

      await assert.rejects(setPassword(app, 'ann', 'ann', 'short'), failsWith('INVALID_INPUT', 'password', /shorter than 12/));
      await assert.rejects(setPassword(app, 'ann', 'ann', 'password1234'), failsWith('INVALID_INPUT', 'password', /common/));
      await assert.rejects(setPassword(app, 'bob', 'bob', 'BOB'.padEnd(3)), failsWith('INVALID_INPUT', 'password'));
      await assert.rejects(setPassword(app, 'bob', 'ann', 'another-long-one-1'), failsWith('FORBIDDEN', 'user'));
      await assert.rejects(setPassword(app, 'root', 'nobody', 'another-long-one-1'), failsWith('NOT_FOUND', 'user'));

      await setPassword(app, 'ann', 'ann', 'copper-lantern-2026', { keepSession: a1.sessionId! });
      assert.ok(await authenticate(app, { bearer: s1.accessToken }), 'the session that changed it goes on');
      await assert.rejects(refreshSession(app, s2.refreshToken), failsWith('UNAUTHENTICATED'), 'the other ends');
      await assert.rejects(login(app, { user: 'ann', password: PW }), failsWith('UNAUTHENTICATED'));
      assert.ok(await login(app, { user: 'ann', password: 'copper-lantern-2026' }));

      await setPassword(app, 'root', 'ann', 'velvet-compass-77');
      await assert.rejects(authenticate(app, { bearer: s1.accessToken }), failsWith('UNAUTHENTICATED'), 'set by an administrator: every session ends');
      assert.ok(await login(app, { user: 'ann', password: 'velvet-compass-77' }));

      const changes = (await privileged(app, 'user:ann')).filter((e) => e.action === 'user.password-changed');
      assert.deepEqual(changes.map((e) => e.actor), ['ann', 'root']);
      const text = await allPayloads(app);
      for (const pw of [PW, 'copper-lantern-2026', 'velvet-compass-77']) assert.ok(!text.includes(pw));
    } finally {
      await done();
    }
  });

  it('a password hashed under weaker parameters is hashed again, under the policy, at the next login', async () => {
    const { app, done } = authApp(await h.open());
    try {
      await addUser(app, { id: 'old', roles: ['analyst'] });
      const repo = authRepo(app.store.db);
      await repo.setPasswordHash('old', await argon2(PW, { memoryCost: 4096, timeCost: 1, parallelism: 1 }), '2020-01-01T00:00:00.000Z');
      assert.ok(await login(app, { user: 'old', password: PW }));
      assert.match((await repo.passwordHash('old'))!, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.ok(await login(app, { user: 'old', password: PW }), 'and still verifies');
    } finally {
      await done();
    }
  });
});
