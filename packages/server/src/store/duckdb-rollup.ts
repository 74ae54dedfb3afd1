import type { AnalyticsQuery, BaseDimension, Metric, QueryRow } from '../query/analytics-query.js'
import type { CompiledQuery } from '../query/compile-query.js'
import { dialect, SqlBuilder } from './duckdb-sql.js'
import { LATENCY_DIMENSIONS } from './latency-sketch.js'
import type { RollupDefinition } from './query-planner.js'

/**
 * The DuckDB hourly rollups: per UTC hour and combination of some dimensions, counts and sums the
 * dashboard's figures are made of. They are kept up to date in the same transaction as the events
 * (duckdb-store.ts): each appended batch adds its rows' contributions, a replaced version of an
 * event subtracts its old contribution, retention subtracts what it deletes. So a rollup is always
 * exactly the sum over the events it covers, and rollup.test.ts holds it to that.
 *
 * Rows are partial sums, the way ClickHouse's AggregatingMergeTree keeps them: a batch appends one
 * row per cell it touches rather than updating the cell in place, every read aggregates, and a
 * compaction folds the rows of the hours touched since the last one (`compactSql`). Appending is
 * cheap and needs no index; a cell's value is the sum of its rows whether compacted or not.
 *
 * Two tables:
 * - `rollup_hourly`, the sums: dimensions are what the dashboard filters and groups by, minus
 *   user_id and session_id (about one cell per event: the rollup would be as large as the events)
 *   and tags (free-form);
 * - `latency_hourly`, latency histograms for percentiles (latency-sketch.ts): one row per latency
 *   bucket of a cell, so it keeps fewer dimensions (provider, model, feature).
 */
export const ROLLUP_DIMENSIONS = [
  'provider',
  'model',
  'operation',
  'feature',
  'route',
  'customer_id',
  'environment',
  'prompt_id',
  'status',
  'service_tier',
] as const satisfies readonly BaseDimension[]

/** A rollup table: its key (the hour, dimensions, computed keys) and its summed columns. */
export interface RollupTable {
  name: string
  dimensions: readonly BaseDimension[]
  /** Keys computed from an events row, e.g. the latency bucket. */
  computed: [column: string, type: string, fromEvents: string][]
  /** Summed columns, each with its type and its aggregate over events rows. */
  sums: [column: string, type: string, fromEvents: string][]
  /** Events rows the table counts (a condition on events columns). */
  where?: string
}

/**
 * The sums. Token sums are DOUBLE: whole numbers add exactly in a double while every partial sum
 * stays below 2^53 (nine quadrillion tokens: past that, JavaScript's numbers are inexact on the
 * events path too), they never overflow, and DuckDB scans them thirty times faster than HUGEINT
 * (whose bit-packed columns it decodes slowly). Cost stays an integer, BIGINT nano-dollars: a cell
 * holds one hour of one combination, far below $9.2 billion (events cost at most $1 million each).
 */
export const SUMS_TABLE: RollupTable = {
  name: 'rollup_hourly',
  dimensions: ROLLUP_DIMENSIONS,
  computed: [],
  sums: [
    ['requests', 'BIGINT', 'count(*)'],
    ['priced_requests', 'BIGINT', 'count(cost_nanos)'],
    ['cost_nanos', 'BIGINT', 'coalesce(sum(cost_nanos), 0)'],
    ['unpriced_requests', 'BIGINT', "count(*) FILTER (WHERE pricing_status = 'unpriced')"],
    ['input_tokens', 'DOUBLE', 'coalesce(sum(input_tokens), 0)'],
    ['output_tokens', 'DOUBLE', 'coalesce(sum(output_tokens), 0)'],
    ['cache_read_tokens', 'DOUBLE', 'coalesce(sum(cache_read_tokens), 0)'],
    ['cache_write_tokens', 'DOUBLE', 'coalesce(sum(cache_write_tokens), 0)'],
    ['reasoning_tokens', 'DOUBLE', 'coalesce(sum(reasoning_tokens), 0)'],
    ['input_audio_tokens', 'DOUBLE', 'coalesce(sum(input_audio_tokens), 0)'],
    ['output_audio_tokens', 'DOUBLE', 'coalesce(sum(output_audio_tokens), 0)'],
    ['latency_count', 'BIGINT', 'count(latency_ms)'],
    ['latency_sum', 'DOUBLE', 'coalesce(sum(latency_ms), 0)'],
  ],
}

/** Latency histograms: how many events of a cell fall in each latency bucket. */
export const LATENCY_TABLE: RollupTable = {
  name: 'latency_hourly',
  dimensions: LATENCY_DIMENSIONS,
  computed: [['bucket', 'INTEGER', 'latency_bucket']],
  sums: [['requests', 'BIGINT', 'count(*)']],
  where: 'latency_ms IS NOT NULL',
}

