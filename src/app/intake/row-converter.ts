import { acceptDeclaration, acceptLabels } from '../../domain/declaration-accept.ts';
import { Declaration, Labels } from '../../domain/declaration.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { CellError } from './cell-error.ts';
import { compileCellReader, type CellReader } from './cell-reader.ts';
import { attributeSpecs, type FieldSpec, type Mapping } from './mapping.ts';

/**
 * Turns source rows into validated declarations, following a mapping. Reading is split in two so
 * that several rows can make one declaration (`groupItems`): `read` takes one row apart, `finish`
 * assembles and validates a declaration from one or more read rows.
 */

export interface FieldProblem {
  readonly field: string;
  readonly column?: string;
  readonly value?: string;
  readonly problem: string;
  readonly expected?: string;
}

export interface ReadRow {
  readonly id: string | undefined;
  readonly head: Record<string, unknown>;
  readonly item: Record<string, unknown>;
  readonly attributes: Record<string, unknown>;
  readonly labels: Record<string, unknown>;
  readonly problems: FieldProblem[];
}

export type Finished =
  | { readonly ok: true; readonly declaration: Declaration; readonly labels: Labels }
  | { readonly ok: false; readonly problems: FieldProblem[] };

/** Finds a source column in a row: a CSV header index or a JSON key path. */
export type Locate<R> = (column: string) => (row: R) => unknown;

interface Slot<R> {
  readonly name: string;
  readonly key: string;
  readonly column: string | undefined;
  readonly get: (row: R) => unknown;
  readonly read: CellReader;
}

export interface RowConverter<R> {
  read(row: R): ReadRow;
  /** The declaration id of a row, if it can be read at all (for naming broken rows). */
  idOf(row: R): string | undefined;
  finish(rows: readonly ReadRow[]): Finished;
}

export function compileRowConverter<R>(mapping: Mapping, locate: Locate<R>): RowConverter<R> {
  const slot = (name: string, key: string, spec: FieldSpec): Slot<R> => {
    let read: CellReader;
    try {
      read = compileCellReader(spec);
    } catch (e) {
      const problem = e instanceof Error ? e.message : String(e);
      throw new PortcullisError('INVALID_MAPPING', `mapping field ${name}: ${problem}`, [{ field: name, problem }]);
    }
    return { name, key, column: spec.column, get: spec.column === undefined ? () => undefined : locate(spec.column), read };
  };
  const head: Slot<R>[] = [];
  const item: Slot<R>[] = [];
  for (const [name, spec] of Object.entries(mapping.fields)) {
    if (name.startsWith('item.')) item.push(slot(name, name.slice(5), spec));
    else head.push(slot(name, name, spec));
  }
  const attrs = Object.entries(attributeSpecs(mapping)).map(([name, spec]) => slot(`attributes.${name}`, name, spec));
  const labels = Object.entries(mapping.labels).map(([name, spec]) => slot(`labels.${name}`, name, spec));
  const columnOf = new Map<string, string | undefined>([...head, ...item, ...attrs, ...labels].map((s) => [s.name, s.column]));

  function fill(slots: readonly Slot<R>[], row: R, into: Record<string, unknown>, problems: FieldProblem[]): void {
    for (const s of slots) {
      const raw = s.get(row);
      try {
        const v = s.read(raw);
        if (v !== undefined) into[s.key] = v;
      } catch (e) {
        if (!(e instanceof CellError)) throw e;
        problems.push({ field: s.name, column: s.column, value: cellText(raw), problem: e.problem, expected: e.expected });
      }
    }
  }

  const idSlot = head.find((s) => s.name === 'id');
  return {
    idOf(row) {
      try {
        const v = idSlot?.read(idSlot.get(row));
        return typeof v === 'string' ? v : undefined;
      } catch {
        return undefined;
      }
    },
    read(row) {
      const problems: FieldProblem[] = [];
      const h: Record<string, unknown> = {};
      const it: Record<string, unknown> = {};
      const at: Record<string, unknown> = {};
      const lb: Record<string, unknown> = {};
      fill(head, row, h, problems);
      fill(item, row, it, problems);
      fill(attrs, row, at, problems);
      fill(labels, row, lb, problems);
      return { id: typeof h.id === 'string' ? h.id : undefined, head: h, item: it, attributes: at, labels: lb, problems };
    },
    finish(rows) {
      // Read rows are used once: the single-row case (nearly all) assembles them in place.
      const first = rows[0]!;
      const cellProblems = rows.length === 1 ? first.problems : rows.flatMap((r) => r.problems);
      const items = rows.map((r, i) => withDuty(Object.assign(r.item, { sequence: i + 1 })));
      let attributes = first.attributes;
      if (rows.length > 1) {
        attributes = {};
        for (const r of rows) Object.assign(attributes, r.attributes);
      }
      const input = Object.assign(first.head, { items, attributes });
      if (cellProblems.length === 0) {
        // The fast lane; what it is not sure of goes to the schemas, which also say what is wrong.
        const declaration = acceptDeclaration(input);
        const labels = declaration && (hasKeys(first.labels) ? acceptLabels(first.labels) : {});
        if (declaration !== undefined && labels !== undefined) return { ok: true, declaration, labels };
      }
      const d = Declaration.safeParse(input);
      const l = hasKeys(first.labels) ? Labels.safeParse(first.labels) : NO_LABELS;
      if (d.success && l.success && cellProblems.length === 0) return { ok: true, declaration: d.data, labels: l.data };
      const issues = [...(d.error?.issues ?? []), ...(l.error?.issues.map((i) => ({ ...i, path: ['labels', ...i.path] })) ?? [])];
      // A cell that could not be read is absent from the record: its own problem says why, so the
      // schema's "is missing" for the same field is left out.
      const already = new Set(cellProblems.map((p) => p.field));
      return {
        ok: false,
        problems: [...cellProblems, ...issues.filter((i) => !already.has(fieldName(i.path))).map((i) => {
          const field = fieldName(i.path);
          const value = valueAt({ ...input, labels: first.labels }, i.path);
          const params = (i as { params?: { reason?: string; expected?: string } }).params;
          return {
            field,
            column: columnOf.get(field),
            value: cellText(value),
            problem: value === undefined ? 'is missing' : (params?.reason ?? i.message),
            expected: value === undefined ? 'a value' : params?.expected,
          };
        })],
      };
    },
  };
}

/** Duty at stake, when the source gives a tax rate but no duty: customs value × rate / 100. */
function withDuty(item: Record<string, unknown>): Record<string, unknown> {
  const { duty, taxRate, customsValue } = item;
  if (duty === undefined && typeof taxRate === 'number' && typeof customsValue === 'number' && taxRate >= 0 && customsValue >= 0) {
    item.duty = Math.round(customsValue * taxRate) / 100;
  }
  return item;
}

const NO_LABELS = { success: true, data: {}, error: undefined } as const;

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** ['items', 0, 'hsCode'] → 'item.hsCode'; ['attributes', 'x'] → 'attributes.x'. */
function fieldName(path: readonly PropertyKey[]): string {
  if (path[0] === 'items' && path.length >= 3) return `item.${String(path[2])}`;
  if (path[0] === 'containers') return 'containers';
  return path.map(String).join('.');
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let v = obj;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function cellText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
