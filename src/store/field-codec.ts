import type { Kysely } from 'kysely';
import { PortcullisError } from '../domain/errors.ts';
import type { Schema } from './schema.ts';

/**
 * How the store writes and reads the fields that are encrypted at rest. The store knows which
 * columns are sensitive and what identifies their row; how they are sealed is given to it (src/app
 * builds the codec from the key ring: the store never sees a key and never imports security).
 */
export interface FieldCodec {
  seal(table: string, column: string, rowId: string, plain: string): string;
  /** The plaintext of a stored value: a sealed value is opened, a value stored before encryption is returned as it is. */
  open(table: string, column: string, rowId: string, stored: string): string;
  /** Whether a stored value is not under the current key (or not sealed at all): `keys rotate` re-seals it. */
  needsRotation(stored: string): boolean;
  /** The key id a stored value is sealed under; undefined for a value stored in plaintext. */
  keyIdOf(stored: string): string | undefined;
}

/** The sensitive columns, with what identifies their row (bound to the ciphertext): free text about parties and consignments. */
export const SEALED_COLUMNS = [
  { table: 'parties', column: 'name', key: ['id'] },
  { table: 'goods_items', column: 'description', key: ['declaration_id', 'sequence'] },
  { table: 'inspections', column: 'notes', key: ['declaration_id', 'revision'] },
  { table: 'alerts', column: 'acknowledge_reason', key: ['id'] },
  // What the ledger keeps of each entry: the declaration filed, the inspection recorded…
  { table: 'ledger_payloads', column: 'payload', key: ['idx'] },
] as const satisfies readonly { table: keyof Schema; column: string; key: readonly string[] }[];
export type SealedColumn = (typeof SEALED_COLUMNS)[number];

/** How every sealed value begins, whatever the codec (enc:v1:<kid>:…): lets the database count values without reading them out. */
export const SEALED_PREFIX_TEXT = 'enc:v1:';

/** A row's id as the associated data names it: its key columns joined with "#". */
export const rowIdOf = (...key: readonly (string | number)[]): string => key.join('#');

/**
 * Plaintext: for stores opened without a codec (store tests, tools). It refuses to read a sealed
 * value, naming the row, rather than hand the ciphertext on as if it were the text.
 */
export const PLAIN_CODEC: FieldCodec = {
  seal: (_t, _c, _r, plain) => plain,
  open: (table, column, rowId, stored) => {
    if (stored.startsWith('enc:')) {
      throw new PortcullisError('CONFIG_ERROR', `${table}.${column} of row ${rowId} is encrypted, and this store was opened without data keys`, [
        { field: `${table}.${column}`, problem: 'sealed value, no key ring', expected: 'the store opened through the app (PORTCULLIS_DATA_KEYS or data-keys.json)' },
      ]);
    }
    return stored;
  },
  needsRotation: () => false,
  keyIdOf: () => undefined,
};

const codecs = new WeakMap<object, FieldCodec>();

/** Sets the codec of a store's database handle: every repository made on it seals and opens with it. */
export function setFieldCodec(db: Kysely<Schema>, codec: FieldCodec): void {
  codecs.set(db, codec);
}

/** The codec of a database handle; plaintext when none was set. */
export function fieldCodecOf(db: Kysely<Schema>): FieldCodec {
  return codecs.get(db) ?? PLAIN_CODEC;
}
