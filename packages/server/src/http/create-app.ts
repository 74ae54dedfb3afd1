import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance } from 'fastify'
import { createProjectAlerts, type ProjectAlerts } from '../alerts/project-alerts.js'
import type { IngestTotals, Meta } from '../api/api-types.js'
import { Credentials } from '../auth/credentials.js'
import { Sessions } from '../auth/sessions.js'
import { type BudgetService, createBudgetService } from '../budgets/budget-service.js'
import { demoState } from '../demo/demo-project.js'
import { BODY_LIMIT, isGzip, type RawBody } from '../ingest/decode-body.js'
import type { FlushReport } from '../ingest/ingest-buffer.js'
import { ingestPath } from '../ingest/ingest-path.js'
import { createUnpricedWarning } from '../ingest/unpriced-models.js'
import type { InvoiceSyncJob } from '../jobs/invoice-sync-job.js'
import { createMetricsService } from '../metrics/metrics-service.js'
import { DEFAULT_QUERY_TIMEOUT_MS } from '../query/time-limit.js'
import type { InvoiceProvider } from '../schema/invoice-table.js'
import type { Store } from '../store/store.js'
import { SERVER_VERSION } from '../version.js'
import { registerAdminRoutes } from './admin-routes.js'
import { registerAlertConfigRoutes } from './alert-config-routes.js'
import { registerAnomalyRoutes } from './anomaly-routes.js'
import { registerAuthRoutes } from './auth-routes.js'
import { registerAuthentication } from './authenticate.js'
import { registerBudgetRoutes } from './budget-routes.js'
import { registerEconomicsRoutes } from './economics-routes.js'
import { errorAnswer } from './error-answer.js'
import { hostChecker } from './host-check.js'
import { errorBody } from './http-error.js'
import { registerInvoiceRoutes } from './invoice-routes.js'
import { registerMetricsRoute } from './metrics-route.js'
import { registerModelRoutes } from './model-routes.js'
import { registerOtlpRoute } from './otlp-route.js'
import { registerQueryRoutes } from './query-routes.js'
import { DEFAULT_RATE_LIMITS, type RateLimits, registerRateLimits } from './rate-limits.js'
import { registerReportRoutes } from './report-routes.js'

export type { RateLimits }

export interface AppOptions {
  store: Store
  /** Log every request (`--log`). Without it only warnings and server errors (5xx) are logged, with their cause. */
  logger?: boolean
  /** Where the log goes (default stdout), one JSON line per entry. */
  logStream?: { write(line: string): unknown }
  /**
   * Worker threads decoding ingest bodies (ingest-workers.ts; default: every core but one, at most
   * four); 0 decodes on the server's thread.
   */
  ingestWorkers?: number
  /**
   * Days before the server's clock an event's `ts` may lie (default 30; Infinity: any age); older
   * events are rejected, each with its reason (ingest/event-window.ts).
   */
  maxEventAgeDays?: number
  /** Folder with the built dashboard; defaults to the one built into this package. */
  publicDir?: string
  /**
   * Host names the server answers besides IP addresses and `localhost` (host-check.ts); `*`
   * answers every name. Other `Host` headers get a 403, against DNS rebinding.
   */
  allowedHosts?: readonly string[]
  /** How long one query may run before the engine's work on it is cancelled (default 30 s; query/time-limit.ts). */
  queryTimeoutMs?: number
  /**
   * The store's keys and users (auth/credentials.ts); opened from the store when not given. A store
   * without any keeps the server open (start-server.ts decides where that is allowed).
   */
  credentials?: Credentials
  /** Requests per minute per credential (per address on an open server); 0 for no limit. */
  rateLimits?: RateLimits
  /** The background sync of the providers' reports, whose state the invoice routes show (jobs/invoice-sync-job.ts). */
  invoiceSync?: InvoiceSyncJob
  /**
   * Every project's alerts configuration and queue (alerts/project-alerts.ts), which the alert
   * configuration routes change; made from the store, without a file, when not given.
   */
  alerts?: ProjectAlerts
  /** The budgets and their spend (budgets/budget-service.ts); made from the store, without a file, when not given. */
  budgets?: BudgetService
  /**
   * GET /metrics (docs/metrics.md): values kept per label before the rest is summed under
   * `__other__` (default 10; `spendlens serve --metrics-top`), and how long the store's figures are
   * reused between scrapes (default 10 s).
   */
  metrics?: { top?: number; cacheMs?: number }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered (method and URL pattern), HEAD aside. */
    routeList: readonly { method: string; url: string }[]
  }
}

