import type { AnalyticsQuery, Dimension, Metric } from './analytics-query.js'

export interface CompiledQuery {
  sql: string
  params: Record<string, string | number>
}

/**
 * SQL for each metric over the events table (DuckDB dialect). Cost is summed as integer
 * nano-dollars so totals are exact; dollars are derived when the row is read.
 * (ClickHouse joins this file as a second dialect beside each expression.)
 */
const METRIC_SQL: Record<Metric, string> = {
  requests: 'count(*)',
  // No coalesce: a group whose every call is unpriced has an unknown cost (null), not $0.
  cost_usd: 'sum(cost_nanos)',
  input_tokens: 'coalesce(sum(input_tokens), 0)',
  output_tokens: 'coalesce(sum(output_tokens), 0)',
  total_tokens: 'coalesce(sum(input_tokens), 0) + coalesce(sum(output_tokens), 0)',
  avg_tokens_per_request:
    'CASE WHEN count(*) = 0 THEN NULL ELSE (coalesce(sum(input_tokens), 0) + coalesce(sum(output_tokens), 0)) / count(*) END',
  avg_latency_ms: 'avg(latency_ms)',
  unpriced_count: "count(*) FILTER (WHERE pricing_status = 'unpriced')",
}

/** Metrics read back as nano-dollars and converted to dollars. */
export const NANO_METRICS: ReadonlySet<Metric> = new Set(['cost_usd'])

// Identifiers come only from these fixed lists; values only travel as bound parameters.
const DIMENSION_COLUMN: Record<Dimension, string> = {
  feature: 'feature',
  customer_id: 'customer_id',
  model: 'model',
  provider: 'provider',
  route: 'route',
  environment: 'environment',
  user_id: 'user_id',
}

export function compileDuckDB(query: AnalyticsQuery): CompiledQuery {
  const params: CompiledQuery['params'] = {}
  const where: string[] = []
  if (query.from) {
    params.from_ms = query.from.getTime()
    where.push('ts >= make_timestamptz($from_ms * 1000)')
  }
  if (query.to) {
    params.to_ms = query.to.getTime()
    where.push('ts < make_timestamptz($to_ms * 1000)')
  }
  query.filters.forEach((filter, index) => {
    const names = filter.values.map((value, valueIndex) => {
      const name = `f${index}_${valueIndex}`
      params[name] = value
      return `$${name}`
    })
    where.push(
      names.length === 0 ? 'false' : `${DIMENSION_COLUMN[filter.dimension]} IN (${names.join(', ')})`,
    )
  })

  const select: string[] = []
  const groupBy: string[] = []
  if (query.bucket === 'day') {
    params.tz = query.timeZone
    select.push(
      "strftime(date_trunc('day', timezone($tz, ts)), '%Y-%m-%d') AS bucket_label",
      "epoch_ms(timezone($tz, date_trunc('day', timezone($tz, ts)))) AS bucket_start_ms",
    )
    groupBy.push('bucket_label', 'bucket_start_ms')
  }
  for (const dimension of query.groupBy) {
    select.push(`${DIMENSION_COLUMN[dimension]} AS ${dimension}`)
    groupBy.push(DIMENSION_COLUMN[dimension])
  }
  for (const metric of query.metrics) select.push(`${METRIC_SQL[metric]} AS ${metric}`)

  const order: string[] = []
  if (query.orderBy)
    order.push(`${METRIC_SQL[query.orderBy.metric]} ${query.orderBy.direction === 'asc' ? 'ASC' : 'DESC'}`)
  if (query.bucket) order.push('bucket_start_ms ASC')
  // A stable tie-break so equal metrics always come back in the same order.
  for (const dimension of query.groupBy) order.push(`${dimension} ASC`)

  let sql = `SELECT ${select.join(', ')} FROM events`
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`
  if (groupBy.length > 0) sql += ` GROUP BY ${groupBy.join(', ')}`
  if (order.length > 0) sql += ` ORDER BY ${order.join(', ')}`
  if (query.limit !== undefined) {
    params.limit = query.limit
    sql += ' LIMIT $limit'
  }
  return { sql, params }
}
