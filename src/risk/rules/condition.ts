import { PortcullisError, type ErrorDetail } from '../../domain/errors.ts';
import { MAX_DEPTH, TOO_DEEP, checkExpression, type Expression, type Problem } from './check-expression.ts';
import { engine, truthy } from './engine.ts';
import type { Facts } from './facts.ts';
import { offsetOf, parseSource, positionAt, type JsonPath } from './source-text.ts';

/**
 * A rule's condition: a JsonLogic expression over the facts (facts.ts), checked and normalised.
 * `facts` lists what it reads (a condition reading `score` needs a model).
 */
export interface Condition {
  readonly expression: Expression;
  readonly facts: readonly string[];
}

/** Longest condition text taken (checked before parsing). */
export const MAX_CONDITION_TEXT = 100_000;
/** JSON nesting no condition reaches: an operation is an object holding a list, plus the list of `in`. */
const MAX_NESTING = 2 * MAX_DEPTH + 2;

/** A JSON Pointer (RFC 6901) into the condition: `condition/and/1/>/0`, the field of a detail about that part. */
export function conditionField(path: JsonPath): string {
  return 'condition' + path.map((s) => '/' + String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

function reject(details: readonly ErrorDetail[]): never {
  const first = details[0]!;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  throw new PortcullisError('INVALID_INPUT', `invalid condition at ${first.field}: ${first.problem}${more}`, details);
}

/**
 * Parses a condition from its JSON text (a rule file, an API body) or an already parsed value.
 * Rejects with INVALID_INPUT, one detail per problem: the field is `condition` plus a JSON Pointer
 * to the part at fault and, for text, the problem ends with its line and column.
 */
export function parseCondition(input: unknown): Condition {
  let value = input;
  let where: (path: JsonPath, key?: boolean) => string = () => '';
  if (typeof input === 'string') {
    const text = input;
    if (text.length > MAX_CONDITION_TEXT) reject([{ field: 'condition', problem: `the condition is ${text.length} characters long`, expected: `at most ${MAX_CONDITION_TEXT} characters` }]);
    const at = (offset: number) => {
      const p = positionAt(text, offset);
      return ` (line ${p.line}, column ${p.column})`;
    };
    if (text.trim() === '') reject([{ field: 'condition', problem: `the condition is empty${at(0)}`, expected: 'an operation such as {">": [{"var": "score"}, 0.8]}, or true or false' }]);
    const parsed = parseSource(text, MAX_NESTING, TOO_DEEP);
    if (!parsed.ok) reject([{ field: conditionField(parsed.error.path), problem: parsed.error.problem + at(parsed.error.offset), expected: parsed.error.expected }]);
    value = parsed.value;
    const root = parsed.root;
    where = (path, key = false) => at(offsetOf(root, path, key) ?? root.offset);
  }
  const checked = checkExpression(value);
  if (!checked.ok) reject(checked.problems.map((p: Problem) => ({ field: conditionField(p.path), problem: p.problem + where(p.path, p.key), expected: p.expected })));
  try {
    engine.build(checked.expression);
  } catch (e) {
    reject([{ field: 'condition', problem: `the condition cannot be compiled: ${e instanceof Error ? e.message : JSON.stringify(e)}${where([])}`, expected: 'a JsonLogic expression over the facts' }]);
  }
  return { expression: checked.expression, facts: checked.facts };
}

/** A condition as a function of the facts: true when it holds; false when it does not, or fails. */
export type CompiledCondition = (facts: Facts) => boolean;

/** Compiles a condition to JavaScript once (json-logic-engine's build). */
export function compileCondition(c: Condition): CompiledCondition {
  const run = engine.build(c.expression) as (facts: Facts) => unknown;
  return (facts) => {
    try {
      return truthy(run(facts));
    } catch {
      return false;
    }
  };
}
