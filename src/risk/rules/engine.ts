import { Constants, LogicEngine, defaultMethods, splitPathMemoized } from 'json-logic-engine';
import { ATTRIBUTE_PREFIX } from './facts.ts';
import * as V from './values.ts';

/**
 * The JsonLogic engine of rule conditions: json-logic-engine with only the operators of
 * operators.ts. Its own `and`, `or`, `!`, `!!` and `if` are kept; the value operators are ours
 * (values.ts), each with a compile step that calls it with its arguments directly, so a compiled
 * condition allocates nothing (no argument arrays; a list of `in` becomes a Set once).
 * `engine.build(expression)` gives the compiled function, `engine.run(expression, facts)` the
 * interpreted result (the tests compare the two).
 */

/** What a compile step gets: json-logic-engine's template tag, which compiles the expressions placed in it. */
interface BuildState {
  compile(strings: TemplateStringsArray, ...items: unknown[]): unknown;
}
type Compile = (args: unknown, bs: BuildState) => unknown;
type Fn = (...args: never[]) => unknown;

const SYNC: symbol = Constants.Sync;
/** A function as compiled code may call it (json-logic-engine awaits any function not marked synchronous). */
const sync = <F extends Fn>(f: F): F => Object.assign(f, { [SYNC]: true });

export const engine = new LogicEngine(
  { and: defaultMethods.and, or: defaultMethods.or, '!': defaultMethods['!'], '!!': defaultMethods['!!'], if: defaultMethods.if },
  { disableInline: false, disableInterpretedOptimization: false, permissive: false, maxDepth: 0 },
);

function define(name: string, method: (args: unknown[], context: unknown) => unknown, compile: Compile, lazy = false): void {
  // compile is json-logic-engine's hook for built-in operators; its typings leave it out.
  engine.addMethod(name, { method, lazy, compile, deterministic: !lazy } as Parameters<LogicEngine['addMethod']>[1]);
}

/** An operator of any number of arguments folded over a binary function; one argument goes through `one`. */
function fold(name: string, two: (a: unknown, b: unknown) => unknown, one: (a: unknown) => unknown): void {
  const f2 = sync((a: unknown, b: unknown) => two(a, b));
  const f1 = sync((a: unknown) => one(a));
  define(
    name,
    (args) => {
      if (args.length === 1) return one(args[0]);
      let r = two(args[0], args[1]);
      for (let i = 2; i < args.length; i++) r = two(r, args[i]);
      return r;
    },
    (args, bs) => {
      if (!Array.isArray(args) || args.length === 0) return false;
      if (args.length === 1) return bs.compile`${f1}(${args[0]})`;
      let r = bs.compile`${f2}(${args[0]}, ${args[1]})`;
      for (let i = 2; i < args.length; i++) r = bs.compile`${f2}(${r}, ${args[i]})`;
      return r;
    },
  );
}

/** An operator of two arguments; the order operators also take three (a between b and c). */
function binary(name: string, f: (a: unknown, b: unknown) => unknown, between = false): void {
  const f2 = sync((a: unknown, b: unknown) => f(a, b));
  const f3 = sync((a: unknown, b: unknown, c: unknown) => Boolean(f(a, b)) && Boolean(f(b, c)));
  define(
    name,
    (args) => (between && args.length === 3 ? f3(args[0], args[1], args[2]) : f2(args[0], args[1])),
    (args, bs) => {
      if (!Array.isArray(args)) return false;
      if (args.length === 2) return bs.compile`${f2}(${args[0]}, ${args[1]})`;
      if (between && args.length === 3) return bs.compile`${f3}(${args[0]}, ${args[1]}, ${args[2]})`;
      return false;
    },
  );
}

fold('+', V.add, V.num);
fold('*', V.multiply, V.num);
fold('min', V.min, V.num);
fold('max', V.max, V.num);
fold('cat', V.cat, (a) => V.cat(a, null));
binary('/', V.divide);
binary('%', V.remainder);
binary('==', V.equal);
binary('!=', V.notEqual);
binary('===', V.strictEqual);
binary('!==', V.strictNotEqual);
binary('<', V.less, true);
binary('<=', V.lessOrEqual, true);
binary('>', V.greater);
binary('>=', V.greaterOrEqual);
binary('startsWith', V.startsWith);

