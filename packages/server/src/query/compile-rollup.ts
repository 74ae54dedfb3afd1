import type { AnalyticsQuery, Metric, QueryRow } from '../api/api-types.js'
import { DIALECTS, type EngineName } from './dialect.js'
import type { RollupDefinition } from './query-planner.js'
import { ROLLUP_DIMENSIONS, SUMS_TABLE } from './rollup-tables.js'
import { type CompiledQuery, SqlBuilder } from './sql-builder.js'

/**
 * Queries over the hourly rollups (rollup-tables.ts), on either engine: each metric written to give
 * exactly what compile-query.ts gives over the events, so the planner's choice never changes a figure.
 */

const UNATTRIBUTED_CELL = "(feature = 'unattributed' OR customer_id = 'unattributed')"

const total = (column: string) => `coalesce(sum(${column}), 0)`
const REQUESTS = total('requests')
/** sum(cost_nanos) over events is NULL when none has a cost: the same here, by the net count. */
const COST = 'CASE WHEN coalesce(sum(priced_requests), 0) = 0 THEN NULL ELSE sum(cost_nanos) END'
const TOTAL_TOKENS = `(${total('input_tokens')} + ${total('output_tokens')})`

/** Each metric the rollup can answer, written to give exactly what compile-query.ts gives on events. */
function rollupMetricSql(sql: SqlBuilder): Partial<Record<Metric, string>> {
  const divide = (numerator: string, denominator: string) => sql.dialect.divide(numerator, denominator)
  return {
    requests: REQUESTS,
    cost_usd: COST,
    input_tokens: total('input_tokens'),
    output_tokens: total('output_tokens'),
    total_tokens: TOTAL_TOKENS,
    cache_read_tokens: total('cache_read_tokens'),
    cache_write_tokens: total('cache_write_tokens'),
    reasoning_tokens: total('reasoning_tokens'),
    input_audio_tokens: total('input_audio_tokens'),
    output_audio_tokens: total('output_audio_tokens'),
    avg_tokens_per_request: divide(TOTAL_TOKENS, REQUESTS),
    cost_per_request: divide(COST, 'sum(priced_requests)'),
    avg_latency_ms:
      'CASE WHEN coalesce(sum(latency_count), 0) = 0 THEN NULL ELSE sum(latency_sum) / sum(latency_count) END',
    error_rate: divide(`coalesce(sum(requests) FILTER (WHERE status = 'error'), 0)`, REQUESTS),
    cache_hit_rate: divide(total('cache_read_tokens'), total('input_tokens')),
    unpriced_count: total('unpriced_requests'),
    unattributed_share: divide(`coalesce(sum(cost_nanos) FILTER (WHERE ${UNATTRIBUTED_CELL}), 0)`, COST),
  }
}

export const ROLLUP_METRICS: ReadonlySet<Metric> = new Set(
  Object.keys(rollupMetricSql(new SqlBuilder('duckdb'))) as Metric[],
)

function metricSql(sql: SqlBuilder, metric: Metric): string {
  const text = rollupMetricSql(sql)[metric]
  if (text === undefined) throw new Error(`the rollup cannot answer ${metric}`)
  return text
}

/** A rollup table with `hour` named `ts`, so the dialect's time and bucket expressions apply unchanged. */
export const asEventsTime = (engine: EngineName, table: string) =>
  `(SELECT hour AS ts, ${DIALECTS[engine].allBut('hour')} FROM ${table}) AS rollup`

/**
 * A bucketed query first folds the rollup into one row per hour and group (with the range and
 * filters applied), so the time-zone arithmetic of the bucket runs once per hour instead of once
 * per rollup row: ICU's conversions cost more than the rest of the query.
 */
function perHour(query: AnalyticsQuery, sql: SqlBuilder): string {
  const { timeFromMs } = sql.dialect
  const metrics = [...query.metrics, ...(query.orderBy ? [query.orderBy.metric] : [])]
  const kept = new Set<string>(query.groupBy)
  if (metrics.includes('error_rate')) kept.add('status')
  if (metrics.includes('unattributed_share'))
    for (const dimension of ['feature', 'customer_id']) kept.add(dimension)
  const sums = SUMS_TABLE.sums.map(([column]) => `sum(${column}) AS ${column}`)
  return `(SELECT ${['hour AS ts', ...kept, ...sums].join(', ')} FROM ${SUMS_TABLE.name}${sql.where(
    { ...query, from: undefined, to: undefined },
    [
      ...(query.from ? [`hour >= ${timeFromMs(sql.bind(query.from.getTime()))}`] : []),
      ...(query.to ? [`hour < ${timeFromMs(sql.bind(query.to.getTime()))}`] : []),
    ],
  )} GROUP BY ALL) AS rollup`
}

/** The main query over the rollup: the raw SQL's columns, groups, order and limit. */
export function compileRollupQuery(engine: EngineName, query: AnalyticsQuery): CompiledQuery {
  const sql = new SqlBuilder(engine)
  const source = query.bucket ? perHour(query, sql) : undefined
  const { select, keys } = sql.groups(query)
  for (const metric of query.metrics) select.push(`${metricSql(sql, metric)} AS ${metric}`)
  let text = `SELECT ${select.join(', ')} FROM ${source ?? `${asEventsTime(engine, SUMS_TABLE.name)}${sql.where(query)}`}`
  // Cells whose events were all replaced or deleted sum to zero requests: events would have no group.
  if (keys.length > 0) text += ` GROUP BY ${keys.join(', ')} HAVING ${REQUESTS} > 0`
  const order: string[] = []
  if (query.orderBy) {
    const direction = query.orderBy.direction === 'asc' ? 'ASC' : 'DESC'
    order.push(`${metricSql(sql, query.orderBy.metric)} ${direction} NULLS LAST`)
  }
  if (query.bucket) order.push('bucket_start_ms ASC')
  for (const dimension of query.groupBy) order.push(`${dimension} ASC NULLS LAST`)
  if (order.length > 0) text += ` ORDER BY ${order.join(', ')}`
  if (query.limit !== undefined) text += ` LIMIT ${sql.bind(query.limit)}`
  return sql.done(text)
}

/** The "everything else" row over the rollup, excluding `top`'s groups as compileOthers does on events. */
export function compileRollupOthers(
  engine: EngineName,
  query: AnalyticsQuery,
  top: QueryRow[],
): CompiledQuery {
  const sql = new SqlBuilder(engine)
  const extra = sql.excluding(query.groupBy, top)
  const select = query.metrics.map((metric) => `${metricSql(sql, metric)} AS ${metric}`)
  return sql.done(
    `SELECT ${select.join(', ')} FROM ${asEventsTime(engine, SUMS_TABLE.name)}${sql.where(query, extra)}`,
  )
}

/** The rollup as the planner sees it; `span` is the store's record of the hours it may hold. */
export function rollupDefinition(engine: EngineName, span: RollupDefinition['span']): RollupDefinition {
  return {
    dimensions: ROLLUP_DIMENSIONS,
    metrics: ROLLUP_METRICS,
    compile: (query) => compileRollupQuery(engine, query),
    compileOthers: (query, top) => compileRollupOthers(engine, query, top),
    span,
  }
}
