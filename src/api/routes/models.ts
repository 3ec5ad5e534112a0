import { z } from 'zod';
import { activateModel, listModels } from '../../app/models/registry.ts';
import type { JobView } from '../../app/jobs/queue.ts';
import { compareStored, evaluateStored } from '../../app/models/store-models.ts';
import { driftReport } from '../../app/targeting/drift.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { COMMON, errors, IsoTime, plain } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const ModelId = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a model id: sha256:<64 hex digits>');
const ModelOut = z.looseObject({ id: z.string(), label: z.string(), status: z.string() });
/** A background job (app/jobs): queued, running (on whichever instance took it), then succeeded with its result or failed with its error. */
export const Job = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  progress: z.number(),
  message: z.string(),
  queuedAt: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  attempts: z.number(),
  result: z.unknown(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

/** What a job's owner (and whoever may see every job) reads of it. */
export const jobView = (j: JobView): z.infer<typeof Job> => ({ id: j.id, kind: j.kind, status: j.status, progress: j.progress, message: j.message, queuedAt: j.queuedAt, startedAt: j.startedAt, finishedAt: j.finishedAt, attempts: j.attempts, result: j.result, error: j.error });
const Period = z.strictObject({ from: IsoTime.optional(), to: IsoTime.optional() });
const Level = z.enum(['stable', 'moderate', 'significant']);
const Drift = z.object({
  model: z.string(),
  reference: z.object({ from: z.string(), to: z.string(), declarations: z.number() }),
  recent: z.object({ from: z.string(), to: z.string(), declarations: z.number() }),
  score: z.object({ psi: z.number(), level: Level, bins: z.array(z.object({ from: z.number().nullable(), to: z.number().nullable(), reference: z.number(), recent: z.number() })).readonly() }),
  features: z.array(z.object({ feature: z.string(), psi: z.number(), level: Level })).readonly(),
  threshold: z.number(),
  drifted: z.boolean(),
  recommendation: z.string(),
  alert: z.string().nullable(),
});

/** Models: list, train (a background job, polled at /jobs/{id}), evaluate, compare two, activate; drift of the traffic. */
export function modelRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  api.get('/models', { schema: { tags: ['models'], response: { 200: z.object({ models: z.array(ModelOut) }), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'model.read');
    return { models: (await listModels(ctx.app)).map(plain) };
  });
  // Reading the report raises no alert (`portcullis drift --alert` does): a GET changes nothing.
  api.get('/models/drift', {
    schema: {
      tags: ['models'],
      description: "Drift of the traffic from the training period of the model in force: the population stability index (PSI) of its score and main features, declarations filed from `from` to `to` against those of the training period (or `referenceFrom` to `referenceTo`), with the score's distribution in both over the reference's deciles. 409 when no model is in force for the label.",
      querystring: z.strictObject({ from: IsoTime, to: IsoTime, referenceFrom: IsoTime.optional(), referenceTo: IsoTime.optional(), label: z.enum(['illicit', 'critical']).default('illicit') }),
      response: { 200: Drift, ...errors(...COMMON, 409) },
    },
  }, async (req) => {
    allow(req, 'model.read');
    const q = req.query;
    return driftReport(ctx.app, { recentFrom: q.from, recentTo: q.to, label: q.label, ...(q.referenceFrom === undefined ? {} : { referenceFrom: q.referenceFrom }), ...(q.referenceTo === undefined ? {} : { referenceTo: q.referenceTo }) });
  });
  api.post('/models/train', {
    schema: { tags: ['models'], body: z.strictObject({ label: z.enum(['illicit', 'critical']), validFrom: IsoTime, from: IsoTime.optional(), to: IsoTime.optional(), seed: z.number().int().min(1).max(2 ** 31).optional() }), response: { 202: Job, ...errors(...COMMON) } },
  }, async (req, reply) => {
    const actor = allow(req, 'model.train');
    const job = await ctx.jobs.send('model.train', actor.id, req.body);
    return reply.code(202).header('location', `/api/v1/jobs/${job.id}`).send(jobView(job));
  });
  // Any instance answers: on PostgreSQL the jobs are read from the store, wherever they run.
  api.get('/jobs/:id', { schema: { tags: ['models'], description: 'A background job (training, back-test, key rotation): its status, progress, result or error. Its owner reads it, and whoever may activate models.', params: z.strictObject({ id: z.uuid() }), response: { 200: Job, ...errors(...COMMON) } } }, async (req) => {
    const actor = allow(req, 'model.read');
    const job = await ctx.jobs.get(req.params.id);
    if (job === undefined || (job.owner !== actor.id && !ctx.can(actor, 'model.activate'))) throw new PortcullisError('NOT_FOUND', `no job "${req.params.id}"`);
    return jobView(job);
  });
  api.post('/models/:id/evaluate', { schema: { tags: ['models'], params: z.strictObject({ id: ModelId }), body: Period.default({}), response: { 200: z.record(z.string(), z.unknown()), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'model.evaluate');
    return { ...(await evaluateStored(ctx.app, req.params.id, req.body ?? {})) };
  });
  api.post('/models/compare', { schema: { tags: ['models'], body: Period.extend({ a: ModelId, b: ModelId }), response: { 200: z.record(z.string(), z.unknown()), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'model.evaluate');
    const { a, b, ...period } = req.body;
    return { ...(await compareStored(ctx.app, a, b, period)) };
  });
  api.post('/models/:id/activate', { schema: { tags: ['models'], params: z.strictObject({ id: ModelId }), response: { 200: ModelOut, ...errors(...COMMON) } } }, async (req) => {
    const actor = allow(req, 'model.activate');
    const m = await activateModel(ctx.app, actor.id, req.params.id);
    ctx.decisions.refresh();
    return plain(m);
  });
}
