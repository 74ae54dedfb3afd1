import type { StoreRow } from 'spendlens/internal'
import type { BaseDimension } from '../api/api-types.js'
import { EVENTS_TABLE, ROLLUP_KEY_COLUMNS } from '../schema/events-table.js'
import { COLUMN_TYPES, type ColumnType } from '../schema/table.js'
import { CHARGED_EVENT, CHARGED_UNPRICED_EVENT, isCharged } from './charged-cost.js'
import { DIALECTS, type EngineName } from './dialect.js'
import { LATENCY_DIMENSIONS, latencyBucket } from './latency-sketch.js'

/**
 * The hourly rollups, on either engine: per UTC hour and combination of some dimensions, counts
 * and sums the dashboard's figures are made of. Each store keeps them exactly equal to the sum
 * over the events they cover (rollup.test.ts holds both engines to that): an appended event adds
 * its contribution, a replaced version subtracts its old one, retention subtracts what it deletes.
 * How, per engine: store/duckdb/ (in the events' transaction), store/clickhouse/ (around the
 * insert; see docs/deploy-clickhouse.md for what that cannot cover). Reading them: compile-rollup.ts.
 *
 * Rows are partial sums: a write appends one row per cell it touches rather than updating the cell
 * in place, every read aggregates, and cells are folded later (DuckDB: compactSql in
 * store/duckdb/rollup-writer.ts; ClickHouse: SummingMergeTree's merges). A cell's value is the sum of its rows.
 *
 * Two tables:
 * - `rollup_hourly`, the sums: dimensions are what the dashboard filters and groups by, minus
 *   user_id and session_id (about one cell per event: the rollup would be as large as the events)
 *   and tags (free-form);
 * - `latency_hourly`, latency histograms for percentiles (latency-sketch.ts): one row per latency
 *   bucket of a cell, so it keeps fewer dimensions (provider, model, feature).
 */
export const ROLLUP_DIMENSIONS = ROLLUP_KEY_COLUMNS.map((column) => column.name as RollupDimension)

/** A rollup key: a query dimension, or the project every figure is read within (schema/projects.ts). */
export type RollupDimension = BaseDimension | 'project'

/**
 * A column computed from events: its name, its type, its SQL over events rows (valid on both
 * engines), the same in JavaScript over one store row (for contributions computed before the
 * rows are written, as the ClickHouse store does), and the schema version of each engine that
 * added it when a later migration did (the one that created the table when not said).
 */
type Column = [
  column: string,
  type: ColumnType,
  fromEvents: string,
  fromRow: (row: RollupRow) => number,
  added?: Partial<Record<EngineName, number>>,
]

/**
 * An events row as a rollup contribution reads it: `ts` in epoch milliseconds, the other columns as
 * stored, the latency bucket as stored (latencyBucket's, or SQL's for older rows).
 */
export type RollupRow = Omit<StoreRow, 'ts'> & { ts: number; latency_bucket: number | null }

/** A rollup table: its key (the hour, dimensions, computed keys) and its summed columns. */
export interface RollupTable {
  name: string
  dimensions: readonly RollupDimension[]
  /** Keys computed from an events row, e.g. the latency bucket. */
  computed: Column[]
  /** Summed columns: per column, the aggregate over events rows and one row's part of it. */
  sums: Column[]
  /** Events rows the table counts: a condition on events columns, and the same in JavaScript. */
  where?: [sql: string, holds: (row: RollupRow) => boolean]
}

const one = () => 1
/** The migration that added the charged sums to the rollup (and refilled it from the events). */
const CHARGED_SUMS_ADDED = { duckdb: 19, clickhouse: 17 }
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
    ['requests', 'int64', 'count(*)', one],
    ['priced_requests', 'int64', 'count(cost_nanos)', (row) => known(row.cost_nanos)],
    ['cost_nanos', 'int64', 'coalesce(sum(cost_nanos), 0)', (row) => orZero(row.cost_nanos)],
    [
      'unpriced_requests',
      'int64',
      "count(*) FILTER (WHERE pricing_status = 'unpriced')",
      (row) => (row.pricing_status === 'unpriced' ? 1 : 0),
    ],
    ['input_tokens', 'double', 'coalesce(sum(input_tokens), 0)', (row) => orZero(row.input_tokens)],
    ['output_tokens', 'double', 'coalesce(sum(output_tokens), 0)', (row) => orZero(row.output_tokens)],
    [
      'cache_read_tokens',
      'double',
      'coalesce(sum(cache_read_tokens), 0)',
      (row) => orZero(row.cache_read_tokens),
    ],
    [
      'cache_write_tokens',
      'double',
      'coalesce(sum(cache_write_tokens), 0)',
      (row) => orZero(row.cache_write_tokens),
    ],
    [
      'reasoning_tokens',
      'double',
      'coalesce(sum(reasoning_tokens), 0)',
      (row) => orZero(row.reasoning_tokens),
    ],
    [
      'input_audio_tokens',
      'double',
      'coalesce(sum(input_audio_tokens), 0)',
      (row) => orZero(row.input_audio_tokens),
    ],
    [
      'output_audio_tokens',
      'double',
      'coalesce(sum(output_audio_tokens), 0)',
      (row) => orZero(row.output_audio_tokens),
    ],
    ['latency_count', 'int64', 'count(latency_ms)', (row) => known(row.latency_ms)],
    ['latency_sum', 'double', 'coalesce(sum(latency_ms), 0)', (row) => orZero(row.latency_ms)],
    // A cost the provider charged and the catalog's price beside it (charged-cost.ts), over the
    // same events: the charged ones. Their cost is always known (a charged cost is a number).
    [
      'charged_requests',
      'int64',
      `count(*) FILTER (WHERE ${CHARGED_EVENT})`,
      (row) => (isCharged(row) ? 1 : 0),
      CHARGED_SUMS_ADDED,
    ],
    [
      'charged_cost_nanos',
      'int64',
      `coalesce(sum(cost_nanos) FILTER (WHERE ${CHARGED_EVENT}), 0)`,
      (row) => (isCharged(row) ? orZero(row.cost_nanos) : 0),
      CHARGED_SUMS_ADDED,
    ],
    [
      'charged_unpriced_requests',
      'int64',
      `count(*) FILTER (WHERE ${CHARGED_UNPRICED_EVENT})`,
      (row) => (isCharged(row) && row.computed_cost_nanos == null ? 1 : 0),
      CHARGED_SUMS_ADDED,
    ],
    [
      'computed_cost_nanos',
      'int64',
      `coalesce(sum(computed_cost_nanos) FILTER (WHERE ${CHARGED_EVENT}), 0)`,
      (row) => (isCharged(row) ? orZero(row.computed_cost_nanos) : 0),
      CHARGED_SUMS_ADDED,
    ],
  ],
}

