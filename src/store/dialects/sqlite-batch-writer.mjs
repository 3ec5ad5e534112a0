// @ts-check
/**
 * The SQLite batch writer, in plain JavaScript so that the writer thread can load it without the
 * TypeScript loader (a loader in every worker costs tens of megabytes). The main thread uses the
 * same function for an in-memory database. Types: sqlite-batch-writer.d.mts; SQL: sqlite-statements.ts.
 */

/**
 * @param {import('better-sqlite3').Database} db
 * @param {BatchSql} sql
 * @param {number} idColumn position of the id among a declaration row's values
 */
export function prepareBatchWriter(db, sql, idColumn) {
  // A batch is one transaction, or a savepoint inside an open one: a failed batch leaves nothing half-written.
  return db.transaction(batchWriter(db, sql, idColumn));
}

/**
 * Several batches in one transaction (the writer thread commits together the batches that wait for
 * it): the same outcomes as writing them one by one, for one commit.
 * @param {import('better-sqlite3').Database} db
 * @param {BatchSql} sql
 * @param {number} idColumn
 */
export function prepareGroupWriter(db, sql, idColumn) {
  const write = batchWriter(db, sql, idColumn);
  /** @param {RawBatch[]} batches */
  const writeAll = (batches) => batches.map(write);
  return db.transaction(writeAll);
}

/**
 * @typedef {{ insertDeclaration: string, insertItem: string, storedDeclaration: string, storedItems: string }} BatchSql
 * @typedef {{ declarations: unknown[][], items: unknown[][][] }} RawBatch
 */

/**
 * @param {import('better-sqlite3').Database} db
 * @param {BatchSql} sql
 * @param {number} idColumn
 */
function batchWriter(db, sql, idColumn) {
  const insertDecl = db.prepare(sql.insertDeclaration);
  const insertItem = db.prepare(sql.insertItem);
  const storedRow = db.prepare(sql.storedDeclaration);
  const storedItems = db.prepare(sql.storedItems);
  /** @param {RawBatch} batch */
  return (batch) =>
    batch.declarations.map((row, i) => {
      if (insertDecl.run(row).changes === 1) {
        for (const it of batch.items[i] ?? []) insertItem.run(it);
        return true;
      }
      const id = row[idColumn];
      const found = storedRow.get(id);
      return found === undefined ? undefined : { row: found, items: storedItems.all(id) };
    });
}

/**
 * @param {import('better-sqlite3').Database} db
 * @param {readonly string[]} pragmas
 */
export function applyPragmas(db, pragmas) {
  for (const p of pragmas) db.pragma(p);
}
