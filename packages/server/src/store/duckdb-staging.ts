import { BOOLEAN, DOUBLE, type DuckDBConnection, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api'
import duckdb from '@duckdb/node-bindings'
import { type CostEvent, UNATTRIBUTED } from 'spendlens'
import { NANOS_PER_USD } from 'spendlens/internal'
import { latencyBucket } from './latency-sketch.js'

/**
 * Events on their way into DuckDB: written column by column into data chunks of a temp `staging`
 * table, then copied into `events` with one INSERT … SELECT that runs off the JavaScript thread.
 *
 * The chunks are shaped for cheap writes from JavaScript, which is the ingest path's bottleneck:
 * - every number is a DOUBLE (no BigInt per value; counts are safe integers, cost_nanos is below
 *   2^53) with NaN for null, so no validity bitmap is kept, and `ts` is epoch milliseconds;
 * - strings that repeat (everything but event_id and provider_request_id) go as a per-flush ENUM:
 *   one small integer per row and each distinct string once, where writing a string costs a call
 *   into DuckDB per row. The staging table is created for each flush with those ENUM types, and the
 *   INSERT into events casts them back to VARCHAR. A null is a marker string no value of the flush
 *   has (`nullMarker`), turned back into NULL by the INSERT.
 * The INSERT casts to the events table's types. The mapping is the one toStoreRow
 * (spendlens/internal) defines: `unattributed` for a missing attribution value, cost in integer
 * nano-dollars, tags as JSON.
 */

type Value = string | number | boolean | null

interface StagingColumn {
  name: string
  /** The column's type in the events table. */
  eventsType: 'VARCHAR' | 'DOUBLE' | 'BIGINT' | 'INTEGER' | 'BOOLEAN' | 'TIMESTAMPTZ'
  /** Strings only: a new value on (almost) every row, written as is rather than as an ENUM. */
  unique?: boolean
  read(event: CostEvent): Value
}

// Each column reads its field with its own literal accessor: one shared `(event) => event[name]`
// would see forty-two keys at one property access and make it a slow, megamorphic lookup.
type Read<T> = (event: CostEvent) => T
const text = (name: string, read: Read<string | null>, unique = false): StagingColumn => ({
  name,
  eventsType: 'VARCHAR',
  unique,
  read,
})
const number = (
  name: string,
  eventsType: 'DOUBLE' | 'BIGINT' | 'INTEGER',
  read: Read<number | null>,
): StagingColumn => ({
  name,
  eventsType,
  read,
})
const flag = (name: string, read: Read<boolean>): StagingColumn => ({ name, eventsType: 'BOOLEAN', read })

function tagsJson(tags: Record<string, string>): string {
  for (const _key in tags) return JSON.stringify(tags)
  return '{}'
}

/** The events table's columns, in its order (id_hash, last, is added by the writer). */
export const STAGING_COLUMNS: StagingColumn[] = [
  text('event_id', (event) => event.event_id, true),
  { name: 'ts', eventsType: 'TIMESTAMPTZ', read: (event) => Date.parse(event.ts) },
  number('latency_ms', 'DOUBLE', (event) => event.latency_ms),
  number('ttft_ms', 'DOUBLE', (event) => event.ttft_ms),
  text('provider', (event) => event.provider),
  text('operation', (event) => event.operation),
  text('model', (event) => event.model),
  text('requested_model', (event) => event.requested_model),
  text('provider_request_id', (event) => event.provider_request_id, true),
  text('feature', (event) => event.feature ?? UNATTRIBUTED),
  text('route', (event) => event.route ?? UNATTRIBUTED),
  text('customer_id', (event) => event.customer_id ?? UNATTRIBUTED),
  text('user_id', (event) => event.user_id ?? UNATTRIBUTED),
  text('session_id', (event) => event.session_id ?? UNATTRIBUTED),
  text('environment', (event) => event.environment ?? UNATTRIBUTED),
  text('prompt_id', (event) => event.prompt_id ?? UNATTRIBUTED),
  text('tags', (event) => tagsJson(event.tags)),
  number('input_tokens', 'BIGINT', (event) => event.input_tokens),
  number('cache_read_tokens', 'BIGINT', (event) => event.cache_read_tokens),
  number('cache_write_tokens', 'BIGINT', (event) => event.cache_write_tokens),
  number('cache_write_1h_tokens', 'BIGINT', (event) => event.cache_write_1h_tokens),
  number('output_tokens', 'BIGINT', (event) => event.output_tokens),
  number('reasoning_tokens', 'BIGINT', (event) => event.reasoning_tokens),
  number('input_audio_tokens', 'BIGINT', (event) => event.input_audio_tokens),
  number('output_audio_tokens', 'BIGINT', (event) => event.output_audio_tokens),
  number('images', 'BIGINT', (event) => event.images),
  number('audio_seconds', 'DOUBLE', (event) => event.audio_seconds),
  number('web_search_requests', 'BIGINT', (event) => event.web_search_requests),
  text('service_tier', (event) => event.service_tier),
  flag('batch', (event) => event.batch),
  number('cost_nanos', 'BIGINT', (event) =>
    event.cost_usd === null ? null : Math.round(event.cost_usd * NANOS_PER_USD),
  ),
  text('pricing_status', (event) => event.pricing_status),
  text('price_source', (event) => event.price_source),
  text('status', (event) => event.status),
  text('error_type', (event) => event.error_type),
  number('http_status', 'INTEGER', (event) => event.http_status),
  flag('streamed', (event) => event.streamed),
  text('sdk', (event) => event.sdk),
  number('schema_version', 'INTEGER', (event) => event.schema_version),
  flag('cost_partial', (event) => event.cost_partial),
  number('input_image_tokens', 'BIGINT', (event) => event.input_image_tokens),
  number('input_characters', 'BIGINT', (event) => event.input_characters),
  // Not a CostEvent field: the latency's histogram bucket (latency-sketch.ts), stored so that every
  // path that counts latencies by bucket reads the same bucket.
  number('latency_bucket', 'INTEGER', (event) => latencyBucket(event.latency_ms)),
]

const CHUNK_ROWS = 2048

/**
 * Staging tables live in an in-memory database attached to the instance: unlike temp tables, every
 * connection sees them, so one connection can fill the next batch's table while another copies the
 * previous one into `events` (see the pipeline in duckdb-store.ts); and nothing of them is logged.
 */
export const STAGING_DATABASE = 'spendlens_staging'

/** The staging table of pipeline slot `slot`. */
export const stagingTable = (slot: number) => `${STAGING_DATABASE}.staging_${slot}`

/** Attaches the staging database (each flush creates its tables: their ENUM types change). */
export const STAGING_ATTACH = `ATTACH IF NOT EXISTS ':memory:' AS ${STAGING_DATABASE}`

/** A staging column as the events column it fills; `nullMarker` is the flush's, as SQL. */
function fromStaging(column: StagingColumn, nullMarker: string): string {
  const value = `nullif(${column.name}, 'NaN'::DOUBLE)`
  switch (column.eventsType) {
    case 'VARCHAR':
      return column.unique ? column.name : `nullif(${column.name}, ${nullMarker})`
    case 'BOOLEAN':
      return column.name
    case 'DOUBLE':
      return value
    case 'BIGINT':
    case 'INTEGER':
      return `CAST(${value} AS ${column.eventsType})`
    case 'TIMESTAMPTZ':
      return `make_timestamptz(CAST(${column.name} AS BIGINT) * 1000)`
  }
}

/** The events table's column list, and the staging expressions that fill it, in the same order. */
export const EVENTS_COLUMN_LIST = [...STAGING_COLUMNS.map((column) => column.name), 'id_hash'].join(', ')
export const insertSelect = (nullMarker: string) =>
  [...STAGING_COLUMNS.map((column) => fromStaging(column, nullMarker)), 'CAST(id_hash AS BIGINT)'].join(', ')

/**
 * The staging rows for the rollup's contribution: `ts` and the numbers as in events, the strings
 * as stored (ENUM codes; see stagingContributionSql), except pricing_status, compared with text.
 */
export const STAGING_ROLLUP_SELECT = STAGING_COLUMNS.map((column) =>
  column.eventsType !== 'VARCHAR'
    ? `${fromStaging(column, 'NULL')} AS ${column.name}`
    : column.name === 'pricing_status'
      ? 'CAST(pricing_status AS VARCHAR) AS pricing_status'
      : column.name,
).join(', ')

/** A NUL, or a lone surrogate (in `u` mode a proper pair is one code point and does not match). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSAFE_MEMBER = /\u0000|\p{Surrogate}/u

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

/** A repeating string column of one flush: each row's code (0 for null) and the distinct values. */
function encode(
  column: StagingColumn,
  events: readonly CostEvent[],
): { codes: Uint32Array; members: string[] } | undefined {
  const codes = new Uint32Array(events.length)
  const members = ['']
  const known = new Map<string, number>()
  const { read } = column
  for (let row = 0; row < events.length; row++) {
    const value = read(events[row] as CostEvent) as string | null
    if (value === null) continue
    let code = known.get(value)
    if (code === undefined) {
      // An ENUM member travels as a C string: a NUL would cut it short and a lone surrogate becomes
      // U+FFFD, and two members could then collide. Such a column goes as plain strings this time.
      if (UNSAFE_MEMBER.test(value)) return undefined
      code = members.length
      known.set(value, code)
      members.push(value)
    }
    codes[row] = code
  }
  return { codes, members }
}

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
 * Replaces the staging table of slot `slot` with `events` (their `ts` as epoch ms and their id
 * hashes alongside). Answers the flush's null marker (letters, `:` and `!`: safe to write into SQL
 * as a literal) for the statements that read the table.
 */