/**
 * Slow or idle clients are dropped: all headers within 10 s, the whole request within 60 s, an idle
 * keep-alive connection after 65 s, any connection silent for 2 minutes; at most 4,096 connections.
 */
export const CONNECTION_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  connectionTimeoutMs: 120_000,
  maxConnections: 4096,
} as const

/** A Host header's name, for the hint in the refusal. */
function hostName(host: string | undefined): string {
  return (host ?? '').replace(/:\d+$/, '')
}

export function defaultPublicDir(): string {
  return fileURLToPath(new URL('../public/', import.meta.url))
}

export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const { store } = options
  // A 5xx is always logged: an operator must be able to see why a request failed without
  // restarting with --log.
  const app = Fastify({
    logger: {
      // Warnings too (an unpriced model, once per model): they are few and each needs acting on.
      level: options.logger ? 'info' : 'warn',
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    bodyLimit: BODY_LIMIT,
    requestTimeout: CONNECTION_LIMITS.requestTimeoutMs,
    // Node looks for connections past their header or request time every 30 s by default, so a slow
    // client could hold on for 40 s instead of 10: look every second.
    http: { connectionsCheckingInterval: 1000 },
    keepAliveTimeout: CONNECTION_LIMITS.keepAliveTimeoutMs,
    connectionTimeout: CONNECTION_LIMITS.connectionTimeoutMs,
  })
  // Every route, for the security suite's table of routes × roles (test/security.test.ts).
  const routes: { method: string; url: string }[] = []
  app.decorate('routeList', routes)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url })
  })
  app.server.headersTimeout = CONNECTION_LIMITS.headersTimeoutMs
  app.server.maxConnections = CONNECTION_LIMITS.maxConnections

  app.setErrorHandler((error, request, reply) => {
    const answer = errorAnswer(error)
    if (answer.log) request.log.error(error)
    // A refusal that passes (store_unavailable, rate_limited) says when to retry.
    if (answer.retryAfterSeconds !== undefined) reply.header('retry-after', String(answer.retryAfterSeconds))
    return reply.status(answer.status).send(errorBody(answer.code, answer.message, answer.details))
  })
  const hostAllowed = hostChecker(options.allowedHosts)
  app.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host
    if (hostAllowed(host)) return
    return reply
      .status(403)
      .send(
        errorBody(
          'host_not_allowed',
          `this server does not answer for the host ${JSON.stringify(host)}; start it with --allowed-hosts ${hostName(host)} if that name is its own`,
        ),
      )
  })

  const credentials = options.credentials ?? (await Credentials.open(store))
  if (!options.credentials) app.addHook('onClose', () => credentials.close())
  const auth = { credentials, sessions: new Sessions() }
  await registerAuthentication(app, auth)
  await registerRateLimits(app, { ...DEFAULT_RATE_LIMITS, ...options.rateLimits })
  registerAuthRoutes(app, { ...auth, store })

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  )

  // Concurrent requests are stored together, one append per flush (see IngestBuffer), decoded into
  // the store's format on worker threads (ingest-workers.ts). Every flush is logged and counted.
  const ingestTotals: IngestTotals = {
    flushes: 0,
    requests: 0,
    events: 0,
    inserted: 0,
    replaced: 0,
    duplicates: 0,
  }
  const onFlush = (report: FlushReport) => {
    ingestTotals.flushes++
    for (const key of ['requests', 'events', 'inserted', 'replaced', 'duplicates'] as const)
      ingestTotals[key] += report[key]
    app.log.debug({ flush: report }, 'ingest flush')
  }
  const budgets = options.budgets ?? createBudgetService({ store })
  const liveSync = (project: string) => {
    const job = options.invoiceSync
    return job && job.project === project ? (provider: InvoiceProvider) => job.live(provider) : undefined
  }
  const metrics = createMetricsService({
    store,
    budgets,
    queryTimeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    liveSync,
    ...options.metrics,
  })
  const ingest = ingestPath(store, {
    workers: options.ingestWorkers,
    onFlush,
    maxEventAgeDays: options.maxEventAgeDays,
    // Once per project and model, not per event (docs/pricing.md, "Unpriced models").
    onUnpriced: createUnpricedWarning((fields, message) => app.log.warn(fields, message)),
  })
  app.addHook('onClose', () => ingest.close())

  await app.register(async (scope) => {
    // Ingest bodies arrive as bytes, decoded (gzip, JSON) where the path decodes them. Fastify's
    // limit applies to the bytes received; the decompressed size is checked when inflating.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(
      // Protobuf for POST /v1/traces (OTLP/HTTP), which also takes JSON.
      [
        'application/json',
        'application/x-ndjson',
        'application/ndjson',
        'application/x-protobuf',
        'application/protobuf',
      ],
      { parseAs: 'buffer' },
      (_request, body, done) => done(null, body),
    )
    scope.post('/v1/events', async (request, reply) => {
      const body: RawBody = {
        bytes: request.body as Buffer,
        gzip: isGzip(request.headers['content-encoding']),
        ndjson: /ndjson/i.test(request.headers['content-type'] ?? ''),
      }
      // The bytes are garbage once decoded: nothing should keep them alive while the batch waits.
      request.body = undefined
      const result = await ingest.ingest(body, request.project)
      metrics.countIngest(request.project, result)
      return reply.status(result.rejected === result.results.length ? 400 : 200).send(result)
    })
    await registerOtlpRoute(scope, ingest, (project, result) => metrics.countIngest(project, result))
  })

  app.get('/api/meta', async (request) => {
    const [stats, demo] = await Promise.all([store.stats(request.project), demoState(store)])
    return {
      version: SERVER_VERSION,
      store: { engine: store.engine, path: store.location },
      demo: {
        loaded: demo !== null && demo.project === request.project,
        loaded_at: demo?.loadedAt ?? null,
        project: demo?.project ?? null,
      },
      ...stats,
      ingest: { ...ingestTotals },
    } satisfies Meta
  })

  registerQueryRoutes(app, store, { queryTimeoutMs: options.queryTimeoutMs })
  registerInvoiceRoutes(app, store, options.invoiceSync)
  registerModelRoutes(app, store, { queryTimeoutMs: options.queryTimeoutMs })
  registerEconomicsRoutes(app, store, {
    maxEventAgeDays: options.maxEventAgeDays,
    queryTimeoutMs: options.queryTimeoutMs,
  })
  const alerts = options.alerts ?? (await createProjectAlerts({ store }))
  if (!options.alerts) app.addHook('onClose', () => alerts.close())
  registerAnomalyRoutes(app, store, alerts)
  registerAlertConfigRoutes(app, alerts)
  registerBudgetRoutes(app, budgets)
  registerMetricsRoute(app, metrics)
  registerReportRoutes(app, (project) => ({
    store,
    budgets,
    liveSync: liveSync(project),
    queryTimeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
  }))
  registerAdminRoutes(app, store)

  const publicDir = options.publicDir ?? defaultPublicDir()
  if (existsSync(publicDir)) {
    await app.register(fastifyStatic, { root: publicDir, prefix: '/' })
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/plain')
        .send(
          `The dashboard is not built (${publicDir} is missing). Run \`npm run build\` in the spendlens repository.`,
        ),
    )
  }
  return app
}
