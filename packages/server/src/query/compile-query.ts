import type { AnalyticsQuery, Bucket, Dimension, Filter, Metric, QueryRow } from './analytics-query.js'

/**
 * AnalyticsQuery → SQL, for DuckDB and ClickHouse side by side: every construct is written once per
 * dialect in the `Dialect` objects below, so one diff shows both. Columns come only from fixed
 * lists; values (filter values, times, the time zone, tag keys) are always bound parameters.
 */

export type EngineName = 'duckdb' | 'clickhouse'
type ParamType = 'String' | 'Int64'

export interface CompiledQuery {
  sql: string
  params: Record<string, string | number>
  /** ClickHouse declares a type with each placeholder; kept here for engines that bind by type. */
  types: Record<string, ParamType>
}

interface Dialect {
  /** The events table as queries read it (ClickHouse: the latest version of each event_id). */
  table: string
  /** Appended to every statement. */
  settings: string
  placeholder(name: string, type: ParamType): string
  count: string
  countIf(condition: string): string
  /** Sum over the rows meeting `condition`, 0 when none does (or none has a value). */
  sumIf(expression: string, condition: string): string
  /** Sum of a nullable column, 0 when nothing is known. */
  sumOrZero(column: string): string
  /** Sum of a nullable column, NULL when no row has a value (unknown is not 0). */
  sumOrNull(column: string): string
  /** Exact, linearly interpolated quantile (R type 7) on both engines. */
  quantile(level: number, column: string): string
  divide(numerator: string, denominator: string): string
  timeAtLeast(fromParam: string): string
  timeBefore(toParam: string): string
  /** The bucket's start as epoch milliseconds, and its local label, in the time zone `tz`. */
  bucketStartMs(bucket: Bucket, tz: string): string
  bucketLabel(bucket: Bucket, tz: string): string
  /** A tag's value, `unattributed` when the event has none. */
  tag(keyParam: string): string
  /** A tag key as the engine looks it up. */
  tagKey(key: string): string
}

const DUCKDB_TRUNC: Record<Bucket, string> = {
  minute: 'minute',
  hour: 'hour',
  day: 'day',
  week: 'week',
  month: 'month',
}
const DUCKDB_LABEL: Record<Bucket, string> = {
  minute: '%Y-%m-%d %H:%M',
  hour: '%Y-%m-%d %H:00',
  day: '%Y-%m-%d',
  week: '%Y-%m-%d',
  month: '%Y-%m',
}
/** Milliseconds of a bucket that is cut by subtracting the local time past its start. */
const SUB_HOUR_MS: Partial<Record<Bucket, number>> = { minute: 60_000, hour: 3_600_000 }

const duckdb: Dialect = {
  table: 'events',
  settings: '',
  placeholder: (name) => `$${name}`,
  count: 'count(*)',
  countIf: (condition) => `count(*) FILTER (WHERE ${condition})`,
  sumIf: (expression, condition) => `coalesce(sum(${expression}) FILTER (WHERE ${condition}), 0)`,
  sumOrZero: (column) => `coalesce(sum(${column}), 0)`,
  sumOrNull: (column) => `sum(${column})`,
  quantile: (level, column) => `quantile_cont(${column}, ${level})`,
  divide: (numerator, denominator) =>
    `CASE WHEN coalesce(${denominator}, 0) = 0 THEN NULL ELSE (${numerator})::DOUBLE / (${denominator}) END`,
  timeAtLeast: (from) => `ts >= make_timestamptz(${from} * 1000)`,
  timeBefore: (to) => `ts < make_timestamptz(${to} * 1000)`,
  // timezone(tz, timestamptz) gives local wall-clock time; timezone(tz, timestamp) maps it back. That
  // way back is ambiguous in the hour a DST change repeats (New York's 01:00–02:00 on 2026-11-01
  // happens twice) and would fold two real hours into one bucket; minutes and hours are instead cut
  // by subtracting the local time past the bucket's start from the instant itself.
  bucketStartMs: (bucket, tz) => {
    const size = SUB_HOUR_MS[bucket]
    if (size !== undefined) return `(epoch_ms(ts) - epoch_ms(timezone(${tz}, ts)) % ${size})`
    return `epoch_ms(timezone(${tz}, date_trunc('${DUCKDB_TRUNC[bucket]}', timezone(${tz}, ts))))`
  },
  bucketLabel: (bucket, tz) =>
    `strftime(date_trunc('${DUCKDB_TRUNC[bucket]}', timezone(${tz}, ts)), '${DUCKDB_LABEL[bucket]}')`,
  tag: (key) => `coalesce(json_extract_string(tags, ${key}), 'unattributed')`,
  tagKey: (key) => `$."${key}"`,
}

