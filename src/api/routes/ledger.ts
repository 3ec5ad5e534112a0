import { z } from 'zod';
import { declarationView, ownersOf } from '../../app/filing/declaration-views.ts';
import { latestCheckpointSize, ledgerCheckpoint, ledgerConsistency, ledgerCosign, ledgerEntriesAbout, ledgerEntry, ledgerEntryReporter, ledgerInclusion, ledgerProofBundle, ledgerVerifierKey } from '../../app/ledger/read.ts';
import { witnessVerifierKey } from '../../app/ledger/mutual-witness.ts';
import { PortcullisError } from '../../domain/errors.ts';
import type { ApiActor } from '../ports.ts';
import { COMMON, errors } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const Count = (min: number) => z.coerce.number().int().min(min).max(Number.MAX_SAFE_INTEGER);
const Subject = z.string().min(3).max(200).regex(/^[a-z]+:[A-Za-z0-9._:@/-]+$/, 'kind:id, e.g. declaration:DJICT000000001');
const Entry = z.object({ index: z.number(), type: z.string(), party: z.string(), keyId: z.string(), time: z.string(), subject: z.string().nullable(), corrects: z.number().nullable(), commitment: z.string(), signature: z.string() }).loose();
const lines = (hashes: readonly Uint8Array[]) => hashes.map((h) => `${Buffer.from(h).toString('base64')}\n`).join('');

/**
 * The ledger. Public, as a transparency log's are: the signed checkpoint (with its cosignatures),
 * the log's key, consistency proofs, and the door for witnesses' cosignatures (the paths of
 * `portcullis ledger serve`, which witnesses use). Entries and inclusion proofs need sign-in, and
 * show a trader only the entries about its own declarations, and a carrier only those of its own
 * recorded movements.
 */
export function ledgerRoutes(api: Api, ctx: RouteContext): void {
  const { allowOn } = ctx.guards;

  api.get('/ledger/checkpoint', { config: { public: true }, schema: { tags: ['ledger'], security: [], querystring: z.strictObject({ size: Count(1).optional() }) } }, async (req, reply) => {
    const p = await ledgerCheckpoint(ctx.app, req.query.size);
    if (p === undefined) throw new PortcullisError('NOT_FOUND', req.query.size !== undefined ? `no checkpoint of ${req.query.size} entries` : 'the log has signed no checkpoint yet');
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(p.note);
  });
  api.get('/ledger/key', { config: { public: true }, schema: { tags: ['ledger'], security: [] } }, async (_req, reply) => reply.type('text/plain; charset=utf-8').send(`${ledgerVerifierKey(ctx.app)}\n`));
  // This deployment's witness key: a partner registers it (`ledger keys add VKEY --role witness`) for the cosignatures this deployment adds to its checkpoints.
  api.get('/ledger/witness-key', { config: { public: true }, schema: { tags: ['ledger'], security: [] } }, async (_req, reply) => reply.type('text/plain; charset=utf-8').send(`${witnessVerifierKey(ctx.app)}\n`));
  api.get('/ledger/proof/consistency', { config: { public: true }, schema: { tags: ['ledger'], security: [], querystring: z.strictObject({ from: Count(1), to: Count(1) }) } }, async (req, reply) => {
    const { from, to } = req.query;
    const latest = await latestCheckpointSize(ctx.app);
    if (to > latest || from > to) throw new PortcullisError('INVALID_INPUT', `no consistency proof from ${from} to ${to}: the latest checkpoint covers ${latest} entries`, [{ field: 'to', problem: `${to}`, expected: `from ≤ to ≤ ${latest}` }]);
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(lines(await ledgerConsistency(ctx.app, from, to)));
  });
  api.post('/ledger/cosignatures', { config: { public: true }, schema: { tags: ['ledger'], security: [], body: z.strictObject({ size: z.number().int().min(1), line: z.string().min(1).max(2000) }), response: { 200: z.object({ added: z.boolean() }), 201: z.object({ added: z.boolean() }), ...errors(400, 403, 404) } } }, async (req, reply) => {
    const added = await ledgerCosign(ctx.app, req.body.size, req.body.line);
    return reply.code(added ? 201 : 200).send({ added });
  });

  /** Whose an entry's subject is: a declaration's importer and declarant; nobody's otherwise (staff only). */
  const ownersOfSubject = async (subject: string | null): Promise<string[]> => {
    if (subject === null || !subject.startsWith('declaration:')) return [];
    const view = await declarationView(ctx.app, subject.slice('declaration:'.length));
    return view === undefined ? [] : ownersOf(view.stored.declaration);
  };
  const entryFor = async (req: Parameters<typeof allowOn>[0], index: number, action: string): Promise<{ actor: ApiActor; entry: NonNullable<Awaited<ReturnType<typeof ledgerEntry>>> }> => {
    const entry = await ledgerEntry(ctx.app, index);
    // A declaration's entries are its importer's and declarant's; a recorded movement is its carrier's.
    const reporter = entry === undefined ? undefined : await ledgerEntryReporter(ctx.app, entry);
    const owners = entry === undefined ? [] : reporter !== undefined ? [reporter] : await ownersOfSubject(entry.subject);
    const actor = allowOn(req, action, owners, `ledger entry ${index}`);
    if (entry === undefined) throw new PortcullisError('NOT_FOUND', `no ledger entry ${index}`);
    return { actor, entry };
  };

  api.get('/ledger/entries', { schema: { tags: ['ledger'], querystring: z.strictObject({ subject: Subject }), response: { 200: z.object({ entries: z.array(Entry) }), ...errors(...COMMON) } } }, async (req) => {
    allowOn(req, 'ledger.read', await ownersOfSubject(req.query.subject), `subject ${req.query.subject}`);
    return { entries: (await ledgerEntriesAbout(ctx.app, req.query.subject)).map((e) => ({ ...e })) };
  });
  api.get('/ledger/entries/:index', { schema: { tags: ['ledger'], params: z.strictObject({ index: Count(0) }), response: { 200: Entry, ...errors(...COMMON) } } }, async (req) => ({ ...(await entryFor(req, req.params.index, 'ledger.read')).entry }));
  api.get('/ledger/entries/:index/proof', { schema: { tags: ['ledger'], params: z.strictObject({ index: Count(0) }), querystring: z.strictObject({ size: Count(1).optional() }), response: { 200: z.record(z.string(), z.unknown()), ...errors(...COMMON) } } }, async (req) => {
    await entryFor(req, req.params.index, 'ledger.prove');
    return { ...(await ledgerProofBundle(ctx.app, req.params.index, { ...(req.query.size !== undefined ? { size: req.query.size } : {}), withPayload: true })) };
  });
  api.get('/ledger/proof/inclusion', { schema: { tags: ['ledger'], querystring: z.strictObject({ index: Count(0), size: Count(1) }) } }, async (req, reply) => {
    const { index, size } = req.query;
    await entryFor(req, index, 'ledger.prove');
    const latest = await latestCheckpointSize(ctx.app);
    if (size > latest || index >= size) throw new PortcullisError('INVALID_INPUT', `no inclusion proof of entry ${index} in a tree of ${size}: the latest checkpoint covers ${latest} entries`, [{ field: 'size', problem: `${size}`, expected: `index < size ≤ ${latest}` }]);
    return reply.type('text/plain; charset=utf-8').send(lines(await ledgerInclusion(ctx.app, index, size)));
  });
}
