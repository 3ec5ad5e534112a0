import { CellError } from './cell-error.ts';

/**
 * Compiles a date pattern such as "YYYY-MM-DD", "DD/MM/YYYY HH:mm" or "YYYYMMDD" into a parser
 * that returns an ISO 8601 UTC date-time, or throws a CellError. Without a pattern, ISO 8601 is read
 * (a date, or a date-time with or without a zone). Impossible dates (2021-02-30) are refused.
 */
const TOKENS = ['YYYY', 'SSS', 'MM', 'DD', 'HH', 'mm', 'ss'] as const;
type Token = (typeof TOKENS)[number];
const GROUP: Record<Token, string> = { YYYY: '(\\d{4})', SSS: '(\\d{1,3})', MM: '(\\d{1,2})', DD: '(\\d{1,2})', HH: '(\\d{1,2})', mm: '(\\d{2})', ss: '(\\d{2})' };

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function compileDateParser(format: string | undefined, utcOffset = '+00:00'): (s: string) => string {
  const defaultOffsetMin = offsetMinutes(utcOffset);
  if (format === undefined) {
    return (s) => {
      const m = ISO.exec(s);
      if (!m) throw new CellError(`"${clip(s)}" is not an ISO 8601 date or date-time`, 'YYYY-MM-DD or YYYY-MM-DDTHH:mm:ssZ');
      const offset = m[8] === undefined ? defaultOffsetMin : m[8] === 'Z' ? 0 : offsetMinutes(m[8]);
      return build(s, 'ISO 8601', +m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), +(m[7] ?? '0').slice(0, 3).padEnd(3, '0'), offset);
    };
  }
  const order: Token[] = [];
  let pattern = '';
  for (let i = 0; i < format.length; ) {
    const tok = TOKENS.find((t) => format.startsWith(t, i));
    if (tok) {
      order.push(tok);
      pattern += GROUP[tok];
      i += tok.length;
    } else {
      pattern += format[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  if (!order.includes('YYYY') || !order.includes('MM') || !order.includes('DD')) {
    throw new Error(`date format "${format}" must contain YYYY, MM and DD`);
  }
  const re = new RegExp(`^${pattern}$`);
  return (s) => {
    const m = re.exec(s);
    if (!m) throw new CellError(`"${clip(s)}" does not match the date format`, format);
    const v: Partial<Record<Token, number>> = {};
    order.forEach((t, k) => (v[t] = +m[k + 1]!));
    return build(s, format, v.YYYY!, v.MM!, v.DD!, v.HH ?? 0, v.mm ?? 0, v.ss ?? 0, v.SSS ?? 0, defaultOffsetMin);
  };
}

function build(s: string, expected: string, y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number, offsetMin: number): string {
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59) {
    throw new CellError(`"${clip(s)}" is not a real date or time`, `a valid ${expected} date`);
  }
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000;
  const iso = new Date(t).toISOString();
  return ms === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

function daysIn(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function offsetMinutes(o: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(o);
  if (!m) throw new Error(`bad UTC offset "${o}"`);
  return (m[1] === '-' ? -1 : 1) * (+m[2]! * 60 + +m[3]!);
}

export const clip = (s: string, n = 40): string => (s.length > n ? `${s.slice(0, n)}…` : s);