export const ROLLUP_TABLES: readonly RollupTable[] = [SUMS_TABLE, LATENCY_TABLE]
export const ROLLUP_TABLE = SUMS_TABLE.name

/** Rollup dimensions that can be NULL, as in the events table. */
const NULLABLE: ReadonlySet<string> = new Set(['service_tier'])

/** A table's DDL (created by a schema migration). service_tier may be null, as in the events. */
export function rollupDdl(table: RollupTable): string {
  const columns = [
    'hour TIMESTAMPTZ NOT NULL',
    ...table.dimensions.map(
      (dimension) => `${dimension} VARCHAR${NULLABLE.has(dimension) ? '' : ' NOT NULL'}`,
    ),
    ...table.computed.map(([column, type]) => `${column} ${type} NOT NULL`),
    ...table.sums.map(([column, type]) => `${column} ${type} NOT NULL`),
  ]
  return `CREATE TABLE ${table.name} (${columns.join(', ')})`
}

/** The UTC hour an event falls in, whatever the session's time zone (arithmetic: no zone lookups). */
const UTC_HOUR = 'make_timestamptz(CAST(floor(epoch_ms(ts) / 3600000) AS BIGINT) * 3600000000)'

/**
 * Appends to `table` the contribution of the events-shaped rows `source` selects, negated when
 * `sign` is -1 (a replaced version, a retention delete).
 */
export function contributionSql(table: RollupTable, source: string, sign: 1 | -1): string {
  const keys = [
    `${UTC_HOUR} AS hour`,
    ...table.dimensions,
    ...table.computed.map(([column, , fromEvents]) => `${fromEvents} AS ${column}`),
  ]
  const sums = table.sums.map(
    ([column, , fromEvents]) => `${sign === 1 ? fromEvents : `-(${fromEvents})`} AS ${column}`,
  )
  const where = table.where ? ` WHERE ${table.where}` : ''
  return `INSERT INTO ${table.name} SELECT ${keys.join(', ')}, ${sums.join(', ')} FROM (${source})${where} GROUP BY ALL`
}

/**
 * The contribution of a staging table (duckdb-staging.ts): grouped on its dimensions as they are
 * stored there (a flush's ENUM codes: small integers, quick to hash), and only the groups turned
 * back into strings. `source` selects the staging rows with `ts` and the summed columns as in
 * events; `nullMarker` is the placeholder of the flush's null marker.
 */
export function stagingContributionSql(table: RollupTable, source: string, nullMarker: string): string {
  const inner = [
    `${UTC_HOUR} AS hour`,
    ...table.dimensions,
    ...table.computed.map(([column, , fromEvents]) => `${fromEvents} AS ${column}`),
    ...table.sums.map(([column, , fromEvents]) => `${fromEvents} AS ${column}`),
  ]
  const outer = [
    'hour',
    ...table.dimensions.map((dimension) =>
      NULLABLE.has(dimension)
        ? `nullif(CAST(${dimension} AS VARCHAR), ${nullMarker})`
        : `CAST(${dimension} AS VARCHAR)`,
    ),
    ...table.computed.map(([column]) => column),
    ...table.sums.map(([column]) => column),
  ]
  const where = table.where ? ` WHERE ${table.where}` : ''
  return `INSERT INTO ${table.name} SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM (${source})${where} GROUP BY ALL)`
}

/**
 * Folds the partial rows of the given hours (epoch ms) into one row per cell, dropping cells whose
 * events have all been replaced or deleted. Run in a transaction.
 */
export function compactSql(table: RollupTable, hours: readonly number[]): string[] {
  // Hours are numbers the store computed, never input: inlined as literals.
  const touched = `hour IN (${hours.map((hour) => `make_timestamptz(${Math.trunc(hour) * 1000})`).join(', ')})`
  const keys = ['hour', ...table.dimensions, ...table.computed.map(([column]) => column)]
  const sums = table.sums.map(([column]) => `sum(${column}) AS ${column}`)
  const compacted = `${table.name}_compacted`
  return [
    `CREATE OR REPLACE TEMP TABLE ${compacted} AS SELECT ${keys.join(', ')}, ${sums.join(', ')} FROM ${table.name} WHERE ${touched} GROUP BY ALL HAVING sum(requests) <> 0`,
    `DELETE FROM ${table.name} WHERE ${touched}`,
    `INSERT INTO ${table.name} SELECT * FROM ${compacted}`,
    `DROP TABLE ${compacted}`,
  ]
}

/** Every rollup table, created and filled from the events table (schema migration 4). */
export const ROLLUP_MIGRATION_SQL = ROLLUP_TABLES.map(
  (table) => `${rollupDdl(table)}; ${contributionSql(table, 'SELECT * FROM events', 1)};`,
).join(' ')

// ----------------------------------------------------------------- reading

const UNATTRIBUTED_CELL = "(feature = 'unattributed' OR customer_id = 'unattributed')"

