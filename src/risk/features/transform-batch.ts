import type { Declaration } from '../../domain/declaration.ts';
import type { FeatureMatrix } from '../gbdt/bins.ts';
import { amountText, amounts, BASE_KEYS, crossingParts, emptyMatrix, fillValueFeatures, keyNames, keysOf, mainItem, own, smooth, type FittedPipeline } from './pipeline.ts';

/**
 * The feature matrix of many declarations at once, equal to `transform`'s, without its cost per
 * row: a pipeline's encodings become tables once (each category of a key gets a number, and each
 * feature of the key a value per number), and a batch looks each distinct party, office, HS code
 * or country up once; pairs such as HS6 × origin are found by the numbers of their two halves
 * instead of by building their text on every row.
 */

/** A pipeline's risk profiles as tables, made once per pipeline. */
export interface EncodingTables {
  /** Categorical keys, and targets encoded. */
  readonly keys: number;
  readonly targets: number;
  /** Per key, the number of each category seen in training, from 1 (0: never seen). */
  readonly codes: readonly ReadonlyMap<string, number>[];
  /** Per matrix column before the numeric ones (risk per target and key, then seen per key), its value by category number. */
  readonly values: readonly Float64Array[];
}

const TABLES = new WeakMap<FittedPipeline, EncodingTables>();

export function encodingTables(p: FittedPipeline): EncodingTables {
  let tables = TABLES.get(p);
  if (tables !== undefined) return tables;
  const names = keyNames(p.config);
  const K = names.length;
  const T = p.priors.length;
  const codes: Map<string, number>[] = [];
  const values: Float64Array[] = new Array<Float64Array>((T + 1) * K);
  names.forEach((name, j) => {
    const stats = Object.entries(p.encoders[name] ?? {});
    codes.push(new Map(stats.map(([c], i) => [c, i + 1])));
    for (let t = 0; t < T; t++) {
      const col = new Float64Array(stats.length + 1);
      col[0] = p.priors[t]!;
      stats.forEach(([, s], i) => (col[i + 1] = smooth(s[t + 1]!, s[0]!, p.priors[t]!, p.config.smoothing)));
      values[t * K + j] = col;
    }
    const seen = new Float64Array(stats.length + 1);
    stats.forEach(([, s], i) => (seen[i + 1] = Math.log1p(s[0]!)));
    values[T * K + j] = seen;
  });
  tables = { keys: K, targets: T, codes, values };
  TABLES.set(p, tables);
  return tables;
}

/** The distinct values of one part of a declaration in a batch, each with its category number under one key. */
class Interned {
  readonly ids = new Map<string, number>();
  readonly text: string[] = [];
  readonly code: number[] = [];
  constructor(private readonly codes: ReadonlyMap<string, number> | undefined) {}

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.text.length;
      this.ids.set(s, id);
      this.text.push(s);
      this.code.push(this.codes?.get(s) ?? 0);
    }
    return id;
  }
}

/** The parts of each pair key of BASE_KEYS (hs6×origin … origin×export), by position in BASE_KEYS. */
const PAIR_PARTS: readonly (readonly [number, number])[] = [[8, 9], [0, 7], [1, 0], [2, 0], [4, 7], [9, 10]];

/** The category numbers of a pair key, by the ids of its two halves. */
class Pairs {
  private readonly byFirst: (Map<number, number> | undefined)[] = [];
  constructor(private readonly codes: ReadonlyMap<string, number>) {}

  code(a: Interned, ia: number, b: Interned, ib: number): number {
    let m = this.byFirst[ia];
    if (m === undefined) this.byFirst[ia] = m = new Map();
    let c = m.get(ib);
    if (c === undefined) m.set(ib, (c = this.codes.get(`${a.text[ia]}|${b.text[ib]}`) ?? 0));
    return c;
  }
}

/**
 * A node of a tree of a crossing's parts, one level per part (by its id): where the path to it is
 * a crossing's whole, that crossing's category number (−1 until found).
 */
class Trie {
  readonly next = new Map<number, Trie>();
  code = -1;

  child(id: number): Trie {
    let c = this.next.get(id);
    if (c === undefined) this.next.set(id, (c = new Trie()));
    return c;
  }
}

