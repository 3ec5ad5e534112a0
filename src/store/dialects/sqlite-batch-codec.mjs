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
 * @param {import('./sqlite-batch-writer.mjs').RawBatch} batch
 * @returns {import('./sqlite-batch-codec.mjs').PackedBatch | undefined}
 */
export function packBatch(batch) {
  const rows = batch.declarations.length;
  const declarationWidth = rows === 0 ? 0 : batch.declarations[0].length;
  const itemWidth = batch.items.find((its) => its.length > 0)?.[0]?.length ?? 0;
  const itemCounts = new Uint16Array(rows);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const count = batch.items[i]?.length ?? 0;
    if (count > 0xffff) return undefined;
    itemCounts[i] = count;
    total += declarationWidth + count * itemWidth;
  }
  const parts = [];
  const numbers = new Float64Array(total);
  const tags = new Uint8Array(total);
  let k = 0;
  let n = 0;
  /** @param {readonly unknown[]} row @param {number} width */
  const put = (row, width) => {
    if (row.length !== width) return false;
    for (let j = 0; j < width; j++, k++) {
      const v = row[j];
      if (typeof v === 'string') {
        if (v.includes('\u0000')) return false;
        parts.push(v);
        tags[k] = TEXT;
      } else if (typeof v === 'number') {
        numbers[n++] = v;
        tags[k] = NUMBER;
      } else if (v === null) {
        tags[k] = NULL;
      } else return false;
    }
    return true;
  };
  for (let i = 0; i < rows; i++) {
    if (!put(batch.declarations[i], declarationWidth)) return undefined;
    for (const it of batch.items[i] ?? []) if (!put(it, itemWidth)) return undefined;
  }
  return { text: parts.join('\u0000'), texts: parts.length, numbers: numbers.slice(0, n), tags, itemCounts, declarationWidth, itemWidth };
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