const CLICKHOUSE_START: Record<Bucket, (tz: string) => string> = {
  minute: (tz) => `toStartOfMinute(ts, ${tz})`,
  hour: (tz) => `toStartOfHour(ts, ${tz})`,
  day: (tz) => `toStartOfDay(ts, ${tz})`,
  // Weeks start on Monday (mode 1), as DuckDB's date_trunc('week') does.
  week: (tz) => `toDateTime(toStartOfWeek(ts, 1, ${tz}), ${tz})`,
  month: (tz) => `toDateTime(toStartOfMonth(ts, ${tz}), ${tz})`,
}
/** ClickHouse's formatDateTime: `%i` is the minute (its `%M` is the month's name). */
const CLICKHOUSE_LABEL: Record<Bucket, string> = {
  minute: '%Y-%m-%d %H:%i',
  hour: '%Y-%m-%d %H:00',
  day: '%Y-%m-%d',
  week: '%Y-%m-%d',
  month: '%Y-%m',
}

const clickhouse: Dialect = {
  table: 'events FINAL',
  // A select alias shadows a column of the same name in ClickHouse: `sum(input_tokens) AS
  // input_tokens` next to `sum(input_tokens) + sum(output_tokens)` would nest aggregates.
  settings: ' SETTINGS prefer_column_name_to_alias = 1',
  placeholder: (name, type) => `{${name}:${type}}`,
  count: 'count()',
  countIf: (condition) => `countIf(${condition})`,
  sumIf: (expression, condition) => `ifNull(sumIf(${expression}, ${condition}), 0)`,
  sumOrZero: (column) => `ifNull(sum(${column}), 0)`,
  sumOrNull: (column) => `if(count(${column}) = 0, NULL, sum(${column}))`,
  quantile: (level, column) => `quantileExactInclusive(${level})(${column})`,
  divide: (numerator, denominator) =>
    `if(ifNull(${denominator}, 0) = 0, NULL, toFloat64(${numerator}) / (${denominator}))`,
  timeAtLeast: (from) => `ts >= fromUnixTimestamp64Milli(${from})`,
  timeBefore: (to) => `ts < fromUnixTimestamp64Milli(${to})`,
  bucketStartMs: (bucket, tz) => `toUnixTimestamp(toDateTime(${CLICKHOUSE_START[bucket](tz)})) * 1000`,
  bucketLabel: (bucket, tz) =>
    `formatDateTime(${CLICKHOUSE_START[bucket](tz)}, '${CLICKHOUSE_LABEL[bucket]}', ${tz})`,
  tag: (key) => `if(mapContains(tags, ${key}), tags[${key}], 'unattributed')`,
  tagKey: (key) => key,
}

export const DIALECTS: Record<EngineName, Dialect> = { duckdb, clickhouse }

/** Dimensions whose column can be NULL (attribution columns never are: they hold `unattributed`). */
const NULLABLE_DIMENSIONS: ReadonlySet<Dimension> = new Set<Dimension>(['service_tier'])

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
    // Share of known cost whose feature or customer is unattributed.
    case 'unattributed_share':
      return dialect.divide(dialect.sumIf('cost_nanos', UNATTRIBUTED_EVENT), dialect.sumOrNull('cost_nanos'))
  }
}

/** Metrics read back in nano-dollars and converted to dollars. */
export const NANO_METRICS: ReadonlySet<string> = new Set<Metric>(['cost_usd', 'cost_per_request'])

/** Result column names stand in for dimensions (a `tags.x` dimension is aliased `tag_0`, …). */
function columnAlias(dimension: Dimension, index: number): string {
  return dimension.startsWith('tags.') ? `tag_${index}` : dimension
}

class Compiler {
  readonly params: Record<string, string | number> = {}
  readonly types: Record<string, ParamType> = {}
  private count = 0

  constructor(readonly dialect: Dialect) {}

  bind(value: string | number, type: ParamType): string {
    const name = `p${this.count++}`
    this.params[name] = value
    this.types[name] = type
    return this.dialect.placeholder(name, type)
  }

  dimension(dimension: Dimension): string {
    if (dimension.startsWith('tags.'))
      return this.dialect.tag(this.bind(this.dialect.tagKey(dimension.slice(5)), 'String'))
    return dimension
  }

  filter(filter: Filter): string {
    const column = this.dimension(filter.dimension)
    const values = filter.values.map((value) => this.bind(value, 'String')).join(', ')
    if (filter.op !== 'not_in') return `${column} IN (${values})`
    // `NULL NOT IN (…)` is NULL, not true: an event without a service tier is not any of them.
    return NULLABLE_DIMENSIONS.has(filter.dimension)
      ? `(${column} IS NULL OR ${column} NOT IN (${values}))`
      : `${column} NOT IN (${values})`
  }

