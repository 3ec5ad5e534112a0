import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom, hashSeed, weightedTable, zipfWeights } from '../../../src/app/generator/random.ts';

const draw = (seed: string | number, n: number): number[] => {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    assert.deepEqual(draw('portcullis', 50), draw('portcullis', 50));
    assert.notDeepEqual(draw('portcullis', 50), draw('portcullis2', 50));
    assert.deepEqual(draw(42, 10), draw('42', 10), 'a number seed is its decimal text');
  });

  it('stays in range', () => {
    const rng = createRandom('range');
    for (let i = 0; i < 10_000; i++) {
      const u = rng.next();
      assert.ok(u >= 0 && u < 1);
      const k = rng.int(-3, 3);
      assert.ok(Number.isInteger(k) && k >= -3 && k <= 3);
      const f = rng.float(10, 20);
      assert.ok(f >= 10 && f < 20);
      assert.match(rng.digits(13), /^\d{13}$/);
    }
  });

  it('draws weighted choices and tables in proportion to the weights', () => {
    const rng = createRandom('weights');
    const table = weightedTable(['a', 'b', 'c'] as const, [1, 3, 0]);
    const counts = { a: 0, b: 0, c: 0 };
    const direct = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) {
      counts[rng.choose(table)]++;
      direct[rng.weighted(['a', 'b', 'c'] as const, [1, 3, 0])]++;
    }
    for (const c of [counts, direct]) {
      assert.equal(c.c, 0);
      assert.ok(Math.abs(c.b / (c.a + c.b) - 0.75) < 0.02, `b share ${c.b / (c.a + c.b)}`);
    }
  });

  it('draws normal and log-normal deviates with the asked centre', () => {
    const rng = createRandom('normal');
    const n = 20_000;
    const normals = Array.from({ length: n }, () => rng.normal(5, 2));
    const mean = normals.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(normals.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    assert.ok(Math.abs(mean - 5) < 0.05 && Math.abs(sd - 2) < 0.05, `mean ${mean}, sd ${sd}`);
    const logs = Array.from({ length: n }, () => rng.lognormal(10, 0.5)).sort((a, b) => a - b);
    assert.ok(Math.abs((logs[n / 2] as number) - 10) < 0.3, 'median of the log-normal');
  });

  it('refuses empty lists and bad weights', () => {
    const rng = createRandom('empty');
    assert.throws(() => rng.pick([]), RangeError);
    assert.throws(() => rng.weighted([], []), RangeError);
    assert.throws(() => weightedTable(['a'], [-1]), RangeError);
    assert.throws(() => weightedTable(['a', 'b'], [0, 0]), RangeError);
  });
});

describe('hashSeed and zipfWeights', () => {
  it('hashes to four unsigned 32-bit words that differ between seeds', () => {
    const h = hashSeed('a');
    assert.equal(h.length, 4);
    for (const w of h) assert.ok(Number.isInteger(w) && w >= 0 && w < 2 ** 32);
    assert.notDeepEqual(hashSeed('a'), hashSeed('b'));
  });

  it('gives decreasing weights starting at 1', () => {
    const w = zipfWeights(5, 1);
    assert.deepEqual(w, [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);
  });
});
