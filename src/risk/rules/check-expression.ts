import { splitPath } from 'json-logic-engine';
import { ATTRIBUTE_PREFIX, FACTS, factType } from './facts.ts';
import { TYPE_WORDS, expectedFor, isKnown, resultType, type Json, type Operand, type Type } from './operand-types.ts';
import { LEFT_OUT, OPERATORS, arityText, operator, type OperatorInfo } from './operators.ts';
import type { JsonPath } from './source-text.ts';
import { closest } from './suggest.ts';

/**
 * Checks a JsonLogic value as a rule condition, and normalises it: every operation's arguments
 * written as a list, `var` as `[fact]` or `[fact, default]`. What it rejects, each at the path of
 * the part at fault: unknown operators, wrong numbers of arguments, unknown facts, comparisons of
 * a text with a number (and other mixed types it can see), lists outside `in` and `missing`, and
 * expressions too deep or too large to be a rule.
 */

export const MAX_DEPTH = 32;
export const MAX_NODES = 2000;
export const MAX_TEXT = 1000;
export const TOO_DEEP = { problem: `the expression nests more than ${MAX_DEPTH} operations`, expected: `at most ${MAX_DEPTH} operations inside one another` } as const;

export type { Json } from './operand-types.ts';

/** A normalised condition: true, false, or one operation. */
export type Expression = boolean | { readonly [operator: string]: readonly Json[] };

export interface Problem {
  readonly path: JsonPath;
  /** The problem is the key at path (an operator), not its value. */
  readonly key?: boolean;
  readonly problem: string;
  readonly expected: string;
}

export type Checked = { readonly ok: true; readonly expression: Expression; readonly facts: readonly string[] } | { readonly ok: false; readonly problems: readonly Problem[] };

const MAX_PROBLEMS = 20;
const FACT_NAMES = FACTS.map((f) => f.name);
const OPERATOR_NAMES = OPERATORS.map((o) => o.name);
const FACT_LIST = `one of the facts ${FACT_NAMES.join(', ')}, or ${ATTRIBUTE_PREFIX}NAME for an attribute`;

/** Stops the walk: the expression is too deep or too large to look at further. */
class Abort {}

