import { DEFAULT_DELIMITERS } from './edifact-reader.ts';

/**
 * Writing UN/EDIFACT: segments of elements of components with the default delimiters (UNA:+.? '),
 * every delimiter and the release character in the data released with '?', one segment a line.
 * The syntax level is UNOC (Latin-1) when every character fits it, else UNOY (ISO 10646), so that
 * the text round-trips through a reader of that level (the `edifact` package's among them).
 */
export type Element = string | readonly string[];

const d = DEFAULT_DELIMITERS;
const SPECIAL = new RegExp(`[${[d.release, d.component, d.element, d.segment].map((c) => `\\${c}`).join('')}]`, 'g');

export const release = (s: string): string => s.replace(/[\r\n\t]+/g, ' ').replace(SPECIAL, (c) => `${d.release}${c}`);

/** One segment: TAG+e1+c1:c2… with trailing empty elements and components left out. */
export function segment(tag: string, ...elements: readonly Element[]): string {
  const els = elements.map((e) => {
    const cs = (typeof e === 'string' ? [e] : [...e]).map(release);
    while (cs.length > 0 && cs[cs.length - 1] === '') cs.pop();
    return cs.join(d.component);
  });
  while (els.length > 0 && els[els.length - 1] === '') els.pop();
  return `${[tag, ...els].join(d.element)}${d.segment}`;
}

/** UNOC when every character is Latin-1 printable, else UNOY. */
export const syntaxLevelOf = (text: string): 'UNOC' | 'UNOY' => (/^[\x20-\x7e\xa0-\xff\r\n]*$/.test(text) ? 'UNOC' : 'UNOY');

/** YYMMDD and HHMM of an ISO time, as UNB's S004 wants them. */
export function unbDateTime(iso: string): [string, string] {
  return [`${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`, `${iso.slice(11, 13)}${iso.slice(14, 16)}`];
}

/** CCYYMMDDHHMMSS (DTM format 204) of an ISO time. */
export const dtm204 = (iso: string): string => iso.slice(0, 19).replace(/[-T:]/g, '');
