import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBDataChunk, DuckDBInstance, JSToDuckDBValueConverter } from '@duckdb/node-api'
import type { LoggedEvent } from '../api/api-types.js'
import { CARRIED_COLUMNS, type EventColumn } from '../schema/events-table.js'
import { COLUMN_TYPES } from '../schema/table.js'
import { decodeRecord } from './decode-record.js'
import type { SourceBatch } from './source-batch.js'

/**
 * The Parquet file's columns: the event fields of the column catalog (schema/events-table.ts) and
 * the price first recorded (null unless a reprice changed the event), with the store's names and
 * types (cost in integer nano-dollars, attribution `unattributed` when missing), in the store's order. They are staged in DuckDB with DuckDB's types (tags as JSON text)
 * and written with Parquet's: `tags` becomes a MAP(VARCHAR, VARCHAR), so that DuckDB, ClickHouse,
 * Spark or pandas read it as a map rather than as a JSON string.
 */
const STAGING_COLUMNS = CARRIED_COLUMNS.map((column) => `${column.name} ${COLUMN_TYPES[column.type].duckdb}`)
const TAGS_AS_MAP = `CAST(tags::JSON AS ${COLUMN_TYPES.tags.parquet}) AS tags`

/** A staged value: epoch milliseconds as a Date, tags as JSON text. */
function stagedValue(column: EventColumn, event: LoggedEvent): unknown {
  const value = column.read(event)
  if (column.type === 'timestamp') return new Date(value as number)
  return column.type === 'tags' ? JSON.stringify(value) : value
}

/**
 * Writes every batch to one Parquet file (zstd), oldest first. DuckDB's COPY needs the whole table,
 * so batches are staged in a DuckDB file in the temp folder, not in memory.
 */
export async function writeParquetFile(path: string, batches: AsyncIterable<LoggedEvent[]>): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'spendlens-parquet-'))
  const instance = await DuckDBInstance.create(join(folder, 'staging.duckdb'))
  const connection = await instance.connect()
  try {
    await connection.run(`CREATE TABLE staging (${STAGING_COLUMNS.join(', ')})`)
    const types = (await connection.runAndReadAll('SELECT * FROM staging LIMIT 0')).columnTypes()
    const appender = await connection.createAppender('staging')
    for await (const events of batches) {
      for (let start = 0; start < events.length; start += 2048) {
        const slice = events.slice(start, start + 2048)
        const chunk = DuckDBDataChunk.create(types, slice.length)
        chunk.setRowsConverted(
          slice.map((event) => CARRIED_COLUMNS.map((column) => stagedValue(column, event)) as never),
          JSToDuckDBValueConverter,
        )
        appender.appendDataChunk(chunk)
      }
      appender.flushSync()
    }
    appender.closeSync()
    await connection.run(
      `COPY (SELECT * REPLACE (${TAGS_AS_MAP}) FROM staging ORDER BY ts, event_id)
       TO $path (FORMAT parquet, COMPRESSION zstd)`,
      { path },
    )
  } finally {
    connection.closeSync()
    instance.closeSync()
    await rm(folder, { recursive: true, force: true })
  }
}

/** Rows in a Parquet file, from its footer (no data is read). */
export async function countParquetRows(path: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const reader = await connection.runAndReadAll(
      'SELECT sum(num_rows) AS rows FROM parquet_file_metadata($path)',
      {
        path,
      },
    )
    return Number(reader.getRowObjects()[0]?.rows ?? 0)
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** A Parquet value as the JSON a JSONL line would hold: numbers, ISO times, tags as an object. */
function plainValue(name: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof Date) return value.toISOString()
  if (name === 'tags') {
    // A MAP column reads as [{ key, value }]; a VARCHAR one (the store's own type) holds JSON.
    if (Array.isArray(value)) {
      return Object.fromEntries(
        value.map((entry) => [(entry as { key: unknown }).key, (entry as { value: unknown }).value]),
      )
    }
    if (typeof value === 'string') {
      try {
        return JSON.parse(value)
      } catch {
        return value
      }
    }
  }
  return value
}

/**
 * Reads a Parquet file with the store's column names (what {@link writeParquetFile} and a ClickHouse
 * `SELECT … FORMAT Parquet` of the events table write) in batches, streaming: DuckDB hands over one
 * vector of rows at a time. Each item is labelled with its row number.
 */
export async function* readParquetFile(path: string, batchSize: number): AsyncGenerator<SourceBatch> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const result = await connection.stream('SELECT * FROM read_parquet($path)', { path })
    let batch: SourceBatch = { items: [], labels: [] }
    let number = 0
    for await (const rows of result.yieldRowObjectJs()) {
      for (const row of rows) {
        number++
        const record: Record<string, unknown> = {}
        for (const [name, value] of Object.entries(row)) record[name] = plainValue(name, value)
        batch.items.push(decodeRecord(record))
        batch.labels.push(`row ${number}`)
        if (batch.items.length >= batchSize) {
          yield batch
          batch = { items: [], labels: [] }
        }
      }
    }
    if (batch.items.length > 0) yield batch
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}