export function checkExpression(value: unknown): Checked {
  const problems: Problem[] = [];
  const facts = new Set<string>();
  let nodes = 0;

  const fail = (path: JsonPath, problem: string, expected: string, key = false): undefined => {
    if (problems.length < MAX_PROBLEMS) problems.push(key ? { path, key, problem, expected } : { path, problem, expected });
    return undefined;
  };
  const abort = (path: JsonPath, problem: string, expected: string): never => {
    problems.length = Math.min(problems.length, MAX_PROBLEMS - 1);
    fail(path, problem, expected);
    throw new Abort();
  };
  const count = (path: JsonPath) => {
    if (++nodes > MAX_NODES) abort(path, `the expression has more than ${MAX_NODES} parts`, `at most ${MAX_NODES} operations and values; split the rule`);
  };

  function literal(v: unknown, path: JsonPath): Operand | undefined {
    if (v === null) return { json: null, type: 'null', label: 'null', literal: true };
    if (typeof v === 'boolean') return { json: v, type: 'boolean', label: String(v), literal: true };
    if (typeof v === 'number') return Number.isFinite(v) ? { json: v, type: 'number', label: String(v), literal: true } : fail(path, `${v} is not a JSON number`, 'a finite number');
    if (typeof v === 'string') return v.length <= MAX_TEXT ? { json: v, type: 'string', label: JSON.stringify(v), literal: true } : fail(path, `text of ${v.length} characters`, `text of at most ${MAX_TEXT} characters`);
    return fail(path, `${typeof v} is not a JSON value`, 'an operation, text, a number, true, false or null');
  }

  /** A fact name as var and missing take it; its type, or undefined when there is no such fact. */
  function factName(name: unknown, path: JsonPath): Type | undefined {
    if (typeof name !== 'string') return fail(path, `a fact is named by text, not ${JSON.stringify(name) ?? String(name)}`, FACT_LIST);
    if (name.startsWith(ATTRIBUTE_PREFIX)) {
      const parts = splitPath(name);
      if (parts.length === 2 && parts[1] !== '') {
        facts.add(name);
        return 'any';
      }
      return fail(path, `"${name}" is not an attribute name`, `${ATTRIBUTE_PREFIX}NAME, with a dot inside NAME written \\.`);
    }
    const t = factType(name);
    if (t !== undefined) {
      facts.add(name);
      return t;
    }
    const near = closest(name, FACT_NAMES);
    return fail(path, `unknown fact "${name}"${near === undefined ? '' : `; did you mean "${near}"?`}`, FACT_LIST);
  }

  function expr(v: unknown, path: JsonPath, depth: number): Operand | undefined {
    count(path);
    if (v === null || typeof v !== 'object') return literal(v, path);
    if (Array.isArray(v)) return fail(path, 'a list is allowed only as the list of "in" or the names of "missing"', 'an operation such as {"var": "customsValue"}, or a single value');
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return fail(path, 'not a JSON value', 'an operation, text, a number, true, false or null');
    const keys = Object.keys(v);
    if (keys.length === 0) return fail(path, 'an empty operation {}', 'an operation such as {">": [{"var": "score"}, 0.8]}');
    if (keys.length > 1) return fail(path, `an object with several keys (${keys.map((k) => JSON.stringify(k)).join(', ')})`, 'one operator per object, e.g. {"and": [a, b]} to combine');
    const name = keys[0]!;
    const info = operator(name);
    if (info === undefined) {
      const reason = LEFT_OUT.get(name);
      const near = reason === undefined ? closest(name, OPERATOR_NAMES) : undefined;
      return fail([...path, name], reason !== undefined ? `the operator "${name}" is not allowed: ${reason}` : `unknown operator "${name}"${near === undefined ? '' : `; did you mean "${near}"?`}`, `one of ${OPERATOR_NAMES.join(', ')}`, true);
    }
    if (depth >= MAX_DEPTH) abort(path, TOO_DEEP.problem, TOO_DEEP.expected);
    const raw = (v as Record<string, unknown>)[name];
    const listed = Array.isArray(raw);
    const args: readonly unknown[] = listed ? raw : [raw];
    const at = (i: number): JsonPath => (listed ? [...path, name, i] : [...path, name]);
    const n = args.length;
    if (n < info.min || n > info.max || (name === 'if' && n % 2 === 0)) {
      const odd = name === 'if' && n >= info.min ? ', not an odd number (the last is the else)' : '';
      return fail([...path, name], `"${name}" has ${n} argument${n === 1 ? '' : 's'}${odd}`, `${arityText(info)}: ${info.summary}`);
    }
    if (info.kind === 'data') return data(info, args, at);
    const outs = args.map((a, i) => (name === 'in' && i === 1 && Array.isArray(a) ? list(a, at(1)) : expr(a, at(i), depth + 1)));
    if (outs.some((o) => o === undefined)) return undefined;
    const checked = outs as Operand[];
    const type = resultType(info, checked);
    if (typeof type !== 'string') return fail(type.item === undefined ? at(type.arg) : [...at(type.arg), type.item], type.problem, type.expected);
    return { json: { [name]: checked.map((o) => o.json) }, type, label: `{"${name}": …}`, literal: false };
  }

  /** The written list of `in`: literals only. */
  function list(items: readonly unknown[], path: JsonPath): Operand | undefined {
    const out: Json[] = [];
    let ok = true;
    items.forEach((item, j) => {
      count([...path, j]);
      const l = item !== null && typeof item === 'object' ? fail([...path, j], 'a list of "in" holds only values (text, numbers, true, false, null)', 'a list such as ["CN", "VN"]') : literal(item, [...path, j]);
      if (l === undefined) ok = false;
      else out.push(l.json);
    });
    return ok ? { json: out, type: 'list', label: 'the list', literal: true } : undefined;
  }

  /** var, missing and missing_some: their arguments are fact names (and a default, or a count). */
  function data(info: OperatorInfo, args: readonly unknown[], at: (i: number) => JsonPath): Operand | undefined {
    if (info.name === 'var') {
      args.forEach((_, i) => count(at(i)));
      const type = factName(args[0], at(0));
      if (type === undefined) return undefined;
      const name = args[0] as string;
      if (args.length === 1 || args[1] === null) return { json: { var: [name] }, type, label: `{"var": "${name}"}`, literal: false };
      const d = args[1] !== null && typeof args[1] === 'object' ? fail(at(1), 'the default of var must be a value', `${TYPE_WORDS[type]}`) : literal(args[1], at(1));
      if (d === undefined) return undefined;
      if (isKnown(type) && isKnown(d.type) && d.type !== type) return fail(at(1), `the default ${d.label} is ${TYPE_WORDS[d.type]} but ${name} is ${TYPE_WORDS[type]}`, expectedFor(type, d.json));
      return { json: { var: [name, d.json] }, type, label: `{"var": "${name}"}`, literal: false };
    }
    const names = info.name === 'missing' ? args : args[1];
    const namesAt = info.name === 'missing' ? at : (j: number) => [...at(1), j];
    if (info.name === 'missing_some') {
      count(at(0));
      const need = args[0];
      if (typeof need !== 'number' || !Number.isInteger(need) || need < 0) return fail(at(0), `${JSON.stringify(need) ?? String(need)} is not a count`, 'a whole number of facts that must be known, e.g. 1');
      if (!Array.isArray(names)) return fail(at(1), 'missing_some needs a list of fact names', 'a list such as ["seller", "courier"]');
    }
    const list = names as readonly unknown[];
    let ok = true;
    list.forEach((fact, j) => {
      count(namesAt(j));
      if (factName(fact, namesAt(j)) === undefined) ok = false;
    });
    if (!ok) return undefined;
    const json: Json = info.name === 'missing' ? { missing: list as string[] } : { missing_some: [args[0] as number, list as string[]] };
    return { json, type: 'list', label: `{"${info.name}": …}`, literal: false };
  }

  const only = (problem: string, expected: string): Checked => ({ ok: false, problems: [{ path: [], problem, expected }] });
  if (value === undefined || (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)) {
    return only('the condition is empty', 'an operation such as {">": [{"var": "score"}, 0.8]}, or true or false');
  }
  if (typeof value === 'boolean') return { ok: true, expression: value, facts: [] };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'a list' : typeof value === 'string' ? 'text' : typeof value === 'number' ? 'a number' : value === null ? 'null' : typeof value;
    return only(`the condition is ${what}, not an operation`, 'an operation such as {">": [{"var": "score"}, 0.8]}, or true or false');
  }
  try {
    const top = expr(value, [], 0);
    if (problems.length > 0 || top === undefined) return { ok: false, problems: problems.length > 0 ? problems : [{ path: [], problem: 'invalid condition', expected: 'a JsonLogic operation' }] };
    if (top.type === 'number' || top.type === 'string') {
      return { ok: false, problems: [{ path: [], problem: `the condition gives ${TYPE_WORDS[top.type]}, not true or false`, expected: 'a test, such as a comparison: {">": [{"var": "customsValue"}, 10000]}' }] };
    }
    return { ok: true, expression: top.json as Expression, facts: [...facts].sort() };
  } catch (e) {
    if (e instanceof Abort) return { ok: false, problems };
    throw e;
  }
}
