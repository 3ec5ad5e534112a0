/**
 * Login throttling, as a pure policy: given what is known of earlier failures (for an account,
 * and separately for a client address) and the time, say whether a login may be tried now, and
 * what the state becomes after a failure or a success. The caller stores the state.
 *
 * From the 3rd consecutive failure on, the next try must wait 1 s, then 2 s, 4 s… (capped); after
 * the 10th the key is locked for 15 minutes. Failures older than the window are forgotten; a
 * success forgets them all.
 */
export interface ThrottlePolicy {
  /** Failures allowed before any delay. */
  readonly freeFailures: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Failures that lock the key. */
  readonly lockAfter: number;
  readonly lockMs: number;
  /** A quiet period after which earlier failures are forgotten. */
  readonly windowMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 60_000, lockAfter: 10, lockMs: 15 * 60_000, windowMs: 15 * 60_000 };
/** A client address may stand for many people (a NAT): more failures before delays and a lock. */
export const ADDRESS_POLICY: ThrottlePolicy = { freeFailures: 20, baseDelayMs: 1000, maxDelayMs: 60_000, lockAfter: 100, lockMs: 15 * 60_000, windowMs: 15 * 60_000 };

export interface ThrottleState {
  /** Consecutive failures within the window. */
  readonly count: number;
  readonly firstFailureAt: string;
  readonly lastFailureAt: string;
  readonly lockedUntil: string | null;
}

export type ThrottleVerdict =
  | { readonly kind: 'allow' }
  | { readonly kind: 'wait'; readonly until: string; readonly retryAfterSeconds: number }
  | { readonly kind: 'locked'; readonly until: string; readonly retryAfterSeconds: number };

/** The state as it stands at `now`: forgotten when the lock has passed or the window is quiet. */
function current(state: ThrottleState | undefined, now: Date, p: ThrottlePolicy): ThrottleState | undefined {
  if (state === undefined) return undefined;
  const t = now.getTime();
  if (state.lockedUntil !== null) return Date.parse(state.lockedUntil) > t ? state : undefined;
  return t - Date.parse(state.lastFailureAt) >= p.windowMs ? undefined : state;
}

/** The delay owed after `count` consecutive failures (0 while they are free). */
export function delayAfter(count: number, p: ThrottlePolicy = ACCOUNT_POLICY): number {
  if (count <= p.freeFailures) return 0;
  return Math.min(p.baseDelayMs * 2 ** (count - p.freeFailures - 1), p.maxDelayMs);
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** Whether a login may be tried at `now`. */
export function checkThrottle(state: ThrottleState | undefined, now: Date, p: ThrottlePolicy = ACCOUNT_POLICY): ThrottleVerdict {
  const s = current(state, now, p);
  if (s === undefined) return { kind: 'allow' };
  const t = now.getTime();
  if (s.lockedUntil !== null) return { kind: 'locked', until: s.lockedUntil, retryAfterSeconds: seconds(Date.parse(s.lockedUntil) - t) };
  const next = Date.parse(s.lastFailureAt) + delayAfter(s.count, p);
  return next > t ? { kind: 'wait', until: new Date(next).toISOString(), retryAfterSeconds: seconds(next - t) } : { kind: 'allow' };
}

/** The state after a failed login at `now`. */
export function recordFailure(state: ThrottleState | undefined, now: Date, p: ThrottlePolicy = ACCOUNT_POLICY): ThrottleState {
  const s = current(state, now, p);
  const at = now.toISOString();
  const count = (s?.count ?? 0) + 1;
  return { count, firstFailureAt: s?.firstFailureAt ?? at, lastFailureAt: at, lockedUntil: count >= p.lockAfter ? new Date(now.getTime() + p.lockMs).toISOString() : null };
}

/** The more restrictive of two verdicts (the one that makes the caller wait longer). */
export function stricter(a: ThrottleVerdict, b: ThrottleVerdict): ThrottleVerdict {
  if (a.kind === 'allow') return b;
  if (b.kind === 'allow') return a;
  if (a.retryAfterSeconds !== b.retryAfterSeconds) return a.retryAfterSeconds > b.retryAfterSeconds ? a : b;
  return a.kind === 'locked' ? a : b;
}
