// The server's query model as it travels over HTTP (POST /api/query, docs/api.md). The dashboard
// talks to the server only over HTTP, so it declares the wire shape here; e2e/query-model.test.ts
// checks these lists against the server's own (packages/server/src/query/analytics-query.ts).

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

const TAG_KEY = /^[A-Za-z0-9_.:-]{1,64}$/

export function isTagKey(key: string): boolean {
  return TAG_KEY.test(key)
}

export function isDimension(value: string): value is Dimension {
  if ((DIMENSIONS as readonly string[]).includes(value)) return true
  return value.startsWith('tags.') && isTagKey(value.slice(5))
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

export interface QueryFilter {
  dimension: Dimension
  /** `eq`: one value; `in`: any of them; `not_in`: none of them. */
  op: 'eq' | 'in' | 'not_in'
  values: string[]
}

/** The body of POST /api/query. */
export interface QueryRequest {
  /** Inclusive start, ISO 8601. */
  from?: string
  /** Exclusive end, ISO 8601. */
  to?: string
  timeZone: string
  filters: QueryFilter[]
  groupBy: Dimension[]
  bucket?: Bucket
  metrics: Metric[]
  orderBy?: { metric: Metric; direction: 'asc' | 'desc' }
  limit?: number
  others?: boolean
}

/** One answer row: group values under the dimension's name, the bucket when bucketed, the metrics. */
export type QueryRow = { [column: string]: string | number | boolean | null | undefined } & {
  bucket_start?: string
  bucket_label?: string
  others?: boolean
} & Partial<Record<Metric, number | null>>

/** The value the server stores for a missing attribution. */
export const UNATTRIBUTED = 'unattributed'