  /** True exactly when `dimension` has `value` (a null group is matched by IS NULL, never by `=`). */
  matches(dimension: Dimension, value: unknown): string {
    const column = this.dimension(dimension)
    if (value === null || value === undefined) return `${column} IS NULL`
    const equal = `${column} = ${this.bind(String(value), 'String')}`
    // Never NULL either, so that NOT (…) of it is true for an event without a value.
    return NULLABLE_DIMENSIONS.has(dimension) ? `(${column} IS NOT NULL AND ${equal})` : equal
  }

  where(query: AnalyticsQuery, extra: string[] = []): string {
    const conditions: string[] = []
    if (query.from) conditions.push(this.dialect.timeAtLeast(this.bind(query.from.getTime(), 'Int64')))
    if (query.to) conditions.push(this.dialect.timeBefore(this.bind(query.to.getTime(), 'Int64')))
    for (const filter of query.filters) conditions.push(this.filter(filter))
    conditions.push(...extra)
    return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''
  }

  done(sql: string): CompiledQuery {
    return { sql: `${sql}${this.dialect.settings}`, params: this.params, types: this.types }
  }
}

/** The main query: groups, bucket, metrics, order and limit. */
export function compileQuery(engine: EngineName, query: AnalyticsQuery): CompiledQuery {
  const compiler = new Compiler(DIALECTS[engine])
  const { dialect } = compiler
  const select: string[] = []
  const groupBy: string[] = []
  if (query.bucket) {
    const tz = compiler.bind(query.timeZone, 'String')
    select.push(
      `${dialect.bucketStartMs(query.bucket, tz)} AS bucket_start_ms`,
      `${dialect.bucketLabel(query.bucket, tz)} AS bucket_label`,
    )
    groupBy.push('bucket_start_ms', 'bucket_label')
  }
  query.groupBy.forEach((dimension, index) => {
    const alias = columnAlias(dimension, index)
    select.push(`${compiler.dimension(dimension)} AS ${alias}`)
    groupBy.push(alias)
  })
  for (const metric of query.metrics) select.push(`${metricSql(dialect, metric)} AS ${metric}`)

  let sql = `SELECT ${select.join(', ')} FROM ${dialect.table}${compiler.where(query)}`
  if (groupBy.length > 0) sql += ` GROUP BY ${groupBy.join(', ')}`
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
  if (order.length > 0) sql += ` ORDER BY ${order.join(', ')}`
  if (query.limit !== undefined) sql += ` LIMIT ${compiler.bind(query.limit, 'Int64')}`
  return compiler.done(sql)
}

/**
 * The "everything else" row: the same metrics over the events of every group not in `top`
 * (the rows the main query returned), computed exactly rather than subtracted, so rates and
 * percentiles are right too.
 */
export function compileOthers(engine: EngineName, query: AnalyticsQuery, top: QueryRow[]): CompiledQuery {
  const compiler = new Compiler(DIALECTS[engine])
  const exclude = top.map((row) => {
    // `top` holds read rows: a tag's value is under its `tags.<key>` name again.
    const parts = query.groupBy.map((dimension) => compiler.matches(dimension, row[dimension]))
    return `(${parts.join(' AND ')})`
  })
  const extra = exclude.length > 0 ? [`NOT (${exclude.join(' OR ')})`] : []
  const select = query.metrics.map((metric) => `${metricSql(compiler.dialect, metric)} AS ${metric}`)
  return compiler.done(
    `SELECT ${select.join(', ')} FROM ${compiler.dialect.table}${compiler.where(query, extra)}`,
  )
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

/** The event log: newest first, after a cursor (the last row's ts and event_id). */
export function compileEventLog(
  engine: EngineName,
  scope: Pick<AnalyticsQuery, 'from' | 'to' | 'filters'>,
  cursor: { ts: number; eventId: string } | undefined,
  limit: number,
  columns: readonly string[],
): CompiledQuery {
  const compiler = new Compiler(DIALECTS[engine])
  const { dialect } = compiler
  const extra: string[] = []
  if (cursor) {
    const tsBefore = dialect.timeBefore(compiler.bind(cursor.ts, 'Int64'))
    const sameTs = `${dialect.timeAtLeast(compiler.bind(cursor.ts, 'Int64'))} AND ${dialect.timeBefore(compiler.bind(cursor.ts + 1, 'Int64'))}`
    extra.push(`(${tsBefore} OR (${sameTs} AND event_id < ${compiler.bind(cursor.eventId, 'String')}))`)
  }
  const query: AnalyticsQuery = { ...scope, timeZone: 'UTC', groupBy: [], metrics: [] }
  const tsMs = engine === 'duckdb' ? 'epoch_ms(ts)' : 'toUnixTimestamp64Milli(ts)'
  const select = columns.map((column) => (column === 'ts' ? `${tsMs} AS ts_ms` : column)).join(', ')
  return compiler.done(
    `SELECT ${select} FROM ${dialect.table}${compiler.where(query, extra)} ORDER BY ts DESC, event_id DESC LIMIT ${compiler.bind(limit, 'Int64')}`,
  )
}
