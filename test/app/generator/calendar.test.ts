import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dailyCounts, DAY_MS, filingTimes, formatUtc, utcMidnight } from '../../../src/app/generator/calendar.ts';
import { createRandom } from '../../../src/app/generator/random.ts';

const START = Date.UTC(2025, 0, 1);

describe('dailyCounts', () => {
  it('adds up to the number of rows exactly, for many and for few rows', () => {
    for (const rows of [0, 1, 7, 1000, 123_457]) {
      const counts = dailyCounts(rows, START, 365);
      assert.equal(counts.reduce((a, b) => a + b, 0), rows);
    }
  });

  it('puts more filings on weekdays than at weekends', () => {
    const counts = dailyCounts(100_000, START, 365);
    let weekday = 0;
    let weekend = 0;
    counts.forEach((c, d) => {
      const dow = new Date(START + d * DAY_MS).getUTCDay();
      if (dow === 0 || dow === 6) weekend += c / 2;
      else weekday += c / 5;
    });
    assert.ok(weekday > 4 * weekend, `weekday ${weekday}, weekend ${weekend}`);
  });
});

describe('filingTimes', () => {
  it('gives ascending times within the day, mostly in business hours', () => {
    const times = [...filingTimes(createRandom('times'), START, 5000)];
    assert.equal(times.length, 5000);
    let business = 0;
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      assert.ok(t >= START && t < START + DAY_MS);
      if (i > 0) assert.ok(t >= (times[i - 1] as number), 'ascending');
      const hour = new Date(t).getUTCHours();
      if (hour >= 6 && hour < 18) business++;
    }
    assert.ok(business / times.length > 0.8, `share in business hours ${business / times.length}`);
  });
});

describe('dates', () => {
  it('formats UTC to the second', () => {
    assert.equal(formatUtc(Date.UTC(2025, 2, 4, 9, 15, 2, 999)), '2025-03-04T09:15:02Z');
  });

  it('reads dates and zoned date-times, and refuses the rest', () => {
    assert.equal(utcMidnight('2025-01-01'), START);
    assert.equal(utcMidnight('2025-01-01T23:30:00+02:00'), START);
    for (const bad of ['2025-02-30', '2025-1-1', 'yesterday', '2025-01-01T10:00', '']) {
      assert.equal(utcMidnight(bad), undefined, bad);
    }
  });
});
