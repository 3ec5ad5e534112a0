import edifact from 'edifact';
import type { ErrorDetail } from '../../domain/errors.ts';
import { PortcullisError } from '../../domain/errors.ts';

/**
 * Reading a UN/EDIFACT interchange (UNA? UNB … UNZ, or bare UNH … UNT messages) into its messages,
 * each a list of segments of elements of components, with the `edifact` package's Parser doing the
 * lexing (delimiters of the UNA service string advice, release character, the UNB syntax level's
 * character set). The interchange is first cut at its segment terminators (minding the release
 * character) and each message is parsed on its own, so that a syntax error in one message rejects
 * that message only: the others are read and imported.
 */

export interface EdiSegment {
  readonly tag: string;
  /** Data elements, each a list of components (an empty element is ['']). */
  readonly elements: readonly (readonly string[])[];
  /** 1-based position of the segment in the interchange (UNB is 1; UNA is not a segment). */
  readonly position: number;
}

export interface EdiMessage {
  /** 1-based number of the message in the interchange. */
  readonly index: number;
  /** UNH 0062, the message reference number. */
  readonly reference: string;
  /** UNH S009: 0065 type (CUSDEC…), 0052:0054 version and release (D:96B). */
  readonly type: string;
  readonly version: string;
  /** UNH … UNT, both included. */
  readonly segments: readonly EdiSegment[];
  /** Syntax or envelope problems of the message (it is rejected when there is any). */
  readonly problems: readonly Problem[];
}

/** A problem located in a message: the segment (tag and position) and the element. */
export interface Problem {
  readonly segment?: string | undefined;
  readonly position?: number | undefined;
  readonly element?: string | undefined;
  /** The Portcullis field the element feeds, when it feeds one. */
  readonly field?: string | undefined;
  readonly problem: string;
  readonly expected: string;
}

export interface Delimiters {
  readonly component: string;
  readonly element: string;
  readonly decimal: string;
  /** '' when there is none (a space in the UNA). */
  readonly release: string;
  readonly segment: string;
}

export interface Interchange {
  readonly delimiters: Delimiters;
  /** UNB S001 0001 (UNOA, UNOB, UNOC, UNOY); UNOC when there is no UNB. */
  readonly syntax: string;
  readonly sender: string | null;
  readonly recipient: string | null;
  /** UNB 0020. */
  readonly controlReference: string | null;
  readonly messages: readonly EdiMessage[];
  /** Problems of the envelope (UNB/UNZ) that do not reject a message. */
  readonly problems: readonly Problem[];
}

export const DEFAULT_DELIMITERS: Delimiters = { component: ':', element: '+', decimal: '.', release: '?', segment: "'" };
const LEVELS = ['UNOA', 'UNOB', 'UNOC', 'UNOY', 'UCS2'];

const invalid = (problem: string, expected: string, segment?: string, element?: string) =>
  new PortcullisError('INVALID_INPUT', `not a UN/EDIFACT interchange: ${problem}`, [{ field: [segment, element].filter((s) => s !== undefined).join(' ') || '(interchange)', problem, expected }]);

/** Splits the text after the UNA at segment terminators that are not released; whitespace between segments is dropped. */
function cut(text: string, d: Delimiters): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (d.release !== '' && c === d.release) i += 1;
    else if (c === d.segment) {
      out.push(text.slice(start, i).replace(/^[\r\n\t ]+/, ''));
      start = i + 1;
    }
  }
  const rest = text.slice(start).trim();
  if (rest !== '') out.push(rest);
  return out.filter((s) => s !== '');
}

const tagOf = (raw: string): string => /^[A-Z]*/.exec(raw)![0];

/**
 * Parses raw segments (without terminators) with the `edifact` Parser; throws a Problem naming the
 * segment that failed.
 */
