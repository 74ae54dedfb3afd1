import { BOOLEAN, DOUBLE, type DuckDBConnection, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api'
import duckdb from '@duckdb/node-bindings'
import { COLUMN_TYPES } from '../../schema/table.js'
import { type EncodedEvents, isText, STAGING_COLUMNS, type StagingColumn } from './encode-columns.js'

/**
 * Events on their way into DuckDB: encoded as columns (encode-columns.ts), written into data chunks
 * of a `staging` table, then copied into `events` with one INSERT … SELECT that runs off the
 * JavaScript thread. Each number column is a typed array copied once per chunk (no validity
 * bitmap: NaN is null). A repeating string column becomes an ENUM of the flush's distinct values,
 * so only its codes are copied: the staging table is created for each flush with those ENUM types,
 * and the INSERT into events casts them back to VARCHAR. A null is a marker string no value of the
 * flush has (`nullMarker`), turned back into NULL by the INSERT.
 */

const CHUNK_ROWS = 2048

/**
 * Staging tables live in an in-memory database attached to the instance: unlike temp tables, every
 * connection sees them, so one connection can fill the next batch's table while another copies the
 * previous one into `events` (see append-pipeline.ts); and nothing of them is logged.
 */
export const STAGING_DATABASE = 'spendlens_staging'

/** The staging table of pipeline slot `slot`. */
export const stagingTable = (slot: number) => `${STAGING_DATABASE}.staging_${slot}`

/** Attaches the staging database (each flush creates its tables: their ENUM types change). */
export const STAGING_ATTACH = `ATTACH IF NOT EXISTS ':memory:' AS ${STAGING_DATABASE}`

/** A staging column as the events column it fills; `nullMarker` is the flush's, as SQL. */
function fromStaging(staging: StagingColumn, nullMarker: string): string {
  const { name, column } = staging
  const value = `nullif(${name}, 'NaN'::DOUBLE)`
  switch (column.type) {
    case 'text':
    case 'tags':
      return column.cardinality === 'unique' ? name : `nullif(${name}, ${nullMarker})`
    case 'boolean':
      return name
    case 'double':
      return value
    case 'int64':
    case 'int32':
      return `CAST(${value} AS ${COLUMN_TYPES[column.type].duckdb})`
    case 'timestamp':
      return `make_timestamptz(CAST(${name} AS BIGINT) * 1000)`
  }
}

/** The events table's column list, and the staging expressions that fill it, in the same order. */
export const EVENTS_COLUMN_LIST = STAGING_COLUMNS.map((column) => column.name).join(', ')
export const insertSelect = (nullMarker: string) =>
  STAGING_COLUMNS.map((column) => fromStaging(column, nullMarker)).join(', ')

/**
 * The staging rows for the rollup's contribution: `ts` and the numbers as in events, the strings
 * as stored (ENUM codes; see stagingContributionSql), except pricing_status, compared with text.
 */
export const STAGING_ROLLUP_SELECT = STAGING_COLUMNS.map((column) =>
  !isText(column)
    ? `${fromStaging(column, 'NULL')} AS ${column.name}`
    : column.name === 'pricing_status'
      ? 'CAST(pricing_status AS VARCHAR) AS pricing_status'
      : column.name,
).join(', ')

const DOUBLE_TYPE = DOUBLE.toLogicalType().logical_type
const BOOLEAN_TYPE = BOOLEAN.toLogicalType().logical_type
const VARCHAR_TYPE = VARCHAR.toLogicalType().logical_type

/** One column of a staging table, whole (all rows of the flush), ready to be sliced into chunks. */
type ColumnData =
  | {
      name: string
      kind: 'enum'
      codes: Uint32Array
      members: string[]
      sql: string
      type: duckdb.LogicalType
      width: duckdb.Type
    }
  | { name: string; kind: 'double'; values: Float64Array }
  | { name: string; kind: 'boolean'; values: Uint8Array }
  | { name: string; kind: 'text'; values: (string | null)[] }

/** An ENUM column from codes and members (member 0, the null marker, set by the caller). */
function enumColumn(name: string, codes: Uint32Array, members: string[]): ColumnData {
  const type = duckdb.create_enum_type(members)
  const sql = `ENUM(${members.map((member) => `'${member.replaceAll("'", "''")}'`).join(', ')})`
  return { name, kind: 'enum', codes, members, sql, type, width: duckdb.enum_internal_type(type) }
}

function sqlType(column: ColumnData): string {
  if (column.kind === 'enum') return column.sql
  return column.kind === 'double' ? 'DOUBLE' : column.kind === 'boolean' ? 'BOOLEAN' : 'VARCHAR'
}

/** A typed array of the ENUM's storage width, for one chunk's codes. */
function codeArray(width: duckdb.Type, rows: number): Uint8Array | Uint16Array | Uint32Array {
  if (width === duckdb.Type.UTINYINT) return new Uint8Array(rows)
  if (width === duckdb.Type.USMALLINT) return new Uint16Array(rows)
  return new Uint32Array(rows)
}

const validity = new BigUint64Array(CHUNK_ROWS / 64)

/**
 * Creates staging table `name` (in the staging database) for these columns and appends `rows`
 * rows, 2,048 at a time, through the DuckDB C API's vectors (@duckdb/node-bindings): each column a
 * typed array copied once per chunk; a call per value only for plain strings.
 */
async function writeTable(connection: DuckDBConnection, name: string, columns: ColumnData[], rows: number) {
  await connection.run(
    `CREATE OR REPLACE TABLE ${STAGING_DATABASE}.${name} (${columns.map((column) => `${column.name} ${sqlType(column)}`).join(', ')})`,
  )
  const appender = await connection.createAppender(name, 'main', STAGING_DATABASE)
  try {
    const types = columns.map((column) =>
      column.kind === 'enum'
        ? column.type
        : column.kind === 'double'
          ? DOUBLE_TYPE
          : column.kind === 'boolean'
            ? BOOLEAN_TYPE
            : VARCHAR_TYPE,
    )
    const chunk = duckdb.create_data_chunk(types)
    const wrapped = new DuckDBDataChunk(chunk)
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const size = Math.min(CHUNK_ROWS, rows - start)
      duckdb.data_chunk_reset(chunk)
      duckdb.data_chunk_set_size(chunk, size)
      columns.forEach((column, index) => {
        const vector = duckdb.data_chunk_get_vector(chunk, index)
        if (column.kind === 'enum') {
          const codes = codeArray(column.width, size)
          codes.set(column.codes.subarray(start, start + size))
          duckdb.copy_data_to_vector(vector, 0, codes.buffer as ArrayBuffer, 0, codes.byteLength)
        } else if (column.kind === 'double') {
          const { values } = column
          duckdb.copy_data_to_vector(
            vector,
            0,
            values.buffer as ArrayBuffer,
            values.byteOffset + start * 8,
            size * 8,
          )
        } else if (column.kind === 'boolean') {
          const { values } = column
          duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset + start, size)
        } else {
          let nulls = false
          validity.fill(0xffff_ffff_ffff_ffffn)
          for (let row = 0; row < size; row++) {
            const value = column.values[start + row] as string | null
            if (value === null) {
              nulls = true
              validity[row >> 6] = (validity[row >> 6] as bigint) & ~(1n << BigInt(row & 63))
            } else duckdb.vector_assign_string_element(vector, row, value)
          }
          if (nulls) {
            duckdb.vector_ensure_validity_writable(vector)
            duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, Math.ceil(size / 64) * 8)
          }
        }
      })
      appender.appendDataChunk(wrapped)
    }
  } finally {
    appender.closeSync()
  }
}

// ----------------------------------------------------------------- one flush

/**
 * Replaces the staging table of slot `slot` with `batch`. Answers
 * the flush's null marker (letters, `:` and `!`: safe to write into SQL as a literal) for the
 * statements that read the table.
 */
export async function writeStaging(
  connection: DuckDBConnection,
  slot: number,
  batch: EncodedEvents,
): Promise<string> {
  let nullMarker = 'spendlens:null'
  while (batch.columns.some((column) => column.kind === 'enum' && column.members.includes(nullMarker)))
    nullMarker += '!'
  const columns: ColumnData[] = batch.columns.map((column, position) => {
    const { name } = STAGING_COLUMNS[position] as StagingColumn
    switch (column.kind) {
      case 'enum':
        return enumColumn(name, column.codes, [nullMarker, ...column.members.slice(1)])
      case 'text':
        return { name, kind: 'text', values: column.values }
      case 'double':
        return { name, kind: 'double', values: column.values }
      default:
        return { name, kind: 'boolean', values: column.values }
    }
  })
  await writeTable(connection, `staging_${slot}`, columns, batch.rows)
  return nullMarker
}
