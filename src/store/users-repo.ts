import type { Kysely } from 'kysely';
import { PortcullisError } from '../domain/errors.ts';
import type { Role, User } from '../domain/user.ts';
import type { Schema } from './schema.ts';

/** A user as stored: who they are, since when, and whether they may still act. */
export interface StoredUser extends User {
  readonly createdAt: string;
  readonly disabled: boolean;
  /** When the user last signed in or called with a key (written at most every few minutes); null: never. */
  readonly lastSeenAt: string | null;
}

/** The people and machines that use Portcullis. A user is added once; roles change, ids never do. */
export function usersRepo(db: Kysely<Schema>) {
  const toUser = (r: Schema['users']): StoredUser => ({
    id: r.id,
    name: r.name,
    roles: JSON.parse(r.roles) as Role[],
    ...(r.party === null ? {} : { party: r.party }),
    createdAt: r.created_at,
    disabled: r.disabled === 1,
    lastSeenAt: r.last_seen_at,
  });
  return {
    /** Adds a user; a CONFLICT error when the id is taken. */
    async add(user: User, createdAt: string): Promise<void> {
      const r = await db
        .insertInto('users')
        .values({ id: user.id, name: user.name, roles: JSON.stringify(user.roles), party: user.party ?? null, created_at: createdAt, disabled: 0 })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) {
        throw new PortcullisError('CONFLICT', `user ${user.id} exists already`, [{ field: 'id', problem: `${user.id} is taken`, expected: 'an id no other user has' }]);
      }
    },
    async get(id: string): Promise<StoredUser | undefined> {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toUser(r) : undefined;
    },
    /** Users in id order, one page at a time. */
    async list(opts: { role?: Role; limit?: number; afterId?: string } = {}): Promise<StoredUser[]> {
      let q = db.selectFrom('users').selectAll();
      if (opts.role !== undefined) q = q.where('roles', 'like', `%"${opts.role}"%`);
      if (opts.afterId !== undefined) q = q.where('id', '>', opts.afterId);
      const rows = await q.orderBy('id').limit(Math.min(opts.limit ?? 100, 10_000)).execute();
      return rows.map(toUser);
    },
    /** Replaces a user's roles; false when there is no such user. */
    async setRoles(id: string, roles: readonly Role[]): Promise<boolean> {
      const r = await db.updateTable('users').set({ roles: JSON.stringify(roles) }).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Disables a user (or enables one again); false when there is no such user. */
    async setDisabled(id: string, disabled: boolean): Promise<boolean> {
      const r = await db.updateTable('users').set({ disabled: disabled ? 1 : 0 }).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
export type UsersRepo = ReturnType<typeof usersRepo>;
