/**
 * The JsonLogic operators a condition may use, each with how many arguments it takes. None of
 * them loops: a condition's cost is bounded by its size. The value operators follow values.ts
 * (unknown facts never make a comparison true); `startsWith` is ours.
 */

export type OperatorKind = 'logic' | 'compare' | 'order' | 'arithmetic' | 'text' | 'membership' | 'data';

export interface OperatorInfo {
  readonly name: string;
  readonly kind: OperatorKind;
  /** Fewest and most arguments. */
  readonly min: number;
  readonly max: number;
  readonly summary: string;
}

const op = (name: string, kind: OperatorKind, min: number, max: number, summary: string): OperatorInfo => ({ name, kind, min, max, summary });
const MANY = Number.POSITIVE_INFINITY;

export const OPERATORS: readonly OperatorInfo[] = [
  op('and', 'logic', 1, MANY, 'true when every argument is truthy (returns the first falsy one, or the last)'),
  op('or', 'logic', 1, MANY, 'true when any argument is truthy (returns the first truthy one, or the last)'),
  op('!', 'logic', 1, 1, 'not'),
  op('!!', 'logic', 1, 1, 'truthiness as true or false'),
  op('if', 'logic', 3, MANY, '[condition, then, else] or [c1, then1, c2, then2, …, else] (an odd count)'),
  op('==', 'compare', 2, 2, 'equal (a number equals its numeric text); null equals only null'),
  op('!=', 'compare', 2, 2, 'not =='),
  op('===', 'compare', 2, 2, 'exactly equal (same type and value)'),
  op('!==', 'compare', 2, 2, 'not ==='),
  op('<', 'order', 2, 3, 'less than; with three arguments a < b < c (between, exclusive); false if any is unknown'),
  op('<=', 'order', 2, 3, 'at most; with three arguments a <= b <= c (between, inclusive); false if any is unknown'),
  op('>', 'order', 2, 2, 'greater than; false if either is unknown'),
  op('>=', 'order', 2, 2, 'at least; false if either is unknown'),
  op('+', 'arithmetic', 1, MANY, 'sum (one argument: as a number); null if any is unknown'),
  op('-', 'arithmetic', 1, 2, 'difference, or the negation of one argument; null if any is unknown'),
  op('*', 'arithmetic', 1, MANY, 'product; null if any is unknown'),
  op('/', 'arithmetic', 2, 2, 'quotient; null if either is unknown or the divisor is 0'),
  op('%', 'arithmetic', 2, 2, 'remainder; null if either is unknown or the divisor is 0'),
  op('min', 'arithmetic', 1, MANY, 'smallest; null if any is unknown'),
  op('max', 'arithmetic', 1, MANY, 'largest; null if any is unknown'),
  op('cat', 'text', 1, MANY, 'text joined (unknown parts left out)'),
  op('substr', 'text', 2, 3, '[text, start, length?]: part of a text; negative start counts from the end, negative length leaves that many off the end'),
  op('startsWith', 'text', 2, 2, '[text, prefix]: the text begins with the prefix (e.g. an HS chapter)'),
  op('in', 'membership', 2, 2, '[x, list]: x is one of the list (exact, like ===); [x, text]: x is part of the text'),
  op('var', 'data', 1, 2, '[fact] or [fact, default]: a fact (default when it is unknown)'),
  op('missing', 'data', 1, MANY, '[fact, …]: the facts among these that are unknown or empty text (an empty list is false)'),
  op('missing_some', 'data', 2, 2, '[n, [fact, …]]: the unknown ones, unless at least n of the facts are known (then an empty list)'),
];

const BY_NAME: ReadonlyMap<string, OperatorInfo> = new Map(OPERATORS.map((o) => [o.name, o]));

export function operator(name: string): OperatorInfo | undefined {
  return BY_NAME.get(name);
}

/** JsonLogic operators left out on purpose, with the reason an analyst is told. */
export const LEFT_OUT: ReadonlyMap<string, string> = new Map([
  ...['map', 'filter', 'reduce', 'all', 'some', 'none', 'every'].map((n): [string, string] => [n, 'it loops over a list, and facts hold no lists']),
  ...['merge', 'keys', 'eachKey', 'pipe', 'preserve'].map((n): [string, string] => [n, 'it builds lists or objects, which no condition needs']),
  ...['val', 'get', 'exists', 'length'].map((n): [string, string] => [n, 'facts are read with var']),
  ...['try', 'throw', '??', '?:', 'not', 'log', 'method'].map((n): [string, string] => [n, 'it is not part of the rule language; use if, ! or var with a default']),
]);

/** The arity of an operator in words, for error messages. */
export function arityText(o: OperatorInfo): string {
  if (o.name === 'if') return 'an odd number of arguments, at least 3';
  if (o.max === MANY) return `at least ${o.min} argument${o.min === 1 ? '' : 's'}`;
  if (o.min === o.max) return `exactly ${o.min} argument${o.min === 1 ? '' : 's'}`;
  return `${o.min} or ${o.max} arguments`;
}