/** Latency histograms: how many events of a cell fall in each latency bucket. */
export const LATENCY_TABLE: RollupTable = {
  name: 'latency_hourly',
  dimensions: LATENCY_DIMENSIONS,
  computed: [
    ['bucket', 'int32', 'latency_bucket', (row) => row.latency_bucket ?? latencyBucket(row.latency_ms) ?? 0],
  ],
  sums: [['requests', 'int64', 'count(*)', one]],
  where: ['latency_ms IS NOT NULL', (row) => row.latency_ms !== null && row.latency_ms !== undefined],
}

export const ROLLUP_TABLES: readonly RollupTable[] = [SUMS_TABLE, LATENCY_TABLE]

/**
 * The tables whose sums read an event's price (cost_nanos, pricing_status): the ones a reprice
 * moves. The latency histograms count latencies only.
 */
export const PRICED_ROLLUP_TABLES: readonly RollupTable[] = [SUMS_TABLE]

/**
 * `table` as a migration at schema `version` of `engine` creates and fills it: without the key
 * columns the events table gained later (a later migration adds them to both), nor the sums a
 * later migration added.
 */
export function rollupTableAt(table: RollupTable, engine: EngineName, version: number): RollupTable {
  const later = new Set(
    EVENTS_TABLE.columns
      .filter((column) => (column.added?.[engine] ?? 1) > version)
      .map((column) => column.name),
  )
  return {
    ...table,
    dimensions: table.dimensions.filter((dimension) => !later.has(dimension)),
    sums: table.sums.filter(([, , , , added]) => (added?.[engine] ?? 0) <= version),
  }
}

/** The sums added to `table` at exactly `version` of `engine`. */
export function rollupSumsAdded(
  table: RollupTable,
  engine: EngineName,
  version: number,
): RollupTable['sums'] {
  return table.sums.filter(([, , , , added]) => added?.[engine] === version)
}

/**
 * The key columns the events table gained at `version` of `engine` that `table` is kept by: the
 * migration that adds them to the events adds them to it too (a table without them, such as the
 * latency histograms for provider_project, is left alone).
 */
export function rollupKeysAdded(table: RollupTable, engine: EngineName, version: number): RollupDimension[] {
  return ROLLUP_KEY_COLUMNS.filter((column) => column.added?.[engine] === version)
    .map((column) => column.name as RollupDimension)
    .filter((name) => table.dimensions.includes(name))
}
export const ROLLUP_TABLE = SUMS_TABLE.name

const HOUR_MS = 3_600_000

/** The table's columns in the order every insert names them: the hour, dimensions, computed keys, sums. */
export function rollupColumnNames(table: RollupTable): string[] {
  return [
    'hour',
    ...table.dimensions,
    ...table.computed.map(([column]) => column),
    ...table.sums.map(([column]) => column),
  ]
}

/**
 * The contribution of the events-shaped rows `source` selects to `table`, as rows of the table
 * (its columns in rollupColumnNames' order), negated when `sign` is -1. With `typed`, each key and
 * sum is cast to the table's own type, so the rows can stand beside the table's in a UNION ALL
 * (ClickHouse finds no common type for the table's Int64 and count()'s UInt64).
 */
export function contributionSelect(
  engine: EngineName,
  table: RollupTable,
  source: string,
  sign: 1 | -1,
  typed = false,
): string {
  const dialect = DIALECTS[engine]
  const as = (sql: string, type: ColumnType) =>
    typed ? `CAST(${sql} AS ${COLUMN_TYPES[type][engine]})` : sql
  const keys = [
    `${dialect.utcHour} AS hour`,
    ...table.dimensions,
    ...table.computed.map(([column, type, fromEvents]) => `${as(fromEvents, type)} AS ${column}`),
  ]
  const sums = table.sums.map(
    ([column, type, fromEvents]) => `${as(sign === 1 ? fromEvents : `-(${fromEvents})`, type)} AS ${column}`,
  )
  const where = table.where ? ` WHERE ${table.where[0]}` : ''
  return `SELECT ${keys.join(', ')}, ${sums.join(', ')} FROM (${source})${where} GROUP BY ALL`
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
  // Columns named: a table created before a dimension moved in the catalog keeps its own order.
  return `INSERT INTO ${tableName} (${rollupColumnNames(table).join(', ')}) ${contributionSelect(engine, table, source, sign)}${DIALECTS[engine].settings}`
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
    const hour = Math.floor(row.ts / HOUR_MS) * HOUR_MS
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
