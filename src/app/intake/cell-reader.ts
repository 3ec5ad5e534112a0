import { CellError } from './cell-error.ts';
import { clip, compileDateParser } from './date-format.ts';
import type { FieldSpec } from './mapping.ts';

/**
 * Compiles one field spec of a mapping into a function that reads a raw cell (a CSV string, or any
 * JSON value) into a typed value, `undefined` when absent, or throws a CellError saying what was
 * wrong and what was expected. Compiled once per file, called once per cell.
 */
export type CellReader = (raw: unknown) => unknown;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRUE = new Set(['1', 'true', 'yes', 'y', 't']);
const FALSE = new Set(['0', 'false', 'no', 'n', 'f']);

export function compileCellReader(spec: FieldSpec): CellReader {
  if (spec.const !== undefined) {
    const c = spec.const;
    return () => c;
  }
  const nulls = new Set(spec.null.map((n) => n.trim()));
  if (spec.upper) for (const n of [...nulls]) nulls.add(n.toUpperCase());
  const convert = compileConversion(spec);
  const toText = compileText(spec);
  const fallback = spec.default === undefined ? undefined : readDefault(spec, convert);
  if (spec.split !== undefined) {
    const sep = spec.split;
    return (raw) => {
      if (raw === null || raw === undefined) return [];
      const parts = Array.isArray(raw) ? raw.map(String) : String(raw).split(sep);
      const out: unknown[] = [];
      for (const p of parts) {
        const trimmed = p.trim();
        if (trimmed === '' || nulls.has(spec.upper ? trimmed.toUpperCase() : trimmed)) continue;
        out.push(convert(toText(trimmed)));
      }
      return out;
    };
  }
  // Most columns need neither null words nor text changes: they skip those steps.
  const plainText = spec.pad === undefined && spec.prefix === undefined && !spec.upper;
  const read = plainText ? convert : (t: string) => convert(toText(t));
  const isNull = nulls.size === 0 ? () => false : (t: string) => nulls.has(spec.upper ? t.toUpperCase() : t);
  return (raw) => {
    if (typeof raw !== 'string') {
      if (raw === null || raw === undefined) return fallback;
      if (typeof raw === 'number' || typeof raw === 'boolean') {
        if (spec.equals === undefined && spec.type !== 'string' && spec.type !== 'date' && spec.type !== 'datetime') {
          return convertJsonScalar(raw, spec);
        }
      } else {
        throw new CellError(`a ${Array.isArray(raw) ? 'list' : 'object'} where a single value belongs`, `a ${spec.type}`);
      }
    }
    const trimmed = String(raw).trim();
    if (trimmed === '' || isNull(trimmed)) return fallback;
    return read(trimmed);
  };
}

/** The default goes through the same conversion as a cell, so a bad default fails when the mapping is compiled. */
function readDefault(spec: FieldSpec, convert: (t: string) => unknown): unknown {
  const d = spec.default;
  if (typeof d === 'string') {
    try {
      return convert(d);
    } catch (e) {
      if (e instanceof CellError) throw new Error(`default ${JSON.stringify(d)}: ${e.problem}; expected ${e.expected}`);
      throw e;
    }
  }
  return d;
}

/** Pads, cuts and upper-cases already trimmed, non-empty text. */
function compileText(spec: FieldSpec): (s: string) => string {
  const { pad, prefix, upper } = spec;
  return (s) => {
    let t = s;
    if (pad !== undefined && t.length < pad) t = t.padStart(pad, '0');
    if (prefix !== undefined && t.length > prefix) t = t.slice(0, prefix);
    return upper ? t.toUpperCase() : t;
  };
}

function compileConversion(spec: FieldSpec): (t: string) => unknown {
  if (spec.equals !== undefined) {
    const yes = new Set(Array.isArray(spec.equals) ? spec.equals : [spec.equals]);
    return (t) => yes.has(t);
  }
  switch (spec.type) {
    case 'string':
      return (t) => t;
    case 'number':
    case 'integer': {
      const { decimal, thousands } = spec;
      const integer = spec.type === 'integer';
      const expected = integer ? 'a whole number' : `a number with "${decimal}" as decimal separator`;
      return (t) => {
        let s = t;
        if (thousands !== undefined) s = s.split(thousands).join('');
        if (decimal === ',') {
          // Without a thousands separator, a "." in a decimal-comma number is ambiguous: refuse it.
          if (s.includes('.')) throw new CellError(`"${clip(t)}" has a "." but the decimal separator is ","`, expected);
          s = s.replace(',', '.');
        }
        if (!NUMBER.test(s)) throw new CellError(`"${clip(t)}" is not a number`, expected);
        const n = Number(s);
        if (!Number.isFinite(n)) throw new CellError(`"${clip(t)}" is out of range`, expected);
        if (integer && !Number.isInteger(n)) throw new CellError(`"${clip(t)}" is not a whole number`, expected);
        return n;
      };
    }
    case 'boolean':
      return (t) => {
        const l = t.toLowerCase();
        if (TRUE.has(l)) return true;
        if (FALSE.has(l)) return false;
        throw new CellError(`"${clip(t)}" is not a yes/no value`, '1/0, true/false or yes/no');
      };
    case 'date':
    case 'datetime':
      return compileDateParser(spec.format, spec.utcOffset);
  }
}

function convertJsonScalar(raw: number | boolean, spec: FieldSpec): unknown {
  if (spec.type === 'boolean') return typeof raw === 'boolean' ? raw : raw !== 0;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) throw new CellError(`${String(raw)} is not a number`, `a ${spec.type}`);
  if (spec.type === 'integer' && !Number.isInteger(raw)) throw new CellError(`${raw} is not a whole number`, 'a whole number');
  return raw;
}
