import type { AnalyticsQuery, Metric, QueryRow } from '../api/api-types.js'
import { CHARGED_EVENT, CHARGED_UNPRICED_EVENT } from './charged-cost.js'
import type { Dialect, EngineName } from './dialect.js'
import { type CompiledQuery, columnAlias, SqlBuilder } from './sql-builder.js'

/**
 * AnalyticsQuery → SQL over the events table, on either engine: the constructs of both dialects
 * are in dialect.ts, side by side; the query is assembled once, here, with the one SqlBuilder.
 */

const UNATTRIBUTED_EVENT = "(feature = 'unattributed' OR customer_id = 'unattributed')"

/** Each metric once per dialect. Money is summed as integer nano-dollars; dollars are derived when read. */
function metricSql(dialect: Dialect, metric: Metric): string {
  const totalTokens = `(${dialect.sumOrZero('input_tokens')} + ${dialect.sumOrZero('output_tokens')})`
  switch (metric) {
    case 'requests':
      return dialect.count
    case 'cost_usd':
      return dialect.sumOrNull('cost_nanos')
    case 'input_tokens':
    case 'output_tokens':
    case 'cache_read_tokens':
    case 'cache_write_tokens':
    case 'reasoning_tokens':
    case 'input_audio_tokens':
    case 'output_audio_tokens':
    case 'web_search_requests':
    case 'file_search_requests':
    case 'web_fetch_requests':
    case 'code_interpreter_sessions':
      return dialect.sumOrZero(metric)
    case 'total_tokens':
      return totalTokens
    case 'avg_tokens_per_request':
      return dialect.divide(totalTokens, dialect.count)
    // Per priced request: unpriced calls have no cost to average.
    case 'cost_per_request':
      return dialect.divide(dialect.sumOrNull('cost_nanos'), 'count(cost_nanos)')
    case 'avg_latency_ms':
      return 'avg(latency_ms)'
    case 'p50_latency_ms':
      return dialect.quantile(0.5, 'latency_ms')
    case 'p95_latency_ms':
      return dialect.quantile(0.95, 'latency_ms')
    case 'p99_latency_ms':
      return dialect.quantile(0.99, 'latency_ms')
    case 'error_rate':
      return dialect.divide(dialect.countIf("status = 'error'"), dialect.count)
    // Share of input tokens read from the prompt cache.
    case 'cache_hit_rate':
      return dialect.divide(dialect.sumOrZero('cache_read_tokens'), dialect.sumOrZero('input_tokens'))
    case 'unpriced_count':
      return dialect.countIf("pricing_status = 'unpriced'")
    // The charged events (charged-cost.ts): their count, the cost the provider charged (null when
    // there are none), the catalog's price of those of them it can price (null when it can price
    // none), and how many it cannot. A charged cost is always known.
    case 'charged_requests':
      return dialect.countIf(CHARGED_EVENT)
    case 'charged_cost_usd':
      return `CASE WHEN ${dialect.countIf(CHARGED_EVENT)} = 0 THEN NULL ELSE ${dialect.sumIf('cost_nanos', CHARGED_EVENT)} END`
    case 'computed_cost_usd':
      return `CASE WHEN ${dialect.countIf(CHARGED_EVENT)} = ${dialect.countIf(CHARGED_UNPRICED_EVENT)} THEN NULL ELSE ${dialect.sumIf('computed_cost_nanos', CHARGED_EVENT)} END`
    case 'charged_unpriced_count':
      return dialect.countIf(CHARGED_UNPRICED_EVENT)
    // Share of known cost whose feature or customer is unattributed.
    case 'unattributed_share':
      return dialect.divide(dialect.sumIf('cost_nanos', UNATTRIBUTED_EVENT), dialect.sumOrNull('cost_nanos'))
    // The first and last call time of a group, as epoch milliseconds (the rollups keep only hours).
    case 'first_seen_ms':
      return dialect.epochMs('min(ts)')
    case 'last_seen_ms':
      return dialect.epochMs('max(ts)')
  }
}

/** Metrics read back in nano-dollars and converted to dollars. */
export const NANO_METRICS: ReadonlySet<string> = new Set<Metric>([
  'cost_usd',
  'cost_per_request',
  'charged_cost_usd',
  'computed_cost_usd',
])

/** The main query: groups, bucket, metrics, order and limit. */
export function compileQuery(engine: EngineName, query: AnalyticsQuery): CompiledQuery {
  const sql = new SqlBuilder(engine)
  const { dialect } = sql
  const { select, keys } = sql.groups(query)
  for (const metric of query.metrics) select.push(`${metricSql(dialect, metric)} AS ${metric}`)
  let text = `SELECT ${select.join(', ')} FROM ${dialect.table}${sql.where(query)}`
  if (keys.length > 0) text += ` GROUP BY ${keys.join(', ')}`
  const order: string[] = []
  if (query.orderBy) {
    const direction = query.orderBy.direction === 'asc' ? 'ASC' : 'DESC'
    order.push(`${metricSql(dialect, query.orderBy.metric)} ${direction} NULLS LAST`)
  }
  if (query.bucket) order.push('bucket_start_ms ASC')
  // A stable tie-break: equal metrics always come back in the same order on both engines.
  query.groupBy.forEach((dimension, index) => {
    order.push(`${columnAlias(dimension, index)} ASC NULLS LAST`)
  })
  if (order.length > 0) text += ` ORDER BY ${order.join(', ')}`
  if (query.limit !== undefined) text += ` LIMIT ${sql.bind(query.limit)}`
  return sql.done(text)
}

/**
 * The "everything else" row: the same metrics over the events of every group not in `top`
 * (the rows the main query returned), computed exactly rather than subtracted, so rates and
 * percentiles are right too.
 */
export function compileOthers(engine: EngineName, query: AnalyticsQuery, top: QueryRow[]): CompiledQuery {
  const sql = new SqlBuilder(engine)
  // `top` holds read rows: a tag's value is under its `tags.<key>` name again.
  const extra = sql.excluding(query.groupBy, top)
  const select = query.metrics.map((metric) => `${metricSql(sql.dialect, metric)} AS ${metric}`)
  return sql.done(`SELECT ${select.join(', ')} FROM ${sql.dialect.table}${sql.where(query, extra)}`)
}

/** Turns an engine's raw row into a QueryRow: dollars from nano-dollars, numbers from big integers, ISO bucket starts, tag columns back under their `tags.<key>` names. */
export function readRow(raw: Record<string, unknown>, query: AnalyticsQuery): QueryRow {
  const row: QueryRow = {}
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'bucket_start_ms') row.bucket_start = new Date(Number(value)).toISOString()
    else if (value === null || value === undefined) row[key] = null
    else if (NANO_METRICS.has(key)) row[key] = Number(value) / 1e9
    else if (typeof value === 'bigint') row[key] = Number(value)
    else if ((query.metrics as string[]).includes(key) && typeof value === 'string') row[key] = Number(value)
    else row[key] = value as string | number | boolean
  }
  query.groupBy.forEach((dimension, index) => {
    const alias = columnAlias(dimension, index)
    if (alias !== dimension && alias in row) {
      row[dimension] = row[alias]
      delete row[alias]
    }
  })
  return row
}