const divide = (numerator: string, denominator: string) => dialect.divide(numerator, denominator)
const total = (column: string) => `coalesce(sum(${column}), 0)`
const REQUESTS = total('requests')
/** sum(cost_nanos) over events is NULL when none has a cost: the same here, by the net count. */
const COST = 'CASE WHEN coalesce(sum(priced_requests), 0) = 0 THEN NULL ELSE sum(cost_nanos) END'
const TOTAL_TOKENS = `(${total('input_tokens')} + ${total('output_tokens')})`

/** Each metric the rollup can answer, written to give exactly what compile-query.ts gives on events. */
const ROLLUP_METRIC_SQL: Partial<Record<Metric, string>> = {
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

export const ROLLUP_METRICS: ReadonlySet<Metric> = new Set(Object.keys(ROLLUP_METRIC_SQL) as Metric[])

function metricSql(metric: Metric): string {
  const sql = ROLLUP_METRIC_SQL[metric]
  if (sql === undefined) throw new Error(`the rollup cannot answer ${metric}`)
  return sql
}

/** A rollup table with `hour` named `ts`, so the dialect's time and bucket expressions apply unchanged. */
export const asEventsTime = (table: string) => `(SELECT hour AS ts, * EXCLUDE (hour) FROM ${table}) AS rollup`
const SOURCE = asEventsTime(SUMS_TABLE.name)

/**
 * A bucketed query first folds the rollup into one row per hour and group (with the range and
 * filters applied), so the time-zone arithmetic of the bucket runs once per hour instead of once
 * per rollup row: ICU's conversions cost more than the rest of the query.
 */
function perHour(query: AnalyticsQuery, sql: SqlBuilder): string {
  const metrics = [...query.metrics, ...(query.orderBy ? [query.orderBy.metric] : [])]
  const kept = new Set<string>(query.groupBy)
  if (metrics.includes('error_rate')) kept.add('status')
  if (metrics.includes('unattributed_share'))
    for (const dimension of ['feature', 'customer_id']) kept.add(dimension)
  const sums = SUMS_TABLE.sums.map(([column]) => `sum(${column}) AS ${column}`)
  return `(SELECT ${['hour AS ts', ...kept, ...sums].join(', ')} FROM ${SUMS_TABLE.name}${sql.where(
    { ...query, from: undefined, to: undefined },
    [
      ...(query.from ? [`hour >= make_timestamptz(${sql.bind(query.from.getTime())} * 1000)`] : []),
      ...(query.to ? [`hour < make_timestamptz(${sql.bind(query.to.getTime())} * 1000)`] : []),
    ],
  )} GROUP BY ALL) AS rollup`
}

/** The main query over the rollup: the raw SQL's columns, groups, order and limit. */
export function compileRollupQuery(query: AnalyticsQuery): CompiledQuery {
  const sql = new SqlBuilder()
  const source = query.bucket ? perHour(query, sql) : undefined
  const { select, keys } = sql.groups(query)
  for (const metric of query.metrics) select.push(`${metricSql(metric)} AS ${metric}`)
  let text = `SELECT ${select.join(', ')} FROM ${source ?? `${SOURCE}${sql.where(query)}`}`
  // Cells whose events were all replaced or deleted sum to zero requests: events would have no group.
  if (keys.length > 0) text += ` GROUP BY ${keys.join(', ')} HAVING ${REQUESTS} > 0`
  const order: string[] = []
  if (query.orderBy) {
    const direction = query.orderBy.direction === 'asc' ? 'ASC' : 'DESC'
    order.push(`${metricSql(query.orderBy.metric)} ${direction} NULLS LAST`)
  }
  if (query.bucket) order.push('bucket_start_ms ASC')
  for (const dimension of query.groupBy) order.push(`${dimension} ASC NULLS LAST`)
  if (order.length > 0) text += ` ORDER BY ${order.join(', ')}`
  if (query.limit !== undefined) text += ` LIMIT ${sql.bind(query.limit)}`
  return sql.done(text)
}

/** The "everything else" row over the rollup, excluding `top`'s groups as compileOthers does on events. */
export function compileRollupOthers(query: AnalyticsQuery, top: QueryRow[]): CompiledQuery {
  const sql = new SqlBuilder()
  const extra = sql.excluding(query.groupBy, top)
  const select = query.metrics.map((metric) => `${metricSql(metric)} AS ${metric}`)
  return sql.done(`SELECT ${select.join(', ')} FROM ${SOURCE}${sql.where(query, extra)}`)
}

/** The rollup as the planner sees it; `span` is the store's record of the hours it may hold. */
export function duckdbRollup(span: RollupDefinition['span']): RollupDefinition {
  return {
    dimensions: ROLLUP_DIMENSIONS,
    metrics: ROLLUP_METRICS,
    compile: compileRollupQuery,
    compileOthers: compileRollupOthers,
    span,
  }
}
