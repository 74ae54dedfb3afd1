import type { Bucket } from '../api/api-types.js'
import type { EngineName } from '../schema/table.js'

/**
 * The SQL of both engines side by side: every construct the query layer writes (aggregates, time
 * ranges and buckets, tags, the rollups' hour) is written once per dialect here, so one diff shows
 * both. Columns come only from fixed lists; values always travel as bound parameters (sql-builder.ts).
 */

export type { EngineName }

export type ParamType = 'String' | 'Int64'

export interface CompiledQuery {
  sql: string
  params: Record<string, string | number>
  /** ClickHouse declares a type with each placeholder; kept here for engines that bind by type. */
  types: Record<string, ParamType>
}

export interface Dialect {
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
  /** A timestamp expression as epoch milliseconds. */
  epochMs(time: string): string
  /** An aggregate that is NULL over no rows (ClickHouse gives min and max of nothing as 0). */
  nullWhenEmpty(aggregate: string): string
  /** A timestamp from an epoch-milliseconds expression. */
  timeFromMs(ms: string): string
  /** The UTC hour an event falls in, whatever the session's time zone (arithmetic: no zone lookups). */
  utcHour: string
  /** `value` on the row where `by` is largest (one such row when several tie). */
  argMax(value: string, by: string): string
  /** Every column of a relation but `column`. */
  allBut(column: string): string
  /** A record table (schema/record-table.ts) as reads see it: the latest write of each key. */
  latest(table: string): string
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
  epochMs: (time) => `epoch_ms(${time})`,
  nullWhenEmpty: (aggregate) => aggregate,
  timeFromMs: (ms) => `make_timestamptz(${ms} * 1000)`,
  utcHour: 'make_timestamptz(CAST(floor(epoch_ms(ts) / 3600000) AS BIGINT) * 3600000000)',
  argMax: (value, by) => `arg_max(${value}, ${by})`,
  allBut: (column) => `* EXCLUDE (${column})`,
  latest: (table) => table,
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
  epochMs: (time) => `toUnixTimestamp64Milli(${time})`,
  nullWhenEmpty: (aggregate) => `if(count() = 0, NULL, ${aggregate})`,
  timeFromMs: (ms) => `fromUnixTimestamp64Milli(${ms}, 'UTC')`,
  utcHour: "fromUnixTimestamp64Milli(toInt64(floor(toUnixTimestamp64Milli(ts) / 3600000)) * 3600000, 'UTC')",
  argMax: (value, by) => `argMax(${value}, ${by})`,
  allBut: (column) => `* EXCEPT (${column})`,
  latest: (table) => `${table} FINAL`,
}

export const DIALECTS: Record<EngineName, Dialect> = { duckdb, clickhouse }