/**
 * Numbers declarations' categories under each key (keyNames order), remembering the distinct values
 * it has met: one encoder per batch.
 */
export class KeyEncoder {
  readonly keys: number;
  private readonly attrs: readonly string[];
  private readonly importer: Interned;
  private readonly declarant: Interned;
  private readonly seller: Interned;
  private readonly courier: Interned;
  private readonly office: Interned;
  private readonly mode: Interned;
  private readonly hs2: Interned;
  private readonly hs4: Interned;
  private readonly hs6: Interned;
  private readonly origin: Interned;
  private readonly exportCountry: Interned;
  private readonly attr: readonly Interned[];
  /** Per distinct HS code: the ids of its 2-, 4- and 6-digit prefixes. */
  private readonly hs = new Map<string, readonly [number, number, number]>();
  private readonly hs6Origin: Pairs;
  private readonly importerHs4: Pairs;
  private readonly declarantImporter: Pairs;
  private readonly sellerImporter: Pairs;
  private readonly officeHs4: Pairs;
  private readonly originExport: Pairs;
  /**
   * Crossings (keys made of several keys), each as its atoms: the plain parts (importer … export:
   * 0–10) it combines, pairs split in their halves, then attributes (11 + a), then mass and value
   * (after the attributes). Their codes by text, and by the atoms' ids (found once per batch).
   */
  private readonly crossings: readonly (readonly number[])[];
  private readonly crossingCodes: readonly ReadonlyMap<string, number>[];
  /** Per crossing: the earlier crossing whose atoms begin its own (−1 for none), where its walk starts. */
  private readonly crossingFrom: Int32Array;
  private readonly crossingRoots: readonly Trie[];
  /** A row's node of each crossing (reused from row to row). */
  private readonly reached: Trie[];
  private readonly usesAmounts: boolean;
  /** A row's atom ids, in atom order (reused from row to row); for mass and value, the amounts. */
  private readonly atomIds: Float64Array;
  private readonly simpleKeys: number;

  constructor(p: FittedPipeline) {
    const { keys, codes } = encodingTables(p);
    this.keys = keys;
    this.attrs = p.config.attributes.filter((a) => a.kind === 'categorical').map((a) => a.name);
    const part = (j: number) => new Interned(codes[j]);
    [this.importer, this.declarant, this.seller, this.courier, this.office, this.mode] = [part(0), part(1), part(2), part(3), part(4), part(5)];
    [this.hs2, this.hs4, this.hs6, this.origin, this.exportCountry] = [part(6), part(7), part(8), part(9), part(10)];
    this.attr = this.attrs.map((_, a) => new Interned(codes[17 + a]));
    const pair = (j: number) => new Pairs(codes[j]!);
    [this.hs6Origin, this.importerHs4, this.declarantImporter, this.sellerImporter, this.officeHs4, this.originExport] = [pair(11), pair(12), pair(13), pair(14), pair(15), pair(16)];
    this.simpleKeys = BASE_KEYS.length + this.attrs.length;
    const plain = PAIR_PARTS.length === BASE_KEYS.length - 11 ? 11 : Number.NaN;
    const atoms = (j: number): number[] => {
      if (j < plain) return [j];
      if (j < BASE_KEYS.length) return [...PAIR_PARTS[j - plain]!];
      if (j < this.simpleKeys) return [plain + j - BASE_KEYS.length];
      return [plain + this.attrs.length + j - this.simpleKeys];
    };
    this.crossings = crossingParts(p.config).map((c) => c.flatMap(atoms));
    this.usesAmounts = this.crossings.some((c) => c.some((a) => a >= plain + this.attrs.length));
    this.crossingCodes = this.crossings.map((_, c) => codes[this.simpleKeys + c]!);
    const prefixOf = (a: readonly number[], b: readonly number[]) => a.length < b.length && a.every((x, i) => b[i] === x);
    this.crossingFrom = Int32Array.from(this.crossings, (c, x) => {
      let from = -1;
      for (let y = 0; y < x; y++) if (prefixOf(this.crossings[y]!, c) && (from < 0 || this.crossings[y]!.length > this.crossings[from]!.length)) from = y;
      return from;
    });
    this.crossingRoots = this.crossings.map(() => new Trie());
    this.reached = this.crossingRoots.slice();
    this.atomIds = new Float64Array(plain + this.attrs.length + 2);
  }

