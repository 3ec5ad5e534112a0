import { findNodeAtLocation, getLocation, getNodePath, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

/**
 * A condition's JSON text, parsed strictly (no comments, no trailing commas, no duplicate keys),
 * with the means to say where in the text a part of it is: line and column, both from 1.
 */

export interface Position {
  readonly line: number;
  readonly column: number;
}

export type JsonPath = readonly (string | number)[];

export interface SyntaxProblem {
  readonly offset: number;
  /** Where the problem is in the value, as far as the text got (empty when unknown). */
  readonly path: JsonPath;
  readonly problem: string;
  readonly expected: string;
}

export type SourceParse =
  | { readonly ok: true; readonly value: unknown; readonly root: Node }
  | { readonly ok: false; readonly error: SyntaxProblem };

/** The line and column (both from 1, columns in UTF-16 code units) of an offset in the text. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line += 1;
      start = i + 1;
    }
  }
  return { line, column: end - start + 1 };
}

/** The offset of the value at a path (or of its key, for a property), or undefined when the text has no such value. */
export function offsetOf(root: Node, path: JsonPath, key = false): number | undefined {
  const node = findNodeAtLocation(root, [...path]);
  if (node === undefined) return undefined;
  return key && node.parent?.type === 'property' ? node.parent.offset : node.offset;
}

const WHAT: Record<string, [string, string]> = {
  InvalidSymbol: ['unexpected character', 'JSON: an object, a list, text in double quotes, a number, true, false or null'],
  InvalidNumberFormat: ['invalid number', 'a JSON number such as 12 or 0.5 (no leading zeros, no +)'],
  PropertyNameExpected: ['a key in double quotes was expected', 'an operator name in double quotes, such as "and"'],
  ValueExpected: ['a value was expected', 'an operation, a list, text in double quotes, a number, true, false or null'],
  ColonExpected: ['a colon was expected', 'a colon between an operator and its arguments'],
  CommaExpected: ['a comma was expected', 'commas between the items of a list'],
  CloseBraceExpected: ['a closing } is missing', 'every { closed by a }'],
  CloseBracketExpected: ['a closing ] is missing', 'every [ closed by a ]'],
  EndOfFileExpected: ['unexpected text after the expression', 'one JSON value'],
  InvalidCommentToken: ['comments are not allowed', 'strict JSON, without comments'],
  UnexpectedEndOfComment: ['comments are not allowed', 'strict JSON, without comments'],
  UnexpectedEndOfString: ['text is not closed by a double quote', 'text in double quotes on one line'],
  UnexpectedEndOfNumber: ['a number is cut short', 'a JSON number such as 12 or 0.5'],
  InvalidUnicode: ['invalid \\u escape', 'a \\u escape with four hexadecimal digits'],
  InvalidEscapeCharacter: ['invalid escape in text', 'one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX'],
  InvalidCharacter: ['a control character (such as a tab or a line break) inside text', 'text in double quotes on one line, with \\t or \\n for such characters'],
};

/**
 * Parses the text as strict JSON. The nesting is checked first (the parser recurses, and a
 * condition is never deeper than maxNesting), so that no text, however deep, overflows the stack;
 * deeper text is rejected with the problem given.
 */
export function parseSource(text: string, maxNesting: number, tooDeep: { readonly problem: string; readonly expected: string }): SourceParse {
  const deep = tooDeepAt(text, maxNesting);
  if (deep !== undefined) return { ok: false, error: { offset: deep, path: pathAt(text, deep), ...tooDeep } };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || root === undefined) {
    const e = errors[0] ?? { error: 4, offset: 0, length: 0 };
    const comma = trailingComma(text, e.offset);
    if (comma !== undefined) return { ok: false, error: { offset: comma, path: pathAt(text, comma), problem: 'a trailing comma is not allowed', expected: 'no comma after the last item' } };
    const [problem, expected] = WHAT[printParseErrorCode(e.error)] ?? ['invalid JSON', 'strict JSON'];
    return { ok: false, error: { offset: e.offset, path: pathAt(text, e.offset), problem, expected } };
  }
  const duplicate = duplicateKey(root);
  if (duplicate !== undefined) return { ok: false, error: duplicate };
  // JSON.parse makes the value (the parser accepts no text that JSON.parse refuses, but to be sure).
  try {
    return { ok: true, value: JSON.parse(text), root };
  } catch (e) {
    return { ok: false, error: { offset: 0, path: [], problem: `invalid JSON: ${(e as Error).message}`, expected: 'strict JSON' } };
  }
}

/** The path of the value the text has reached at an offset (of its object, at a key). */
function pathAt(text: string, offset: number): JsonPath {
  const location = getLocation(text, offset);
  return location.isAtPropertyKey ? location.path.slice(0, -1) : location.path;
}

/** The offset of the first bracket deeper than max, outside text; undefined when none is. */
function tooDeepAt(text: string, max: number): number | undefined {
  let depth = 0;
  let inText = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inText) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inText = false;
    } else if (c === 34) inText = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return undefined;
}

/** When the error is at a closing bracket that follows a comma, the comma's offset. */
function trailingComma(text: string, offset: number): number | undefined {
  const c = text[offset];
  if (c !== ']' && c !== '}') return undefined;
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return text[i] === ',' ? i : undefined;
}

/** The first key repeated within one object (JSON.parse would keep only its last value). */
function duplicateKey(node: Node): SyntaxProblem | undefined {
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const property of node.children ?? []) {
      const key = property.children?.[0];
      if (key === undefined) continue;
      const name = String(key.value);
      if (seen.has(name)) {
        const path = [...getNodePath(node), name];
        return { offset: key.offset, path, problem: `the key "${name}" appears twice in one object`, expected: 'each operator once per object; an object holds exactly one operation' };
      }
      seen.add(name);
    }
  }
  for (const child of node.children ?? []) {
    const found = duplicateKey(child);
    if (found !== undefined) return found;
  }
  return undefined;
}
