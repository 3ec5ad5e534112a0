import { z } from 'zod';
import { exportCusres, importExchange, type ExchangeFormat, type ImportReport, type MovementImportReport } from '../../app/exchange/index.ts';
import { PortcullisError } from '../../domain/errors.ts';
import type { ApiActor } from '../ports.ts';
import { COMMON, errors, IsoTime } from '../schemas.ts';
import { BATCH_BODY_LIMIT, type Api, type RouteContext } from '../server.ts';

/**
 * Harmonised exchange (app/exchange, docs/exchange.md): declarations in as UN/EDIFACT CUSDEC or
 * WCO Data Model JSON (filed as every declaration is), cargo reports in as CUSCAR (recorded as
 * carrier movements), and decisions out as CUSRES status messages. EDIFACT comes as text/plain or
 * application/edifact. A file whose every message is rejected is a 400 naming each message, segment
 * and element; a file with good and bad messages is a 200 that files the good ones and lists the bad.
 */

const Rejection = z.object({ message: z.number(), reference: z.string().nullable(), id: z.string().nullable(), details: z.array(z.object({ row: z.number().optional(), field: z.string().optional(), problem: z.string(), expected: z.string().optional() })) });
/** The import report (app/exchange/import-declarations.ts ImportReport, import-movements.ts MovementImportReport): filed or recorded messages, and rejections with their details. */
const Report = z.looseObject({ format: z.string(), messages: z.number(), accepted: z.number(), rejected: z.number(), rejections: z.array(Rejection) });
const EdifactBody = z.string().min(1, 'an EDIFACT interchange (text/plain or application/edifact)');

/** Nothing kept: the whole request was bad input, each message named. */
function refuseIfNothingKept(r: ImportReport | MovementImportReport): void {
  // A CUSCAR message recorded again counts as accepted; a declaration filed again as a duplicate.
  const kept = 'recorded' in r ? r.accepted : r.accepted + r.duplicates;
  if (kept > 0) return;
  const details = [...r.envelope, ...r.rejections.flatMap((x) => x.details)];
  if (r.messages === 0) throw new PortcullisError('INVALID_INPUT', 'the interchange holds no message', details.length > 0 ? details : [{ field: 'UNH', problem: 'no message', expected: 'one or more messages UNH … UNT' }]);
  throw new PortcullisError('INVALID_INPUT', `none of the ${r.messages} message(s) could be imported: ${details.slice(0, 3).map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details.slice(0, 100));
}

export function exchangeRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  api.addContentTypeParser('application/edifact', { parseAs: 'string', bodyLimit: BATCH_BODY_LIMIT }, (_req, body, done) => done(null, body));
  const user = (a: ApiActor) => ({ id: a.id, roles: a.roles, ...(a.party !== undefined ? { party: a.party } : {}) });
  const run = async (actor: ApiActor, format: ExchangeFormat, body: unknown) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const r = await importExchange(ctx.app, format, text, { actor: user(actor), source: `api:${actor.id}:${format}`, decide: (ds) => ctx.decisions.decide(ds), file: (rs) => ctx.filings.file(rs) });
    refuseIfNothingKept(r);
    return { ...r, rejections: r.rejections.map((x) => ({ ...x, details: [...x.details] })) };
  };

  api.post('/exchange/cusdec', { bodyLimit: BATCH_BODY_LIMIT, schema: { tags: ['exchange'], body: EdifactBody, response: { 200: Report, ...errors(...COMMON, 413) } } }, async (req) => {
    const actor = allow(req, 'exchange.import');
    return run(actor, 'cusdec', req.body);
  });
  api.post('/exchange/cuscar', { bodyLimit: BATCH_BODY_LIMIT, schema: { tags: ['exchange'], body: EdifactBody, response: { 200: Report, ...errors(...COMMON, 413) } } }, async (req) => {
    const actor = allow(req, 'exchange.import');
    return run(actor, 'cuscar', req.body);
  });
  api.post('/exchange/wco', { bodyLimit: BATCH_BODY_LIMIT, schema: { tags: ['exchange'], body: z.union([z.looseObject({}), z.array(z.unknown()), z.string().min(1)]), response: { 200: Report, ...errors(...COMMON, 413) } } }, async (req) => {
    const actor = allow(req, 'exchange.import');
    return run(actor, 'wco-json', req.body);
  });

  api.get('/exchange/cusres', {
    schema: {
      tags: ['exchange'],
      querystring: z.strictObject({
        declaration: z.union([z.string().min(1).max(64), z.array(z.string().min(1).max(64)).max(1000)]).optional(),
        from: IsoTime.optional(),
        to: IsoTime.optional(),
        office: z.string().min(1).max(32).optional(),
        format: z.enum(['edifact', 'json']).default('edifact'),
      }),
    },
  }, async (req, reply) => {
    const actor = allow(req, 'exchange.export');
    const q = req.query;
    const ids = q.declaration === undefined ? undefined : (Array.isArray(q.declaration) ? q.declaration : [q.declaration]).flatMap((s) => s.split(',')).filter((s) => s !== '');
    const r = await exportCusres(ctx.app, user(actor), { ids, from: q.from, to: q.to, office: q.office });
    if (q.format === 'json') return reply.send({ controlReference: r.controlReference, statuses: r.statuses, undecided: r.undecided });
    return reply.type('application/edifact; charset=utf-8').header('x-cusres-messages', String(r.statuses.length)).send(r.edifact);
  });
}
