import type { BaseDimension, Metric } from '../api/api-types.js'

/**
 * Latency percentiles at volume: a mergeable sketch, and when it is used.
 *
 * An exact percentile needs every value: over ten million events DuckDB takes 200–350 ms for one
 * p95 breakdown on the two-core reference machine, and no sum can be rolled up to give it. So a
 * group's latencies are also counted in fixed logarithmic buckets (32 per doubling of latency + 1
 * ms), which add up across hours and cells like any count: the `latency_hourly` rollup.
 *
 * The definition both engines answer (latency-percentiles.ts), whatever table they read:
 * - a group (or the "others" row) with at most EXACT_UP_TO latencies gets the exact R-7 percentile
 *   (quantile_cont over its events), the same as ClickHouse's quantileExactInclusive;
 * - a larger group gets the estimate from its histogram: the R-7 interpolation between the two
 *   order statistics around level × (n − 1), each taken as its bucket's midpoint. A bucket spans a
 *   factor 2^(1/32) of latency + 1 ms, so each order statistic is within 1.1% of (value + 1 ms):
 *   the estimate's relative error is at most about 1.1% (plus 0.01 ms).
 * Both the rollup and the events path follow it, so the planner's choice never changes a figure.
 */

export const BUCKETS_PER_DOUBLING = 32
export const EXACT_UP_TO = 10_000

/** Latencies above this (ms, over thirty years) all count in the last bucket. */
const LARGEST = 1e12
const LAST_BUCKET = Math.floor(Math.log2(LARGEST + 1) * BUCKETS_PER_DOUBLING)

/** The dimensions latency histograms are kept by (one row per bucket: a few, to stay small). */
export const LATENCY_DIMENSIONS = [
  'provider',
  'model',
  'model_family',
  'feature',
  'project',
] as const satisfies readonly (BaseDimension | 'project')[]

export const PERCENTILE_LEVELS: Partial<Record<Metric, number>> = {
  p50_latency_ms: 0.5,
  p95_latency_ms: 0.95,
  p99_latency_ms: 0.99,
}
export const PERCENTILE_METRICS: ReadonlySet<Metric> = new Set(Object.keys(PERCENTILE_LEVELS) as Metric[])

/**
 * A latency's bucket (a value that is not a non-negative number goes to an end). Computed once, at
 * ingest, and stored with the event (`latency_bucket`): the histograms and every query that counts
 * by bucket read that column, so no two paths can disagree on a value at a bucket's edge.
 */
export function latencyBucket(latency: number | null): number | null {
  if (latency === null) return null
  if (latency >= 0 && latency <= LARGEST) return Math.floor(Math.log2(latency + 1) * BUCKETS_PER_DOUBLING)
  return latency > LARGEST ? LAST_BUCKET : 0
}

/**
 * latencyBucket in SQL (DuckDB's and ClickHouse's alike), for rows stored before the column existed
 * (DuckDB schema migration 4; ClickHouse migration 2, as the column's default). 0 for a NULL latency.
 */
export function bucketSql(column: string): string {
  return `CASE WHEN ${column} >= 0 AND ${column} <= ${LARGEST} THEN CAST(floor(log2(${column} + 1) * ${BUCKETS_PER_DOUBLING}) AS INTEGER) WHEN ${column} > ${LARGEST} THEN ${LAST_BUCKET} ELSE 0 END`
}

/** The latency a bucket stands for: its midpoint on the log scale. */
export function bucketValue(bucket: number): number {
  return 2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING) - 1
}

/** A histogram: latency bucket → count. */
export type Histogram = Map<number, number>

export function histogramCount(histogram: Histogram): number {
  let count = 0
  for (const value of histogram.values()) count += value
  return count
}

/** The R-7 estimate of `level` from a histogram (see above); null when it is empty. */
export function estimateQuantile(histogram: Histogram, level: number): number | null {
  const buckets = [...histogram.entries()].filter(([, count]) => count > 0).sort(([a], [b]) => a - b)
  const count = buckets.reduce((sum, [, value]) => sum + value, 0)
  if (count === 0) return null
  const position = level * (count - 1)
  const below = Math.floor(position)
  const above = Math.ceil(position)
  const valueAt = (rank: number) => {
    let seen = 0
    for (const [bucket, value] of buckets) {
      seen += value
      if (seen > rank) return bucketValue(bucket)
    }
    return bucketValue((buckets[buckets.length - 1] as [number, number])[0])
  }
  const low = valueAt(below)
  const high = above === below ? low : valueAt(above)
  return low + (high - low) * (position - below)
}
