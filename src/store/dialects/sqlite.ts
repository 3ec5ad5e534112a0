import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { PortcullisError } from '../../domain/errors.ts';
import { DECLARATION_COLUMNS, declarationValues, ITEM_COLUMNS, itemValues, putDeclarationValues, putItemValues, type DeclarationRecord } from '../declaration-rows.ts';
import { settle, sinkRegistry, type DeclarationSink, type SinkOptions } from '../declaration-sink.ts';
import { PLAIN_CODEC, setFieldCodec, type FieldCodec } from '../field-codec.ts';
import type { Schema } from '../schema.ts';
import type { StoreAdapter } from '../store-adapter.ts';
import { packRows, type PackedBatch } from './sqlite-batch-codec.mjs';
import { tableInbox, type IotInbox } from '../iot-inbox-repo.ts';
import { sqliteInbox } from './sqlite-inbox.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';
import { sqliteLedgerRows } from './sqlite-ledger.ts';
import { sqliteTelemetryRows } from './sqlite-telemetry.ts';
import { statementCache } from './sqlite-statement-cache.ts';
import { BATCH_SQL, ID_COLUMN, PRAGMAS, prepareBatchWriter, tunePragmas, WRITER_PRAGMAS, type FlatBatch, type FlatOutcome } from './sqlite-statements.ts';

/** Requests to the writer thread (sqlite-writer-thread.mjs) and its replies, answered in order. */
type WriterRequest =
  | { readonly op: 'write'; readonly batch: FlatBatch }
  | { readonly op: 'write-packed'; readonly packed: PackedBatch }
  | { readonly op: 'begin' | 'commit' | 'rollback' | 'close' };
type WriterReply = { readonly ok: true; readonly outcome?: FlatOutcome } | { readonly ok: false; readonly message: string };

/**
 * SQLite through better-sqlite3, in WAL mode: the embedded default. Bulk writes run on a writer
 * thread with its own connection, so that the next batch is parsed while this one is written; an
 * in-memory database (one connection only) writes in-thread.
 */
export function sqliteAdapter(file: string, codec: FieldCodec = PLAIN_CODEC, o: { readonly checkpointThread?: boolean; readonly warn?: ((message: string) => void) | undefined } = {}): StoreAdapter {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new Database(file);
  tunePragmas(raw);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: statementCache(raw) }) });
  const checkpointer = o.checkpointThread === true && file !== ':memory:' ? startCheckpointer(raw, file, (fn) => db.connection().execute(fn), { warn: o.warn }) : undefined;
  setFieldCodec(db, codec);
  const sinks = sinkRegistry();
  let inbox: IotInbox | undefined;
  return {
    dialect: 'sqlite',
    db,
    codec,
    description: `SQLite ${file}`,
    // One transaction per batch, of few rows. Small batches keep what intake holds at a time inside
    // the processor's caches and the young generation of the heap: 128 rows took about a third less
    // main-thread time (less than half the garbage collection) and less writer time than 2048 did,
    // on 1,000,000 rows (bench/ingest.ts). A commit in WAL mode with synchronous=NORMAL does not wait
    // for the disk, so more commits cost little.
    batchRows: 128,
    // Small batches come fast: with four started, the writer thread finds several waiting and
    // commits them together, and the main thread rarely waits for it (on 200,000 rows it waited
    // 0.4 s instead of 1.2 s with two).
    writesInFlight: 4,
    ledgerRows: sqliteLedgerRows(raw, db),
    telemetryRows: sqliteTelemetryRows(raw),
    // data_version moves with every commit of another connection (the writer thread, another
    // process); total_changes with every row this connection changed.
    changeVersion: (() => {
      let stmt: Database.Statement | undefined;
      return () => {
        stmt ??= raw.prepare("SELECT (SELECT data_version FROM pragma_data_version()) || ':' || total_changes()").pluck();
        return stmt.get() as string;
      };
    })(),
    openDeclarationSink: async (opts) => sinks.track(file === ':memory:' ? inThreadSink(raw, opts, codec) : await threadSink(file, opts, codec)),
    iotInbox: () => (inbox ??= file === ':memory:' ? tableInbox(db) : sqliteInbox(`${file}.iot-inbox`)),
    exclusive: (_name, fn) => fn(),
    close: async () => {
      await inbox?.close();
      await sinks.closeAll();
      await checkpointer?.close();
      await db.destroy();
    },
  };
}

