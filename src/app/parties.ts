import { PortcullisError } from '../domain/errors.ts';
import { Party, type PartyRole } from '../domain/party.ts';
import { partiesRepo } from '../store/index.ts';
import type { AppContext } from './context.ts';
import { recordPrivileged } from './ledger/record.ts';

/** Traders and operators: listed, read, and recorded (insert or replace, in the ledger). */
export const listParties = (app: AppContext, o: { role?: PartyRole; afterId?: string; limit?: number }) => partiesRepo(app.store.db).list(o);
export const getParty = (app: AppContext, id: string) => partiesRepo(app.store.db).get(id);

export async function upsertParty(app: AppContext, actor: string, input: unknown): Promise<Party> {
  const r = Party.safeParse(input);
  if (!r.success) throw new PortcullisError('INVALID_INPUT', 'the party is not valid', r.error.issues.map((i) => ({ field: i.path.join('.') || '(party)', problem: i.message, expected: i.path[0] === 'country' ? 'an ISO 3166-1 alpha-2 code' : i.path[0] === 'roles' ? 'importer, declarant, seller, exporter, courier or carrier' : 'a valid value' })));
  await partiesRepo(app.store.db).upsert([r.data], app.clock().toISOString());
  await recordPrivileged(app, actor, 'party.upsert', `party:${r.data.id}`, { party: r.data });
  return r.data;
}
