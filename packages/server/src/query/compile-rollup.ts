import type { AnalyticsQuery, Metric, QueryRow } from '../api/api-types.js'
import { DIALECTS, type EngineName } from './dialect.js'
import type { RollupDefinition } from './query-planner.js'
import { contributionSelect, ROLLUP_DIMENSIONS, rollupColumnNames, SUMS_TABLE } from './rollup-tables.js'
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
/** As compile-query.ts: null without charged events, the catalog's figure null when it priced none of them. */
const CHARGED_COST = `CASE WHEN ${total('charged_requests')} = 0 THEN NULL ELSE sum(charged_cost_nanos) END`
const COMPUTED_COST = `CASE WHEN ${total('charged_requests')} = ${total('charged_unpriced_requests')} THEN NULL ELSE sum(computed_cost_nanos) END`

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
    charged_requests: total('charged_requests'),
    charged_cost_usd: CHARGED_COST,
    computed_cost_usd: COMPUTED_COST,
    charged_unpriced_count: total('charged_unpriced_requests'),
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

const HOUR_MS = 3_600_000

/** The sums a query reads (a table, or a subquery) and the query as it reads them. */
interface SumsSource {
  table: string
  query: AnalyticsQuery
  /** The engine's settings the subquery needs, appended to the whole statement. */
  settings: string
}

/**
 * The sums `query` reads. A range on whole hours reads the table. A range with an edge inside an
 * hour (a rolling "last 7 days" from now, the previous period of a preset) reads the table's whole
 * hours inside the range and, beside them, the events of the partial hours at its edges folded
 * into rows of the same shape (contributionSelect, as the rollup itself is built), each keyed by
 * its hour: so the range is widened to whole hours for the rest of the query, and every figure is
 * the one the events give, while only the edges' events are read.
 */
function sumsSource(engine: EngineName, sql: SqlBuilder, query: AnalyticsQuery): SumsSource {
  const ragged = [query.from, query.to].some((edge) => edge && edge.getTime() % HOUR_MS !== 0)
  if (!ragged) return { table: SUMS_TABLE.name, query, settings: '' }
  const { timeFromMs } = sql.dialect
  const from = query.from?.getTime()
  const to = query.to?.getTime()
  /** The whole hours inside the range: what the table answers. */
  const wholeFrom = from === undefined ? undefined : Math.ceil(from / HOUR_MS) * HOUR_MS
  const wholeTo = to === undefined ? undefined : Math.floor(to / HOUR_MS) * HOUR_MS
  const whole = [
    ...(wholeFrom === undefined ? [] : [`hour >= ${timeFromMs(sql.bind(wholeFrom))}`]),
    ...(wholeTo === undefined ? [] : [`hour < ${timeFromMs(sql.bind(wholeTo))}`]),
  ]
  // Each edge as a plain range of its own, so the engine skips every other row group by its time
  // bounds (a NOT over the whole range made DuckDB read the range's every ts: 314 ms at 10M events).
  const parts: [number | undefined, number | undefined][] =
    from !== undefined && to !== undefined && (wholeFrom as number) >= (wholeTo as number)
      ? [[from, to]]
      : [
          ...(from !== undefined && from < (wholeFrom as number)
            ? [[from, wholeFrom] as [number, number]]
            : []),
          ...(to !== undefined && (wholeTo as number) < to ? [[wholeTo, to] as [number, number]] : []),
        ]
  const edges = parts
    .map(
      ([edgeFrom, edgeTo]) =>
        `SELECT * FROM ${sql.dialect.table}${sql.where({
          ...query,
          from: edgeFrom === undefined ? undefined : new Date(edgeFrom),
          to: edgeTo === undefined ? undefined : new Date(edgeTo),
        })}`,
    )
    .join(' UNION ALL ')
  const columns = rollupColumnNames(SUMS_TABLE).join(', ')
  const table = `(SELECT ${columns} FROM ${SUMS_TABLE.name} WHERE ${whole.join(' AND ')} UNION ALL ${contributionSelect(engine, SUMS_TABLE, edges, 1, true)})`
  const widened: AnalyticsQuery = {
    ...query,
    ...(from === undefined ? {} : { from: new Date(Math.floor(from / HOUR_MS) * HOUR_MS) }),
    ...(to === undefined ? {} : { to: new Date(Math.ceil(to / HOUR_MS) * HOUR_MS) }),
  }
  return { table, query: widened, settings: sql.dialect.settings }
}

/** A rollup table with `hour` named `ts`, so the dialect's time and bucket expressions apply unchanged. */
export const asEventsTime = (engine: EngineName, table: string) =>
  `(SELECT hour AS ts, ${DIALECTS[engine].allBut('hour')} FROM ${table}) AS rollup`

/**
 * A bucketed query first folds the rollup into one row per hour and group (with the range and
 * filters applied), so the time-zone arithmetic of the bucket runs once per hour instead of once
 * per rollup row: ICU's conversions cost more than the rest of the query.
 */
function perHour(query: AnalyticsQuery, sql: SqlBuilder, table: string): string {
  const { timeFromMs } = sql.dialect
  const metrics = [...query.metrics, ...(query.orderBy ? [query.orderBy.metric] : [])]
  const kept = new Set<string>(query.groupBy)
  if (metrics.includes('error_rate')) kept.add('status')
  if (metrics.includes('unattributed_share'))
    for (const dimension of ['feature', 'customer_id']) kept.add(dimension)
  const sums = SUMS_TABLE.sums.map(([column]) => `sum(${column}) AS ${column}`)
  return `(SELECT ${['hour AS ts', ...kept, ...sums].join(', ')} FROM ${table} AS sums${sql.where(
    { ...query, from: undefined, to: undefined },
    [
      ...(query.from ? [`hour >= ${timeFromMs(sql.bind(query.from.getTime()))}`] : []),
      ...(query.to ? [`hour < ${timeFromMs(sql.bind(query.to.getTime()))}`] : []),
    ],
  )} GROUP BY ALL) AS rollup`
}

/** The main query over the rollup: the raw SQL's columns, groups, order and limit. */
export function compileRollupQuery(engine: EngineName, asked: AnalyticsQuery): CompiledQuery {
  const sql = new SqlBuilder(engine)
  const { table, query, settings } = sumsSource(engine, sql, asked)
  const source = query.bucket ? perHour(query, sql, table) : undefined
  const { select, keys } = sql.groups(query)
  for (const metric of query.metrics) select.push(`${metricSql(sql, metric)} AS ${metric}`)
  let text = `SELECT ${select.join(', ')} FROM ${source ?? `${asEventsTime(engine, table)}${sql.where(query)}`}`
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
  return sql.done(text + settings)
}

/** The "everything else" row over the rollup, excluding `top`'s groups as compileOthers does on events. */
export function compileRollupOthers(
  engine: EngineName,
  asked: AnalyticsQuery,
  top: QueryRow[],
): CompiledQuery {
  const sql = new SqlBuilder(engine)
  const { table, query, settings } = sumsSource(engine, sql, asked)
  const extra = sql.excluding(query.groupBy, top)
  const select = query.metrics.map((metric) => `${metricSql(sql, metric)} AS ${metric}`)
  return sql.done(
    `SELECT ${select.join(', ')} FROM ${asEventsTime(engine, table)}${sql.where(query, extra)}${settings}`,
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
