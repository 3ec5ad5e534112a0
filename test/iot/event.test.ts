import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { isPortcullisError } from '../../src/domain/errors.ts';
import { containerCheckDigit } from '../../src/domain/identifiers/index.ts';
import { deviceIdFromTopic, generateDeviceKey, parseDeviceEvent, signDeviceEvent, signedMessage, verifyDeviceSignature } from '../../src/iot/event.ts';
import { DEVICE_EQUIPMENT_CODES, DEVICE_TRANSPORT_CODES, deviceTopic, type DeviceEvent, type UnsignedDeviceEvent } from '../../src/iot/types.ts';

const KEY = generateDeviceKey(new Uint8Array(32).fill(7));
const OTHER_KEY = generateDeviceKey(new Uint8Array(32).fill(8));

const FULL: UnsignedDeviceEvent = {
  v: 1,
  eventId: 'e-1',
  deviceId: 'dev-1',
  seq: 5,
  container: 'CSQU3054383',
  time: '2025-03-01T08:00:00.000Z',
  eventCode: 'LOAD',
  location: 'NLRTM',
  position: { lat: 51.9, lon: 4.1, accuracy: 12 },
  seal: { state: 'intact', number: 'S-0001' },
  door: 'closed',
  shock: 0.3,
  temperature: 21.5,
  battery: 88,
};
const SIGNED = signDeviceEvent(FULL, KEY.privateKey);

/** The signed event as a plain JSON object, for cases to change. */
const wire = (): Record<string, unknown> => JSON.parse(JSON.stringify(SIGNED)) as Record<string, unknown>;

function malformed(raw: unknown) {
  const r = parseDeviceEvent(raw);
  assert.equal(r.ok, false, `expected ${JSON.stringify(raw)?.slice(0, 200)} to be refused`);
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.reason, 'malformed');
  assert.ok(r.problems.length > 0);
  for (const p of r.problems) {
    assert.ok(p.problem.length > 0 && (p.expected ?? '').length > 0, `problem without text or expectation: ${JSON.stringify(p)}`);
  }
  return r.problems;
}

describe('parseDeviceEvent: a signed event round-trips', () => {
  it('sign → JSON text → parse → verify, from text and from bytes', () => {
    const text = JSON.stringify(SIGNED);
    for (const raw of [text, new TextEncoder().encode(text), JSON.parse(text) as unknown]) {
      const r = parseDeviceEvent(raw);
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.event, SIGNED);
      assert.equal(verifyDeviceSignature(r.event, KEY.publicKey), true);
      assert.equal(verifyDeviceSignature(r.event, OTHER_KEY.publicKey), false);
    }
  });

  it('holds for a minimal event (no optional fields)', () => {
    const e = signDeviceEvent({ v: 1, eventId: 'x', deviceId: 'd', seq: 0, container: 'MSKU9070323', time: '2024-02-29T23:59:59.999Z' }, KEY.privateKey);
    const r = parseDeviceEvent(JSON.stringify(e));
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.event, e);
    assert.equal(verifyDeviceSignature(r.event, KEY.publicKey), true);
  });

  it('holds for any valid event (property)', () => {
    fc.assert(
      fc.property(anyEvent, (e) => {
        const signed = signDeviceEvent(e, KEY.privateKey);
        const r = parseDeviceEvent(JSON.stringify(signed));
        assert.ok(r.ok, JSON.stringify(r));
        // Through JSON, as a device's bytes would come: -0 arrives as 0.
        assert.deepEqual(r.event, JSON.parse(JSON.stringify(signed)));
        assert.equal(verifyDeviceSignature(r.event, KEY.publicKey), true);
      }),
      { numRuns: 150 },
    );
  });

  it('normalises container, time and location, and signs that form', () => {
    const e = signDeviceEvent({ ...FULL, container: ' csqu-305438 3', time: '2025-03-01T08:00:00Z', location: 'nl rtm' }, KEY.privateKey);
    assert.equal(e.container, 'CSQU3054383');
    assert.equal(e.time, '2025-03-01T08:00:00.000Z');
    assert.equal(e.location, 'NLRTM');
    assert.equal(e.signature, SIGNED.signature);

    const r = parseDeviceEvent(JSON.stringify({ ...wire(), container: 'csqu 3054383', time: '2025-03-01T08:00:00Z', location: 'NL RTM' }));
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.event, SIGNED);
    assert.equal(verifyDeviceSignature(r.event, KEY.publicKey), true);
  });

  it('accepts every boundary value', () => {
    const edges: Record<string, unknown>[] = [
      { seq: 0 },
      { seq: Number.MAX_SAFE_INTEGER },
      { eventId: 'x'.repeat(100) },
      { deviceId: 'A'.repeat(64) },
      { deviceId: 'a.b_c:d-9' },
      { position: { lat: -90, lon: -180 } },
      { position: { lat: 90, lon: 180, accuracy: 0 } },
      { seal: { state: 'tampered', number: 'n'.repeat(64) } },
      { temperature: -80 },
      { temperature: 150 },
      { battery: 0 },
      { battery: 100 },
      { shock: 0 },
      { door: 'open' },
      ...[...DEVICE_EQUIPMENT_CODES, ...DEVICE_TRANSPORT_CODES].map((eventCode) => ({ eventCode })),
    ];
    for (const edge of edges) {
      const r = parseDeviceEvent(JSON.stringify({ ...wire(), ...edge }));
      assert.ok(r.ok, `${JSON.stringify(edge)}: ${JSON.stringify(r)}`);
    }
  });

  it('accepts a message of exactly 8192 bytes and refuses one of 8193', () => {
    const text = JSON.stringify(SIGNED);
    assert.ok(parseDeviceEvent(text + ' '.repeat(8192 - text.length)).ok);
    assert.ok(parseDeviceEvent(new TextEncoder().encode(text + ' '.repeat(8192 - text.length))).ok);
    malformed(text + ' '.repeat(8193 - text.length));
    malformed(new TextEncoder().encode(text + ' '.repeat(8193 - text.length)));
  });
});

