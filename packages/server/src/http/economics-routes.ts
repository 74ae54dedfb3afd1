import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { RevenueAnswer } from '../api/api-types.js'
import { ingestOutcomes } from '../economics/ingest-outcomes.js'
import {
  checkUnique,
  readRevenue,
  revenueAnswer,
  revenueEntrySchema,
  writeRevenue,
} from '../economics/revenue.js'
import { DEFAULT_MAX_COST_SHARE, unitEconomics } from '../economics/unit-economics.js'
import { isGzip, type RawBody } from '../ingest/decode-body.js'
import { DEFAULT_MAX_EVENT_AGE_DAYS, eventWindow } from '../ingest/event-window.js'
import { DEFAULT_QUERY_TIMEOUT_MS } from '../query/time-limit.js'
import type { Store } from '../store/store.js'
import { HttpError } from './http-error.js'
import { describeZodError, parseOrThrow, parseScope } from './query-params.js'
import { asHttpError } from './query-routes.js'

/** The most entries one PUT /api/revenue holds: a customer a month for years of a large book. */
export const MAX_REVENUE_ENTRIES = 100_000

const revenueBody = z.strictObject({
  revenue: z.array(revenueEntrySchema).max(MAX_REVENUE_ENTRIES, {
    error: `at most ${MAX_REVENUE_ENTRIES.toLocaleString('en-US')} entries`,
  }),
})

const economicsParams = z.object({
  max_cost_share: z.coerce.number().min(0).max(100).default(DEFAULT_MAX_COST_SHARE),
  limit: z.coerce.number().int().min(1).max(10_000).default(200),
})

export interface EconomicsRouteOptions {
  /** The ingest window's days back (AppOptions.maxEventAgeDays): outcomes are held to it as events are. */
  maxEventAgeDays?: number
  queryTimeoutMs?: number
}

/**
 * Unit economics (docs/decisions.md): business outcomes in (POST /v1/outcomes, an ingest key), what
 * each customer pays (GET and PUT /api/revenue, admin), and the cost per outcome and margin per
 * customer that come of them (GET /api/unit-economics, read).
 */
export function registerEconomicsRoutes(
  app: FastifyInstance,
  store: Store,
  options: EconomicsRouteOptions = {},
) {
  const maxAgeDays = options.maxEventAgeDays ?? DEFAULT_MAX_EVENT_AGE_DAYS
  const timeLimit = { timeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS }

  app.register(async (scope) => {
    // As /v1/events: the body as bytes (maybe gzipped, maybe NDJSON), decoded by the ingest path.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(
      ['application/json', 'application/x-ndjson', 'application/ndjson'],
      { parseAs: 'buffer' },
      (_request, body, done) => done(null, body),
    )
    scope.post('/v1/outcomes', async (request, reply) => {
      const body: RawBody = {
        bytes: request.body as Buffer,
        gzip: isGzip(request.headers['content-encoding']),
        ndjson: /ndjson/i.test(request.headers['content-type'] ?? ''),
      }
      const answer = await ingestOutcomes(store, body, request.project, eventWindow(maxAgeDays))
      return reply.status(answer.rejected === answer.results.length ? 400 : 200).send(answer)
    })
  })

  app.get('/api/revenue', async (request): Promise<RevenueAnswer> => {
    parseOrThrow(z.object({ project: z.string().optional() }).strict(), request.query)
    return revenueAnswer(await readRevenue(store, request.project))
  })

  /** The whole of the project's revenue: entries not in the body are removed. */
  app.put('/api/revenue', async (request): Promise<RevenueAnswer> => {
    const parsed = revenueBody.safeParse(request.body ?? {})
    if (!parsed.success) throw new HttpError(400, 'bad_request', describeZodError(parsed.error))
    const repeated = checkUnique(parsed.data.revenue, (index) => `revenue.${index}`)
    if (repeated.length > 0) throw new HttpError(400, 'bad_request', repeated.join('; '))
    await writeRevenue(store, request.project, parsed.data.revenue, { replace: true })
    return revenueAnswer(await readRevenue(store, request.project))
  })

  app.get('/api/unit-economics', async (request) => {
    const raw = request.query as Record<string, unknown>
    const { max_cost_share, limit } = parseOrThrow(economicsParams, raw)
    const { from, to, filters } = parseScope(raw, ['max_cost_share', 'limit'])
    try {
      return await unitEconomics(
        store,
        { project: request.project, from, to, filters, maxCostShare: max_cost_share, limit },
        timeLimit,
      )
    } catch (error) {
      throw asHttpError(error, request)
    }
  })
}
