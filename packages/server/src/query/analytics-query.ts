import { z } from 'zod'

/**
 * The one question every view, alert and report asks of the cost events. It compiles to each
 * store's SQL (compile-query.ts); columns only ever come from these lists, values only travel as
 * bound parameters.
 */
export const DIMENSIONS = [
  'provider',
  'model',
  'operation',
  'feature',
  'route',
  'customer_id',
  'user_id',
  'session_id',
  'environment',
  'prompt_id',
  'status',
  'service_tier',
] as const
export type BaseDimension = (typeof DIMENSIONS)[number]
/** A whitelisted column, or `tags.<key>` for a free-form tag. */
export type Dimension = BaseDimension | `tags.${string}`

/** Tag keys that can be grouped or filtered on: letters, digits and `_ . : -`, at most 64. */
const TAG_KEY = /^[A-Za-z0-9_.:-]{1,64}$/

export function isDimension(value: string): value is Dimension {
  if ((DIMENSIONS as readonly string[]).includes(value)) return true
  return value.startsWith('tags.') && TAG_KEY.test(value.slice(5))
}

export const METRICS = [
  'requests',
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'input_audio_tokens',
  'output_audio_tokens',
  'avg_tokens_per_request',
  'cost_per_request',
  'avg_latency_ms',
  'p50_latency_ms',
  'p95_latency_ms',
  'p99_latency_ms',
  'error_rate',
  'cache_hit_rate',
  'unpriced_count',
  'unattributed_share',
] as const
export type Metric = (typeof METRICS)[number]

export const BUCKETS = ['minute', 'hour', 'day', 'week', 'month'] as const
export type Bucket = (typeof BUCKETS)[number]

export const FILTER_OPS = ['eq', 'in', 'not_in'] as const
export type FilterOp = (typeof FILTER_OPS)[number]

export interface Filter {
  dimension: Dimension
  /** `eq`: one value; `in`: any of the values; `not_in`: none of them. */
  op: FilterOp
  values: string[]
}

export interface AnalyticsQuery {
  /** Inclusive start. */
  from?: Date
  /** Exclusive end. */
  to?: Date
  /** IANA time zone that buckets are cut in. Default UTC. */
  timeZone: string
  filters: Filter[]
  /** Up to three dimensions. */
  groupBy: Dimension[]
  bucket?: Bucket
  metrics: Metric[]
  orderBy?: { metric: Metric; direction: 'asc' | 'desc' }
  limit?: number
  /** With `limit` and `groupBy`: one more row, `others: true`, aggregating every group past the limit. */
  others?: boolean
}

/** One result row: group values, the bucket when bucketed, the asked metrics. */
export type QueryRow = { [dimension: string]: string | number | boolean | null | undefined } & {
  bucket_start?: string
  bucket_label?: string
  /** The "everything else" row. */
  others?: boolean
} & Partial<Record<Metric, number | null>>

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

const instant = z
  .union([z.iso.datetime({ offset: true }), z.int().positive()])
  .transform((value, context) => {
    const date = new Date(value)
    if (Number.isNaN(date.getTime())) {
      context.issues.push({ code: 'custom', message: 'not a valid time', input: value })
      return z.NEVER
    }
    return date
  })

const dimension = z.string().refine(isDimension, {
  message: `must be one of ${DIMENSIONS.join(', ')} or tags.<key> (key: letters, digits, _ . : -)`,
}) as unknown as z.ZodType<Dimension>

/**
 * AnalyticsQuery as JSON (POST /api/query): times as ISO 8601 or epoch milliseconds. Every
 * problem is reported with its path, e.g. `groupBy.1: must be one of …`.
 */
export const analyticsQuerySchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    timeZone: z
      .string()
      .default('UTC')
      .refine(isValidTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Paris' }),
    filters: z
      .array(
        z
          .object({
            dimension,
            op: z.enum(FILTER_OPS),
            values: z.array(z.string().max(500)).min(1).max(1000),
          })
          .refine((filter) => filter.op !== 'eq' || filter.values.length === 1, {
            message: 'eq takes exactly one value',
            path: ['values'],
          }),
      )
      .max(50)
      .default([]),
    groupBy: z.array(dimension).max(3).default([]),
    bucket: z.enum(BUCKETS).optional(),
    metrics: z.array(z.enum(METRICS)).min(1),
    orderBy: z
      .object({ metric: z.enum(METRICS), direction: z.enum(['asc', 'desc']).default('desc') })
      .optional(),
    limit: z.int().min(1).max(10_000).optional(),
    others: z.boolean().optional(),
  })
  .strict()
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    message: 'from must be before to',
    path: ['from'],
  })
  .refine((query) => new Set(query.groupBy).size === query.groupBy.length, {
    message: 'a dimension appears twice',
    path: ['groupBy'],
  })
  .refine((query) => !query.others || (query.limit !== undefined && query.groupBy.length > 0), {
    message: 'others needs limit and groupBy',
    path: ['others'],
  }) satisfies z.ZodType<AnalyticsQuery, unknown>
