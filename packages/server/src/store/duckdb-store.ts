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
import type { CostEvent } from 'spendlens'
import { type StoreRow, toStoreRow } from 'spendlens/internal'
import type { AnalyticsQuery } from '../query/analytics-query.js'
import { EVENT_COLUMNS, type Execute, eventFromRow, runAnalyticsQuery, runEventLog } from './run-query.js'
import type { AppendStatus, Store } from './store.js'

/** The events table's columns in append order, each with its chunk type. Names are StoreRow's. */
const COLUMNS: [name: keyof StoreRow, chunkType: DuckDBType][] = [
  ['event_id', VARCHAR],
  ['ts', TIMESTAMPTZ],
  ['latency_ms', DOUBLE],
  ['ttft_ms', DOUBLE],
  ['provider', VARCHAR],
  ['operation', VARCHAR],
  ['model', VARCHAR],
  ['requested_model', VARCHAR],
  ['provider_request_id', VARCHAR],
  ['feature', VARCHAR],
  ['route', VARCHAR],
  ['customer_id', VARCHAR],
  ['user_id', VARCHAR],
  ['session_id', VARCHAR],
  ['environment', VARCHAR],
  ['prompt_id', VARCHAR],
  ['tags', VARCHAR],
  ['input_tokens', BIGINT],
  ['cache_read_tokens', BIGINT],
  ['cache_write_tokens', BIGINT],
  ['cache_write_1h_tokens', BIGINT],
  ['output_tokens', BIGINT],
  ['reasoning_tokens', BIGINT],
  ['input_audio_tokens', BIGINT],
  ['output_audio_tokens', BIGINT],
  ['images', BIGINT],
  ['audio_seconds', DOUBLE],
  ['web_search_requests', BIGINT],
  ['service_tier', VARCHAR],
  ['batch', BOOLEAN],
  ['cost_nanos', BIGINT],
  ['pricing_status', VARCHAR],
  ['price_source', VARCHAR],
  ['status', VARCHAR],
  ['error_type', VARCHAR],
  ['http_status', INTEGER],
  ['streamed', BOOLEAN],
  ['sdk', VARCHAR],
  ['schema_version', INTEGER],
  ['cost_partial', BOOLEAN],
  ['input_image_tokens', BIGINT],
  ['input_characters', BIGINT],
]

function columnValue(row: StoreRow, name: keyof StoreRow): unknown {
  if (name === 'ts') return new Date(row.ts)
  if (name === 'tags') return JSON.stringify(row.tags)
  return row[name]
}

/**
 * Schema versions, applied in order at open. Each runs once; the applied version is kept in
 * `spendlens_schema`. Add a new entry for every change; never edit an applied one.
 */
