import type { Kysely } from 'kysely';
import type { Party, PartyRole } from '../domain/party.ts';
import { fieldCodecOf } from './field-codec.ts';
import type { Schema } from './schema.ts';

/** Traders and operators: saved whole (insert or replace), read by id or listed by role. */
export function partiesRepo(db: Kysely<Schema>) {
  const codec = fieldCodecOf(db);
  const toParty = (r: Schema['parties']): Party => ({
    id: r.id,
    name: codec.open('parties', 'name', r.id, r.name),
    roles: JSON.parse(r.roles) as PartyRole[],
    country: r.country,
    aeo: r.aeo === 1,
  });
  return {
    async upsert(parties: readonly Party[], now: string): Promise<void> {
      for (let i = 0; i < parties.length; i += 500) {
        const rows = parties.slice(i, i + 500).map((p) => ({
          id: p.id, name: codec.seal('parties', 'name', p.id, p.name), roles: JSON.stringify(p.roles), country: p.country, aeo: p.aeo ? 1 : 0, updated_at: now,
        }));
        await db
          .insertInto('parties')
          .values(rows)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              name: eb.ref('excluded.name'), roles: eb.ref('excluded.roles'), country: eb.ref('excluded.country'),
              aeo: eb.ref('excluded.aeo'), updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    },
    async get(id: string): Promise<Party | undefined> {
      const r = await db.selectFrom('parties').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toParty(r) : undefined;
    },
    async list(opts: { role?: PartyRole; limit?: number; afterId?: string } = {}): Promise<Party[]> {
      let q = db.selectFrom('parties').selectAll();
      if (opts.role !== undefined) q = q.where('roles', 'like', `%"${opts.role}"%`);
      if (opts.afterId !== undefined) q = q.where('id', '>', opts.afterId);
      const rows = await q.orderBy('id').limit(Math.min(opts.limit ?? 100, 10_000)).execute();
      return rows.map(toParty);
    },
  };
}
export type PartiesRepo = ReturnType<typeof partiesRepo>;
