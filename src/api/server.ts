import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../app/context.ts';
import { registerErrorHandler } from './plugins/errors.ts';
import { securityHeaders } from './plugins/security-headers.ts';
import { liveRoutes, liveStreams, type LiveOptions, type LiveStreams } from './routes/live.ts';
import { guards, registerAuth, type ApiDeps } from './plugins/auth.ts';
import type { AuthPort, Can } from './ports.ts';
import { healthRoutes } from './routes/health.ts';
import { authRoutes } from './routes/auth.ts';
import { userRoutes } from './routes/users.ts';
import { partyRoutes } from './routes/parties.ts';
import { declarationRoutes } from './routes/declarations.ts';
import { worklistRoutes } from './routes/worklist.ts';
import { inspectionRoutes } from './routes/inspections.ts';
import { ruleRoutes } from './routes/rules.ts';
import { modelRoutes } from './routes/models.ts';
import { alertRoutes } from './routes/alerts.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { movementRoutes } from './routes/movements.ts';
import { iotRoutes } from './routes/iot.ts';
import { keyRoutes } from './routes/keys.ts';
import { discrepancyRoutes } from './routes/discrepancies.ts';
import { riskAlertRoutes } from './routes/risk-alerts.ts';
import { exchangeRoutes } from './routes/exchange.ts';
import { openDecisionQueue, type DecisionQueue } from '../app/filing/decision-queue.ts';
import { openFilingQueue, type FilingQueue } from '../app/filing/filing-queue.ts';
import { parsePartnerLogs, startWitnessing } from '../app/ledger/mutual-witness.ts';
import { ledgerOf } from '../app/ledger/ledger.ts';
import { DATA_KEYS_TOPIC, liveCodecOf } from '../app/security/data-keys.ts';
import { whileSequencer } from '../app/ledger/sequencer-duties.ts';
import { openJobQueue, type JobQueueOptions } from '../app/jobs/open.ts';
import { rescoreThroughQueue } from '../app/jobs/handlers.ts';
import type { JobQueue } from '../app/jobs/queue.ts';
import { startIotService, type IotService, type IotServiceOptions } from '../app/iot/service.ts';
import type { FastifyBaseLogger, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';

export const API = '/api/v1';
/** Default request body limit: 1 MB. The batch filing route takes more. */
export const BODY_LIMIT = 1024 * 1024;
export const BATCH_BODY_LIMIT = 5 * 1024 * 1024;

export interface ServerOptions {
  readonly auth: AuthPort<AppContext>;
  readonly can: Can;
  /** pino logging (true: info to stdout; a stream: there, for tests), or off. */
  readonly logger?: boolean | { readonly level: string; readonly stream?: NodeJS.WritableStream };
  /** Requests per minute per client on every route (default 6,000), and on sign-in (default 10). */
  readonly rateLimit?: { readonly max: number; readonly loginMax: number };
  /** The web application's files: web/dist when built, else web/static. */
  readonly webRoot?: string;
  /** Container telemetry over MQTT (MQTT_URL's broker, or an embedded one); off when absent. */
  readonly iot?: Omit<IotServiceOptions, 'decide' | 'onError'>;
  /** The worklist's change stream: how often the store is asked, how long a stream lives. */
  readonly live?: Omit<LiveOptions, 'onError'>;
  /**
   * Witnessing the partners' logs of PORTCULLIS_WITNESS_LOGS (app/ledger/mutual-witness.ts): a
   * round every `intervalMs` (10 s); none when the configuration names no partner.
   */
  readonly witness?: { readonly intervalMs: number };
  /** The job queue's settings (PostgreSQL; `portcullis serve` reads them from PORTCULLIS_JOB_*, docs/jobs.md). */
  readonly jobs?: JobQueueOptions;
}

export type ApiServer = FastifyInstance;

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
const WEB_STATIC = fileURLToPath(new URL('../../web/static', import.meta.url));

/** What the logs never hold: credentials, cookies, passwords, tokens, keys, request bodies. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.body',
  'body',
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  'refreshToken',
  '*.accessToken',
  '*.refreshToken',
  'apiKey',
  '*.apiKey',
  'key',
  '*.key',
  'res.headers["set-cookie"]',
];

function loggerOptions(logger: ServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  return {
    level: logger === true ? 'info' : logger.level,
    ...(logger !== true && logger.stream !== undefined ? { stream: logger.stream } : {}),
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: {
      // Method and path only: query strings can carry ids and search terms.
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/**
 * The Portcullis service: the REST API under /api/v1 with its OpenAPI document, health and
 * readiness, and the web application's files, hardened (security headers, rate limits, body
 * limits, strict validation, CORS closed unless configured). The caller listens and closes.
 */
export async function buildServer(app: AppContext, opts: ServerOptions): Promise<ApiServer> {
  const tls = app.config.security.tls;
  const server = Fastify({
    logger: loggerOptions(opts.logger),
    bodyLimit: BODY_LIMIT,
    // Idle keep-alive connections are closed at shutdown; requests under way finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    requestIdHeader: false,
    ...(tls !== undefined ? { https: { cert: readFileSync(tls.cert), key: readFileSync(tls.key) } } : {}),
  }) as unknown as FastifyInstance;
  // At shutdown, answers close their connection, so that a keep-alive client does not hold the
  // server open after its request under way is answered.
  let closing = false;
  const live = liveStreams(app, { ...opts.live, onError: (e) => server.log.error({ err: e }, 'worklist changes') });
  server.addHook('preClose', async () => {
    closing = true;
    // Event streams never finish by themselves: ended here, or close would wait for them.
    live.endAll();
  });
  server.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(server);

  const helmetOptions = {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    hsts: tls !== undefined,
  };
  // Every answer gets helmet's headers, computed once (plugins/security-headers.ts); the plugin
  // stays registered, not global, for a route that needs other options (reply.helmet()).
  await server.register(helmet, { ...helmetOptions, global: false });
  const headers = securityHeaders(helmetOptions);
  server.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
  await server.register(cors, app.config.security.corsOrigins.length === 0 ? { origin: false } : { origin: [...app.config.security.corsOrigins], credentials: false });
  await server.register(rateLimit, {
    global: true,
    max: opts.rateLimit?.max ?? 6000,
    timeWindow: 60_000,
    // Thrown, and answered by the error handler in the one error shape.
    errorResponseBuilder: (_req, ctx) => Object.assign(new Error(`too many requests: try again in ${ctx.after}`), { statusCode: 429 }),
  });
  await server.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Portcullis API', version: '1.0.0', description: 'Customs risk evaluation: declarations, decisions, the analyst worklist, rules, models and the shared ledger.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });

  // What the server opens is closed with it, the newest first; and at once when building fails
  // part-way, so that a process whose start failed is not held open by a queue or session it opened.
  const opened: Array<() => Promise<void> | void> = [];
  const closeOpened = async (): Promise<void> => {
    for (let c = opened.pop(); c !== undefined; c = opened.pop()) await c();
  };
  server.addHook('onClose', closeOpened);
  try {
    const decisions = openDecisionQueue(app);
    opened.push(() => decisions.close());
    const filings = openFilingQueue(app, { decide: (ds) => decisions.decide(ds), decideFiled: (ds) => decisions.decideFiled(ds) });
    opened.push(() => filings.close());
    // Background jobs (issue 9): on PostgreSQL a queue every instance works (pg-boss), on SQLite this process's own; docs/jobs.md.
    const jobs = await openJobQueue(app, { decide: (ds) => decisions.decide(ds), onError: (e, j) => server.log.error({ err: e, job: j.id, kind: j.kind }, 'job') }, opts.jobs ?? {});
    opened.push(() => jobs.close());
    // Telemetry (issue 7): the devices' topic on the broker, alerts deciding their consignments again through the same queue.
    // With several instances on PostgreSQL (issue 9), the devices' one persistent MQTT session and
    // the witnessing of partners' logs are held by the instance that sequences the ledger, and move
    // with it when it dies (sequencer-duties.ts); on SQLite this process simply holds them.
    const ledger = ledgerOf(app);
    await ledger.start();
    // Keys rotated by another instance: this one seals under the new current key too.
    const unwatchKeys = await app.store.signals?.subscribe(DATA_KEYS_TOPIC, () => liveCodecOf(app.store)?.reload());
    opened.push(() => unwatchKeys?.());
    const iotOptions = opts.iot;
    const telemetry = iotOptions === undefined ? undefined : whileSequencer(ledger, () => startIotService(app, { ...iotOptions, decide: (ds) => decisions.decide(ds), ...(jobs.shared ? { rescore: (ids) => rescoreThroughQueue(app, jobs, ids) } : {}), onError: (e) => server.log.error({ err: e }, 'telemetry') }), (e) => server.log.error({ err: e }, 'telemetry: start or stop failed'));
    opened.push(() => telemetry?.close());
    await telemetry?.ready;
    const iot = telemetry?.current;
    if (iot !== undefined) server.decorate('iotBroker', `${iot.brokerUrl}${iot.embedded ? ' (embedded broker)' : ''}`);
    // Partners' logs witnessed with this deployment's cosignature key (issue 9, mutual witnessing).
    const partners = parsePartnerLogs(app.config.ledger.witnessLogs);
    const witnessing = whileSequencer(
      ledger,
      async () =>
        startWitnessing(app, partners, {
          intervalMs: opts.witness?.intervalMs ?? 10_000,
          onReport: (p, r) => (r.kind === 'split-view' ? server.log.error({ log: p.url, reason: r.reason, evidence: r.evidence }, 'witness: split view') : r.kind === 'cosigned' && server.log.info({ log: p.url, size: r.size }, 'witness: cosigned')),
          onError: (p, e) => server.log.warn({ log: p.url, err: e }, 'witness: round failed'),
        }),
      (e) => server.log.error({ err: e }, 'witness: start or stop failed'),
    );
    opened.push(() => witnessing.close());
    const deps: ApiDeps = { app, auth: opts.auth, can: opts.can };
    registerAuth(server, deps);
    const ctx = {
      ...deps,
      guards: guards(opts.can),
      decisions,
      filings,
      jobs,
      // This instance's telemetry service, while it holds it.
      get iot() {
        return telemetry?.current;
      },
      live,
      loginMax: opts.rateLimit?.loginMax ?? 10,
    };

    const api = server.withTypeProvider<ZodTypeProvider>();
    api.get(`${API}/openapi.json`, { config: { public: true }, schema: { hide: true } }, async () => server.swagger());
    healthRoutes(api, ctx);
    await server.register(async (v1) => {
      const r = v1.withTypeProvider<ZodTypeProvider>();
      authRoutes(r, ctx);
      userRoutes(r, ctx);
      partyRoutes(r, ctx);
      declarationRoutes(r, ctx);
      worklistRoutes(r, ctx);
      liveRoutes(r, ctx);
      inspectionRoutes(r, ctx);
      ruleRoutes(r, ctx);
      modelRoutes(r, ctx);
      alertRoutes(r, ctx);
      dashboardRoutes(r, ctx);
      ledgerRoutes(r, ctx);
      movementRoutes(r, ctx);
      iotRoutes(r, ctx);
      keyRoutes(r, ctx);
      discrepancyRoutes(r, ctx);
      riskAlertRoutes(r, ctx);
      exchangeRoutes(r, ctx);
    }, { prefix: API });

    const root = opts.webRoot ?? (existsSync(WEB_DIST) ? WEB_DIST : WEB_STATIC);
    if (existsSync(root)) await server.register(fastifyStatic, { root, index: 'index.html', wildcard: false });
    return server;
  } catch (e) {
    await closeOpened().catch(() => undefined);
    throw e;
  }
}

export type RouteContext = ApiDeps & { readonly guards: ReturnType<typeof guards>; readonly decisions: DecisionQueue; readonly filings: FilingQueue; readonly jobs: JobQueue; readonly iot: IotService | undefined; readonly live: LiveStreams; readonly loginMax: number };
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/**
 * Graceful shutdown: stop accepting, let requests under way finish, then close the application
 * (which writes what the ledger was asked to record and signs a last checkpoint).
 */
export async function shutdown(server: ApiServer, app: AppContext, graceMs = 30_000): Promise<void> {
  // Requests still running after the grace period are cut off, so that a stuck client cannot keep the ledger from closing.
  const cut = setTimeout(() => server.server.closeAllConnections(), graceMs);
  try {
    await server.close();
  } finally {
    clearTimeout(cut);
    await app.close();
  }
}