// '-' takes one argument (negation) or two.
{
  const neg = sync((a: unknown) => V.negate(a));
  const sub = sync((a: unknown, b: unknown) => V.subtract(a, b));
  define(
    '-',
    (args) => (args.length === 1 ? V.negate(args[0]) : V.subtract(args[0], args[1])),
    (args, bs) => (!Array.isArray(args) ? false : args.length === 1 ? bs.compile`${neg}(${args[0]})` : args.length === 2 ? bs.compile`${sub}(${args[0]}, ${args[1]})` : false),
  );
}

{
  const sub = sync((s: unknown, from: unknown, length?: unknown) => V.substr(s, from, length));
  define(
    'substr',
    (args) => V.substr(args[0], args[1], args[2]),
    (args, bs) => (!Array.isArray(args) ? false : args.length === 2 ? bs.compile`${sub}(${args[0]}, ${args[1]})` : args.length === 3 ? bs.compile`${sub}(${args[0]}, ${args[1]}, ${args[2]})` : false),
  );
}

/** `in`: membership of a list (exact), or part of a text. */
const within = sync((x: unknown, where: unknown) => (Array.isArray(where) ? where.includes(x) : V.contains(x, where)));
define(
  'in',
  (args) => within(args[0], args[1]),
  (args, bs) => {
    if (!Array.isArray(args) || args.length !== 2) return false;
    if (!Array.isArray(args[1])) return bs.compile`${within}(${args[0]}, ${args[1]})`;
    // A written list (of literals only, as the condition check ensures) becomes a Set once.
    const set = new Set<unknown>(args[1]);
    const has = sync((x: unknown) => set.has(x));
    return bs.compile`${has}(${args[0]})`;
  },
);

/** How a fact is read: by its name, or an attribute by its name inside `attr`. */
function reader(name: string): (facts: unknown) => unknown {
  if (name.startsWith(ATTRIBUTE_PREFIX)) {
    const key = splitPathMemoized(name)[1]!;
    return sync((facts: unknown) => (facts as { attr?: Record<string, unknown> }).attr?.[key] ?? null);
  }
  return sync((facts: unknown) => (facts as Record<string, unknown>)[name] ?? null);
}

// var, missing and missing_some read facts: lazy (their arguments are names, not expressions) and
// never folded at build time. The condition check allows only fact names and literal defaults.
define(
  'var',
  (args, context) => reader(String(args[0]))(context) ?? args[1] ?? null,
  (args, bs) => {
    if (!Array.isArray(args) || typeof args[0] !== 'string') return false;
    const read = reader(args[0]);
    const otherwise = args[1] ?? null;
    return otherwise === null ? bs.compile`${read}(context)` : bs.compile`(${read}(context) ?? ${otherwise})`;
  },
  true,
);

const NONE: readonly string[] = Object.freeze([]);
const unknown = (v: unknown) => v === null || v === undefined || v === '';

/** The names among these whose facts are unknown or empty text. */
function missingOf(names: readonly string[], readers: readonly ((facts: unknown) => unknown)[], facts: unknown): readonly string[] {
  let out: string[] | undefined;
  for (let i = 0; i < names.length; i++) if (unknown(readers[i]!(facts))) (out ??= []).push(names[i]!);
  return out ?? NONE;
}

function missingStep(names: readonly string[], need: number | undefined) {
  const readers = names.map(reader);
  return sync((facts: unknown) => {
    const out = missingOf(names, readers, facts);
    return need !== undefined && names.length - out.length >= need ? NONE : out;
  });
}

define('missing', (args, context) => missingStep(args as string[], undefined)(context), (args, bs) => (Array.isArray(args) ? bs.compile`${missingStep(args as string[], undefined)}(context)` : false), true);
define(
  'missing_some',
  (args, context) => missingStep(args[1] as string[], args[0] as number)(context),
  (args, bs) => (Array.isArray(args) && Array.isArray(args[1]) ? bs.compile`${missingStep(args[1] as string[], args[0] as number)}(context)` : false),
  true,
);

/** JsonLogic truthiness: false for false, null, 0, '', NaN and an empty list. */
export function truthy(v: unknown): boolean {
  return v === true || (v !== false && Boolean(engine.truthy(v)));
}