// Each case breaks one field of a valid event: the problems must name that field and no other.
const FIELD_CASES: readonly [desc: string, field: string, change: (o: Record<string, unknown>) => void][] = [
  ['v is 2', 'v', (o) => (o.v = 2)],
  ['v is text', 'v', (o) => (o.v = '1')],
  ['v missing', 'v', (o) => delete o.v],
  ['eventId empty', 'eventId', (o) => (o.eventId = '')],
  ['eventId of 101 characters', 'eventId', (o) => (o.eventId = 'x'.repeat(101))],
  ['eventId with NUL', 'eventId', (o) => (o.eventId = 'a\u0000b')],
  ['eventId with a lone surrogate', 'eventId', (o) => (o.eventId = 'a\ud800b')],
  ['eventId a number', 'eventId', (o) => (o.eventId = 7)],
  ['eventId missing', 'eventId', (o) => delete o.eventId],
  ['deviceId with a slash', 'deviceId', (o) => (o.deviceId = 'a/b')],
  ['deviceId with MQTT wildcard', 'deviceId', (o) => (o.deviceId = 'a+')],
  ['deviceId empty', 'deviceId', (o) => (o.deviceId = '')],
  ['deviceId of 65 characters', 'deviceId', (o) => (o.deviceId = 'a'.repeat(65))],
  ['deviceId not ASCII', 'deviceId', (o) => (o.deviceId = 'dév')],
  ['deviceId missing', 'deviceId', (o) => delete o.deviceId],
  ['seq negative', 'seq', (o) => (o.seq = -1)],
  ['seq a fraction', 'seq', (o) => (o.seq = 1.5)],
  ['seq beyond 2^53 - 1', 'seq', (o) => (o.seq = 2 ** 53)],
  ['seq as text', 'seq', (o) => (o.seq = '5')],
  ['seq missing', 'seq', (o) => delete o.seq],
  ['container with a wrong check digit', 'container', (o) => (o.container = 'CSQU3054384')],
  ['container too short', 'container', (o) => (o.container = 'CSQU305')],
  ['container a number', 'container', (o) => (o.container = 3054383)],
  ['container missing', 'container', (o) => delete o.container],
  ['time on 30 February', 'time', (o) => (o.time = '2025-02-30T00:00:00Z')],
  ['time with an offset', 'time', (o) => (o.time = '2025-03-01T08:00:00+01:00')],
  ['time without a zone', 'time', (o) => (o.time = '2025-03-01T08:00:00')],
  ['time as words', 'time', (o) => (o.time = 'yesterday')],
  ['time as epoch milliseconds', 'time', (o) => (o.time = 1740816000000)],
  ['time very long', 'time', (o) => (o.time = `2025-03-01T08:00:00.${'1'.repeat(5000)}Z`)],
  ['time missing', 'time', (o) => delete o.time],
  ['eventCode unknown', 'eventCode', (o) => (o.eventCode = 'FOO')],
  ['eventCode in lower case', 'eventCode', (o) => (o.eventCode = 'load')],
  ['eventCode null', 'eventCode', (o) => (o.eventCode = null)],
  ['location of no country', 'location', (o) => (o.location = 'XXRTM')],
  ['location not shaped like one', 'location', (o) => (o.location = 'N1RTM')],
  ['location a number', 'location', (o) => (o.location = 5)],
  ['position text', 'position', (o) => (o.position = '51.9,4.1')],
  ['position an array', 'position', (o) => (o.position = [51.9, 4.1])],
  ['position.lat above 90', 'position.lat', (o) => (o.position = { lat: 90.0001, lon: 0 })],
  ['position.lat as text', 'position.lat', (o) => (o.position = { lat: '51', lon: 0 })],
  ['position.lat missing', 'position.lat', (o) => (o.position = { lon: 0 })],
  ['position.lon below -180', 'position.lon', (o) => (o.position = { lat: 0, lon: -180.5 })],
  ['position.lon missing', 'position.lon', (o) => (o.position = { lat: 0 })],
  ['position.accuracy negative', 'position.accuracy', (o) => (o.position = { lat: 0, lon: 0, accuracy: -1 })],
  ['position with an unknown field', 'position.alt', (o) => (o.position = { lat: 0, lon: 0, alt: 3 })],
  ['seal text', 'seal', (o) => (o.seal = 'intact')],
  ['seal.state unknown', 'seal.state', (o) => (o.seal = { state: 'broken', number: 'S1' })],
  ['seal.state missing', 'seal.state', (o) => (o.seal = { number: 'S1' })],
  ['seal.number empty', 'seal.number', (o) => (o.seal = { state: 'intact', number: '' })],
  ['seal.number of 65 characters', 'seal.number', (o) => (o.seal = { state: 'intact', number: 'n'.repeat(65) })],
  ['seal.number missing', 'seal.number', (o) => (o.seal = { state: 'intact' })],
  ['seal with an unknown field', 'seal.type', (o) => (o.seal = { state: 'intact', number: 'S1', type: 'bolt' })],
  ['door ajar', 'door', (o) => (o.door = 'ajar')],
  ['door true', 'door', (o) => (o.door = true)],
  ['shock negative', 'shock', (o) => (o.shock = -0.1)],
  ['shock infinite (1e400)', 'shock', (o) => (o.shock = Infinity)],
  ['temperature below -80', 'temperature', (o) => (o.temperature = -80.1)],
  ['temperature above 150', 'temperature', (o) => (o.temperature = 151)],
  ['battery above 100', 'battery', (o) => (o.battery = 100.5)],
  ['battery negative', 'battery', (o) => (o.battery = -1)],
  ['signature too short', 'signature', (o) => (o.signature = 'abc')],
  ['signature of 65 bytes', 'signature', (o) => (o.signature = Buffer.alloc(65, 1).toString('base64'))],
  ['signature with non-zero padding bits', 'signature', (o) => (o.signature = `${(o.signature as string).slice(0, 85)}B==`)],
  ['signature in base64url', 'signature', (o) => (o.signature = Buffer.alloc(64, 0xfb).toString('base64url'))],
  ['signature null', 'signature', (o) => (o.signature = null)],
  ['signature missing', 'signature', (o) => delete o.signature],
  ['an unknown field', 'extra', (o) => (o.extra = 1)],
  ['a __proto__ field', '__proto__', (o) => Object.defineProperty(o, '__proto__', { value: {}, enumerable: true })],
];

