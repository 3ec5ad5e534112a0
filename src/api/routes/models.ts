import { z } from 'zod';
import { activateModel, listModels } from '../../app/models/registry.ts';
import { compareStored, evaluateStored, trainFromStore } from '../../app/models/store-models.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { COMMON, errors, IsoTime, plain } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

const ModelId = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a model id: sha256:<64 hex digits>');
const ModelOut = z.looseObject({ id: z.string(), label: z.string(), status: z.string() });
const Job = z.object({ id: z.string(), kind: z.string(), status: z.enum(['running', 'succeeded', 'failed']), progress: z.number(), message: z.string(), startedAt: z.string(), finishedAt: z.string().nullable(), result: z.unknown(), error: z.object({ code: z.string(), message: z.string() }).nullable() });
const Period = z.strictObject({ from: IsoTime.optional(), to: IsoTime.optional() });

/** Models: list, train (a background job, polled at /jobs/{id}), evaluate, compare two, activate. */
export function modelRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  const jobView = (j: NonNullable<ReturnType<typeof ctx.jobs.get>>) => ({ id: j.id, kind: j.kind, status: j.status, progress: j.progress, message: j.message, startedAt: j.startedAt, finishedAt: j.finishedAt, result: j.result, error: j.error });
  api.get('/models', { schema: { tags: ['models'], response: { 200: z.object({ models: z.array(ModelOut) }), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'model.read');
    return { models: (await listModels(ctx.app)).map(plain) };
  });
  api.post('/models/train', {
    schema: { tags: ['models'], body: z.strictObject({ label: z.enum(['illicit', 'critical']), validFrom: IsoTime, from: IsoTime.optional(), to: IsoTime.optional(), seed: z.number().int().min(1).max(2 ** 31).optional() }), response: { 202: Job, ...errors(...COMMON) } },
  }, async (req, reply) => {
    const actor = allow(req, 'model.train');
    const job = ctx.jobs.start('model.train', actor.id, (report) => trainFromStore(ctx.app, actor.id, req.body, report));
    return reply.code(202).header('location', `/api/v1/jobs/${job.id}`).send(jobView(job));
  });
  api.get('/jobs/:id', { schema: { tags: ['models'], params: z.strictObject({ id: z.uuid() }), response: { 200: Job, ...errors(...COMMON) } } }, async (req) => {
    const actor = allow(req, 'model.read');
    const job = ctx.jobs.get(req.params.id);
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
