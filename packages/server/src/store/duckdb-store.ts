import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBType,
  INTEGER,
  JSToDuckDBValueConverter,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api'
import { type CostEvent, UNATTRIBUTED } from 'spendlens'
import type { AnalyticsQuery, QueryRow } from '../query/analytics-query.js'
import { compileDuckDB, NANO_METRICS } from '../query/compile-query.js'
import type { AppendResult, Store } from './store.js'

/** Column order, SQL type and how to read each value from a CostEvent. */
const COLUMNS: [name: string, sqlType: string, chunkType: DuckDBType, read: (event: CostEvent) => unknown][] =
  [
    ['event_id', 'VARCHAR PRIMARY KEY', VARCHAR, (e) => e.event_id],
    ['ts', 'TIMESTAMPTZ NOT NULL', TIMESTAMPTZ, (e) => new Date(e.ts)],
    ['latency_ms', 'DOUBLE', DOUBLE, (e) => e.latency_ms],
    ['ttft_ms', 'DOUBLE', DOUBLE, (e) => e.ttft_ms],
    ['provider', 'VARCHAR NOT NULL', VARCHAR, (e) => e.provider],
    ['operation', 'VARCHAR NOT NULL', VARCHAR, (e) => e.operation],
    ['model', 'VARCHAR NOT NULL', VARCHAR, (e) => e.model],
    ['requested_model', 'VARCHAR', VARCHAR, (e) => e.requested_model],
    ['provider_request_id', 'VARCHAR', VARCHAR, (e) => e.provider_request_id],
    // Attribution is never null in the store: a missing value is the explicit bucket.
    ['feature', 'VARCHAR NOT NULL', VARCHAR, (e) => e.feature ?? UNATTRIBUTED],
    ['route', 'VARCHAR NOT NULL', VARCHAR, (e) => e.route ?? UNATTRIBUTED],
    ['customer_id', 'VARCHAR NOT NULL', VARCHAR, (e) => e.customer_id ?? UNATTRIBUTED],
    ['user_id', 'VARCHAR NOT NULL', VARCHAR, (e) => e.user_id ?? UNATTRIBUTED],
    ['session_id', 'VARCHAR NOT NULL', VARCHAR, (e) => e.session_id ?? UNATTRIBUTED],
    ['environment', 'VARCHAR NOT NULL', VARCHAR, (e) => e.environment ?? UNATTRIBUTED],
    ['prompt_id', 'VARCHAR NOT NULL', VARCHAR, (e) => e.prompt_id ?? UNATTRIBUTED],
    ['tags', 'VARCHAR NOT NULL', VARCHAR, (e) => JSON.stringify(e.tags)],
    ['input_tokens', 'BIGINT', BIGINT, (e) => e.input_tokens],
    ['cache_read_tokens', 'BIGINT', BIGINT, (e) => e.cache_read_tokens],
    ['cache_write_tokens', 'BIGINT', BIGINT, (e) => e.cache_write_tokens],
    ['cache_write_1h_tokens', 'BIGINT', BIGINT, (e) => e.cache_write_1h_tokens],
    ['output_tokens', 'BIGINT', BIGINT, (e) => e.output_tokens],
    ['reasoning_tokens', 'BIGINT', BIGINT, (e) => e.reasoning_tokens],
    ['input_audio_tokens', 'BIGINT', BIGINT, (e) => e.input_audio_tokens],
    ['output_audio_tokens', 'BIGINT', BIGINT, (e) => e.output_audio_tokens],
    ['images', 'BIGINT', BIGINT, (e) => e.images],
    ['audio_seconds', 'DOUBLE', DOUBLE, (e) => e.audio_seconds],
    ['web_search_requests', 'BIGINT', BIGINT, (e) => e.web_search_requests],
    ['service_tier', 'VARCHAR', VARCHAR, (e) => e.service_tier],
    ['batch', 'BOOLEAN NOT NULL', BOOLEAN, (e) => e.batch],
    // Integer nano-dollars: sums stay exact. Dollars are derived when read.
    [
      'cost_nanos',
      'BIGINT',
      BIGINT,
      (e) => (e.cost_usd === null ? null : BigInt(Math.round(e.cost_usd * 1e9))),
    ],
    ['pricing_status', 'VARCHAR NOT NULL', VARCHAR, (e) => e.pricing_status],
    ['price_source', 'VARCHAR', VARCHAR, (e) => e.price_source],
    ['status', 'VARCHAR NOT NULL', VARCHAR, (e) => e.status],
    ['error_type', 'VARCHAR', VARCHAR, (e) => e.error_type],
    ['http_status', 'INTEGER', INTEGER, (e) => e.http_status],
    ['streamed', 'BOOLEAN NOT NULL', BOOLEAN, (e) => e.streamed],
    ['sdk', 'VARCHAR NOT NULL', VARCHAR, (e) => e.sdk],
    ['schema_version', 'INTEGER NOT NULL', INTEGER, (e) => e.schema_version],
  ]

/**
 * Schema versions, applied in order at open. Each entry runs once; the applied version is kept in
 * `spendlens_schema`. Add a new entry for every change; never edit an applied one.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE events (${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')});
   CREATE TABLE spendlens_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);`,
]

/** Serializes async work on the writer connection (a DuckDB connection runs one statement at a time). */
function createMutex() {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work)
    tail = result.catch(() => undefined)
    return result
  }
}