describe('parseDeviceEvent: every malformed field is named', () => {
  for (const [desc, field, change] of FIELD_CASES) {
    it(desc, () => {
      const o = wire();
      change(o);
      // Through JSON text where it can go (Infinity cannot: it is given as the object).
      const raw = Number.isFinite(o.shock) ? JSON.stringify(o) : o;
      const problems = malformed(raw);
      assert.deepEqual(
        problems.map((p) => p.field),
        problems.map(() => field),
        `${desc}: ${JSON.stringify(problems)}`,
      );
    });
  }

  it('names every broken field at once', () => {
    const problems = malformed(JSON.stringify({ ...wire(), seq: -1, battery: 101, door: 'ajar', extra: true }));
    assert.deepEqual(problems.map((p) => p.field).sort(), ['battery', 'door', 'extra', 'seq']);
  });

  it('says what it found and what it expected', () => {
    const [p] = malformed(JSON.stringify({ ...wire(), container: 'CSQU3054384' }));
    assert.equal(p?.field, 'container');
    assert.match(p?.problem ?? '', /check digit/);
    assert.match(p?.expected ?? '', /ISO 6346|check digit/);
    const [t] = malformed(JSON.stringify({ ...wire(), temperature: 151 }));
    assert.deepEqual(t, { field: 'temperature', problem: 'is 151', expected: '°C, a number from -80 to 150' });
  });

  it('never echoes more than a few dozen characters of what it was sent', () => {
    const problems = malformed(JSON.stringify({ ...wire(), eventCode: 'A'.repeat(5000), ['k'.repeat(5000)]: 1 }));
    for (const p of problems) assert.ok(JSON.stringify(p).length < 400, JSON.stringify(p).slice(0, 100));
  });
});

