import { CellError } from './cell-error.ts';

/**
 * Compiles a date pattern such as "YYYY-MM-DD", "D/M/YYYY H:mm" or "YYYYMMDD" into a parser that
 * returns an ISO 8601 UTC date-time, or throws a CellError. Two-letter tokens (MM, DD, HH, mm, ss)
 * take exactly two digits, one-letter ones (M, D, H) one or two; SSS takes milliseconds. Without a
 * pattern, ISO 8601 is read (a date, or a date-time with or without a zone). Impossible dates
 * (2021-02-30) are refused.
 */
const TOKENS = ['YYYY', 'SSS', 'MM', 'DD', 'HH', 'mm', 'ss', 'M', 'D', 'H'] as const;
type Token = (typeof TOKENS)[number];
type Part = 'YYYY' | 'SSS' | 'MM' | 'DD' | 'HH' | 'mm' | 'ss';
const GROUP: Record<Token, string> = { YYYY: '(\\d{4})', SSS: '(\\d{3})', MM: '(\\d{2})', DD: '(\\d{2})', HH: '(\\d{2})', mm: '(\\d{2})', ss: '(\\d{2})', M: '(\\d{1,2})', D: '(\\d{1,2})', H: '(\\d{1,2})' };
const PART: Record<Token, Part> = { YYYY: 'YYYY', SSS: 'SSS', MM: 'MM', DD: 'DD', HH: 'HH', mm: 'mm', ss: 'ss', M: 'MM', D: 'DD', H: 'HH' };

/** Why a date pattern cannot be used, or undefined when it can. */
export function dateFormatProblem(format: string): string | undefined {
  const parts = new Set<Part>();
  for (let i = 0; i < format.length; ) {
    const tok = TOKENS.find((t) => format.startsWith(t, i));
    if (tok) {
      if (parts.has(PART[tok])) return `"${format}" has ${tok} twice`;
      parts.add(PART[tok]);
      i += tok.length;
    } else i += 1;
  }
  if (!parts.has('YYYY') || !parts.has('MM') || !parts.has('DD')) return `"${format}" must contain YYYY, MM (or M) and DD (or D)`;
  return undefined;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function compileDateParser(format: string | undefined, utcOffset = '+00:00'): (s: string) => string {
  const defaultOffsetMin = offsetMinutes(utcOffset);
  if (format === undefined) {
    return (s) => {
      const fast = defaultOffsetMin === 0 || s.length === 20 ? plainIso(s) : undefined;
      if (fast !== undefined) return fast;
      const m = ISO.exec(s);
      if (!m) throw new CellError(`"${clip(s)}" is not an ISO 8601 date or date-time`, 'YYYY-MM-DD or YYYY-MM-DDTHH:mm:ssZ');
      const offset = m[8] === undefined ? defaultOffsetMin : m[8] === 'Z' ? 0 : offsetMinutes(m[8]);
      return build(s, 'ISO 8601', +m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), +(m[7] ?? '0').slice(0, 3).padEnd(3, '0'), offset);
    };
  }
  const problem = dateFormatProblem(format);
  if (problem !== undefined) throw new Error(problem);
  const order: Part[] = [];
  let pattern = '';
  for (let i = 0; i < format.length; ) {
    const tok = TOKENS.find((t) => format.startsWith(t, i));
    if (tok) {
      order.push(PART[tok]);
      pattern += GROUP[tok];
      i += tok.length;
    } else {
      pattern += format[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  const re = new RegExp(`^${pattern}$`);
  return (s) => {
    const m = re.exec(s);
    if (!m) throw new CellError(`"${clip(s)}" does not match the date format`, format);
    const v: Partial<Record<Part, number>> = {};
    order.forEach((t, k) => (v[t] = +m[k + 1]!));
    return build(s, format, v.YYYY!, v.MM!, v.DD!, v.HH ?? 0, v.mm ?? 0, v.ss ?? 0, v.SSS ?? 0, defaultOffsetMin);
  };
}

const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];
const TIME_DIGITS = [11, 12, 14, 15, 17, 18];
const digitsAt = (s: string, at: readonly number[]): boolean => at.every((i) => s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57);
const two = (s: string, i: number): number => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;

/**
 * The two ISO 8601 shapes that nearly every file uses, read without a regular expression or a new
 * string per part: "YYYY-MM-DDTHH:mm:ssZ" and (in UTC) "YYYY-MM-DD". The same result as the general
 * path, or undefined to leave the text to it.
 */
function plainIso(s: string): string | undefined {
  const n = s.length;
  if ((n !== 20 && n !== 10) || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || !digitsAt(s, DATE_DIGITS)) return undefined;
  const y = two(s, 0) * 100 + two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return undefined;
  if (n === 10) return `${s}T00:00:00.000Z`;
  if (s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 90 || !digitsAt(s, TIME_DIGITS)) return undefined;
  const h = two(s, 11);
  const mi = two(s, 14);
  const sec = two(s, 17);
  if (h > 23 || mi > 59 || sec > 59) return undefined;
  return `${s.slice(0, 19)}.000Z`;
}

function build(s: string, expected: string, y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number, offsetMin: number): string {
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59) {
    throw new CellError(`"${clip(s)}" is not a real date or time`, `a valid ${expected} date`);
  }
  if (offsetMin === 0) return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(sec, 2)}.${pad(ms, 3)}Z`;
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, sec, ms));
  date.setUTCFullYear(y); // Date.UTC would read years 0-99 as 1900-1999
  return new Date(date.getTime() - offsetMin * 60_000).toISOString();
}

/** n (0 <= n < 10^width) in exactly `width` digits, as toISOString writes years 0-9999 and the rest. */
function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '000'.slice(0, width - s.length) + s;
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
