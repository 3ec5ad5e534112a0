import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import type { DeviceEvent, DeviceProgress, DeviceRecord } from '../../src/iot/types.ts';
import { MIGRATIONS, migrateToLatest, migratorFor } from '../../src/store/migrate.ts';
import { devicesRepo, iotEventsRepo, monitorsRepo, type DeviceEventRow, type DeviceProgressRow, type DeviceRow, type StoreAdapter } from '../../src/store/index.ts';
import { forEachStore, tableNamesOf } from '../support/stores.ts';

/** The store declares the iot layer's shapes again (it may not import them): they must stay the same. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const sameShapes: [Equal<DeviceRow, DeviceRecord>, Equal<DeviceEventRow, DeviceEvent>, Equal<DeviceProgressRow, DeviceProgress>] = [true, true, true];
void sameShapes;

const C1 = 'MSCU1234565';
const C2 = 'CSQU3054383';
const T0 = Date.UTC(2024, 5, 1);
const t = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const key = (deviceId: string, eventId: string) => `${deviceId}\u0000${eventId}`;

/** An event of `deviceId` with counter `seq`, at minute `seq` unless `over` says otherwise. */
const ev = (deviceId: string, seq: number, over: Partial<DeviceEventRow> = {}): DeviceEventRow => ({
  v: 1, eventId: `${deviceId}/e${seq}`, deviceId, seq, container: C1, time: t(seq), signature: 'c2lnbmF0dXJl', ...over,
});
const rx = (event: DeviceEventRow, minutes = 0) => ({ event, receivedAt: t(10_000 + minutes) });

const device = (id: string, over: Partial<DeviceRow> = {}): DeviceRow => ({
  id, publicKey: `key-of-${id}`, container: C1, registeredBy: 'admin', registeredAt: t(0), revokedAt: null, ...over,
});

const TABLES = ['consignment_monitors', 'device_progress', 'devices', 'iot_events', 'iot_rejections'];
async function iotTables(store: StoreAdapter): Promise<string[]> {
  return (await tableNamesOf(store)).filter((name) => TABLES.includes(name));
}

