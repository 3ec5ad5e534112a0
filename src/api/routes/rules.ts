import { z } from 'zod';
import { backtestRule } from '../../app/targeting/backtest.ts';
import { effectivenessReport } from '../../app/targeting/effectiveness.ts';
import { activateRule, approveRule, checkDefinition, draftRule, getRule, listRules, retireRule, reviseRule, ruleVersions, submitRule } from '../../app/targeting/rules.ts';
import { RuleDefinition, RuleStatus } from '../../domain/rule.ts';
import { COMMON, errors, IdParams, IsoTime, Limit, plain } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';
import { Job, jobView } from './models.ts';

const RuleOut = z.looseObject({ id: z.string(), version: z.number(), status: RuleStatus });
const Period = z.strictObject({ from: IsoTime, to: IsoTime, office: z.string().min(1).max(32).optional() });
const VersionBody = z.strictObject({ version: z.number().int().min(1).optional() }).default({});

/** Analysts' rules: author, revise, back-test, submit, approve and activate (four eyes), retire; and their effectiveness. */
export function ruleRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  api.get('/rules', { schema: { tags: ['rules'], querystring: z.strictObject({ status: RuleStatus.optional(), limit: Limit }), response: { 200: z.object({ rules: z.array(RuleOut) }), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'rule.read');
    return { rules: (await listRules(ctx.app, { ...(req.query.status ? { status: req.query.status } : {}), limit: req.query.limit })).map(plain) };
  });
  api.post('/rules', { schema: { tags: ['rules'], body: RuleDefinition, response: { 201: RuleOut, ...errors(...COMMON) } } }, async (req, reply) => {
    const actor = allow(req, 'rule.author');
    return reply.code(201).send(plain(await draftRule(ctx.app, actor.id, req.body)));
  });
  api.get('/rules/:id', { schema: { tags: ['rules'], params: IdParams, response: { 200: z.object({ rule: RuleOut, versions: z.array(RuleOut) }), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'rule.read');
    return { rule: plain(await getRule(ctx.app, req.params.id)), versions: (await ruleVersions(ctx.app, req.params.id)).map(plain) };
  });
  api.post('/rules/:id/versions', { schema: { tags: ['rules'], params: IdParams, body: RuleDefinition, response: { 201: RuleOut, ...errors(...COMMON) } } }, async (req, reply) => {
    const actor = allow(req, 'rule.author');
    return reply.code(201).send(plain(await reviseRule(ctx.app, actor.id, req.params.id, req.body)));
  });
  api.post('/rules/backtest', { schema: { tags: ['rules'], body: z.strictObject({ rule: z.unknown(), period: Period }), response: { 200: z.record(z.string(), z.unknown()), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'rule.backtest');
    return { ...(await backtestRule(ctx.app, req.body.rule, req.body.period)) };
  });
  api.post('/rules/:id/backtest', { schema: { tags: ['rules'], params: IdParams, body: Period.extend({ version: z.number().int().min(1).optional() }), response: { 200: z.record(z.string(), z.unknown()), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'rule.backtest');
    const { version, ...period } = req.body;
    return { ...(await backtestRule(ctx.app, await getRule(ctx.app, req.params.id, version), period)) };
  });
  // The same back-tests as a background job (app/jobs): answered at once with the job, read at /jobs/{id};
  // on PostgreSQL any instance may run it, and the result is kept with the job.
  api.post('/rules/backtest-jobs', {
    schema: {
      tags: ['rules'],
      description: 'Queues a back-test: of a rule as written (`rule`), or of a stored rule (`ruleId`, its latest version unless `version`). 202 with the job; its result is at /jobs/{id} once it has succeeded.',
      body: z.union([z.strictObject({ rule: z.unknown(), period: Period }), z.strictObject({ ruleId: IdParams.shape.id, version: z.number().int().min(1).optional(), period: Period })]),
      response: { 202: Job, ...errors(...COMMON) },
    },
  }, async (req, reply) => {
    const actor = allow(req, 'rule.backtest');
    const b = req.body;
    const period = { from: b.period.from, to: b.period.to, ...(b.period.office === undefined ? {} : { office: b.period.office }) };
    // Checked now, so that a wrong rule is answered here rather than as a failed job.
    const input = 'ruleId' in b ? { ruleId: b.ruleId, version: (await getRule(ctx.app, b.ruleId, b.version)).version, period } : { rule: checkDefinition(b.rule), period };
    const job = await ctx.jobs.send('rule.backtest', actor.id, input);
    return reply.code(202).header('location', `/api/v1/jobs/${job.id}`).send(jobView(job));
  });
  const step = (verb: 'submit' | 'approve' | 'activate' | 'retire', action: string, run: typeof submitRule) =>
    api.post(`/rules/:id/${verb}`, { schema: { tags: ['rules'], params: IdParams, body: VersionBody, response: { 200: RuleOut, ...errors(...COMMON, 409) } } }, async (req) => {
      const actor = allow(req, action);
      const v = await run(ctx.app, actor.id, req.params.id, req.body?.version);
      // Rules in force changed: the next filing is decided under them.
      if (verb === 'activate' || verb === 'retire') ctx.decisions.refresh();
      return plain(v);
    });
  step('submit', 'rule.submit', submitRule);
  step('approve', 'rule.approve', approveRule);
  step('activate', 'rule.approve', activateRule);
  step('retire', 'rule.retire', retireRule);
  api.get('/effectiveness', { schema: { tags: ['rules'], querystring: Period, response: { 200: z.record(z.string(), z.unknown()), ...errors(...COMMON) } } }, async (req) => {
    allow(req, 'rule.read');
    return { ...(await effectivenessReport(ctx.app, { from: req.query.from, to: req.query.to, ...(req.query.office ? { office: req.query.office } : {}) })) };
  });
}