export const MIGRATIONS: string[] = [
  // 1: the events table (attribution never null: `unattributed`; cost in integer nano-dollars).
  `CREATE TABLE events (
     event_id VARCHAR PRIMARY KEY, ts TIMESTAMPTZ NOT NULL, latency_ms DOUBLE, ttft_ms DOUBLE,
     provider VARCHAR NOT NULL, operation VARCHAR NOT NULL, model VARCHAR NOT NULL, requested_model VARCHAR,
     provider_request_id VARCHAR, feature VARCHAR NOT NULL, route VARCHAR NOT NULL, customer_id VARCHAR NOT NULL,
     user_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL, environment VARCHAR NOT NULL, prompt_id VARCHAR NOT NULL,
     tags VARCHAR NOT NULL, input_tokens BIGINT, cache_read_tokens BIGINT, cache_write_tokens BIGINT,
     cache_write_1h_tokens BIGINT, output_tokens BIGINT, reasoning_tokens BIGINT, input_audio_tokens BIGINT,
     output_audio_tokens BIGINT, images BIGINT, audio_seconds DOUBLE, web_search_requests BIGINT,
     service_tier VARCHAR, batch BOOLEAN NOT NULL, cost_nanos BIGINT, pricing_status VARCHAR NOT NULL,
     price_source VARCHAR, status VARCHAR NOT NULL, error_type VARCHAR, http_status INTEGER,
     streamed BOOLEAN NOT NULL, sdk VARCHAR NOT NULL, schema_version INTEGER NOT NULL);
   CREATE TABLE spendlens_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);`,
  // 2: a stream cut short has a partial cost. (DuckDB cannot add a NOT NULL column; ingest always sets it.)
  'ALTER TABLE events ADD COLUMN cost_partial BOOLEAN DEFAULT false;',
  // 3: image input tokens (GPT image models) and characters (per-character speech models).
  'ALTER TABLE events ADD COLUMN input_image_tokens BIGINT; ALTER TABLE events ADD COLUMN input_characters BIGINT;',
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
  const chunkTypes = COLUMNS.map(([, type]) => type)
  const columnList = COLUMNS.map(([name]) => name).join(', ')
  const updateList = COLUMNS.filter(([name]) => name !== 'event_id')
    .map(([name]) => `${name} = s.${name}`)
    .join(', ')

  async function read<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await instance.connect()
    try {
      return await work(connection)
    } finally {
      connection.closeSync()
    }
  }

  const execute: Execute = (compiled) =>
    read(async (connection) => {
      const reader = await connection.runAndReadAll(compiled.sql, compiled.params)
      return reader.getRowObjects() as Record<string, unknown>[]
    })

  return {
    engine: 'duckdb',
    location: path,

    append(events) {
      return exclusive(async () => {
        const statuses: AppendStatus[] = events.map(() => 'duplicate')
        // Within the batch, the latest ts of each event_id is the candidate (the first of equals).
        const candidate = new Map<string, number>()
        events.forEach((event, index) => {
          const current = candidate.get(event.event_id)
          if (current === undefined || Date.parse(event.ts) > Date.parse((events[current] as CostEvent).ts)) {
            candidate.set(event.event_id, index)
          }
        })
        const fresh = [...candidate.values()].map((index) => events[index] as CostEvent)
        if (fresh.length === 0) return { statuses }
        await writer.run('DELETE FROM staging')
        const appender = await writer.createAppender('staging')
        for (let start = 0; start < fresh.length; start += 2048) {
          const slice = fresh.slice(start, start + 2048)
          const chunk = DuckDBDataChunk.create(chunkTypes, slice.length)
          chunk.setRowsConverted(
            slice.map((event) => {
              const row = toStoreRow(event)
              return COLUMNS.map(([name]) => columnValue(row, name)) as never
            }),
            JSToDuckDBValueConverter,
          )
          appender.appendDataChunk(chunk)
        }
        appender.closeSync()
        const existing = await writer.runAndReadAll(
          'SELECT s.event_id, s.ts > e.ts AS newer FROM staging s JOIN events e ON e.event_id = s.event_id',
        )
        const stored = new Map<string, boolean>()
        for (const row of existing.getRowObjects()) stored.set(String(row.event_id), row.newer === true)
        await writer.run('BEGIN TRANSACTION')
        try {
          if ([...stored.values()].some(Boolean)) {
            await writer.run(
              `UPDATE events SET ${updateList} FROM staging s WHERE events.event_id = s.event_id AND s.ts > events.ts`,
            )
          }
          await writer.run(
            `INSERT INTO events (${columnList}) SELECT ${columnList} FROM staging WHERE event_id NOT IN (SELECT event_id FROM events)`,
          )
          await writer.run('COMMIT')
        } catch (error) {
          await writer.run('ROLLBACK')
          throw error
        }
        for (const [eventId, index] of candidate) {
          const newer = stored.get(eventId)
          statuses[index] = newer === undefined ? 'inserted' : newer ? 'replaced' : 'duplicate'
        }
        return { statuses }
      })
    },

    query(query: AnalyticsQuery) {
      return runAnalyticsQuery('duckdb', execute, query)
    },

    listEvents(request) {
      return runEventLog('duckdb', execute, request)
    },

    deleteBefore(cutoff) {
      return exclusive(async () => {
        const reader = await writer.runAndReadAll(
          'DELETE FROM events WHERE ts < make_timestamptz($cutoff * 1000)',
          {
            cutoff: cutoff.getTime(),
          },
        )
        return Number(reader.getRows()[0]?.[0] ?? 0)
      })
    },

    async *exportEvents(batchSize = 10_000) {
      // Keyset pagination by (ts, event_id): stable while new events arrive.
      let after: { ts: number; eventId: string } | undefined
      const columns = EVENT_COLUMNS.map((column) =>
        column === 'ts' ? 'epoch_ms(ts) AS ts_ms' : column,
      ).join(', ')
      for (;;) {
        const where = after
          ? 'WHERE ts > make_timestamptz($ts * 1000) OR (ts = make_timestamptz($ts * 1000) AND event_id > $id)'
          : ''
        const rows = await execute({
          sql: `SELECT ${columns} FROM events ${where} ORDER BY ts, event_id LIMIT $limit`,
          params: after ? { ts: after.ts, id: after.eventId, limit: batchSize } : { limit: batchSize },
          types: {},
        })
        if (rows.length === 0) return
        const events = rows.map(eventFromRow)
        yield events
        const last = events[events.length - 1] as CostEvent
        after = { ts: Date.parse(last.ts), eventId: last.event_id }
      }
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
