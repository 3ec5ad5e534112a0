// @ts-check
/**
 * A batch of rows packed for the writer thread: the text values joined into one string, the numbers
 * in a Float64Array, and a tag per value saying where it is. Posting it costs one string copy and
 * three transferred buffers,
 * where a structured clone of the rows' arrays cost as much as writing them. NUL separates values:
 * the domain refuses text with NUL and JSON escapes it; a batch whose text does hold one is not
 * packed (packBatch returns undefined) and goes as it is. Plain JavaScript, like the writer thread.
 */

const NULL = 0;
const TEXT = 1;
const NUMBER = 2;

/**
 * Packs values as they are given, so that a caller can pack its rows without building an array per
 * row. `visit` gives every value of every row, in order: each declaration row's values, then those of
 * its goods items; `itemCounts[i]` says how many item rows follow declaration row i.
 * @param {Uint16Array} itemCounts
 * @param {number} declarationWidth
 * @param {number} itemWidth
 * @param {(put: (v: unknown) => void) => void} visit
 * @returns {import('./sqlite-batch-codec.mjs').PackedBatch | undefined}
 */
export function packRows(itemCounts, declarationWidth, itemWidth, visit) {
  let total = 0;
  for (let i = 0; i < itemCounts.length; i++) total += declarationWidth + itemCounts[i] * itemWidth;
  // At most one text per value: allocated once, not grown push by push.
  /** @type {string[]} */
  const parts = new Array(total);
  let s = 0;
  const numbers = new Float64Array(total);
  const tags = new Uint8Array(total);
  let k = 0;
  let n = 0;
  let carried = true;
  visit((v) => {
    if (k >= total) carried = false;
    else if (typeof v === 'string') {
      if (v.includes('\u0000')) carried = false;
      parts[s++] = v;
      tags[k++] = TEXT;
    } else if (typeof v === 'number') {
      numbers[n++] = v;
      tags[k++] = NUMBER;
    } else if (v === null) {
      tags[k++] = NULL;
    } else carried = false;
  });
  if (!carried || k !== total) return undefined;
  parts.length = s;
  // The numbers' buffer goes whole (it is transferred, not copied); unpacking reads only n of them.
  return { text: parts.join('\u0000'), texts: parts.length, numbers, tags, itemCounts, declarationWidth, itemWidth };
}

/**
 * @param {import('./sqlite-batch-writer.mjs').RawBatch} batch
 * @returns {import('./sqlite-batch-codec.mjs').PackedBatch | undefined}
 */
export function packBatch(batch) {
  const rows = batch.declarations.length;
  const declarationWidth = rows === 0 ? 0 : batch.declarations[0].length;
  const itemWidth = batch.items.find((its) => its.length > 0)?.[0]?.length ?? 0;
  const itemCounts = new Uint16Array(rows);
  for (let i = 0; i < rows; i++) {
    const its = batch.items[i] ?? [];
    if (its.length > 0xffff || batch.declarations[i].length !== declarationWidth || its.some((it) => it.length !== itemWidth)) return undefined;
    itemCounts[i] = its.length;
  }
  return packRows(itemCounts, declarationWidth, itemWidth, (put) => {
    for (let i = 0; i < rows; i++) {
      for (const v of batch.declarations[i]) put(v);
      for (const it of batch.items[i] ?? []) for (const v of it) put(v);
    }
  });
}

/**
 * @param {import('./sqlite-batch-codec.mjs').PackedBatch} packed
 * @returns {import('./sqlite-batch-writer.mjs').RawBatch}
 */
export function unpackBatch(packed) {
  const { tags, numbers, itemCounts, declarationWidth, itemWidth } = packed;
  const texts = packed.texts === 0 ? [] : packed.text.split('\u0000');
  if (texts.length !== packed.texts) throw new Error(`packed batch holds ${texts.length} texts, not ${packed.texts}`);
  let k = 0;
  let s = 0;
  let n = 0;
  /** @param {number} width */
  const take = (width) => {
    const row = new Array(width);
    for (let j = 0; j < width; j++, k++) {
      const t = tags[k];
      row[j] = t === TEXT ? texts[s++] : t === NUMBER ? numbers[n++] : null;
    }
    return row;
  };
  const declarations = [];
  const items = [];
  for (let i = 0; i < itemCounts.length; i++) {
    declarations.push(take(declarationWidth));
    const its = [];
    for (let n = 0; n < itemCounts[i]; n++) its.push(take(itemWidth));
    items.push(its);
  }
  return { declarations, items };
}
