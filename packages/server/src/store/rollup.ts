import type { StoreRow } from 'spendlens/internal'
import type { AnalyticsQuery, BaseDimension, Metric, QueryRow } from '../query/analytics-query.js'
import type { CompiledQuery, EngineName } from '../query/compile-query.js'
import { LATENCY_DIMENSIONS, latencyBucket } from './latency-sketch.js'
import type { RollupDefinition } from './query-planner.js'
import { SqlBuilder } from './sql-builder.js'

/**
 * The hourly rollups, on either engine: per UTC hour and combination of some dimensions, counts
 * and sums the dashboard's figures are made of. Each store keeps them exactly equal to the sum
 * over the events they cover (rollup.test.ts holds both engines to that): an appended event adds
 * its contribution, a replaced version subtracts its old one, retention subtracts what it deletes.
 * How, per engine: duckdb-store.ts (in the events' transaction), clickhouse-store.ts (around the
 * insert; see docs/deploy-clickhouse.md for what that cannot cover).
 *
 * Rows are partial sums: a write appends one row per cell it touches rather than updating the cell
 * in place, every read aggregates, and cells are folded later (DuckDB: compactSql in
 * duckdb-rollup.ts; ClickHouse: SummingMergeTree's merges). A cell's value is the sum of its rows.
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

/**
 * A column computed from events: its name, its (DuckDB) type, its SQL over events rows (valid on
 * both engines), and the same in JavaScript over one store row (for contributions computed before
 * the rows are written, as the ClickHouse store does).
 */
type Column = [column: string, type: string, fromEvents: string, fromRow: (row: RollupRow) => number]

/** A store row with its latency bucket as stored (latencyBucket's, or SQL's for older rows). */
export type RollupRow = StoreRow & { latency_bucket: number | null }

/** A rollup table: its key (the hour, dimensions, computed keys) and its summed columns. */
export interface RollupTable {
  name: string
  dimensions: readonly BaseDimension[]
  /** Keys computed from an events row, e.g. the latency bucket. */
  computed: Column[]
  /** Summed columns: per column, the aggregate over events rows and one row's part of it. */
  sums: Column[]
  /** Events rows the table counts: a condition on events columns, and the same in JavaScript. */
  where?: [sql: string, holds: (row: RollupRow) => boolean]
}

const one = () => 1
const orZero = (value: number | null | undefined) => value ?? 0
const known = (value: unknown) => (value === null || value === undefined ? 0 : 1)

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
    ['requests', 'BIGINT', 'count(*)', one],
    ['priced_requests', 'BIGINT', 'count(cost_nanos)', (row) => known(row.cost_nanos)],
    ['cost_nanos', 'BIGINT', 'coalesce(sum(cost_nanos), 0)', (row) => orZero(row.cost_nanos)],
    [
      'unpriced_requests',
      'BIGINT',
      "count(*) FILTER (WHERE pricing_status = 'unpriced')",
      (row) => (row.pricing_status === 'unpriced' ? 1 : 0),
    ],
    ['input_tokens', 'DOUBLE', 'coalesce(sum(input_tokens), 0)', (row) => orZero(row.input_tokens)],
    ['output_tokens', 'DOUBLE', 'coalesce(sum(output_tokens), 0)', (row) => orZero(row.output_tokens)],
    [
      'cache_read_tokens',
      'DOUBLE',
      'coalesce(sum(cache_read_tokens), 0)',
      (row) => orZero(row.cache_read_tokens),
    ],
    [
      'cache_write_tokens',
      'DOUBLE',
      'coalesce(sum(cache_write_tokens), 0)',
      (row) => orZero(row.cache_write_tokens),
    ],
    [
      'reasoning_tokens',
      'DOUBLE',
      'coalesce(sum(reasoning_tokens), 0)',
      (row) => orZero(row.reasoning_tokens),
    ],
    [
      'input_audio_tokens',
      'DOUBLE',
      'coalesce(sum(input_audio_tokens), 0)',
      (row) => orZero(row.input_audio_tokens),
    ],
    [
      'output_audio_tokens',
      'DOUBLE',
      'coalesce(sum(output_audio_tokens), 0)',
      (row) => orZero(row.output_audio_tokens),
    ],
    ['latency_count', 'BIGINT', 'count(latency_ms)', (row) => known(row.latency_ms)],
    ['latency_sum', 'DOUBLE', 'coalesce(sum(latency_ms), 0)', (row) => orZero(row.latency_ms)],
  ],
}

/** Latency histograms: how many events of a cell fall in each latency bucket. */
export const LATENCY_TABLE: RollupTable = {
  name: 'latency_hourly',
  dimensions: LATENCY_DIMENSIONS,
  computed: [
    [
      'bucket',
      'INTEGER',
      'latency_bucket',
      (row) => row.latency_bucket ?? latencyBucket(row.latency_ms) ?? 0,
    ],
  ],
  sums: [['requests', 'BIGINT', 'count(*)', one]],
  where: ['latency_ms IS NOT NULL', (row) => row.latency_ms !== null && row.latency_ms !== undefined],
}

