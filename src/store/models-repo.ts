import type { Kysely } from 'kysely';
import { PortcullisError } from '../domain/errors.ts';
import type { Schema } from './schema.ts';

export type ModelStatus = 'registered' | 'active' | 'retired';

/** A registered model without its file. */
export interface StoredModel {
  /** The model file's content hash, "sha256:…". */
  readonly id: string;
  readonly label: string;
  /** The training record, without its large parts. */
  readonly summary: Readonly<Record<string, unknown>>;
  readonly registeredBy: string;
  readonly registeredAt: string;
  readonly status: ModelStatus;
  readonly activatedBy?: string;
  readonly activatedAt?: string;
}

/** A registered model with its file's JSON text. */
export interface StoredModelWithBody extends StoredModel {
  readonly body: string;
}

export interface ModelRegistration {
  readonly id: string;
  readonly label: string;
  readonly body: string;
  readonly summary: Readonly<Record<string, unknown>>;
  readonly by: string;
  readonly at: string;
  /** The training job registering it (src/app/jobs): at most one model per job key. */
  readonly jobKey?: string;
}

const LISTED = ['id', 'label', 'summary', 'registered_by', 'registered_at', 'status', 'activated_by', 'activated_at'] as const;

const toModel = (r: Omit<Schema['models'], 'body'>): StoredModel => ({
  id: r.id,
  label: r.label,
  summary: JSON.parse(r.summary) as Record<string, unknown>,
  registeredBy: r.registered_by,
  registeredAt: r.registered_at,
  status: r.status as ModelStatus,
  ...(r.activated_by === null ? {} : { activatedBy: r.activated_by }),
  ...(r.activated_at === null ? {} : { activatedAt: r.activated_at }),
});

/**
 * Trained models, each stored once under its content hash. At most one model per label is active
 * (the database keeps it so); activating one retires the one before it, in one transaction.
 */
export function modelsRepo(db: Kysely<Schema>) {
  return {
    /** Registers a model; true when it is new, false when that hash was registered already (nothing changes). */
    async register(m: ModelRegistration): Promise<boolean> {
      const r = await db
        .insertInto('models')
        .values({ id: m.id, label: m.label, body: m.body, summary: JSON.stringify(m.summary), registered_by: m.by, registered_at: m.at, status: 'registered', ...(m.jobKey === undefined ? {} : { job_key: m.jobKey }) })
        // A model registered already, or a job key that registered one already: nothing changes.
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async get(id: string): Promise<StoredModelWithBody | undefined> {
      const r = await db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? { ...toModel(r), body: r.body } : undefined;
    },
    /** The id of the model a training job registered, if it did. */
    async byJobKey(jobKey: string): Promise<string | undefined> {
      const r = await db.selectFrom('models').select('id').where('job_key', '=', jobKey).executeTakeFirst();
      return r?.id;
    },
    /** Every model, without files, newest registration first. */
    async list(): Promise<StoredModel[]> {
      const rows = await db.selectFrom('models').select(LISTED).orderBy('registered_at', 'desc').orderBy('id').execute();
      return rows.map(toModel);
    },
    /** The active model of a label, with its file. */
    async active(label: string): Promise<StoredModelWithBody | undefined> {
      const r = await db.selectFrom('models').selectAll().where('label', '=', label).where('status', '=', 'active').executeTakeFirst();
      return r ? { ...toModel(r), body: r.body } : undefined;
    },
    /**
     * Makes a model the active one of its label and retires the one that was; returns the id of that
     * one, if any. A NOT_FOUND error when no model has that id. Activating the active model changes nothing.
     */
    async activate(id: string, by: string, at: string): Promise<{ readonly retired: string | undefined }> {
      // Writes come first: on SQLite a transaction that reads before it writes fails when another
      // connection (an intake) commits in between; writing first waits for the lock instead.
      return db.transaction().execute(async (trx) => {
        const retired = await trx
          .updateTable('models')
          .set({ status: 'retired' })
          .where('label', '=', (eb) => eb.selectFrom('models as m').select('m.label').where('m.id', '=', id))
          .where('status', '=', 'active')
          .where('id', '<>', id)
          .returning('id')
          .executeTakeFirst();
        const activated = await trx.updateTable('models').set({ status: 'active', activated_by: by, activated_at: at }).where('id', '=', id).where('status', '<>', 'active').executeTakeFirst();
        if (Number(activated.numUpdatedRows) === 0) {
          const exists = await trx.selectFrom('models').select('id').where('id', '=', id).executeTakeFirst();
          if (exists === undefined) throw new PortcullisError('NOT_FOUND', `no model ${id}`, [{ field: 'id', problem: `${id} is not registered`, expected: 'the hash of a registered model' }]);
        }
        return { retired: retired?.id };
      });
    },
  };
}
export type ModelsRepo = ReturnType<typeof modelsRepo>;