describe('parseDeviceEvent: messages that are no event at all', () => {
  const cases: readonly [string, unknown][] = [
    ['text that is not JSON', '{"v":1,'],
    ['empty text', ''],
    ['a JSON array', JSON.stringify([SIGNED])],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['a JSON string', '"event"'],
    ['bytes that are not UTF-8', Uint8Array.of(0x7b, 0xff, 0x7d)],
    ['text over 8 KB', JSON.stringify({ ...SIGNED, eventId: 'x'.repeat(9000) })],
    ['text over 8 KB in UTF-8 though under 8192 characters', JSON.stringify({ ...SIGNED, eventId: '€'.repeat(3000) })],
    ['bytes over 8 KB', new Uint8Array(8193).fill(0x20)],
    ['undefined', undefined],
  ];
  for (const [desc, raw] of cases) {
    it(`refuses ${desc}`, () => {
      const problems = malformed(raw);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]?.field, undefined);
    });
  }
});

describe('signedMessage', () => {
  it('is the domain line and the RFC 8785 form of the event without its signature', () => {
    const expected =
      'portcullis/device-event/v1\n' +
      '{"battery":88,"container":"CSQU3054383","deviceId":"dev-1","door":"closed","eventCode":"LOAD","eventId":"e-1",' +
      '"location":"NLRTM","position":{"accuracy":12,"lat":51.9,"lon":4.1},"seal":{"number":"S-0001","state":"intact"},' +
      '"seq":5,"shock":0.3,"temperature":21.5,"time":"2025-03-01T08:00:00.000Z","v":1}';
    assert.equal(new TextDecoder().decode(signedMessage(SIGNED)), expected);
    assert.deepEqual(signedMessage(SIGNED), signedMessage(FULL));
    // Checked with node:crypto directly, not through verifyDeviceSignature.
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(KEY.publicKey, 'base64')]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    assert.equal(verify(null, Buffer.from(expected), key, Buffer.from(SIGNED.signature, 'base64')), true);
  });

  it('does not depend on the order of keys (property)', () => {
    fc.assert(
      fc.property(anyEvent, fc.array(fc.integer(), { minLength: 16, maxLength: 16 }), (e, weights) => {
        const shuffled = reorder(e, weights) as UnsignedDeviceEvent;
        assert.deepEqual(signedMessage(shuffled), signedMessage(e));
        assert.equal(new TextDecoder().decode(signedMessage(e)), `portcullis/device-event/v1\n${canonicalize(e)}`);
      }),
      { numRuns: 200 },
    );
  });

  it('orders keys by UTF-16 code units, nested ones too', () => {
    const reversed = Object.fromEntries(Object.entries(FULL).reverse().map(([k, v]) => [k, v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse()) : v]));
    assert.notEqual(JSON.stringify(reversed), JSON.stringify(FULL));
    assert.deepEqual(signedMessage(reversed as UnsignedDeviceEvent), signedMessage(FULL));
  });
});

