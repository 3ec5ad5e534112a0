import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACCOUNT_POLICY, checkThrottle, recordFailure, stricter, type ThrottleState } from '../../src/security/lockout.ts';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');

/** A clock the test moves by hand. */
function clock() {
  let t = T0;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('login throttling', () => {
  test('two free failures, then 1 s, 2 s, 4 s… of back-off, a lock after the 10th for 15 minutes', () => {
    const c = clock();
    let s: ThrottleState | undefined;
    const waits: number[] = [];
    for (let n = 1; n <= 9; n += 1) {
      assert.equal(checkThrottle(s, c.now()).kind, 'allow', `attempt ${n} allowed once the delay has passed`);
      s = recordFailure(s, c.now());
      const v = checkThrottle(s, c.now());
      waits.push(v.kind === 'wait' ? v.retryAfterSeconds : 0);
      if (v.kind === 'wait') {
        c.advance(v.retryAfterSeconds * 1000 - 1);
        assert.equal(checkThrottle(s, c.now()).kind, 'wait', 'a millisecond early is still too early');
        c.advance(1);
      }
    }
    assert.deepEqual(waits, [0, 0, 1, 2, 4, 8, 16, 32, 60]);
    s = recordFailure(s, c.now());
    assert.equal(s.count, 10);
    const locked = checkThrottle(s, c.now());
    assert.deepEqual(locked, { kind: 'locked', until: new Date(c.now().getTime() + 15 * 60_000).toISOString(), retryAfterSeconds: 900 });
    c.advance(14 * 60_000);
    assert.equal(checkThrottle(s, c.now()).kind, 'locked');
    c.advance(60_000);
    assert.equal(checkThrottle(s, c.now()).kind, 'allow', 'the lock ends after 15 minutes');
    assert.equal(recordFailure(s, c.now()).count, 1, 'and the count starts over');
  });

  test('a success resets (the caller forgets the state); a quiet window forgets failures', () => {
    const c = clock();
    let s = recordFailure(recordFailure(recordFailure(undefined, c.now()), c.now()), c.now());
    assert.equal(checkThrottle(s, c.now()).kind, 'wait');
    assert.equal(checkThrottle(undefined, c.now()).kind, 'allow', 'after a success there is no state');
    c.advance(ACCOUNT_POLICY.windowMs);
    assert.equal(checkThrottle(s, c.now()).kind, 'allow');
    s = recordFailure(s, c.now());
    assert.equal(s.count, 1, 'failures before the quiet window are forgotten');
  });

  test('the stricter of an account verdict and an address verdict', () => {
    const allow = { kind: 'allow' } as const;
    const wait = { kind: 'wait', until: 'x', retryAfterSeconds: 4 } as const;
    const lock = { kind: 'locked', until: 'y', retryAfterSeconds: 900 } as const;
    assert.equal(stricter(allow, wait), wait);
    assert.equal(stricter(lock, wait), lock);
    assert.equal(stricter(wait, allow), wait);
    assert.equal(stricter(allow, allow), allow);
  });
});
