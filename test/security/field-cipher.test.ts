import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PortcullisError } from '../../src/domain/errors.ts';
import { fieldCipher, formatKeyRing, keyRing, newDataKey, parseKeyRing, SEALED_PREFIX } from '../../src/security/field-cipher.ts';

const place = { table: 'parties', column: 'name', rowId: 'P-1' };
const ring = () => keyRing([{ kid: 'k2', key: randomBytes(32) }, { kid: 'k1', key: randomBytes(32) }]);

test('seal then open gives the text back; the value names the current key and is not the text', () => {
  const c = fieldCipher(ring());
  for (const text of ['', 'Acme Trading Ltd', 'ünïcödé — 北京 🚢', 'x'.repeat(4000)]) {
    const sealed = c.seal(text, place);
    assert.ok(sealed.startsWith(`${SEALED_PREFIX}k2:`), sealed);
    assert.ok(!sealed.includes(text) || text === '');
    assert.equal(c.open(sealed, place), text);
  }
  // Random nonces: the same text seals differently each time.
  assert.notEqual(c.seal('same', place), c.seal('same', place));
});

test('a value does not open for another row, column or table (the associated data binds them)', () => {
  const c = fieldCipher(ring());
  const sealed = c.seal('Acme Trading Ltd', place);
  for (const other of [{ ...place, rowId: 'P-2' }, { ...place, column: 'country' }, { ...place, table: 'users' }]) {
    assert.throws(() => c.open(sealed, other), (e: unknown) => e instanceof PortcullisError && e.code === 'STORE_ERROR' && e.message.includes(`row ${other.rowId}`) && e.message.includes('failed authentication'));
  }
  // An altered byte does not open either.
  const body = Buffer.from(sealed.slice(sealed.lastIndexOf(':') + 1), 'base64url');
  body[30] = body[30]! ^ 1;
  assert.throws(() => c.open(`${SEALED_PREFIX}k2:${body.toString('base64url')}`, place), /failed authentication/);
});

test('an unknown key id is named, with the keys the ring holds', () => {
  const sealed = fieldCipher(keyRing([{ kid: 'gone', key: randomBytes(32) }])).seal('text', place);
  assert.throws(() => fieldCipher(ring()).open(sealed, place), (e: unknown) => e instanceof PortcullisError && e.code === 'CONFIG_ERROR' && /data key "gone"/.test(e.message) && /k2, k1/.test(e.message));
});

test('old keys still open after a new one becomes current', () => {
  const old = newDataKey('2026-01-01T00:00:00.000Z');
  const sealed = fieldCipher(keyRing([old])).seal('Rotterdam', place);
  const c = fieldCipher(keyRing([newDataKey('2026-06-01T00:00:00.000Z'), old]));
  assert.equal(c.open(sealed, place), 'Rotterdam');
  assert.equal(c.keyIdOf(sealed), old.kid);
  assert.equal(c.keyIdOf('plain text'), undefined);
});

test('PORTCULLIS_DATA_KEYS text: parsed, the first current, and written back the same', () => {
  const text = `a1:${randomBytes(32).toString('base64')},b2:${randomBytes(32).toString('base64')}`;
  const r = parseKeyRing(text);
  assert.equal(r.current.kid, 'a1');
  assert.deepEqual(r.keys.map((k) => k.kid), ['a1', 'b2']);
  assert.equal(formatKeyRing(r), text);
  assert.throws(() => parseKeyRing(`a1:${randomBytes(16).toString('base64')}`), /"a1" is 16 bytes/);
  assert.throws(() => parseKeyRing(`${text},a1:${randomBytes(32).toString('base64')}`), /appears twice/);
  assert.throws(() => parseKeyRing('nokey'), /no key id/);
  assert.throws(() => parseKeyRing(''), /empty/);
});