export async function openDuckDBStore(path: string): Promise<Store> {
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true })
  let instance: DuckDBInstance
  try {
    instance = await DuckDBInstance.create(path)
  } catch (error) {
    const message = String((error as Error).message ?? error)
    if (/lock/i.test(message)) {
      throw new Error(
        `${path} is in use by another spendlens process (DuckDB allows one writer). Stop it or use another --store.`,
      )
    }
    throw error
  }
  const writer = await instance.connect()
  await migrate(writer)
  await writer.run(`CREATE TEMP TABLE staging AS SELECT * FROM events LIMIT 0`)
  const exclusive = createMutex()
  const chunkTypes = COLUMNS.map(([, , type]) => type)
  const columnList = COLUMNS.map(([name]) => name).join(', ')

  async function read<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await instance.connect()
    try {
      return await work(connection)
    } finally {
      connection.closeSync()
    }
  }

  return {
    engine: 'duckdb',
    location: path,

    append(events) {
      return exclusive(async () => {
        const result: AppendResult = { inserted: [], duplicates: [] }
        const seen = new Set<string>()
        const fresh: CostEvent[] = []
        for (const event of events) {
          if (seen.has(event.event_id)) result.duplicates.push(event.event_id)
          else {
            seen.add(event.event_id)
            fresh.push(event)
          }
        }
        if (fresh.length === 0) return result
        await writer.run('DELETE FROM staging')
        const appender = await writer.createAppender('staging')
        for (let start = 0; start < fresh.length; start += 2048) {
          const slice = fresh.slice(start, start + 2048)
          const chunk = DuckDBDataChunk.create(chunkTypes, slice.length)
          chunk.setRowsConverted(
            slice.map((event) => COLUMNS.map(([, , , readValue]) => readValue(event)) as never),
            JSToDuckDBValueConverter,
          )
          appender.appendDataChunk(chunk)
        }
        appender.closeSync()
        const existing = await writer.runAndReadAll(
          'SELECT s.event_id FROM staging s JOIN events e ON e.event_id = s.event_id',
        )
        const already = new Set(existing.getColumns()[0] as string[] | undefined)
        await writer.run(
          `INSERT INTO events (${columnList}) SELECT ${columnList} FROM staging WHERE event_id NOT IN (SELECT event_id FROM events)`,
        )
        for (const event of fresh)
          (already.has(event.event_id) ? result.duplicates : result.inserted).push(event.event_id)
        return result
      })
    },

    query(query: AnalyticsQuery) {
      const compiled = compileDuckDB(query)
      return read(async (connection) => {
        const reader = await connection.runAndReadAll(compiled.sql, compiled.params)
        return reader.getRowObjects().map((raw) => {
          const row: Record<string, unknown> = {}
          for (const [key, value] of Object.entries(raw)) {
            if (key === 'bucket_start_ms') row.bucket_start = new Date(Number(value)).toISOString()
            else if (NANO_METRICS.has(key as never)) row[key] = value === null ? null : Number(value) / 1e9
            else row[key] = typeof value === 'bigint' ? Number(value) : value
          }
          return row as QueryRow
        })
      })
    },

    stats() {
      return read(async (connection) => {
        const reader = await connection.runAndReadAll(
          'SELECT count(*) AS events, epoch_ms(min(ts)) AS first_ms, epoch_ms(max(ts)) AS last_ms FROM events',
        )
        const row = reader.getRowObjects()[0] ?? {}
        const toIso = (value: unknown) =>
          value === null || value === undefined ? null : new Date(Number(value)).toISOString()
        return { events: Number(row.events ?? 0), first_ts: toIso(row.first_ms), last_ts: toIso(row.last_ms) }
      })
    },

    getMeta(key) {
      return read(async (connection) => {
        const reader = await connection.runAndReadAll('SELECT value FROM spendlens_meta WHERE key = $key', {
          key,
        })
        const row = reader.getRowObjects()[0]
        return row ? String(row.value) : null
      })
    },

    setMeta(key, value) {
      return exclusive(async () => {
        await writer.run('INSERT OR REPLACE INTO spendlens_meta VALUES ($key, $value)', { key, value })
      })
    },

    async close() {
      await exclusive(async () => {
        writer.closeSync()
        instance.closeSync()
      })
    },
  }
}

async function migrate(connection: DuckDBConnection) {
  await connection.run('CREATE TABLE IF NOT EXISTS spendlens_schema (version INTEGER NOT NULL)')
  const reader = await connection.runAndReadAll(
    'SELECT coalesce(max(version), 0) AS version FROM spendlens_schema',
  )
  const current = Number(reader.getRowObjects()[0]?.version ?? 0)
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    await connection.run('BEGIN TRANSACTION')
    try {
      await connection.run(MIGRATIONS[version - 1] as string)
      await connection.run('INSERT INTO spendlens_schema VALUES ($version)', { version })
      await connection.run('COMMIT')
    } catch (error) {
      await connection.run('ROLLBACK')
      throw error
    }
  }
}