export async function writeStaging(
  connection: DuckDBConnection,
  slot: number,
  events: readonly CostEvent[],
  times: readonly number[],
  idHashes: readonly number[],
): Promise<string> {
  const rows = events.length
  const encoded = STAGING_COLUMNS.map((column) =>
    column.eventsType === 'VARCHAR' && !column.unique ? encode(column, events) : undefined,
  )
  let nullMarker = 'spendlens:null'
  while (encoded.some((entry) => entry?.members.includes(nullMarker))) nullMarker += '!'
  const columns: ColumnData[] = STAGING_COLUMNS.map((column, position) => {
    const entry = encoded[position]
    if (entry) {
      entry.members[0] = nullMarker
      return enumColumn(column.name, entry.codes, entry.members)
    }
    const { read } = column
    if (column.eventsType === 'VARCHAR') {
      const values = new Array<string | null>(rows)
      for (let row = 0; row < rows; row++) values[row] = read(events[row] as CostEvent) as string | null
      return { name: column.name, kind: 'text', values }
    }
    if (column.eventsType === 'BOOLEAN') {
      const values = new Uint8Array(rows)
      for (let row = 0; row < rows; row++) values[row] = read(events[row] as CostEvent) ? 1 : 0
      return { name: column.name, kind: 'boolean', values }
    }
    const values = new Float64Array(rows)
    if (column.name === 'ts') values.set(times)
    else
      for (let row = 0; row < rows; row++) {
        const value = read(events[row] as CostEvent) as number | null
        values[row] = value === null ? Number.NaN : value
      }
    return { name: column.name, kind: 'double', values }
  })
  columns.push({ name: 'id_hash', kind: 'double', values: Float64Array.from(idHashes) })
  await writeTable(connection, `staging_${slot}`, columns, rows)

  return nullMarker
}
