import type { OperatorInfo } from './operators.ts';

/**
 * The types a condition check sees: of facts, literals and operation results. Where both sides
 * of an operation have a type it knows and they do not fit (a text fact compared with a number,
 * arithmetic on text), the operation is refused; values of unknown type (attributes, some `if`s)
 * are let through.
 */

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export type Type = 'number' | 'string' | 'boolean' | 'null' | 'list' | 'any';

/** A checked argument: its normalised JSON, its type, and how a message names it. */
export interface Operand {
  readonly json: Json;
  readonly type: Type;
  /** The fact it reads, the literal, or the operation. */
  readonly label: string;
  readonly literal: boolean;
}

/** Arguments that do not fit: which one (and which item of a list), what is wrong, what was expected. */
export interface Misfit {
  readonly arg: number;
  readonly item?: number;
  readonly problem: string;
  readonly expected: string;
}

export const TYPE_WORDS: Record<Type, string> = { number: 'a number', string: 'text', boolean: 'true/false', null: 'null', list: 'a list', any: 'a value' };

export const isKnown = (t: Type): t is 'number' | 'string' | 'boolean' => t === 'number' || t === 'string' || t === 'boolean';

/** What an analyst should have written instead of the literal, for a place of type t. */
export function expectedFor(t: Type, literal?: Json): string {
  if (t === 'string') return typeof literal === 'number' ? `text in double quotes, e.g. "${literal}"` : 'text in double quotes';
  if (t === 'number') return typeof literal === 'string' && literal.trim() !== '' && Number.isFinite(Number(literal)) ? `a number without quotes, e.g. ${Number(literal)}` : 'a number';
  return TYPE_WORDS[t];
}

const misfit = (arg: number, problem: string, expected: string): Misfit => ({ arg, problem, expected });

/** Two arguments of known, different types: the misfit, at the literal one when there is one. */
function mismatch(a: readonly Operand[], i: number, j: number): Misfit | undefined {
  const [x, y] = [a[i]!, a[j]!];
  if (!isKnown(x.type) || !isKnown(y.type) || x.type === y.type) return undefined;
  const [fault, other] = y.literal || !x.literal ? [j, x] : [i, y];
  return misfit(fault, `compares ${x.label} (${TYPE_WORDS[x.type]}) with ${y.label} (${TYPE_WORDS[y.type]})`, expectedFor(other.type, a[fault]!.json));
}

/** An argument of a type the operator cannot take, among those it can. */
function notOf(a: readonly Operand[], from: number, to: number, allowed: readonly Type[], problem: (o: Operand) => string, expected: (o: Operand) => string): Misfit | undefined {
  for (let i = from; i < to; i++) if (!allowed.includes(a[i]!.type)) return misfit(i, problem(a[i]!), expected(a[i]!));
  return undefined;
}

const lists = (a: readonly Operand[]) => notOf(a, 0, a.length, ['number', 'string', 'boolean', 'null', 'any'], () => 'a list cannot be an argument here', () => 'an operation or a single value');

/** The type of an operation's result from its arguments' types, or the misfit among them. */
export function resultType(info: OperatorInfo, a: readonly Operand[]): Type | Misfit {
  switch (info.kind) {
    case 'logic': {
      if (info.name === '!' || info.name === '!!') return 'boolean';
      const results = info.name === 'if' ? a.filter((_, i) => i % 2 === 1 || i === a.length - 1) : a;
      if (info.name !== 'if' && results.every((o) => o.type === 'boolean')) return 'boolean';
      return info.name === 'if' && results.every((o) => o.type === results[0]!.type) ? results[0]!.type : 'any';
    }
    case 'compare':
      return lists(a) ?? mismatch(a, 0, 1) ?? 'boolean';
    case 'order': {
      const bad =
        lists(a) ??
        notOf(a, 0, a.length, ['number', 'string', 'any'], (o) => (o.type === 'null' ? 'an ordering with null is always false' : `${o.label} is ${TYPE_WORDS[o.type]} and cannot be ordered`), (o) =>
          o.type === 'null' ? 'a number; to test for an unknown fact use {"==": [{"var": "…"}, null]}' : 'a number or text',
        );
      if (bad !== undefined) return bad;
      for (let i = 1; i < a.length; i++) {
        const m = mismatch(a, i - 1, i);
        if (m !== undefined) return m;
      }
      return 'boolean';
    }
    case 'arithmetic':
      return notOf(a, 0, a.length, ['number', 'any'], (o) => `${o.label} is ${TYPE_WORDS[o.type]}, not a number`, (o) => expectedFor('number', o.json)) ?? 'number';
    case 'text':
      if (info.name === 'cat') return lists(a) ?? 'string';
      if (info.name === 'substr') return lists(a) ?? notOf(a, 1, a.length, ['number', 'any'], (o) => `${o.label} is ${TYPE_WORDS[o.type]}, not a number`, () => 'a whole number (a position or a length)') ?? 'string';
      return notOf(a, 0, 2, ['string', 'any'], (o) => `startsWith compares text, and ${o.label} is ${TYPE_WORDS[o.type]}`, (o) => expectedFor('string', o.json)) ?? 'boolean';
    case 'membership':
      return membership(a[0]!, a[1]!) ?? 'boolean';
    case 'data':
      return 'any';
  }
}

/** `in`: a single value looked for in a written list (of the same type) or in a text. */
function membership(needle: Operand, where: Operand): Misfit | undefined {
  if (needle.type === 'list') return misfit(0, 'a list cannot be looked for', 'a single value');
  if (where.type === 'list') {
    const items = where.json as readonly Json[];
    for (let j = 0; j < items.length; j++) {
      const t: Type = items[j] === null ? 'null' : (typeof items[j] as Type);
      if (isKnown(needle.type) && isKnown(t) && t !== needle.type) {
        return { arg: 1, item: j, problem: `looks for ${needle.label} (${TYPE_WORDS[needle.type]}) among ${TYPE_WORDS[t]}`, expected: expectedFor(needle.type, items[j]!) };
      }
    }
    return undefined;
  }
  if (where.type !== 'string' && where.type !== 'any') return misfit(1, `"in" looks in a list or a text, and ${where.label} is ${TYPE_WORDS[where.type]}`, 'a list such as ["CN", "VN"], or text');
  if (needle.type !== 'string' && needle.type !== 'any') return misfit(0, `looks for ${needle.label} (${TYPE_WORDS[needle.type]}) inside text`, expectedFor('string', needle.json));
  return undefined;
}
