import { stringify } from 'csv-stringify/sync'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import {
  type AnalyticsQuery,
  BUCKETS,
  type Dimension,
  isDimension,
  type Metric,
  type QueryRow,
} from '../api/api-types.js'
import { analyticsQuerySchema } from '../query/analytics-query.js'
import { InvalidCursorError } from '../query/event-log.js'
import { TooManyRowsError } from '../query/run-query.js'
import { DEFAULT_QUERY_TIMEOUT_MS, QueryTimeoutError } from '../query/time-limit.js'
import type { Store } from '../store/store.js'
import { HttpError } from './http-error.js'
import { describeZodError, parseOrThrow, parseScope } from './query-params.js'

const SUMMARY_METRICS: Metric[] = [
  'requests',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'avg_tokens_per_request',
  'avg_latency_ms',
  'cost_usd',
  'unpriced_count',
]
const SERIES_METRICS: Metric[] = ['requests', 'cost_usd', 'input_tokens', 'output_tokens', 'total_tokens']
/** What a breakdown table shows per row. */
const BREAKDOWN_METRICS: Metric[] = [
  'requests',
  'cost_usd',
  'cost_per_request',
  'total_tokens',
  'avg_tokens_per_request',
  'avg_latency_ms',
  'p95_latency_ms',
  'error_rate',
  'cache_hit_rate',
  'unpriced_count',
]

const dimensionParam = z.string().refine(isDimension, {
  message: 'dimension must be a whitelisted dimension (feature, customer_id, model, …) or tags.<key>',
})
const breakdownParams = z.object({
  dimension: dimensionParam,
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  others: z.enum(['true', 'false']).optional(),
})
const seriesParams = z.object({
  bucket: z.enum(BUCKETS, { error: `bucket must be one of ${BUCKETS.join(', ')}` }).default('day'),
})
const eventLogParams = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(500).optional(),
})
const formatParam = z.object({ format: z.enum(['json', 'csv']).default('json') })

/** A query result as CSV: one column per group, bucket and metric, in the query's order. */
function toCsv(query: AnalyticsQuery, rows: QueryRow[]): string {
  const columns = [
    ...(query.bucket ? ['bucket_start', 'bucket_label'] : []),
    ...query.groupBy,
    ...query.metrics,
    ...(query.others ? ['others'] : []),
  ]
  return stringify(
    rows.map((row) => columns.map((column) => row[column] ?? '')),
    { header: true, columns, cast: { boolean: (value) => (value ? 'true' : 'false') } },
  )
}

function sendRows(
  reply: FastifyReply,
  format: 'json' | 'csv',
  query: AnalyticsQuery,
  rows: QueryRow[],
  body: object,
) {
  if (format === 'csv')
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="spendlens.csv"')
      .send(toCsv(query, rows))
  return reply.send(body)
}

export interface QueryRouteOptions {
  /** How long one read may run before the engine's work on it is cancelled (query/time-limit.ts). */
  queryTimeoutMs?: number
}

/**
 * A read the query layer refused or cancelled, as the HTTP error it is: a cursor that is not one or
 * an answer too long is the client's to change (400); a query past its time limit is a 503
 * `query_timeout`, without Retry-After (the same query would run as long again), logged as every
 * 5xx is.
 */
export function asHttpError(error: unknown, request: FastifyRequest): unknown {
  if (error instanceof InvalidCursorError || error instanceof TooManyRowsError)
    return new HttpError(400, 'bad_request', error.message)
  if (error instanceof QueryTimeoutError) {
    request.log.error({ err: error, url: request.url }, 'a query was cancelled at its time limit')
    return new HttpError(503, 'query_timeout', error.message)
  }
  return error
}

export function registerQueryRoutes(app: FastifyInstance, store: Store, options: QueryRouteOptions = {}) {
  const timeLimit = { timeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS }
  // Every query reads the project the request acts on (http/authenticate.ts), whatever it asks.
  const runQuery = (request: FastifyRequest, query: AnalyticsQuery) =>
    store.query({ ...query, project: request.project }, timeLimit).catch((error: unknown) => {
      throw asHttpError(error, request)
    })

  /** The whole query model as JSON; `?format=csv` for a CSV download of the same rows. */
  app.post('/api/query', async (request, reply) => {
    const { format } = parseOrThrow(formatParam, request.query)
    const parsed = analyticsQuerySchema.safeParse(request.body)
    if (!parsed.success) throw new HttpError(400, 'bad_request', describeZodError(parsed.error))
    const rows = await runQuery(request, parsed.data)
    return sendRows(reply, format, parsed.data, rows, { rows })
  })

  app.get('/api/summary', async (request, reply) => {
    const raw = request.query as Record<string, unknown>
    const { format } = parseOrThrow(formatParam, raw)
    const query: AnalyticsQuery = { ...parseScope(raw), groupBy: [], metrics: SUMMARY_METRICS }
    const rows = await runQuery(request, query)
    const row = rows[0]
    return sendRows(
      reply,
      format,
      query,
      rows,
      Object.fromEntries(SUMMARY_METRICS.map((metric) => [metric, row?.[metric] ?? null])),
    )
  })

  app.get('/api/timeseries', async (request, reply) => {
    const raw = request.query as Record<string, unknown>
    const { format } = parseOrThrow(formatParam, raw)
    const { bucket } = parseOrThrow(seriesParams, raw)
    const query: AnalyticsQuery = {
      ...parseScope(raw, ['bucket']),
      groupBy: [],
      bucket,
      metrics: SERIES_METRICS,
    }
    const rows = await runQuery(request, query)
    return sendRows(reply, format, query, rows, {
      bucket,
      tz: query.timeZone,
      points: rows.map((row) => ({
        bucket_start: row.bucket_start,
        label: row.bucket_label,
        ...Object.fromEntries(SERIES_METRICS.map((metric) => [metric, row[metric] ?? null])),
      })),
    })
  })

  app.get('/api/breakdown', async (request, reply) => {
    const raw = request.query as Record<string, unknown>
    const { format } = parseOrThrow(formatParam, raw)
    const { dimension, limit, others } = parseOrThrow(breakdownParams, raw)
    const query: AnalyticsQuery = {
      ...parseScope(raw, ['dimension', 'limit', 'others']),
      groupBy: [dimension as Dimension],
      metrics: BREAKDOWN_METRICS,
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit,
      others: others === 'true',
    }
    const rows = await runQuery(request, query)
    return sendRows(reply, format, query, rows, {
      dimension,
      rows: rows.map((row) => ({
        value: row.others ? null : row[dimension],
        ...(row.others ? { others: true } : {}),
        ...Object.fromEntries(BREAKDOWN_METRICS.map((metric) => [metric, row[metric] ?? null])),
      })),
    })
  })

  /** Single events with every field, newest first; `next_cursor` fetches the next page. */
  app.get('/api/events', async (request) => {
    const raw = request.query as Record<string, unknown>
    const { limit, cursor } = parseOrThrow(eventLogParams, raw)
    const { timeZone: _timeZone, ...scope } = parseScope(raw, ['limit', 'cursor'])
    try {
      return await store.listEvents(
        { scope: { ...scope, project: request.project }, cursor, limit },
        timeLimit,
      )
    } catch (error) {
      throw asHttpError(error, request)
    }
  })
}
