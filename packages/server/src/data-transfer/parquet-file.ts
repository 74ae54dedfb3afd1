import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBDataChunk, DuckDBInstance, JSToDuckDBValueConverter } from '@duckdb/node-api'
import type { CostEvent } from 'spendlens'
import { type StoreRow, toStoreRow } from 'spendlens/internal'
import { decodeRecord } from './decode-record.js'
import type { SourceBatch } from './source-batch.js'

/**
 * The Parquet file's columns: the store's names and types (cost in integer nano-dollars,
 * attribution `unattributed` when missing), in the store's order; `tags` is a MAP(VARCHAR, VARCHAR)
 * so that DuckDB, ClickHouse, Spark or pandas read it as a map rather than as a JSON string.
 */
const PARQUET_COLUMNS = {
  event_id: 'VARCHAR',
  ts: 'TIMESTAMPTZ',
  latency_ms: 'DOUBLE',
  ttft_ms: 'DOUBLE',
  provider: 'VARCHAR',
  operation: 'VARCHAR',
  model: 'VARCHAR',
  requested_model: 'VARCHAR',
  provider_request_id: 'VARCHAR',
  feature: 'VARCHAR',
  route: 'VARCHAR',
  customer_id: 'VARCHAR',
  user_id: 'VARCHAR',
  session_id: 'VARCHAR',
  environment: 'VARCHAR',
  prompt_id: 'VARCHAR',
  tags: 'VARCHAR',
  input_tokens: 'BIGINT',
  cache_read_tokens: 'BIGINT',
  cache_write_tokens: 'BIGINT',
  cache_write_1h_tokens: 'BIGINT',
  output_tokens: 'BIGINT',
  reasoning_tokens: 'BIGINT',
  input_audio_tokens: 'BIGINT',
  output_audio_tokens: 'BIGINT',
  input_image_tokens: 'BIGINT',
  input_characters: 'BIGINT',
  images: 'BIGINT',
  audio_seconds: 'DOUBLE',
  web_search_requests: 'BIGINT',
  service_tier: 'VARCHAR',
  batch: 'BOOLEAN',
  cost_nanos: 'BIGINT',
  cost_partial: 'BOOLEAN',
  pricing_status: 'VARCHAR',
  price_source: 'VARCHAR',
  status: 'VARCHAR',
  error_type: 'VARCHAR',
  http_status: 'INTEGER',
  streamed: 'BOOLEAN',
  sdk: 'VARCHAR',
  schema_version: 'INTEGER',
} as const satisfies Record<keyof StoreRow, string>

const COLUMN_NAMES = Object.keys(PARQUET_COLUMNS) as (keyof StoreRow)[]

/**
 * Writes every batch to one Parquet file (zstd), oldest first. DuckDB's COPY needs the whole table,
 * so batches are staged in a DuckDB file in the temp folder, not in memory.
 */
export async function writeParquetFile(path: string, batches: AsyncIterable<CostEvent[]>): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'spendlens-parquet-'))
  const instance = await DuckDBInstance.create(join(folder, 'staging.duckdb'))
  const connection = await instance.connect()
  try {
    const columns = COLUMN_NAMES.map((name) => `${name} ${PARQUET_COLUMNS[name]}`).join(', ')
    await connection.run(`CREATE TABLE staging (${columns})`)
    const types = (await connection.runAndReadAll('SELECT * FROM staging LIMIT 0')).columnTypes()
    const appender = await connection.createAppender('staging')
    for await (const events of batches) {
      for (let start = 0; start < events.length; start += 2048) {
        const slice = events.slice(start, start + 2048)
        const chunk = DuckDBDataChunk.create(types, slice.length)
        chunk.setRowsConverted(
          slice.map((event) => {
            const row = toStoreRow(event)
            return COLUMN_NAMES.map((name) =>
              name === 'ts' ? new Date(row.ts) : name === 'tags' ? JSON.stringify(row.tags) : row[name],
            ) as never
          }),
          JSToDuckDBValueConverter,
        )
        appender.appendDataChunk(chunk)
      }
      appender.flushSync()
    }
    appender.closeSync()
    await connection.run(
      `COPY (SELECT * REPLACE (CAST(tags::JSON AS MAP(VARCHAR, VARCHAR)) AS tags) FROM staging ORDER BY ts, event_id)
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
