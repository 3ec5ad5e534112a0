import type { Kysely } from 'kysely';
import { PortcullisError } from '../domain/errors.ts';
import type { RuleDefinition, RuleStatus, RuleVersion } from '../domain/rule.ts';
import type { Schema } from './schema.ts';

/** A move of a rule version to another status, with who did it and when (the fields it sets). */
export type RuleTransition = { readonly status: RuleStatus } & Partial<
  Pick<RuleVersion, 'submittedAt' | 'approvedBy' | 'approvedAt' | 'activatedBy' | 'activatedAt' | 'retiredBy' | 'retiredAt'>
>;

export interface RuleListFilter {
  readonly status?: RuleStatus;
  /** Keyset paging: the last (id, version) of the previous page. */
  readonly after?: { readonly id: string; readonly version: number };
  readonly limit?: number;
}

const definitionOf = (v: RuleVersion): RuleDefinition => {
  const d: RuleDefinition = { name: v.name, reason: v.reason, threat: v.threat, condition: v.condition, action: v.action, offices: v.offices };
  if (v.validFrom !== undefined) d.validFrom = v.validFrom;
  if (v.validTo !== undefined) d.validTo = v.validTo;
  return d;
};

/** The who/when fields that are set, without the ones that are not. */
function setFields<K extends string>(fields: Record<K, string | null>): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const [k, v] of Object.entries(fields) as [K, string | null][]) if (v !== null) out[k] = v;
  return out;
}

function toVersion(r: Schema['rules']): RuleVersion {
  return {
    id: r.id,
    version: r.version,
    status: r.status as RuleStatus,
    ...(JSON.parse(r.definition) as RuleDefinition),
    author: r.author,
    createdAt: r.created_at,
    ...setFields({
      submittedAt: r.submitted_at, approvedBy: r.approved_by, approvedAt: r.approved_at, activatedBy: r.activated_by,
      activatedAt: r.activated_at, retiredBy: r.retired_by, retiredAt: r.retired_at,
    }),
  };
}

/**
 * Rule versions. Every change of a rule is a new version; a version's status moves only by
 * `transition`, which checks in the same statement that it is still where the caller saw it. Which
 * moves are allowed, and by whom, is the app layer's to decide.
 */
export function rulesRepo(db: Kysely<Schema>) {
  return {
    /** Stores a new version; a CONFLICT error when (id, version) is taken (someone else saved first). */
    async insertVersion(v: RuleVersion): Promise<void> {
      const r = await db
        .insertInto('rules')
        .values({
          id: v.id, version: v.version, status: v.status, definition: JSON.stringify(definitionOf(v)), author: v.author, created_at: v.createdAt,
          submitted_at: v.submittedAt ?? null, approved_by: v.approvedBy ?? null, approved_at: v.approvedAt ?? null,
          activated_by: v.activatedBy ?? null, activated_at: v.activatedAt ?? null, retired_by: v.retiredBy ?? null, retired_at: v.retiredAt ?? null,
        })
        .onConflict((oc) => oc.columns(['id', 'version']).doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) {
        throw new PortcullisError('CONFLICT', `rule ${v.id} version ${v.version} exists already`, [{ field: 'version', problem: `${v.version} is taken`, expected: 'the next version of the rule' }]);
      }
    },
    /** One version, or the latest one when no version is given. */
    async get(id: string, version?: number): Promise<RuleVersion | undefined> {
      let q = db.selectFrom('rules').selectAll().where('id', '=', id);
      q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
      const r = await q.executeTakeFirst();
      return r ? toVersion(r) : undefined;
    },
    /** Every version of a rule, oldest first. */
    async versions(id: string): Promise<RuleVersion[]> {
      const rows = await db.selectFrom('rules').selectAll().where('id', '=', id).orderBy('version').execute();
      return rows.map(toVersion);
    },
    /** Versions in (id, version) order, filtered by status, one page at a time. */
    async list(f: RuleListFilter = {}): Promise<RuleVersion[]> {
      let q = db.selectFrom('rules').selectAll();
      if (f.status !== undefined) q = q.where('status', '=', f.status);
      if (f.after !== undefined) {
        const { id, version } = f.after;
        q = q.where((eb) => eb(eb.refTuple('id', 'version'), '>', eb.tuple(id, version)));
      }
      const rows = await q.orderBy('id').orderBy('version').limit(Math.min(f.limit ?? 100, 10_000)).execute();
      return rows.map(toVersion);
    },
    /** Every active version, in (id, version) order. */
    async active(): Promise<RuleVersion[]> {
      const rows = await db.selectFrom('rules').selectAll().where('status', '=', 'active').orderBy('id').orderBy('version').execute();
      return rows.map(toVersion);
    },
    /** The version number the next change of a rule gets: 1 for a new rule. */
    /** An id for a new rule: R0001, R0002, … (the insert still refuses one taken meanwhile). */
    async newId(): Promise<string> {
      const r = await db.selectFrom('rules').select((eb) => eb.fn.count<number | string>('id').distinct().as('n')).executeTakeFirst();
      for (let n = Number(r?.n ?? 0) + 1; ; n++) {
        const id = `R${String(n).padStart(4, '0')}`;
        if ((await db.selectFrom('rules').select('id').where('id', '=', id).limit(1).executeTakeFirst()) === undefined) return id;
      }
    },
    async nextVersion(id: string): Promise<number> {
      const r = await db.selectFrom('rules').select((eb) => eb.fn.max('version').as('v')).where('id', '=', id).executeTakeFirst();
      return Number(r?.v ?? 0) + 1;
    },
    /**
     * Moves a version to `patch.status` and sets the who/when fields given, only if it is still in
     * `from`: true when it moved, false when it was not there or had moved already.
     */
    async transition(id: string, version: number, from: RuleStatus, patch: RuleTransition): Promise<boolean> {
      const set: Partial<Schema['rules']> = { status: patch.status };
      if (patch.submittedAt !== undefined) set.submitted_at = patch.submittedAt;
      if (patch.approvedBy !== undefined) set.approved_by = patch.approvedBy;
      if (patch.approvedAt !== undefined) set.approved_at = patch.approvedAt;
      if (patch.activatedBy !== undefined) set.activated_by = patch.activatedBy;
      if (patch.activatedAt !== undefined) set.activated_at = patch.activatedAt;
      if (patch.retiredBy !== undefined) set.retired_by = patch.retiredBy;
      if (patch.retiredAt !== undefined) set.retired_at = patch.retiredAt;
      const r = await db.updateTable('rules').set(set).where('id', '=', id).where('version', '=', version).where('status', '=', from).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
export type RulesRepo = ReturnType<typeof rulesRepo>;