forEachStore('iot repo', (h) => {
  // The tests go through the store's hot path where it has one (SQLite), as the service does; the
  // last test holds Kysely's statements to the same results.
  it('registers a device once: the same id again is "exists" and keeps the first key; revokes once', async () => {
    const store = await h.open();
    const repo = devicesRepo(store.db);
    assert.equal(await repo.register(device('dev-1')), 'inserted');
    assert.equal(await repo.register(device('dev-1', { publicKey: 'another key' })), 'exists');
    assert.equal(await repo.register(device('dev-2', { container: null, registeredBy: 'ops' })), 'inserted');
    assert.equal(await repo.register(device('Dev.3:x-y_z', { container: C2 })), 'inserted');

    assert.deepEqual(await repo.get('dev-1'), device('dev-1'));
    assert.deepEqual(await repo.get('dev-2'), device('dev-2', { container: null, registeredBy: 'ops' }));
    assert.equal(await repo.get('dev-9'), undefined);
    const many = await repo.getMany(['dev-2', 'dev-9', 'dev-1', 'dev-1']);
    assert.deepEqual([...many.keys()].sort(), ['dev-1', 'dev-2']);
    assert.deepEqual(many.get('dev-1'), device('dev-1'));
    assert.deepEqual((await repo.getMany([])).size, 0);
    assert.deepEqual((await repo.list()).map((d) => d.id), ['Dev.3:x-y_z', 'dev-1', 'dev-2']);
    assert.deepEqual(await repo.list({ container: C2 }), [device('Dev.3:x-y_z', { container: C2 })]);
    assert.deepEqual(await repo.list({ container: 'NONE0000000' }), []);

    assert.equal(await repo.revoke('dev-1', 'security', t(5)), true);
    assert.equal(await repo.revoke('dev-1', 'someone else', t(6)), false);
    assert.equal(await repo.revoke('dev-9', 'security', t(5)), false);
    assert.deepEqual(await repo.get('dev-1'), device('dev-1', { revokedAt: t(5) }));
    const { rows } = await sql<{ revoked_by: string }>`SELECT revoked_by FROM devices WHERE id = 'dev-1'`.execute(store.db);
    assert.equal(rows[0]?.revoked_by, 'security');
    // Registering again does not bring a revoked device back.
    assert.equal(await repo.register(device('dev-1')), 'exists');
    assert.equal((await repo.get('dev-1'))?.revokedAt, t(5));
    assert.equal((await repo.get('dev-2'))?.revokedAt, null);
  });

  it('adds events once: a repeat across calls or within a call is a duplicate; statuses in input order', async () => {
    const store = await h.open();
    const repo = iotEventsRepo(store.db, store.telemetryRows);
    assert.deepEqual(await repo.add([]), []);
    assert.deepEqual(await repo.add([rx(ev('a', 1)), rx(ev('a', 2)), rx(ev('b', 1))]), ['inserted', 'inserted', 'inserted']);
    assert.deepEqual(
      await repo.add([rx(ev('a', 2)), rx(ev('a', 3)), rx(ev('b', 2)), rx(ev('a', 3)), rx(ev('b', 1)), rx(ev('b', 2, { temperature: 9 }))]),
      ['duplicate', 'inserted', 'inserted', 'duplicate', 'duplicate', 'duplicate'],
    );
    // The same event id of another device is another event.
    assert.deepEqual(await repo.add([rx(ev('c', 1, { eventId: 'a/e1' }))]), ['inserted']);
    assert.equal(await repo.count(), 6);
    assert.equal(await repo.count({ container: C1 }), 6);
    assert.equal(await repo.count({ container: C2 }), 0);
    // The first of a repeat is the one stored.
    const b2 = (await repo.track(C1)).find((s) => s.event.deviceId === 'b' && s.event.seq === 2);
    assert.equal(b2?.event.temperature, undefined);
  });

  it('keeps every field of an event, its reception time and a counter beyond 32 bits', async () => {
    const store = await h.open();
    const repo = iotEventsRepo(store.db, store.telemetryRows);
    const full: DeviceEventRow = {
      v: 1, eventId: 'évènement "1" \\ ☃', deviceId: 'dev.full', seq: 1_717_200_000_123, container: C2, time: t(1), eventCode: 'GTOT', location: 'NLRTM',
      position: { lat: 51.95, lon: 4.05, accuracy: 12.5 }, seal: { state: 'tampered', number: 'SEAL-0001' }, door: 'open', shock: 3.25, temperature: -18.5, battery: 87, signature: 'AAAA+/==',
    };
    assert.deepEqual(await repo.add([{ event: full, receivedAt: t(2) }]), ['inserted']);
    assert.deepEqual(await repo.track(C2), [{ event: full, receivedAt: t(2), ledgerIndex: null }]);
    assert.deepEqual(await repo.progress(['dev.full']), new Map([['dev.full', { lastSeq: 1_717_200_000_123, lastTime: t(1) }]]));
    assert.deepEqual(await repo.seen([{ deviceId: 'dev.full', eventId: full.eventId }]), new Set([key('dev.full', full.eventId)]));
  });

  it('moves each device\'s progress to the highest seq inserted, never back, and not for duplicates', async () => {
    const store = await h.open();
    const repo = iotEventsRepo(store.db, store.telemetryRows);
    assert.deepEqual(await repo.progress(['a', 'b']), new Map());
    await repo.add([rx(ev('a', 5)), rx(ev('a', 7)), rx(ev('a', 6)), rx(ev('b', 2))]);
    assert.deepEqual(await repo.progress(['a', 'b', 'z']), new Map([['a', { lastSeq: 7, lastTime: t(7) }], ['b', { lastSeq: 2, lastTime: t(2) }]]));
    // An older event still stored (the app layer decides what it accepts) does not move progress back.
    assert.deepEqual(await repo.add([rx(ev('a', 3)), rx(ev('b', 9))]), ['inserted', 'inserted']);
    // A duplicate with a higher seq moves nothing.
    assert.deepEqual(await repo.add([rx(ev('a', 99, { eventId: 'a/e5' }))]), ['duplicate']);
    // The same seq again at another time does not move it either.
    await repo.add([rx(ev('b', 9, { eventId: 'b/other', time: t(500) }))]);
    assert.deepEqual(await repo.progress(['b', 'a', 'a']), new Map([['a', { lastSeq: 7, lastTime: t(7) }], ['b', { lastSeq: 9, lastTime: t(9) }]]));
    await repo.add([rx(ev('a', 8, { time: t(1) }))]);
    assert.deepEqual((await repo.progress(['a'])).get('a'), { lastSeq: 8, lastTime: t(1) });
  });

  it('stores all of a call or nothing: a failing row rolls back the chunks and progress before it', async () => {
    const store = await h.open();
    const repo = iotEventsRepo(store.db, store.telemetryRows);
    const events = Array.from({ length: 1_500 }, (_, i) => rx(ev(`d${i % 3}`, i)));
    events.push(rx({ ...ev('zz', 1), container: null as unknown as string }));
    await assert.rejects(repo.add(events));
    assert.equal(await repo.count(), 0);
    assert.deepEqual(await repo.progress(['d0', 'd1', 'd2']), new Map());
    assert.deepEqual(await repo.add(events.slice(0, 2)), ['inserted', 'inserted']);
  });

  it('seen tells which (device, event id) pairs are stored', async () => {
    const store = await h.open();
    const repo = iotEventsRepo(store.db, store.telemetryRows);
    await repo.add([rx(ev('a', 1)), rx(ev('b', 1))]);
    assert.deepEqual(await repo.seen([]), new Set());
    const asked = [{ deviceId: 'a', eventId: 'a/e1' }, { deviceId: 'b', eventId: 'a/e1' }, { deviceId: 'b', eventId: 'b/e1' }, { deviceId: 'a', eventId: 'a/e1' }, { deviceId: 'c', eventId: 'c/e1' }];
    assert.deepEqual(await repo.seen(asked), new Set([key('a', 'a/e1'), key('b', 'b/e1')]));
    const many = Array.from({ length: 1_203 }, (_, i) => ({ deviceId: i % 2 === 0 ? 'a' : 'b', eventId: i === 1_202 ? 'a/e1' : `x${i}` }));
    assert.deepEqual(await repo.seen(many), new Set([key('a', 'a/e1')]));
  });

  it('tracks a container by time, then seq, within [from, to), at most limit; notes ledger indices', async () => {
    const store = await h.open();
    const repo = iotEventsRepo(store.db, store.telemetryRows);
    await repo.add([
      rx(ev('a', 3, { time: t(10) })),
      rx(ev('b', 2, { time: t(10) })),
      rx(ev('a', 1, { time: t(5) })),
      rx(ev('b', 1, { time: t(20) })),
      rx(ev('c', 1, { time: t(7), container: C2 })),
      rx(ev('a', 4, { time: t(30) })),
    ]);
    const ids = (xs: { event: DeviceEventRow }[]) => xs.map((x) => x.event.eventId);
    assert.deepEqual(ids(await repo.track(C1)), ['a/e1', 'b/e2', 'a/e3', 'b/e1', 'a/e4']);
    assert.deepEqual(ids(await repo.track(C2)), ['c/e1']);
    assert.deepEqual(ids(await repo.track('NONE0000000')), []);
    assert.deepEqual(ids(await repo.track(C1, { from: t(10) })), ['b/e2', 'a/e3', 'b/e1', 'a/e4']);
    assert.deepEqual(ids(await repo.track(C1, { to: t(20) })), ['a/e1', 'b/e2', 'a/e3']);
    assert.deepEqual(ids(await repo.track(C1, { from: t(6), to: t(30), limit: 2 })), ['b/e2', 'a/e3']);
    assert.deepEqual(ids(await repo.track(C1, { limit: 1 })), ['a/e1']);

    await repo.setLedgerIndices([]);
    await repo.setLedgerIndices([
      { deviceId: 'a', eventId: 'a/e3', index: 41 },
      { deviceId: 'b', eventId: 'b/e2', index: 42 },
      { deviceId: 'b', eventId: 'a/e3', index: 99 },
      { deviceId: 'c', eventId: 'c/e1', index: 7 },
      { deviceId: 'c', eventId: 'c/e1', index: 43 },
    ]);
    assert.deepEqual((await repo.track(C1)).map((x) => x.ledgerIndex), [null, 42, 41, null, null]);
    assert.deepEqual((await repo.track(C2)).map((x) => [x.ledgerIndex, x.receivedAt]), [[43, t(10_000)]]);

    const pairs = Array.from({ length: 600 }, (_, i) => ({ deviceId: 'e', eventId: `e/e${i}`, index: 1_000 + i }));
    await repo.add(pairs.map((p, i) => rx(ev('e', i, { container: 'EEEU0000000' }))));
    await repo.setLedgerIndices(pairs);
    const track = await repo.track('EEEU0000000');
    assert.deepEqual(track.map((x) => x.ledgerIndex), pairs.map((p) => p.index));
  });

  it('adds rejection counters up, keeping the latest time', async () => {
    const store = await h.open();
    const repo = iotEventsRepo(store.db, store.telemetryRows);
    assert.deepEqual(await repo.rejections(), {});
    await repo.addRejections({}, t(1));
    await repo.addRejections({ malformed: 2, 'bad-signature': 1, replayed: 0 }, t(2));
    await repo.addRejections({ malformed: 3, 'out-of-order': 4, revoked: undefined }, t(1));
    await repo.addRejections({ 'bad-signature': 5_000_000_000 }, t(3));
    assert.deepEqual(await repo.rejections(), { malformed: 5, 'bad-signature': 5_000_000_001, 'out-of-order': 4 });
    const { rows } = await sql<{ reason: string; last_at: string }>`SELECT reason, last_at FROM iot_rejections ORDER BY reason`.execute(store.db);
    assert.deepEqual(rows.map((r) => [r.reason, r.last_at]), [['bad-signature', t(3)], ['malformed', t(2)], ['out-of-order', t(1)]]);
    for (const bad of [-1, 1.5, Number.NaN]) {
      await assert.rejects(repo.addRejections({ malformed: 1, replayed: bad }, t(4)), (e: { code?: string }) => e.code === 'INVALID_INPUT');
    }
    assert.equal((await repo.rejections()).malformed, 5);
  });

  it('adds 5,000 events in one call: new, stored before and repeated within it, each told right', async () => {
    const store = await h.open();
    const repo = iotEventsRepo(store.db, store.telemetryRows);
    const devices = Array.from({ length: 7 }, (_, d) => `bulk-${d}`);
    const event = (i: number) => ev(devices[i % 7]!, 100 + Math.floor(i / 7), { container: i % 2 === 0 ? C1 : C2 });
    // Every fifth of the first 4,000 is stored before.
    const before = Array.from({ length: 4_000 }, (_, i) => i).filter((i) => i % 5 === 0);
    assert.ok((await repo.add(before.map((i) => rx(event(i))))).every((s) => s === 'inserted'));
    const batch: ReturnType<typeof rx>[] = [];
    const want: string[] = [];
    for (let i = 0; i < 4_800; i++) {
      batch.push(rx(event(i), 1));
      want.push(i % 5 === 0 && i < 4_000 ? 'duplicate' : 'inserted');
    }
    // 200 repeats within the call, spread over it.
    for (let k = 0; k < 200; k++) {
      const i = 1 + k * 23;
      batch.splice(i + k + 1, 0, rx(event(i), 2));
      want.splice(i + k + 1, 0, 'duplicate');
    }
    assert.equal(batch.length, 5_000);
    const statuses = await repo.add(batch);
    assert.equal(statuses.length, 5_000);
    assert.deepEqual(statuses, want);
    assert.equal(await repo.count(), 4_800);
    assert.equal(await repo.count({ container: C1 }), 2_400);
    const last = Math.floor(4_799 / 7);
    const progress = await repo.progress(devices);
    assert.equal(progress.size, 7);
    for (const d of devices) assert.ok(progress.get(d)!.lastSeq >= 100 + last - 1, d);
    assert.deepEqual(progress.get(`bulk-${4_799 % 7}`), { lastSeq: 100 + last, lastTime: t(100 + last) });
    const seen = await repo.seen(batch.map((b) => b.event));
    assert.equal(seen.size, 4_800);
  });

  it('saves monitors (upsert, the last of a consignment given twice), and reads them back as given', async () => {
    const store = await h.open();
    const repo = monitorsRepo(store.db);
    assert.deepEqual(await repo.all(), []);
    assert.equal(await repo.get('DEC-1'), undefined);
    const plan = (c: string, container: string) => ({ consignment: c, container, ports: ['CNSHA', 'SGSIN', 'NLRTM'] });
    const state = { lastEvent: { id: 'a/e1', at: t(1), position: { lat: -33.9, lon: 18.4 } }, sealNumber: 'SEAL-0001', alerts: ['corridor-exit'], gap: null, note: 'température "élevée" \\ 集装箱 😀', deep: { a: { b: { c: [1, [2, { d: true }]] } } } };
    await repo.put([]);
    await repo.put([
      { consignment: 'DEC-1', container: C1, plan: plan('DEC-1', C1), state, updatedAt: t(1) },
      { consignment: 'DEC-2', container: C2, plan: plan('DEC-2', C2), state: null, updatedAt: t(1) },
      { consignment: 'DEC-3', container: C1, plan: plan('DEC-3', C1), state: 'first', updatedAt: t(1) },
      { consignment: 'DEC-3', container: C1, plan: plan('DEC-3', C1), state: { n: 3 }, updatedAt: t(2) },
    ]);
    assert.deepEqual(await repo.get('DEC-1'), { consignment: 'DEC-1', container: C1, plan: plan('DEC-1', C1), state, updatedAt: t(1) });
    assert.deepEqual(await repo.get('DEC-3'), { consignment: 'DEC-3', container: C1, plan: plan('DEC-3', C1), state: { n: 3 }, updatedAt: t(2) });
    assert.equal((await repo.get('DEC-2'))?.state, null);
    await repo.put([{ consignment: 'DEC-1', container: C2, plan: plan('DEC-1', C2), state: { n: 1 }, updatedAt: t(5) }]);
    assert.deepEqual(await repo.get('DEC-1'), { consignment: 'DEC-1', container: C2, plan: plan('DEC-1', C2), state: { n: 1 }, updatedAt: t(5) });
    assert.deepEqual((await repo.byContainers([C2])).map((m) => m.consignment), ['DEC-1', 'DEC-2']);
    assert.deepEqual((await repo.byContainers([C1, C2, C1])).map((m) => m.consignment), ['DEC-1', 'DEC-2', 'DEC-3']);
    assert.deepEqual(await repo.byContainers([]), []);
    assert.deepEqual((await repo.all()).map((m) => [m.consignment, m.container]), [['DEC-1', C2], ['DEC-2', C2], ['DEC-3', C1]]);

    const many = Array.from({ length: 2_345 }, (_, i) => ({ consignment: `M-${String(i).padStart(5, '0')}`, container: `C${i % 10}`, plan: plan(`M-${i}`, `C${i % 10}`), state: { i }, updatedAt: t(9) }));
    await repo.put(many);
    assert.equal((await repo.all()).length, 2_348);
    assert.equal((await repo.byContainers(['C3'])).length, 235);
    assert.deepEqual((await repo.get('M-01234'))?.state, { i: 1234 });
  });

  it("Kysely's statements write what the store's hot path writes: statuses, rows, progress, ledger indices", async (t) => {
    const a = await h.open();
    const b = await h.open();
    if (a.telemetryRows === undefined) return t.skip('this database has no hot path: the tests above are of Kysely\'s statements');
    const hot = iotEventsRepo(a.db, a.telemetryRows);
    const plain = iotEventsRepo(b.db);
    const batch = (k: number) => Array.from({ length: 700 }, (_, i) => rx(ev(`m${i % 9}`, 1 + k * 100 + Math.floor(i / 9), { container: i % 3 === 0 ? C1 : C2 }), k));
    for (const k of [0, 1]) {
      const events = [...batch(k), ...batch(k).slice(0, 50), ...(k === 1 ? batch(0).slice(100, 130) : [])];
      assert.deepEqual(await hot.add(events), await plain.add(events));
    }
    const devices = Array.from({ length: 9 }, (_, d) => `m${d}`);
    assert.deepEqual(await hot.progress(devices), await plain.progress(devices));
    const pairs = batch(1).map((r, i) => ({ deviceId: r.event.deviceId, eventId: r.event.eventId, index: 5_000 + i }));
    pairs.push({ deviceId: 'm0', eventId: 'no such event', index: 1 });
    await hot.setLedgerIndices(pairs);
    await plain.setLedgerIndices(pairs);
    for (const c of [C1, C2]) assert.deepEqual(await hot.track(c), await plain.track(c));
    assert.equal(await hot.count(), 1_400);
  });

  it('migration 0012 goes down and up again', async () => {
    const store = await h.open();
    assert.deepEqual(await iotTables(store), TABLES);
    const names = Object.keys(MIGRATIONS);
    const migrator = migratorFor(store);
    assert.equal((await migrator.migrateTo('0011-worklist-index-without-green')).error, undefined);
    assert.deepEqual(await iotTables(store), []);
    assert.deepEqual(await migrateToLatest(store), names.slice(names.indexOf('0012-iot')));
    assert.deepEqual(await iotTables(store), TABLES);
    assert.equal(await devicesRepo(store.db).register(device('after')), 'inserted');
  });
});
