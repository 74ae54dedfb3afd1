/**
 * How spendlens declares a table once for every place that needs its shape: each engine's DDL and
 * migrations, the staging and encoding of rows at ingest, the event log, exports. A column is one
 * line (its name, type, nullability, how it is read from the object it stores) and the engines'
 * own type names come from one table of types below, side by side.
 */

export type EngineName = 'duckdb' | 'clickhouse'
export const ENGINES: readonly EngineName[] = ['duckdb', 'clickhouse']

export type ColumnType = 'text' | 'timestamp' | 'double' | 'int64' | 'int32' | 'boolean' | 'tags'

/** Each column type as DuckDB, ClickHouse and Parquet (written through DuckDB) name it. */
export const COLUMN_TYPES: Record<ColumnType, Record<EngineName | 'parquet', string>> = {
  text: { duckdb: 'VARCHAR', clickhouse: 'String', parquet: 'VARCHAR' },
  timestamp: { duckdb: 'TIMESTAMPTZ', clickhouse: "DateTime64(3, 'UTC')", parquet: 'TIMESTAMPTZ' },
  double: { duckdb: 'DOUBLE', clickhouse: 'Float64', parquet: 'DOUBLE' },
  int64: { duckdb: 'BIGINT', clickhouse: 'Int64', parquet: 'BIGINT' },
  int32: { duckdb: 'INTEGER', clickhouse: 'Int32', parquet: 'INTEGER' },
  boolean: { duckdb: 'BOOLEAN', clickhouse: 'Bool', parquet: 'BOOLEAN' },
  // A free-form string map: JSON text in DuckDB (its MAP is slow to append), a map elsewhere.
  tags: { duckdb: 'VARCHAR', clickhouse: 'Map(String, String)', parquet: 'MAP(VARCHAR, VARCHAR)' },
}

/** A stored value as a column reads it from its object (a timestamp as epoch milliseconds). */
export type ColumnValue = string | number | boolean | null | Record<string, string>

export interface Column<Source> {
  name: string
  type: ColumnType
  nullable: boolean
  /**
   * Text only: `unique` when almost every row has a value of its own (an id), `high` for many
   * values that still repeat within a batch (user ids), `low` for a few (a model, a feature):
   * ClickHouse keeps `low` as LowCardinality, and DuckDB's staging codes `high` and `low` as ENUMs.
   */
  cardinality?: 'unique' | 'high' | 'low'
  /** A default per engine, as SQL. */
  defaults?: Partial<Record<EngineName, string>>
  /** The schema version of each engine that added the column (1 when not said). */
  added?: Partial<Record<EngineName, number>>
  /** The engines that keep it (both when not said). */
  engines?: readonly EngineName[]
  /** Reads the column's value from the object a row stores. */
  read(source: Source): ColumnValue
}

/** A table: its name and columns in their canonical order. */
export interface Table<C extends Column<never>> {
  name: string
  columns: readonly C[]
}

/** The columns `engine` keeps at schema version `version` (the latest when not said). */
export function columnsAt<C extends Column<never>>(
  table: Table<C>,
  engine: EngineName,
  version = Number.POSITIVE_INFINITY,
): C[] {
  return table.columns.filter(
    (column) => (column.engines ?? ENGINES).includes(engine) && (column.added?.[engine] ?? 1) <= version,
  )
}

/** The columns `engine` added at exactly `version`. */
export function columnsAdded<C extends Column<never>>(
  table: Table<C>,
  engine: EngineName,
  version: number,
): C[] {
  return columnsAt(table, engine, version).filter((column) => (column.added?.[engine] ?? 1) === version)
}

/** A column's type in `engine`, with nullability and ClickHouse's dictionary encoding. */
export function columnType(engine: EngineName, column: Column<never>): string {
  const base = COLUMN_TYPES[column.type][engine]
  if (engine === 'duckdb') return base
  const nullable = column.nullable ? `Nullable(${base})` : base
  return column.cardinality === 'low' ? `LowCardinality(${nullable})` : nullable
}

/** The column list of a CREATE TABLE for `engine` at `version`, one definition per column. */
export function columnsDdl<C extends Column<never>>(
  table: Table<C>,
  engine: EngineName,
  version = Number.POSITIVE_INFINITY,
  separator = ', ',
): string {
  return columnsAt(table, engine, version)
    .map((column) => columnDdl(engine, column))
    .join(separator)
}

/**
 * A column's definition in a CREATE TABLE or ADD COLUMN. DuckDB cannot add a NOT NULL column to a
 * table, so a DuckDB column with a default (added later, by ALTER) stays nullable everywhere.
 */
export function columnDdl(engine: EngineName, column: Column<never>): string {
  const fallback = column.defaults?.[engine]
  const notNull = engine === 'duckdb' && !column.nullable && fallback === undefined ? ' NOT NULL' : ''
  return `${column.name} ${columnType(engine, column)}${notNull}${fallback === undefined ? '' : ` DEFAULT ${fallback}`}`
}
