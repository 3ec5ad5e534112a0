import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authenticateEvent, type AuthenticationFacts } from '../../src/iot/devices.ts';
import { generateDeviceKey, signDeviceEvent } from '../../src/iot/event.ts';
import { REJECTION_REASONS, type DeviceEvent, type DeviceRecord, type Verdict } from '../../src/iot/types.ts';

const KEY = generateDeviceKey(new Uint8Array(32).fill(1));
const STRANGER = generateDeviceKey(new Uint8Array(32).fill(2));

const EVENT: DeviceEvent = signDeviceEvent(
  { v: 1, eventId: 'evt-42', deviceId: 'tracker-7', seq: 42, container: 'CSQU3054383', time: '2025-03-01T08:00:00.000Z', door: 'closed' },
  KEY.privateKey,
);
const DEVICE: DeviceRecord = {
  id: 'tracker-7',
  publicKey: KEY.publicKey,
  container: 'CSQU3054383',
  registeredBy: 'officer-1',
  registeredAt: '2025-01-01T00:00:00.000Z',
  revokedAt: null,
};
const GOOD: AuthenticationFacts = { topicDeviceId: 'tracker-7', device: DEVICE, progress: { lastSeq: 41, lastTime: '2025-03-01T07:00:00.000Z' }, seen: false };

function refused(v: Verdict): { reason: string; detail: string } {
  assert.equal(v.ok, false, 'expected a refusal');
  if (v.ok) throw new Error('unreachable');
  return v;
}

describe('authenticateEvent: each reason', () => {
  it('accepts a signed event of a registered device, on its own topic, next in sequence', () => {
    assert.deepEqual(authenticateEvent(EVENT, GOOD), { ok: true });
    assert.deepEqual(authenticateEvent(EVENT, { ...GOOD, progress: undefined }), { ok: true });
  });

  const cases: readonly [string, AuthenticationFacts, DeviceEvent, string][] = [
    ['no device topic', { ...GOOD, topicDeviceId: undefined }, EVENT, 'topic-mismatch'],
    ["another device's topic", { ...GOOD, topicDeviceId: 'tracker-8' }, EVENT, 'topic-mismatch'],
    ['a topic differing only in case', { ...GOOD, topicDeviceId: 'Tracker-7' }, EVENT, 'topic-mismatch'],
    ['no registered device', { ...GOOD, device: undefined }, EVENT, 'unknown-device'],
    ["another device's record", { ...GOOD, device: { ...DEVICE, id: 'tracker-8' } }, EVENT, 'unknown-device'],
    ['a revoked device', { ...GOOD, device: { ...DEVICE, revokedAt: '2025-02-01T00:00:00.000Z' } }, EVENT, 'revoked'],
    ['a signature by another key', GOOD, signDeviceEvent(EVENT, STRANGER.privateKey), 'bad-signature'],
    ['a field changed after signing', GOOD, { ...EVENT, door: 'open' }, 'bad-signature'],
    ['a registered key that is not a key', { ...GOOD, device: { ...DEVICE, publicKey: 'not a key' } }, EVENT, 'bad-signature'],
    ['an event applied already', { ...GOOD, seen: true }, EVENT, 'replayed'],
    ['a seq equal to the last applied', { ...GOOD, progress: { lastSeq: 42, lastTime: '2025-03-01T07:00:00.000Z' } }, EVENT, 'out-of-order'],
    ['a seq below the last applied', { ...GOOD, progress: { lastSeq: 1000, lastTime: '2025-03-01T07:00:00.000Z' } }, EVENT, 'out-of-order'],
  ];
  for (const [desc, facts, event, reason] of cases) {
    it(`refuses ${desc}: ${reason}`, () => {
      const v = refused(authenticateEvent(event, facts));
      assert.equal(v.reason, reason);
      // One sentence that names the device and says what was expected.
      assert.match(v.detail, /^[A-Z][^\n]*\.$/);
      assert.ok(v.detail.includes('tracker-7'), v.detail);
      assert.match(v.detail, /expected/);
    });
  }

  it('says which topic it came on and which it should have', () => {
    const v = refused(authenticateEvent(EVENT, { ...GOOD, topicDeviceId: 'tracker-8' }));
    assert.match(v.detail, /tracker-8/);
    assert.match(v.detail, /portcullis\/v1\/devices\/tracker-7\/events/);
  });

  it('says the last applied seq when out of order', () => {
    const v = refused(authenticateEvent(EVENT, { ...GOOD, progress: { lastSeq: 50, lastTime: '2025-03-01T07:00:00.000Z' } }));
    assert.match(v.detail, /seq 42/);
    assert.match(v.detail, /50/);
  });
});

describe('authenticateEvent: the order of the checks', () => {
  it('reports the first failing check when several fail', () => {
    // Every check failing, then each fixed in turn: the reason must walk down the list in order.
    // (unknown-device is shown on its own below: a missing record cannot also be revoked.)
    const broken: { facts: AuthenticationFacts; event: DeviceEvent } = {
      facts: { topicDeviceId: 'tracker-8', device: { ...DEVICE, revokedAt: '2025-02-01T00:00:00.000Z' }, progress: { lastSeq: 100, lastTime: '2025-03-01T07:00:00.000Z' }, seen: true },
      event: { ...EVENT, door: 'open' },
    };
    const fixes: readonly ((b: typeof broken) => typeof broken)[] = [
      (b) => ({ ...b, facts: { ...b.facts, topicDeviceId: 'tracker-7' } }),
      (b) => ({ ...b, facts: { ...b.facts, device: DEVICE } }),
      (b) => ({ ...b, event: EVENT }),
      (b) => ({ ...b, facts: { ...b.facts, seen: false } }),
      (b) => ({ ...b, facts: { ...b.facts, progress: GOOD.progress } }),
    ];
    const expected = REJECTION_REASONS.filter((r) => r !== 'malformed' && r !== 'unknown-device');
    const seen: string[] = [];
    let state = broken;
    for (const fix of fixes) {
      const v = authenticateEvent(state.event, state.facts);
      if (!v.ok && seen.at(-1) !== v.reason) seen.push(v.reason);
      state = fix(state);
    }
    assert.deepEqual(seen, expected);
    assert.deepEqual(authenticateEvent(state.event, state.facts), { ok: true });
  });

  it('puts unknown-device after topic-mismatch and before the signature and history', () => {
    const noDevice = { topicDeviceId: 'tracker-7', device: undefined, progress: { lastSeq: 100, lastTime: '2025-03-01T07:00:00.000Z' }, seen: true };
    assert.equal(refused(authenticateEvent({ ...EVENT, door: 'open' }, noDevice)).reason, 'unknown-device');
    assert.equal(refused(authenticateEvent(EVENT, { ...noDevice, topicDeviceId: undefined })).reason, 'topic-mismatch');
  });

  it('judges history only of a signed event: a forged replay is a bad signature', () => {
    const v = refused(authenticateEvent({ ...EVENT, seq: 1 }, { ...GOOD, seen: true }));
    assert.equal(v.reason, 'bad-signature');
  });

  it('refuses a redelivery as replayed even when its seq is also behind', () => {
    const v = refused(authenticateEvent(EVENT, { ...GOOD, seen: true, progress: { lastSeq: 42, lastTime: '2025-03-01T08:00:00.000Z' } }));
    assert.equal(v.reason, 'replayed');
  });
});
