import { DIALECTS } from '../../query/dialect.js'
import {
  contributionSql as anyContributionSql,
  ROLLUP_TABLES,
  type RollupTable,
  rollupColumnNames,
  rollupSumsAdded,
  rollupTableAt,
} from '../../query/rollup-tables.js'
import { NULLABLE_COLUMNS as NULLABLE } from '../../schema/events-table.js'
import { COLUMN_TYPES } from '../../schema/table.js'

/**
 * The DuckDB side of the hourly rollups (query/rollup-tables.ts defines them, on both engines).
 * They are kept up to date in the same transaction as the events (append-pipeline.ts): each appended
 * batch adds its rows' contributions, a replaced version of an event subtracts its old
 * contribution, retention subtracts what it deletes. So a rollup is always exactly the sum over
 * the events it covers, and rollup.test.ts holds it to that.
 *
 * Rows are partial sums, the way ClickHouse's SummingMergeTree keeps them: a batch appends one row
 * per cell it touches rather than updating the cell in place, every read aggregates, and a
 * compaction folds the rows of the hours touched since the last one (`compactSql`). Appending is
 * cheap and needs no index; a cell's value is the sum of its rows whether compacted or not.
 */

const UTC_HOUR = DIALECTS.duckdb.utcHour

/** A table's DDL (created by a schema migration). service_tier may be null, as in the events. */
export function rollupDdl(table: RollupTable): string {
  const columns = [
    'hour TIMESTAMPTZ NOT NULL',
    ...table.dimensions.map(
      (dimension) => `${dimension} VARCHAR${NULLABLE.has(dimension) ? '' : ' NOT NULL'}`,
    ),
    ...table.computed.map(([column, type]) => `${column} ${COLUMN_TYPES[type].duckdb} NOT NULL`),
    ...table.sums.map(([column, type]) => `${column} ${COLUMN_TYPES[type].duckdb} NOT NULL`),
  ]
  return `CREATE TABLE ${table.name} (${columns.join(', ')})`
}

/**
 * Appends to `table` the contribution of the events-shaped rows `source` selects, negated when
 * `sign` is -1 (a replaced version, a retention delete).
 */
export function contributionSql(table: RollupTable, source: string, sign: 1 | -1): string {
  return anyContributionSql('duckdb', table, source, sign)
}

/**
 * The contribution of a staging table (staging.ts): grouped on its dimensions as they are
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
  const where = table.where ? ` WHERE ${table.where[0]}` : ''
  return `INSERT INTO ${table.name} (${rollupColumnNames(table).join(', ')}) SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM (${source})${where} GROUP BY ALL)`
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
    `INSERT INTO ${table.name} (${rollupColumnNames(table).join(', ')}) SELECT ${rollupColumnNames(table).join(', ')} FROM ${compacted}`,
    `DROP TABLE ${compacted}`,
  ]
}

/** `table` as schema `version` has it, created and filled from the events table. */
const createAndFill = (current: RollupTable, version: number) => {
  const table = rollupTableAt(current, 'duckdb', version)
  return `${rollupDdl(table)}; ${contributionSql(table, 'SELECT * FROM events', 1)};`
}

/** Every rollup table, created and filled from the events table (schema migration 4). */
export const ROLLUP_MIGRATION_SQL = ROLLUP_TABLES.map((table) => createAndFill(table, 4)).join(' ')

/**
 * The rollup tables that gained sums at `version`, built again with them from the events table:
 * a new sum is the sum over the events there are, which a column added with a default of 0 would
 * not be (DuckDB cannot add a NOT NULL column, and the table keeps its DDL's).
 */
export function rollupSumsMigrationSql(version: number): string {
  return ROLLUP_TABLES.filter((table) => rollupSumsAdded(table, 'duckdb', version).length > 0)
    .map((table) => `DROP TABLE ${table.name}; ${createAndFill(table, version)}`)
    .join(' ')
}