function parseSegments(raws: readonly string[], firstPosition: number, d: Delimiters, level: string): EdiSegment[] {
  const parser = new edifact.Parser(undefined, {
    segmentTerminator: d.segment.charCodeAt(0),
    dataElementSeparator: d.element.charCodeAt(0),
    componentDataSeparator: d.component.charCodeAt(0),
    decimalMark: d.decimal.charCodeAt(0),
    // No release character: one that cannot occur in the data.
    releaseCharacter: d.release === '' ? 1 : d.release.charCodeAt(0),
  });
  parser.encoding(level);
  const out: EdiSegment[] = [];
  let tag = '';
  let elements: string[][] = [];
  let components: string[] = [];
  parser.onopensegment = (s) => {
    tag = s;
    elements = [];
  };
  parser.onelement = () => {
    components = [];
    elements.push(components);
  };
  parser.oncomponent = (c) => {
    components.push(c);
  };
  parser.onclosesegment = () => {
    out.push({ tag, elements, position: firstPosition + out.length });
  };
  try {
    parser.write(raws.map((r) => `${r}${d.segment}`).join(''));
    parser.end();
  } catch (e) {
    const at = out.length;
    const raw = raws[at] ?? '';
    const problem: Problem = {
      segment: tagOf(raw) || '(segment)',
      position: firstPosition + at,
      problem: `cannot be read: ${(e as Error).message} in "${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw}"`,
      expected: `a segment of the syntax level ${level} with the delimiters ${d.component}${d.element}${d.decimal}${d.release || ' '} ${d.segment}`,
    };
    throw problem;
  }
  return out;
}

const isProblem = (e: unknown): e is Problem => typeof e === 'object' && e !== null && 'problem' in e && 'expected' in e && !(e instanceof Error);

/** Reads an interchange; INVALID_INPUT when it is no EDIFACT at all (no UNB and no UNH, or a broken UNA/UNB). */
export function readInterchange(input: string): Interchange {
  let text = input.replace(/^\uFEFF/, '').replace(/^[\r\n\t ]+/, '');
  let d = DEFAULT_DELIMITERS;
  if (text.startsWith('UNA')) {
    if (text.length < 9) throw invalid('the UNA service string advice is shorter than 9 characters', 'UNA followed by six characters, e.g. UNA:+.? \'', 'UNA');
    const c = text.slice(3, 9);
    d = { component: c[0]!, element: c[1]!, decimal: c[2]!, release: c[3] === ' ' ? '' : c[3]!, segment: c[5]! };
    const used = [d.component, d.element, d.segment, ...(d.release === '' ? [] : [d.release])];
    if (new Set(used).size !== used.length) throw invalid(`the UNA gives one character to two delimiters: "${c}"`, 'distinct component, element, release and segment delimiters', 'UNA');
    text = text.slice(9);
  }
  const raws = cut(text, d);
  if (raws.length === 0) throw invalid('the text is empty', 'an interchange UNB … UNZ or messages UNH … UNT');
  const first = tagOf(raws[0]!);
  if (first !== 'UNB' && first !== 'UNH') throw invalid(`it begins with "${raws[0]!.slice(0, 20)}"`, 'an interchange that begins with UNA or UNB (or a message that begins with UNH)', first || undefined);

  let syntax = 'UNOC';
  let sender: string | null = null;
  let recipient: string | null = null;
  let controlReference: string | null = null;
  const problems: Problem[] = [];
  let position = 1;
  let rest = raws;
  if (first === 'UNB') {
    const level = /^UNB.([A-Z0-9]{4})/.exec(raws[0]!)?.[1];
    if (level === undefined || !LEVELS.includes(level)) throw invalid(`the syntax identifier is "${level ?? raws[0]!.slice(4, 8)}"`, `one of ${LEVELS.join(', ')} (the edifact package reads these)`, 'UNB', 'S001:0001');
    syntax = level;
    let unb: EdiSegment;
    try {
      unb = parseSegments([raws[0]!], 1, d, syntax)[0]!;
    } catch (e) {
      if (isProblem(e)) throw new PortcullisError('INVALID_INPUT', `the UNB cannot be read: ${e.problem}`, [{ field: 'UNB', problem: e.problem, expected: e.expected }]);
      throw e;
    }
    sender = unb.elements[1]?.[0] || null;
    recipient = unb.elements[2]?.[0] || null;
    controlReference = unb.elements[4]?.[0] || null;
    if (controlReference === null) problems.push({ segment: 'UNB', position: 1, element: '0020', problem: 'no interchange control reference', expected: 'UNB element 5 (0020)' });
    position = 2;
    rest = raws.slice(1);
  }

  const messages: EdiMessage[] = [];
  let i = 0;
  while (i < rest.length) {
    const raw = rest[i]!;
    const tag = tagOf(raw);
    if (tag === 'UNZ') {
      const count = /^UNZ.(\d+)/.exec(raw)?.[1];
      if (count !== undefined && Number(count) !== messages.length) problems.push({ segment: 'UNZ', position: position + i, element: '0036', problem: `counts ${count} messages, the interchange has ${messages.length}`, expected: `${messages.length}` });
      i += 1;
      continue;
    }
    if (tag === 'UNG' || tag === 'UNE') {
      i += 1;
      continue;
    }
    if (tag !== 'UNH') {
      problems.push({ segment: tag || '(segment)', position: position + i, problem: 'a segment outside any message (UNH … UNT)', expected: 'UNH to start a message' });
      i += 1;
      continue;
    }
    let j = i + 1;
    while (j < rest.length && tagOf(rest[j]!) !== 'UNT' && tagOf(rest[j]!) !== 'UNH' && tagOf(rest[j]!) !== 'UNZ') j += 1;
    const closed = j < rest.length && tagOf(rest[j]!) === 'UNT';
    const slice = rest.slice(i, closed ? j + 1 : j);
    messages.push(messageOf(slice, position + i, messages.length + 1, d, syntax, closed));
    i = closed ? j + 1 : j;
  }
  return { delimiters: d, syntax, sender, recipient, controlReference, messages, problems };
}