export const ROLLUP_TABLES: readonly RollupTable[] = [SUMS_TABLE, LATENCY_TABLE]
export const ROLLUP_TABLE = SUMS_TABLE.name

/** Rollup dimensions that can be NULL, as in the events table. */
export const NULLABLE: ReadonlySet<string> = new Set(['service_tier'])

const HOUR_MS = 3_600_000

/** What the rollup SQL needs beyond compile-query.ts's dialects. */
interface RollupDialect {
  /** The UTC hour an event falls in, whatever the session's time zone (arithmetic: no zone lookups). */
  utcHour: string
  /** A timestamp from an epoch-milliseconds expression. */
  timeFromMs(ms: string): string
  /** Every column of a relation but `column`. */
  allBut(column: string): string
  /** Appended to the statements that aggregate events (contributionSql). */
  settings: string
}

export const ROLLUP_DIALECTS: Record<EngineName, RollupDialect> = {
  duckdb: {
    utcHour: 'make_timestamptz(CAST(floor(epoch_ms(ts) / 3600000) AS BIGINT) * 3600000000)',
    timeFromMs: (ms) => `make_timestamptz(${ms} * 1000)`,
    allBut: (column) => `* EXCLUDE (${column})`,
    settings: '',
  },
  clickhouse: {
    utcHour:
      "fromUnixTimestamp64Milli(toInt64(floor(toUnixTimestamp64Milli(ts) / 3600000)) * 3600000, 'UTC')",
    timeFromMs: (ms) => `fromUnixTimestamp64Milli(${ms}, 'UTC')`,
    allBut: (column) => `* EXCEPT (${column})`,
    // `sum(cost_nanos) AS cost_nanos` next to `count(cost_nanos)`: the column, not the alias.
    settings: ' SETTINGS prefer_column_name_to_alias = 1',
  },
}

/**
 * Appends to `table` the contribution of the events-shaped rows `source` selects, negated when
 * `sign` is -1 (a replaced version, a retention delete).
 */
export function contributionSql(
  engine: EngineName,
  table: RollupTable,
  source: string,
  sign: 1 | -1,
  tableName = table.name,
): string {
  const rollupDialect = ROLLUP_DIALECTS[engine]
  const keys = [
    `${rollupDialect.utcHour} AS hour`,
    ...table.dimensions,
    ...table.computed.map(([column, , fromEvents]) => `${fromEvents} AS ${column}`),
  ]
  const sums = table.sums.map(
    ([column, , fromEvents]) => `${sign === 1 ? fromEvents : `-(${fromEvents})`} AS ${column}`,
  )
  const where = table.where ? ` WHERE ${table.where[0]}` : ''
  return `INSERT INTO ${tableName} SELECT ${keys.join(', ')}, ${sums.join(', ')} FROM (${source})${where} GROUP BY ALL${rollupDialect.settings}`
}

/**
 * The contribution of store rows computed in JavaScript, as contributionSql computes it over the
 * same rows in SQL: one row per cell, keyed by `hour` (epoch ms of the UTC hour), dimensions and
 * computed keys, negated when `sign` is -1.
 */
export function rollupContributions(
  table: RollupTable,
  rows: readonly RollupRow[],
  sign: 1 | -1,
): Record<string, unknown>[] {
  const cells = new Map<string, Record<string, unknown>>()
  for (const row of rows) {
    if (table.where && !table.where[1](row)) continue
    const hour = Math.floor(Date.parse(row.ts) / HOUR_MS) * HOUR_MS
    const key: Record<string, unknown> = { hour }
    for (const dimension of table.dimensions) key[dimension] = row[dimension as keyof StoreRow] ?? null
    for (const [column, , , fromRow] of table.computed) key[column] = fromRow(row)
    const id = JSON.stringify(Object.values(key))
    let cell = cells.get(id)
    if (!cell) {
      cell = { ...key }
      for (const [column] of table.sums) cell[column] = 0
      cells.set(id, cell)
    }
    for (const [column, , , fromRow] of table.sums)
      cell[column] = (cell[column] as number) + sign * fromRow(row)
  }
  return [...cells.values()]
}

// ----------------------------------------------------------------- reading

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
  `(SELECT hour AS ts, ${ROLLUP_DIALECTS[engine].allBut('hour')} FROM ${table}) AS rollup`

/**
 * A bucketed query first folds the rollup into one row per hour and group (with the range and
 * filters applied), so the time-zone arithmetic of the bucket runs once per hour instead of once
 * per rollup row: ICU's conversions cost more than the rest of the query.
 */
function perHour(query: AnalyticsQuery, sql: SqlBuilder): string {
  const { timeFromMs } = ROLLUP_DIALECTS[sql.engine]
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
