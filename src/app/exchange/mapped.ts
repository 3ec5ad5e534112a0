import type { Problem } from './edifact-reader.ts';

/**
 * One message of an exchange file (a CUSDEC or CUSCAR message of an interchange, a declaration of
 * a WCO JSON document) as mapped to Portcullis' input: the value, or the problems that reject it,
 * and where each Portcullis field came from (segment and element, or JSON path), so that a later
 * validation error on a field can name its source.
 */
export interface Source {
  readonly segment?: string | undefined;
  readonly position?: number | undefined;
  readonly element?: string | undefined;
}

export interface Mapped<T> {
  /** 1-based number of the message in the file. */
  readonly index: number;
  /** The UNH reference, or the declaration's ID in a JSON document. */
  readonly reference: string | null;
  /** The declaration's id (or report number) as far as it could be read, even when rejected. */
  readonly id?: string | null | undefined;
  readonly value: T | undefined;
  readonly problems: readonly Problem[];
  /** Portcullis field path (items.0.hsCode, containers.1…) → where it was read. */
  readonly sources: ReadonlyMap<string, Source>;
}

/** Where a field (or the nearest field above it: items.0.hsCode, items.0, items) was read. */
export function sourceOf(sources: ReadonlyMap<string, Source>, field: string): Source | undefined {
  const parts = field.split('.');
  for (let n = parts.length; n > 0; n--) {
    const s = sources.get(parts.slice(0, n).join('.'));
    if (s !== undefined) return s;
  }
  return undefined;
}