function messageOf(raws: readonly string[], position: number, index: number, d: Delimiters, level: string, closed: boolean): EdiMessage {
  const problems: Problem[] = [];
  // The UNH's reference, even when the rest cannot be read.
  const unhRef = raws[0]!.slice(4).split(d.element)[0] ?? '';
  let segments: EdiSegment[] = [];
  try {
    segments = parseSegments(raws, position, d, level);
  } catch (e) {
    if (!isProblem(e)) throw e;
    problems.push(e);
  }
  const unh = segments[0];
  const reference = unh?.elements[0]?.[0] || unhRef || `#${index}`;
  const type = unh?.elements[1]?.[0] ?? '';
  const version = [unh?.elements[1]?.[1], unh?.elements[1]?.[2]].filter((s) => s !== undefined && s !== '').join(':');
  if (unh !== undefined && (unh.elements[0]?.[0] ?? '') === '') problems.push({ segment: 'UNH', position, element: '0062', problem: 'no message reference number', expected: 'UNH element 1 (0062)' });
  if (!closed) {
    problems.push({ segment: 'UNT', position: position + raws.length, element: '0074', problem: 'the message has no UNT: it ends without its trailer', expected: `UNT+<number of segments>+${reference}` });
  } else if (segments.length === raws.length) {
    const unt = segments[segments.length - 1]!;
    const count = unt.elements[0]?.[0] ?? '';
    if (count !== String(segments.length)) problems.push({ segment: 'UNT', position: unt.position, element: '0074', problem: `counts ${count === '' ? 'nothing' : `${count} segments`}, the message has ${segments.length} (UNH to UNT)`, expected: String(segments.length) });
    const ref = unt.elements[1]?.[0] ?? '';
    if (ref !== reference) problems.push({ segment: 'UNT', position: unt.position, element: '0062', problem: `refers to message "${ref}", the UNH says "${reference}"`, expected: reference });
  }
  return { index, reference, type, version, segments, problems };
}

/** One problem as an ErrorDetail: which message (number and UNH reference), segment (tag and position) and element. */
export function detailOf(message: { readonly index: number; readonly reference: string | null }, p: Problem, noun = 'message'): ErrorDetail {
  const where = [
    message.index === 0 ? 'interchange' : `${noun} ${message.index}${message.reference === null ? '' : ` (${noun === 'message' ? 'UNH ' : ''}${message.reference})`}`,
    p.segment === undefined ? undefined : `segment ${p.segment}${p.position === undefined ? '' : ` #${p.position}`}`,
    p.element === undefined ? undefined : `element ${p.element}`,
    p.field === undefined ? undefined : `→ ${p.field}`,
  ].filter((s) => s !== undefined);
  return { row: message.index, field: where.join(', '), problem: p.problem, expected: p.expected };
}
