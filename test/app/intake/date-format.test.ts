import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CellError } from '../../../src/app/intake/cell-error.ts';
import { compileDateParser } from '../../../src/app/intake/date-format.ts';

/** Runs the parser and returns the CellError it throws (failing when it does not throw one). */
function refusal(parse: (s: string) => string, s: string): CellError {
  try {
    const v = parse(s);
    assert.fail(`"${s}" was read as ${v}; expected a refusal`);
  } catch (e) {
    assert.ok(e instanceof CellError, `expected a CellError for "${s}", got ${String(e)}`);
    return e;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

describe('compileDateParser with a pattern', () => {
  const vectors: { format: string; utcOffset?: string; input: string; want: string }[] = [
    { format: 'YYYY-MM-DD', input: '2021-03-04', want: '2021-03-04T00:00:00.000Z' },
    { format: 'DD/MM/YYYY', input: '04/03/2021', want: '2021-03-04T00:00:00.000Z' },
    { format: 'D/M/YYYY', input: '4/3/2021', want: '2021-03-04T00:00:00.000Z' },
    { format: 'YYYYMMDD', input: '20210304', want: '2021-03-04T00:00:00.000Z' },
    { format: 'DD.MM.YYYY HH:mm', input: '04.03.2021 17:45', want: '2021-03-04T17:45:00.000Z' },
    { format: 'DD.MM.YYYY HH:mm', input: '31.12.2021 23:59', want: '2021-12-31T23:59:00.000Z' },
    { format: 'YYYY-MM-DD HH:mm:ss', input: '2021-03-04 01:02:03', want: '2021-03-04T01:02:03.000Z' },
    { format: 'YYYY-MM-DD', input: '2020-02-29', want: '2020-02-29T00:00:00.000Z' },
    { format: 'YYYY-MM-DD', input: '2000-02-29', want: '2000-02-29T00:00:00.000Z' },
    // A local time at +09:00 is nine hours earlier in UTC, across midnight and the year.
    { format: 'DD.MM.YYYY HH:mm', utcOffset: '+09:00', input: '04.03.2021 17:45', want: '2021-03-04T08:45:00.000Z' },
    { format: 'DD.MM.YYYY HH:mm', utcOffset: '+09:00', input: '01.01.2021 08:00', want: '2020-12-31T23:00:00.000Z' },
    { format: 'YYYY-MM-DD', utcOffset: '+09:00', input: '2021-03-04', want: '2021-03-03T15:00:00.000Z' },
    { format: 'DD.MM.YYYY HH:mm', utcOffset: '-05:30', input: '31.12.2021 20:00', want: '2022-01-01T01:30:00.000Z' },
  ];
  for (const v of vectors) {
    it(`reads "${v.input}" as ${v.format}${v.utcOffset ? ` at ${v.utcOffset}` : ''}`, () => {
      assert.equal(compileDateParser(v.format, v.utcOffset)(v.input), v.want);
    });
  }

  const impossible: { format: string; input: string }[] = [
    { format: 'YYYY-MM-DD', input: '2021-02-29' },
    { format: 'YYYY-MM-DD', input: '1900-02-29' },
    { format: 'YYYY-MM-DD', input: '2020-13-01' },
    { format: 'YYYY-MM-DD', input: '2021-04-31' },
    { format: 'YYYY-MM-DD', input: '2021-00-10' },
    { format: 'DD/MM/YYYY', input: '00/01/2021' },
    { format: 'DD/MM/YYYY', input: '31/06/2021' },
    { format: 'YYYYMMDD', input: '20210230' },
    { format: 'DD.MM.YYYY HH:mm', input: '04.03.2021 24:00' },
    { format: 'DD.MM.YYYY HH:mm', input: '04.03.2021 12:60' },
  ];
  for (const v of impossible) {
    it(`refuses the impossible "${v.input}" (${v.format}), naming the format`, () => {
      const e = refusal(compileDateParser(v.format), v.input);
      assert.match(e.problem, /is not a real date or time/);
      assert.ok(e.problem.includes(v.input), e.problem);
      assert.equal(e.expected, `a valid ${v.format} date`);
    });
  }

  const malformed: { format: string; input: string }[] = [
    { format: 'DD/MM/YYYY', input: '2021-03-04' },
    { format: 'YYYY-MM-DD', input: '04/03/2021' },
    { format: 'YYYYMMDD', input: '2021-03-04' },
    { format: 'DD.MM.YYYY HH:mm', input: '04.03.2021' },
    { format: 'YYYY-MM-DD', input: 'yesterday' },
  ];
  for (const v of malformed) {
    it(`refuses "${v.input}" that does not match ${v.format}, expecting the format itself`, () => {
      const e = refusal(compileDateParser(v.format), v.input);
      assert.match(e.problem, /does not match the date format/);
      assert.equal(e.expected, v.format);
    });
  }

  it('refuses a 7-digit value for YYYYMMDD', () => {
    for (const input of ['2021034', '2021111']) refusal(compileDateParser('YYYYMMDD'), input);
  });

  it('refuses a pattern without a year, month and day', () => {
    assert.throws(() => compileDateParser('DD/MM'), /must contain YYYY, MM \(or M\) and DD \(or D\)/);
  });
});

describe('compileDateParser without a pattern (ISO 8601)', () => {
  const vectors: { utcOffset?: string; input: string; want: string }[] = [
    { input: '2021-03-04', want: '2021-03-04T00:00:00.000Z' },
    { input: '2021-03-04T10:20:30Z', want: '2021-03-04T10:20:30.000Z' },
    { input: '2021-03-04T10:20:30.250Z', want: '2021-03-04T10:20:30.250Z' },
    { input: '2021-03-04T10:20:30.5Z', want: '2021-03-04T10:20:30.500Z' },
    { input: '2021-03-04T10:20:30+09:00', want: '2021-03-04T01:20:30.000Z' },
    { input: '2021-03-04T01:20:30-02:30', want: '2021-03-04T03:50:30.000Z' },
    { input: '2021-03-04T01:20:30+0900', want: '2021-03-03T16:20:30.000Z' },
    { input: '2021-03-04 10:20', want: '2021-03-04T10:20:00.000Z' },
    // No zone: the mapping's utcOffset applies; a zone in the text wins over it.
    { utcOffset: '+09:00', input: '2021-03-04T10:20:30', want: '2021-03-04T01:20:30.000Z' },
    { utcOffset: '+09:00', input: '2021-03-04T10:20:30Z', want: '2021-03-04T10:20:30.000Z' },
    { utcOffset: '+09:00', input: '2021-03-04T10:20:30+01:00', want: '2021-03-04T09:20:30.000Z' },
  ];
  for (const v of vectors) {
    it(`reads "${v.input}"${v.utcOffset ? ` at ${v.utcOffset}` : ''}`, () => {
      assert.equal(compileDateParser(undefined, v.utcOffset)(v.input), v.want);
    });
  }

  for (const input of ['2021-02-29', '2021-02-29T00:00:00Z', '2020-13-01', '2021-04-31T10:00:00Z', '2021-03-04T24:00:00Z', '2021-03-04T23:59:60Z']) {
    it(`refuses the impossible "${input}"`, () => {
      const e = refusal(compileDateParser(undefined), input);
      assert.match(e.problem, /is not a real date or time/);
      assert.equal(e.expected, 'a valid ISO 8601 date');
    });
  }

  for (const input of ['04/03/2021', '2021-3-4', '20210304', '2021-03-04T10', '2021-03-04T10:20:30 UTC', '']) {
    it(`refuses "${input}" that is not ISO 8601, saying what is`, () => {
      const e = refusal(compileDateParser(undefined), input);
      assert.match(e.problem, /is not an ISO 8601 date or date-time/);
      assert.equal(e.expected, 'YYYY-MM-DD or YYYY-MM-DDTHH:mm:ssZ');
    });
  }

  it('leaves the leap day 2020-02-29 alone', () => {
    assert.equal(compileDateParser(undefined)('2020-02-29'), '2020-02-29T00:00:00.000Z');
  });

  it('clips a long bad value in the problem text', () => {
    const e = refusal(compileDateParser(undefined), 'x'.repeat(500));
    assert.ok(e.problem.length < 100, e.problem);
  });
});

describe('compileDateParser properties', () => {
  const dates = fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });

  it('DD/MM/YYYY written from a date reads back as the same UTC date', () => {
    const parse = compileDateParser('DD/MM/YYYY');
    fc.assert(
      fc.property(dates, (d) => {
        const text = `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear(), 4)}`;
        const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
        assert.equal(Date.parse(parse(text)), day);
      }),
      { numRuns: 500 },
    );
  });

  it('a local "DD.MM.YYYY HH:mm" at an offset reads back as the instant minus that offset', () => {
    const offsets = fc.integer({ min: -12 * 60, max: 14 * 60 }).map((m) => ({ m, text: `${m < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(m) / 60))}:${pad(Math.abs(m) % 60)}` }));
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), offsets, (d, o) => {
        const text = `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
        const local = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
        assert.equal(Date.parse(compileDateParser('DD.MM.YYYY HH:mm', o.text)(text)), local - o.m * 60_000);
      }),
      { numRuns: 300 },
    );
  });

  it('anything the parser accepts is an ISO 8601 UTC date-time', () => {
    const parse = compileDateParser('YYYYMMDD');
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), (s) => {
        try {
          assert.match(parse(s), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        } catch (e) {
          assert.ok(e instanceof CellError);
        }
      }),
      { numRuns: 300 },
    );
  });

  // Date.UTC maps years 0-99 to 1900-1999; the parser must not.
  it('reads a year below 100 as that year', () => {
    assert.equal(compileDateParser('YYYY-MM-DD')('0050-01-01'), '0050-01-01T00:00:00.000Z');
  });

  it('writes every real date and time of years 0-9999 as toISOString does', () => {
    const parse = compileDateParser('YYYY-MM-DD HH:mm:ss.SSS');
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(0, 0, 1) - 1900 * 365.2425 * 86_400_000), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (d) => {
        if (d.getUTCFullYear() < 0) return;
        const text = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
        assert.equal(parse(text), d.toISOString());
      }),
      { numRuns: 2000, seed: 2024 },
    );
  });

  // ISO 8601 text in its two usual shapes takes a path without a regular expression: it must read
  // (and refuse) exactly what the pattern path does.
  it('reads the usual ISO shapes as the pattern path does, near-misses included', () => {
    const iso = compileDateParser(undefined);
    const outcome = (parse: (s: string) => string, s: string) => {
      try {
        return parse(s);
      } catch (e) {
        assert.ok(e instanceof CellError);
        return 'refused';
      }
    };
    const shapes = [
      { re: /^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-6]\d:[0-6]\dZ$/, pattern: compileDateParser('YYYY-MM-DDTHH:mm:ssZ') },
      { re: /^\d{4}-[01]\d-[0-3]\d$/, pattern: compileDateParser('YYYY-MM-DD') },
    ];
    const spaced = compileDateParser('YYYY-MM-DD HH:mm:ssZ');
    const text = fc.oneof(
      ...shapes.map(({ re }) => fc.stringMatching(re)),
      ...shapes.map(({ re }) => fc.tuple(fc.stringMatching(re), fc.nat(), fc.constantFrom('x', '-', ':', 'T', 'Z', ' ', '/', '9', '0', '\u0660')).map(([t, i, c]) => t.slice(0, i % t.length) + c + t.slice((i % t.length) + 1))),
    );
    fc.assert(
      fc.property(text, (s) => {
        // ISO 8601 also allows a space for the T.
        const pattern = s.length === 20 ? (s[10] === ' ' ? spaced : shapes[0]!.pattern) : s.length === 10 ? shapes[1]!.pattern : undefined;
        if (pattern === undefined) return;
        assert.equal(outcome(iso, s), outcome(pattern, s), s);
      }),
      { numRuns: 5000, seed: 6346 },
    );
  });
});
