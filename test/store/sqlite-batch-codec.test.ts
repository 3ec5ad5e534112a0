import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { packBatch, unpackBatch } from '../../src/store/dialects/sqlite-batch-codec.mjs';

/** What the writer thread receives: the packed batch after a trip through postMessage. */
const roundTrip = (batch: Parameters<typeof packBatch>[0]) => {
  const packed = packBatch(batch);
  assert.ok(packed, 'the batch should pack');
  return unpackBatch(structuredClone(packed));
};

const value = fc.oneof(
  fc.string({ unit: 'binary' }).filter((s) => !s.includes('\u0000')),
  fc.double(),
  fc.constantFrom(-0, 0, Number.NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2, 5e-324),
  fc.constant(null),
);
const row = (width: number) => fc.array(value, { minLength: width, maxLength: width });
const batch = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }))
  .chain(([dw, iw]) => fc.array(fc.tuple(row(dw), fc.array(row(iw), { maxLength: 3 })), { maxLength: 20 }))
  .map((rs) => ({ declarations: rs.map((r) => r[0]), items: rs.map((r) => r[1]) }));

describe('packed batches for the SQLite writer thread', () => {
  it('unpack to exactly the rows that were packed: text, numbers (with -0, NaN, ±Infinity) and nulls', () => {
    fc.assert(
      fc.property(batch, (b) => {
        assert.deepStrictEqual(roundTrip(b), b);
      }),
      { numRuns: 500, seed: 9162 },
    );
  });

  it('keeps empty text apart from null', () => {
    const b = { declarations: [['', null, 'x']], items: [[['', null]]] };
    assert.deepStrictEqual(roundTrip(b), b);
  });

  it('refuses what it cannot carry, so that the batch goes unpacked', () => {
    assert.equal(packBatch({ declarations: [['a\u0000b']], items: [[]] }), undefined);
    assert.equal(packBatch({ declarations: [[1n]], items: [[]] }), undefined);
    assert.equal(packBatch({ declarations: [[true]], items: [[]] }), undefined);
    // Rows of one table must all have the same width.
    assert.equal(packBatch({ declarations: [['a', 1], ['b']], items: [[], []] }), undefined);
    assert.equal(packBatch({ declarations: [['a'], ['b']], items: [[['x', 1]], [['y']]] }), undefined);
  });

  it('notices a packed batch whose text does not hold the values its tags promise', () => {
    const packed = packBatch({ declarations: [['a', 'b']], items: [[]] })!;
    assert.throws(() => unpackBatch({ ...packed, text: 'a' }), /holds 1 texts, not 2/);
  });
});