describe('verifyDeviceSignature', () => {
  it('fails when any one field of a signed event is changed (property)', () => {
    const paths = [...Object.keys(SIGNED), 'position.lat', 'position.lon', 'position.accuracy', 'seal.state', 'seal.number', 'extra'];
    fc.assert(
      fc.property(anyEvent, fc.constantFrom(...paths), fc.option(fc.jsonValue(), { nil: undefined, freq: 5 }), (e, path, value) => {
        const signed = signDeviceEvent(e, KEY.privateKey);
        const changed = setPath(signed, path, value);
        fc.pre(canonicalize(changed) !== canonicalize(signed));
        assert.equal(verifyDeviceSignature(changed as unknown as DeviceEvent, KEY.publicKey), false, `${path} = ${JSON.stringify(value)}`);
      }),
      { numRuns: 300 },
    );
  });

  it('is false, never an exception, for keys and signatures that are not', () => {
    const badKeys = ['', 'abc', KEY.publicKey.slice(0, 43), `${KEY.publicKey.slice(0, 42)}B=`, Buffer.alloc(33, 1).toString('base64'), 'x'.repeat(10000)];
    for (const k of badKeys) assert.equal(verifyDeviceSignature(SIGNED, k), false, k.slice(0, 50));
    const badSignatures = ['', 'not base64', Buffer.alloc(64).toString('base64'), SIGNED.signature.slice(1) + 'A'];
    for (const s of badSignatures) assert.equal(verifyDeviceSignature({ ...SIGNED, signature: s }, KEY.publicKey), false, s);
    assert.equal(verifyDeviceSignature({ ...SIGNED, shock: Number.NaN }, KEY.publicKey), false);
    assert.equal(verifyDeviceSignature({ ...SIGNED, eventId: '\ud800' }, KEY.publicKey), false);
  });

  it('uses the key it is given, also after the cache has many others', () => {
    const other = Buffer.alloc(32, 9);
    for (let i = 0; i < 5000; i++) {
      other.writeUInt32BE(i, 0);
      assert.equal(verifyDeviceSignature(SIGNED, other.toString('base64')), false);
    }
    assert.equal(verifyDeviceSignature(SIGNED, KEY.publicKey), true);
    assert.equal(verifyDeviceSignature(SIGNED, OTHER_KEY.publicKey), false);
  });
});

