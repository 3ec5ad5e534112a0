import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * Reads a file as UTF-8 text in large chunks, each handed out with its raw bytes (for hashing and
 * progress). Characters split across two chunks are decoded whole. Pulling is the backpressure:
 * nothing more is read until the consumer asks.
 */
export interface TextChunk {
  readonly text: string;
  readonly bytes: Buffer;
}

export interface ChunkReader {
  readonly chunks: AsyncGenerator<TextChunk>;
  close(): void;
}

export function readTextChunks(file: string, chunkBytes = 1 << 18): ChunkReader {
  const input = createReadStream(file, { highWaterMark: chunkBytes });
  async function* chunks(): AsyncGenerator<TextChunk> {
    const decoder = new StringDecoder('utf8');
    for await (const bytes of input) {
      const buf = bytes as Buffer;
      yield { text: decoder.write(buf), bytes: buf };
    }
    const rest = decoder.end();
    if (rest.length > 0) yield { text: rest, bytes: Buffer.alloc(0) };
  }
  return { chunks: chunks(), close: () => input.destroy() };
}

/** Splits a list into pieces of at most `size`. */
export function* pieces<T>(items: T[], size: number): Generator<T[]> {
  if (items.length <= size) {
    if (items.length > 0) yield items;
    return;
  }
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