  /** Writes the declaration's `keys` category numbers into `out` from `at`. */
  encode(d: Declaration, out: Int32Array, at: number): void {
    const it = mainItem(d);
    let h = this.hs.get(it.hsCode);
    if (h === undefined) this.hs.set(it.hsCode, (h = [this.hs2.id(it.hsCode.slice(0, 2)), this.hs4.id(it.hsCode.slice(0, 4)), this.hs6.id(it.hsCode.slice(0, 6))]));
    const im = this.importer.id(d.importer);
    const de = this.declarant.id(d.declarant ?? '');
    const se = this.seller.id(d.seller ?? '');
    const of = this.office.id(d.customsOffice);
    const or = this.origin.id(it.originCountry ?? '');
    const ex = this.exportCountry.id(d.exportCountry ?? '');
    const co = this.courier.id(d.courier ?? '');
    const mo = this.mode.id(d.modeOfTransport ?? '');
    out[at] = this.importer.code[im]!;
    out[at + 1] = this.declarant.code[de]!;
    out[at + 2] = this.seller.code[se]!;
    out[at + 3] = this.courier.code[co]!;
    out[at + 4] = this.office.code[of]!;
    out[at + 5] = this.mode.code[mo]!;
    out[at + 6] = this.hs2.code[h[0]]!;
    out[at + 7] = this.hs4.code[h[1]]!;
    out[at + 8] = this.hs6.code[h[2]]!;
    out[at + 9] = this.origin.code[or]!;
    out[at + 10] = this.exportCountry.code[ex]!;
    out[at + 11] = this.hs6Origin.code(this.hs6, h[2], this.origin, or);
    out[at + 12] = this.importerHs4.code(this.importer, im, this.hs4, h[1]);
    out[at + 13] = this.declarantImporter.code(this.declarant, de, this.importer, im);
    out[at + 14] = this.sellerImporter.code(this.seller, se, this.importer, im);
    out[at + 15] = this.officeHs4.code(this.office, of, this.hs4, h[1]);
    out[at + 16] = this.originExport.code(this.origin, or, this.exportCountry, ex);
    // A crossing's atoms' ids, kept in a buffer reused from row to row (no array per row).
    const ids = this.atomIds;
    for (let a = 0; a < this.attrs.length; a++) {
      const attr = this.attr[a]!;
      const id = attr.id(String(d.attributes[this.attrs[a]!] ?? ''));
      ids[11 + a] = id;
      out[at + 17 + a] = attr.code[id]!;
    }
    if (this.crossings.length === 0) return;
    // A crossing's code by the ids of its atoms; its text (as keysOf builds it) once per distinct combination.
    ids[0] = im;
    ids[1] = de;
    ids[2] = se;
    ids[3] = co;
    ids[4] = of;
    ids[5] = mo;
    ids[6] = h[0];
    ids[7] = h[1];
    ids[8] = h[2];
    ids[9] = or;
    ids[10] = ex;
    if (this.usesAmounts) {
      const [mass, value] = amounts(d);
      // The amounts themselves stand for their ids (a map keys NaN as one value, and -0 as 0, as their text does).
      ids[11 + this.attrs.length] = mass;
      ids[12 + this.attrs.length] = value;
    }
    for (let x = 0; x < this.crossings.length; x++) {
      const c = this.crossings[x]!;
      const from = this.crossingFrom[x]!;
      let node = from < 0 ? this.crossingRoots[x]! : this.reached[from]!;
      for (let p = from < 0 ? 0 : this.crossings[from]!.length; p < c.length; p++) node = node.child(ids[c[p]!]!);
      if (node.code < 0) node.code = this.crossingCodes[x]!.get(c.map((a) => this.atomText(a, ids[a]!)).join('|')) ?? 0;
      this.reached[x] = node;
      out[at + this.simpleKeys + x] = node.code;
    }
  }