describe('generateDeviceKey and signDeviceEvent', () => {
  it('derives the public key of RFC 8032 test 1 from its seed', () => {
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const k = generateDeviceKey(seed);
    assert.equal(Buffer.from(k.publicKey, 'base64').toString('hex'), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    assert.equal(k.privateKey, seed.toString('base64'));
  });

  it('draws a new key when no seed is given', () => {
    const a = generateDeviceKey();
    const b = generateDeviceKey();
    assert.notEqual(a.privateKey, b.privateKey);
    assert.equal(Buffer.from(a.publicKey, 'base64').length, 32);
    const e = signDeviceEvent(FULL, a.privateKey);
    assert.equal(verifyDeviceSignature(e, a.publicKey), true);
    assert.equal(verifyDeviceSignature(e, b.publicKey), false);
  });

  it('refuses a seed that is not 32 bytes, and a private key that is not base64 of 32 bytes', () => {
    assert.throws(() => generateDeviceKey(new Uint8Array(31)), (e) => isPortcullisError(e) && e.code === 'INVALID_INPUT' && e.details[0]?.field === 'seed');
    for (const k of ['', KEY.publicKey.slice(1), Buffer.alloc(64).toString('base64')]) {
      assert.throws(() => signDeviceEvent(FULL, k), (e) => isPortcullisError(e) && e.code === 'INVALID_INPUT' && e.details[0]?.field === 'privateKey');
    }
  });

  it('signs over an old signature as if it were not there', () => {
    const again = signDeviceEvent({ ...SIGNED, signature: 'stale' } as UnsignedDeviceEvent, KEY.privateKey);
    assert.deepEqual(again, SIGNED);
  });
});

describe('deviceIdFromTopic', () => {
  const cases: readonly [string, string | undefined][] = [
    ['portcullis/v1/devices/dev-1/events', 'dev-1'],
    ['portcullis/v1/devices/a.b_c:d-9/events', 'a.b_c:d-9'],
    [deviceTopic('A'.repeat(64)), 'A'.repeat(64)],
    [deviceTopic('A'.repeat(65)), undefined],
    ['portcullis/v1/devices//events', undefined],
    ['portcullis/v1/devices/a/b/events', undefined],
    ['portcullis/v1/devices/+/events', undefined],
    ['portcullis/v1/devices/#', undefined],
    ['portcullis/v1/devices/dev-1/events/', undefined],
    ['portcullis/v1/devices/dev-1/status', undefined],
    ['portcullis/v2/devices/dev-1/events', undefined],
    ['/portcullis/v1/devices/dev-1/events', undefined],
    ['portcullis/v1/devices/dev 1/events', undefined],
    ['portcullis/v1/devices/dév/events', undefined],
    ['', undefined],
  ];
  for (const [topic, id] of cases) {
    it(`${JSON.stringify(topic.slice(0, 60))} → ${id ?? 'undefined'}`, () => assert.equal(deviceIdFromTopic(topic), id));
  }
  it('reads back the id deviceTopic writes (property)', () => {
    fc.assert(fc.property(deviceIdArb, (id) => deviceIdFromTopic(deviceTopic(id)) === id));
  });
});

// ---- generators and helpers ----

const deviceIdArb = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
const containerArb = fc
  .tuple(fc.stringMatching(/^[A-Z]{3}$/), fc.constantFrom('U', 'J', 'Z'), fc.stringMatching(/^\d{6}$/))
  .map(([owner, category, serial]) => `${owner}${category}${serial}${containerCheckDigit(owner + category + serial)}`);
const anyEvent: fc.Arbitrary<UnsignedDeviceEvent> = fc.record(
  {
    v: fc.constant(1 as const),
    eventId: fc.string({ minLength: 1, maxLength: 50, unit: 'binary' }).filter((s) => !s.includes('\u0000')),
    deviceId: deviceIdArb,
    seq: fc.maxSafeNat(),
    container: containerArb,
    time: fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    eventCode: fc.constantFrom(...DEVICE_EQUIPMENT_CODES, ...DEVICE_TRANSPORT_CODES),
    location: fc.constantFrom('NLRTM', 'CNSHA', 'SGSIN', 'DEHAM', 'USLAX'),
    position: fc.record(
      { lat: fc.double({ min: -90, max: 90, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }), accuracy: fc.double({ min: 0, max: 1e5, noNaN: true }) },
      { requiredKeys: ['lat', 'lon'] },
    ),
    seal: fc.record({ state: fc.constantFrom('intact' as const, 'opened' as const, 'tampered' as const), number: fc.string({ minLength: 1, maxLength: 64 }) }),
    door: fc.constantFrom('open' as const, 'closed' as const),
    shock: fc.double({ min: 0, max: 1000, noNaN: true }),
    temperature: fc.double({ min: -80, max: 150, noNaN: true }),
    battery: fc.integer({ min: 0, max: 100 }),
  },
  { requiredKeys: ['v', 'eventId', 'deviceId', 'seq', 'container', 'time'] },
);

/** A copy of `o` with its keys (and those of nested objects) in an order given by `weights`. */
function reorder(o: unknown, weights: readonly number[]): unknown {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return o;
  const keys = Object.keys(o).map((k, i) => ({ k, w: weights[i % weights.length]! * 31 + i }));
  keys.sort((a, b) => a.w - b.w);
  return Object.fromEntries(keys.map(({ k }) => [k, reorder((o as Record<string, unknown>)[k], weights)]));
}

/** A copy of `o` with `path` (a.b) set to `value`, or removed when value is undefined. */
function setPath(o: object, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(o) as Record<string, unknown>;
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const inner = copy[head] !== null && typeof copy[head] === 'object' ? (copy[head] as Record<string, unknown>) : {};
  if (value === undefined) delete inner[tail];
  else inner[tail] = value;
  copy[head] = inner;
  return copy;
}
