/**
 * The one question every view asks of the cost events. It compiles to each store's SQL
 * (see compile-query.ts); dimensions and metrics only ever come from these lists.
 */
export const DIMENSIONS = [
  'feature',
  'customer_id',
  'model',
  'provider',
  'route',
  'environment',
  'user_id',
] as const
export type Dimension = (typeof DIMENSIONS)[number]

export const METRICS = [
  'requests',
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'avg_tokens_per_request',
  'avg_latency_ms',
  'unpriced_count',
] as const
export type Metric = (typeof METRICS)[number]

export const BUCKETS = ['day'] as const
export type Bucket = (typeof BUCKETS)[number]

export interface Filter {
  dimension: Dimension
  /** Matches any of these values. */
  values: string[]
}

export interface AnalyticsQuery {
  /** Inclusive start. */
  from?: Date
  /** Exclusive end. */
  to?: Date
  /** IANA time zone that buckets are cut in. */
  timeZone: string
  filters: Filter[]
  groupBy: Dimension[]
  bucket?: Bucket
  metrics: Metric[]
  orderBy?: { metric: Metric; direction: 'asc' | 'desc' }
  limit?: number
}

/** One result row: group values, bucket fields when bucketed, and the asked metrics. */
export type QueryRow = Partial<Record<Dimension, string>> & {
  bucket_start?: string
  bucket_label?: string
} & Partial<Record<Metric, number | null>>

export function isDimension(value: string): value is Dimension {
  return (DIMENSIONS as readonly string[]).includes(value)
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}
