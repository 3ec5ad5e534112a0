import type { EdiSegment, Problem } from './edifact-reader.ts';

/**
 * Reading values out of EDIFACT segments for the message mappings (cusdec.ts, cuscar.ts): a
 * component by element and component number, numbers with either decimal mark, DTM date-times,
 * measures in kilograms; each failure is a Problem naming the segment, its position and the element.
 */

/** Component `c` (1-based) of element `e` (1-based, after the tag), or undefined when absent or empty. */
export function comp(s: EdiSegment | undefined, e: number, c = 1): string | undefined {
  const v = s?.elements[e - 1]?.[c - 1];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** The components of element `e` from component `from` on, joined with a space (free text split over components). */
export function text(s: EdiSegment | undefined, e: number, from = 1): string | undefined {
  const parts = (s?.elements[e - 1] ?? []).slice(from - 1).map((x) => x.trim()).filter((x) => x !== '');
  return parts.length === 0 ? undefined : parts.join(' ');
}

/** The first segment with this tag whose element 1 component 1 is one of the qualifiers (any, when none is given). */
export function first(segments: readonly EdiSegment[], tag: string, ...qualifiers: string[]): EdiSegment | undefined {
  return segments.find((s) => s.tag === tag && (qualifiers.length === 0 || qualifiers.includes(comp(s, 1) ?? '')));
}

export function all(segments: readonly EdiSegment[], tag: string, ...qualifiers: string[]): EdiSegment[] {
  return segments.filter((s) => s.tag === tag && (qualifiers.length === 0 || qualifiers.includes(comp(s, 1) ?? '')));
}

export const at = (s: EdiSegment, element: string, field?: string): { segment: string; position: number; element: string; field?: string } => ({ segment: s.tag, position: s.position, element, ...(field === undefined ? {} : { field }) });

/** A decimal number written with '.' or ',' (EDIFACT allows either as the decimal mark). */
export function decimal(v: string | undefined): number | undefined {
  if (v === undefined || !/^-?\d{1,15}([.,]\d{1,6})?$/.test(v)) return undefined;
  return Number(v.replace(',', '.'));
}

type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/**
 * A DTM's C507 as an ISO 8601 UTC time: 2380 written as 2379 says — 102 (CCYYMMDD), 203
 * (CCYYMMDDHHMM) or 204 (CCYYMMDDHHMMSS); without 2379, guessed from the length. Times carry no
 * zone in these formats: they are taken as UTC.
 */
export function dateTime(s: EdiSegment, field: string): Result<string> {
  const v = comp(s, 1, 2) ?? '';
  const format = comp(s, 1, 3) ?? ({ 8: '102', 12: '203', 14: '204' } as Record<number, string>)[v.length] ?? '';
  const lengths: Record<string, number> = { '102': 8, '203': 12, '204': 14 };
  const fail = (problem: string): Result<string> => ({ ok: false, problem: { ...at(s, 'C507:2380', field), problem, expected: 'a date-time as C507:2379 says: 102 CCYYMMDD, 203 CCYYMMDDHHMM or 204 CCYYMMDDHHMMSS (UTC)' } });
  if (!(format in lengths)) return fail(`format ${format === '' ? '(none)' : `"${format}"`} of "${v}" is not one Portcullis reads`);
  if (v.length !== lengths[format] || !/^\d+$/.test(v)) return fail(`"${v}" is not written as format ${format}`);
  const [y, mo, d, h, mi, se] = [v.slice(0, 4), v.slice(4, 6), v.slice(6, 8), v.slice(8, 10) || '00', v.slice(10, 12) || '00', v.slice(12, 14) || '00'];
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${se}.000Z`;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime()) || t.toISOString() !== iso) return fail(`"${v}" is no real date and time`);
  return { ok: true, value: iso };
}

const TO_KG: Record<string, number> = { KGM: 1, TNE: 1000, GRM: 0.001 };

/** A MEA's C174 (6411 unit, 6314 value) in kilograms: KGM, TNE or GRM. */
export function kilograms(s: EdiSegment, field: string): Result<number> {
  const unit = comp(s, 3, 1) ?? '';
  const value = decimal(comp(s, 3, 2));
  if (!(unit in TO_KG)) return { ok: false, problem: { ...at(s, 'C174:6411', field), problem: `unit "${unit}"`, expected: 'KGM, TNE or GRM' } };
  if (value === undefined || value < 0) return { ok: false, problem: { ...at(s, 'C174:6314', field), problem: `"${comp(s, 3, 2) ?? ''}" is not a weight`, expected: 'a number ≥ 0, e.g. 1250.5' } };
  return { ok: true, value: Math.round(value * TO_KG[unit]! * 1000) / 1000 };
}