  /** The text of an atom of a crossing (see `crossings`) by its id. */
  private atomText(a: number, id: number): string {
    const plain = [this.importer, this.declarant, this.seller, this.courier, this.office, this.mode, this.hs2, this.hs4, this.hs6, this.origin, this.exportCountry];
    if (a < plain.length) return plain[a]!.text[id]!;
    if (a < plain.length + this.attrs.length) return this.attr[a - plain.length]!.text[id]!;
    return amountText(id);
  }
}

/** Each row's category number under each key, row after row (`keys` numbers per row), in keyNames order. */
export function encodeKeys(p: FittedPipeline, rows: readonly Declaration[]): Int32Array {
  if (rows.length <= FEW_ROWS) return encodeFew(p, rows);
  const encoder = new KeyEncoder(p);
  const K = encoder.keys;
  const out = new Int32Array(rows.length * K);
  for (let i = 0; i < rows.length; i++) encoder.encode(rows[i]!, out, i * K);
  return out;
}

const HS6 = BASE_KEYS.indexOf('hs6');
const HS6_ORIGIN = BASE_KEYS.indexOf('hs6×origin');
const MEDIANS = new WeakMap<FittedPipeline, { readonly hs6: readonly (number | undefined)[]; readonly hs6Origin: readonly (number | undefined)[] }>();

/**
 * The training medians of the log unit value by category number of the HS6 and HS6 × origin keys
 * (undefined where a category has none), made once per pipeline: the medians are keyed by the same
 * texts as those keys' categories, and both come from the training rows, so a category never seen
 * has no median either.
 */
function medianTables(p: FittedPipeline) {
  let m = MEDIANS.get(p);
  if (m !== undefined) return m;
  const { codes } = encodingTables(p);
  const byCode = (j: number, medians: Record<string, number>) => {
    const out: (number | undefined)[] = [undefined];
    for (const [text, code] of codes[j]!) out[code] = own(medians, text);
    return out;
  };
  m = { hs6: byCode(HS6, p.medianUnitValue.hs6), hs6Origin: byCode(HS6_ORIGIN, p.medianUnitValue.hs6Origin) };
  MEDIANS.set(p, m);
  return m;
}

/**
 * Writes the numeric features of row i of a batch into columns[from...][at], as fillValues writes
 * them, the medians found by the category numbers that encodeKeys gave the row (K per row). Made
 * once per batch, so that the tables are looked up once, not per row.
 */
export function batchValueFiller(p: FittedPipeline, codes: Int32Array): (d: Declaration, i: number, columns: readonly Float64Array[], at: number, from: number) => void {
  const { keys: K } = encodingTables(p);
  const m = medianTables(p);
  const attrs = p.config.attributes;
  return (d, i, columns, at, from) => fillValueFeatures(d, attrs, m.hs6[codes[i * K + HS6]!], m.hs6Origin[codes[i * K + HS6_ORIGIN]!], columns, at, from);
}

/** Below this many rows an encoder's maps cost more than they save (a filing scored as it arrives). */
const FEW_ROWS = 4;

/** encodeKeys for a few rows: each key's text as keysOf writes it, looked up directly. */
function encodeFew(p: FittedPipeline, rows: readonly Declaration[]): Int32Array {
  const { keys: K, codes } = encodingTables(p);
  const crossings = crossingParts(p.config);
  const out = new Int32Array(rows.length * K);
  rows.forEach((d, i) => {
    const k = keysOf(d, p.config.attributes, crossings);
    for (let j = 0; j < K; j++) out[i * K + j] = codes[j]!.get(k[j]!) ?? 0;
  });
  return out;
}

/** The same matrix as `transform(p, rows)`, made column by column from tables. */
export function transformBatch(p: FittedPipeline, rows: readonly Declaration[]): FeatureMatrix {
  const { keys: K, targets: T, values } = encodingTables(p);
  const codes = encodeKeys(p, rows);
  const matrix = emptyMatrix(p, rows.length);
  for (let c = 0; c < (T + 1) * K; c++) {
    const col = matrix.columns[c]!;
    const table = values[c]!;
    const j = c % K;
    for (let i = 0; i < rows.length; i++) col[i] = table[codes[i * K + j]!]!;
  }
  const fillValues = batchValueFiller(p, codes);
  for (let i = 0; i < rows.length; i++) fillValues(rows[i]!, i, matrix.columns, i, (T + 1) * K);
  return matrix;
}
