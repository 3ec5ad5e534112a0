/**
 * The scoring loop of a compiled forest (forest.ts) as a small WebAssembly function, generated for
 * one model: V8's code for the same loop in JavaScript checks the bounds and kinds of its typed
 * arrays at every node, and is three to four times slower. The function reads the trees and a
 * block of rows in bytes from one memory and adds each tree's leaf to each row's margin:
 *
 *   for t in trees: for r in rows: i = 0
 *     repeat depth: w = node[t][i]; i = 2i + 1 + (bins[r][w >> 8] > (w & 255))
 *     margin[r] += leaf[t][i − inner]
 *
 * No other code is loaded: the bytes below are the whole module.
 */

export interface KernelLayout {
  readonly trees: number;
  readonly depth: number;
  /** Bytes per row of bins. */
  readonly stride: number;
  /** Byte offsets in the memory: node words (Int32), leaves (Float64), margins (Float64), bins (Uint8). */
  readonly nodes: number;
  readonly leaves: number;
  readonly margin: number;
  readonly bins: number;
}

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};

const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// Opcodes (WebAssembly core specification, section 5.4).
const LOOP = 0x03, END = 0x0b, BR_IF = 0x0d, VOID = 0x40;
const GET = 0x20, SET = 0x21, TEE = 0x22;
const I32_LOAD = 0x28, F64_LOAD = 0x2b, I32_LOAD8_U = 0x2d, F64_STORE = 0x39;
const I32_CONST = 0x41, I32_EQZ = 0x45, I32_GT_U = 0x4b, I32_LT_U = 0x49;
const I32_ADD = 0x6a, I32_SUB = 0x6b, I32_AND = 0x71, I32_SHL = 0x74, I32_SHR_U = 0x76, F64_ADD = 0xa0;

/** Rows that go down a tree side by side: independent chains of loads that the processor overlaps. */
export const LANES = 8;

/** The module's bytes: it imports env.memory and exports score(rows), rows a multiple of LANES. */
export function kernelBytes(k: KernelLayout): Uint8Array {
  const inner = 2 ** k.depth - 1;
  const leaves = 2 ** k.depth;
  // Locals: 0 rows (parameter), 1 t, 2 r, 3 nb (node base), 4 lb (leaf base), 5 o (row's bins), 6 m (row's margin),
  // then per lane an i and a w.
  const [rows, t, r, nb, lb, o, m] = [0, 1, 2, 3, 4, 5, 6];
  const I = (lane: number) => 7 + 2 * lane;
  const W = (lane: number) => 8 + 2 * lane;
  const c = (n: number) => [I32_CONST, ...sleb(n | 0)];
  const lanes = Array.from({ length: LANES }, (_, lane) => lane);
  const level = lanes.flatMap((lane) => [
    // w = node[nb + 4i]
    GET, nb, GET, I(lane), ...c(2), I32_SHL, I32_ADD, I32_LOAD, 2, 0, SET, W(lane),
    // i = 2i + 1 + (bins[o + lane · stride + (w >> 8)] > (w & 255))
    GET, I(lane), ...c(1), I32_SHL, ...c(1), I32_ADD,
    GET, o, GET, W(lane), ...c(8), I32_SHR_U, I32_ADD, I32_LOAD8_U, 0, ...uleb(lane * k.stride),
    GET, W(lane), ...c(255), I32_AND, I32_GT_U, I32_ADD, SET, I(lane),
  ]);
  const code = [
    GET, rows, I32_EQZ, BR_IF, 0, // nothing to do (the function body is the outermost block)
    ...c(0), SET, t, ...c(k.nodes), SET, nb, ...c(k.leaves - inner * 8), SET, lb,
    LOOP, VOID,
    GET, rows, SET, r, ...c(k.bins), SET, o, ...c(k.margin), SET, m,
    LOOP, VOID,
    ...lanes.flatMap((lane) => [...c(0), SET, I(lane)]),
    ...Array.from({ length: k.depth }, () => level).flat(),
    // margin[m + 8 · lane] += leaf[lb + 8i]
    ...lanes.flatMap((lane) => [GET, m, GET, m, F64_LOAD, 3, ...uleb(lane * 8), GET, lb, GET, I(lane), ...c(3), I32_SHL, I32_ADD, F64_LOAD, 3, 0, F64_ADD, F64_STORE, 3, ...uleb(lane * 8)]),
    GET, o, ...c(k.stride * LANES), I32_ADD, SET, o,
    GET, m, ...c(8 * LANES), I32_ADD, SET, m,
    GET, r, ...c(LANES), I32_SUB, TEE, r, BR_IF, 0,
    END,
    GET, nb, ...c(inner * 4), I32_ADD, SET, nb,
    GET, lb, ...c(leaves * 8), I32_ADD, SET, lb,
    GET, t, ...c(1), I32_ADD, TEE, t, ...c(k.trees), I32_LT_U, BR_IF, 0,
    END,
    END,
  ];
  const body = [...uleb(1), ...uleb(6 + 2 * LANES), 0x7f, ...code];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(1), 0x60, ...uleb(1), 0x7f, ...uleb(0)]),
    ...section(2, [...uleb(1), ...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(0)]),
    ...section(3, [...uleb(1), ...uleb(0)]),
    ...section(7, [...uleb(1), ...str('score'), 0x00, ...uleb(0)]),
    ...section(10, [...uleb(1), ...uleb(body.length), ...body]),
  ]);
}

/** The little of WebAssembly's JavaScript API used here (TypeScript's lib has it only with the DOM's). */
declare const WebAssembly:
  | {
      Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
    }
  | undefined;

export const wasmAvailable = (): boolean => typeof WebAssembly === 'object';

/** The kernel compiled, with a memory of at least `bytes` bytes: score(rows) scores the first `rows` rows of the bins block. */
export function instantiateKernel(k: KernelLayout, bytes: number): { buffer: ArrayBuffer; score: (rows: number) => void } {
  if (WebAssembly === undefined) throw new Error('no WebAssembly in this JavaScript engine');
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(kernelBytes(k)), { env: { memory } });
  return { buffer: memory.buffer, score: instance.exports.score as (rows: number) => void };
}
