import { readFile } from 'node:fs/promises';
import { isPortcullisError, PortcullisError } from '../../domain/errors.ts';
import { MAX_DEPTH, checkExpression } from '../../risk/rules/check-expression.ts';
import { conditionField } from '../../risk/rules/condition.ts';
import { offsetOf, parseSource, positionAt, type JsonPath } from '../../risk/rules/source-text.ts';

/**
 * A rule file as an analyst wrote it: strict JSON, read with positions, so that whatever is wrong in
 * it (its syntax, a field, a part of the condition) is reported at its line and column in the file.
 */
export interface RuleFile {
  readonly definition: unknown;
  /** Rethrows an error about the definition with the file name, line and column of each field it names. */
  readonly locate: (e: unknown) => never;
}

/** A rule file nests no deeper than its condition and a few levels around it. */
const MAX_FILE_NESTING = 2 * MAX_DEPTH + 6;

export function parseRuleText(text: string, name: string): RuleFile {
  const parsed = parseSource(text, MAX_FILE_NESTING, { problem: 'the file nests too deep', expected: `a condition of at most ${MAX_DEPTH} operations inside one another` });
  if (!parsed.ok) {
    const at = positionAt(text, parsed.error.offset);
    const problem = `${parsed.error.problem} at line ${at.line}, column ${at.column}`;
    throw new PortcullisError('INVALID_FILE', `${name} is not valid JSON: ${problem}`, [{ field: parsed.error.path.join('.') || '(file)', problem, expected: parsed.error.expected }]);
  }
  const locate = (e: unknown): never => {
    if (!isPortcullisError(e) || e.details.length === 0) throw e;
    // The condition's problems that are about an operator's name (an unknown operator) rather than
    // its arguments: those are pointed at the name, as the condition's own text positions are.
    const value = parsed.value;
    const condition = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>).condition : undefined;
    const checked = condition === undefined ? undefined : checkExpression(condition);
    const keys = new Set(checked === undefined || checked.ok ? [] : checked.problems.filter((p) => p.key === true).map((p) => conditionField(p.path)));
    const details = e.details.map((d) => {
      // Parts of a parsed condition come as JSON Pointers ("condition/and/1"), other fields dotted ("action.type").
      const path: JsonPath | undefined = d.field === undefined ? undefined : (d.field.includes('/') ? d.field.split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~')) : d.field.split('.')).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      const key = d.field !== undefined && keys.has(d.field);
      let offset: number | undefined;
      // The deepest part that the file has: an unknown operator's arguments may not be there.
      for (let n = path?.length ?? 0; n > 0 && offset === undefined; n--) offset = offsetOf(parsed.root, path!.slice(0, n), key && n === path!.length);
      if (offset === undefined) return d;
      const at = positionAt(text, offset);
      return { ...d, problem: `${d.problem} (${name} line ${at.line}, column ${at.column})` };
    });
    throw new PortcullisError(e.code, `${name}: ${details[0]!.field ?? ''}: ${details[0]!.problem}`, details, { cause: e });
  };
  return { definition: parsed.value, locate };
}

export async function readRuleFile(path: string): Promise<RuleFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new PortcullisError('INVALID_FILE', `cannot read rule file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseRuleText(text.replace(/^\uFEFF/, ''), path);
}