function flatten(batch: readonly DeclarationRecord[], codec: FieldCodec): FlatBatch {
  return { declarations: batch.map(declarationValues), items: batch.map((r) => itemValues(r.declaration, codec)) };
}

/** The batch packed for the writer thread straight from the records, or undefined when it cannot be. */
function pack(batch: readonly DeclarationRecord[], codec: FieldCodec): PackedBatch | undefined {
  const itemCounts = new Uint16Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const n = batch[i]!.declaration.items.length;
    if (n > 0xffff) return undefined;
    itemCounts[i] = n;
  }
  return packRows(itemCounts, DECLARATION_COLUMNS.length, ITEM_COLUMNS.length, (put) => {
    for (const r of batch) {
      putDeclarationValues(r, put);
      const d = r.declaration;
      for (const it of d.items) putItemValues(d.id, it, put, codec);
    }
  });
}

function inThreadSink(raw: Database.Database, opts: SinkOptions, codec: FieldCodec): DeclarationSink {
  const write = prepareBatchWriter(raw);
  if (opts.atomic) raw.exec('BEGIN IMMEDIATE');
  const end = async (sql: string) => {
    if (opts.atomic && raw.inTransaction) raw.exec(sql);
  };
  return {
    write: async (batch) => settle(batch, write(flatten(batch, codec)), codec),
    commit: () => end('COMMIT'),
    rollback: () => end('ROLLBACK'),
  };
}

async function threadSink(file: string, opts: SinkOptions, codec: FieldCodec): Promise<DeclarationSink> {
  const worker = new Worker(new URL('./sqlite-writer-thread.mjs', import.meta.url), {
    workerData: { file, pragmas: PRAGMAS, writerPragmas: WRITER_PRAGMAS, sql: BATCH_SQL, idColumn: ID_COLUMN },
    // Plain JavaScript: no TypeScript loader in the thread (it would start more slowly and take more memory).
    execArgv: [],
    // The writer holds a batch or two at a time; a small heap keeps it from growing lazily.
    resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 16 },
  });
  const waiting: { resolve: (r: WriterReply) => void; reject: (e: Error) => void }[] = [];
  let failure: Error | null = null;
  worker.on('message', (reply: WriterReply) => waiting.shift()?.resolve(reply));
  const fail = (e: Error) => {
    failure ??= e;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new PortcullisError('STORE_ERROR', `SQLite writer thread exited (code ${code})`)));
  type Ok = Extract<WriterReply, { ok: true }>;
  const ask = (req: WriterRequest, transfer: ArrayBuffer[] = []): Promise<Ok> => {
    if (failure) return Promise.reject(failure);
    return new Promise<WriterReply>((resolve, reject) => {
      waiting.push({ resolve, reject });
      worker.postMessage(req, transfer);
    }).then((r) => {
      if (!r.ok) throw new PortcullisError('STORE_ERROR', `SQLite writer: ${r.message}`);
      return r as Ok;
    });
  };
  const close = async (op: 'commit' | 'rollback') => {
    try {
      await ask({ op });
      await ask({ op: 'close' });
    } finally {
      await worker.terminate();
    }
  };
  let closed = false;
  if (opts.atomic) {
    try {
      await ask({ op: 'begin' });
    } catch (e) {
      await worker.terminate();
      throw new PortcullisError('STORE_ERROR', `cannot start an all-or-nothing write on the SQLite database (another intake holds it?): ${(e as Error).message}`, [], { cause: e });
    }
  }
  return {
    write: async (batch) => {
      const packed = pack(batch, codec);
      const reply = packed
        ? await ask({ op: 'write-packed', packed }, [packed.tags.buffer, packed.numbers.buffer, packed.itemCounts.buffer] as ArrayBuffer[])
        : await ask({ op: 'write', batch: flatten(batch, codec) });
      return settle(batch, reply.outcome ?? [], codec);
    },
    commit: async () => {
      if (!closed) await close('commit');
      closed = true;
    },
    rollback: async () => {
      if (!closed) await close('rollback');
      closed = true;
    },
  };
}
