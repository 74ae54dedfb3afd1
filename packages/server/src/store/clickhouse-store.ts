import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client'
import type { CostEvent } from 'spendlens'
import { toStoreRow } from 'spendlens/internal'
import type { AnalyticsQuery } from '../query/analytics-query.js'
import {
  CLICKHOUSE_MIGRATIONS,
  type ClickHouseTarget,
  checkTarget,
  createDatabaseStatement,
  localEventsTable,
  migrationStatements,
  schemaTableStatement,
} from './clickhouse-ddl.js'
import { EVENT_COLUMNS, type Execute, eventFromRow, runAnalyticsQuery, runEventLog } from './run-query.js'
import type { AppendStatus, Store } from './store.js'

export interface ClickHouseStoreOptions {
  /** An official client: over HTTP(S) to a server, or on chDB's embedded engine. */
  client: ClickHouseClient
  /** Where the data is, for humans: never with the password. */
  location: string
  /** The client's default database (unqualified names in queries resolve there), and the cluster if any. */
  target: ClickHouseTarget
  /**
   * Send batches of up to ASYNC_INSERT_MAX_ROWS events as async inserts (`async_insert=1,
   * wait_for_async_insert=1`): the server buffers many collectors' small batches into one part
   * instead of one part per request, and still answers only once the rows are written.
   */
  asyncInsert: boolean
}

/** Larger batches are parts worth writing on their own; smaller ones go through the async-insert buffer. */
export const ASYNC_INSERT_MAX_ROWS = 1000

/** Ids per lookup: values travel as bound parameters, and an HTTP request has a size limit. */
const LOOKUP_CHUNK = 1000

const DAY_MS = 86_400_000

/**
 * Token counts and nano-dollar sums are Int64: read as numbers, exact up to 2⁵³ (9 million dollars
 * in one sum), as the DuckDB store reads its BIGINTs.
 */
const READ_SETTINGS: ClickHouseSettings = { output_format_json_quote_64bit_integers: 0 }

/** ClickHouse's DateTime64 text form in UTC, which every server version parses the same way. */
function clickhouseTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ')
}

/** Serializes the appends of this process, so that each sees the ids the previous one stored. */
function createMutex() {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work)
    tail = result.catch(() => undefined)
    return result
  }
}

/** The store on ClickHouse. Schema and dedupe strategy: clickhouse-ddl.ts. */
export async function openClickHouseStore(options: ClickHouseStoreOptions): Promise<Store> {
  const { client, target } = options
  checkTarget(target)
  await migrate(client, target)
  const exclusive = createMutex()
  const localTable = localEventsTable(target)
  const deleteFrom = target.cluster ? `${localTable} ON CLUSTER ${target.cluster}` : localTable

  const rows = async (
    query: string,
    params: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>[]> => {
    const result = await client.query({
      query,
      query_params: params,
      format: 'JSONEachRow',
      // 64-bit integers as JSON numbers: older servers quote them by default.
      clickhouse_settings: READ_SETTINGS,
    })
    return result.json<Record<string, unknown>>()
  }
  const execute: Execute = (compiled) => rows(compiled.sql, compiled.params)

  const insertSettings = (count: number): ClickHouseSettings =>
    // Always said explicitly: chDB keeps a SET for the rest of its session.
    options.asyncInsert && count <= ASYNC_INSERT_MAX_ROWS
      ? { async_insert: 1, wait_for_async_insert: 1 }
      : { async_insert: 0 }

  /** The latest stored ts of each id that is stored (any version: no FINAL needed for a max). */
  async function storedVersions(ids: string[]): Promise<Map<string, number>> {
    const stored = new Map<string, number>()
    for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
      const found = await rows(
        'SELECT event_id, toUnixTimestamp64Milli(max(ts)) AS ts_ms FROM events WHERE event_id IN {ids:Array(String)} GROUP BY event_id',
        { ids: ids.slice(start, start + LOOKUP_CHUNK) },
      )
      for (const row of found) stored.set(String(row.event_id), Number(row.ts_ms))
    }
    return stored
  }

  return {
    engine: 'clickhouse',
    location: options.location,

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
        if (candidate.size === 0) return { statuses }
        const stored = await storedVersions([...candidate.keys()])
        const fresh: CostEvent[] = []
        const movedDay: string[] = []
        for (const [eventId, index] of candidate) {
          const event = events[index] as CostEvent
          const ts = Date.parse(event.ts)
          const storedTs = stored.get(eventId)
          if (storedTs !== undefined && ts <= storedTs) continue
          statuses[index] = storedTs === undefined ? 'inserted' : 'replaced'
          fresh.push(event)
          // Another day is another sorting key: ReplacingMergeTree would keep both (see clickhouse-ddl.ts).
          if (storedTs !== undefined && Math.floor(ts / DAY_MS) !== Math.floor(storedTs / DAY_MS))
            movedDay.push(eventId)
        }
        if (fresh.length === 0) return { statuses }
        if (movedDay.length > 0) {
          await client.command({
            query: `DELETE FROM ${deleteFrom} WHERE event_id IN {ids:Array(String)}`,
            query_params: { ids: movedDay },
          })
        }
        await client.insert({
          table: 'events',
          values: fresh.map((event) => {
            const row = toStoreRow(event)
            return { ...row, ts: clickhouseTime(Date.parse(row.ts)) }
          }),
          format: 'JSONEachRow',
          clickhouse_settings: insertSettings(fresh.length),
        })
        return { statuses }
      })
    },

    query(query: AnalyticsQuery) {
      return runAnalyticsQuery('clickhouse', execute, query)
    },

    listEvents(request) {
      return runEventLog('clickhouse', execute, request)
    },

    deleteBefore(cutoff) {
      return exclusive(async () => {
        const params = { cutoff: cutoff.getTime() }
        const [counted] = await rows(
          'SELECT count() AS events FROM events FINAL WHERE ts < fromUnixTimestamp64Milli({cutoff:Int64})',
          params,
        )
        // Lightweight DELETE: rows vanish from reads at once, and from disk at the next merges.
        await client.command({
          query: `DELETE FROM ${deleteFrom} WHERE ts < fromUnixTimestamp64Milli({cutoff:Int64})`,
          query_params: params,
        })
        return Number(counted?.events ?? 0)
      })
    },

    async *exportEvents(batchSize = 10_000) {
      // Keyset pagination by (ts, event_id): stable while new events arrive.
      let after: { ts: number; eventId: string } | undefined
      const columns = EVENT_COLUMNS.map((column) =>
        column === 'ts' ? 'toUnixTimestamp64Milli(ts) AS ts_ms' : column,
      ).join(', ')
      for (;;) {
        const where = after
          ? 'WHERE ts > fromUnixTimestamp64Milli({ts:Int64}) OR (ts = fromUnixTimestamp64Milli({ts:Int64}) AND event_id > {id:String})'
          : ''
        const page = await rows(
          `SELECT ${columns} FROM events FINAL ${where} ORDER BY ts, event_id LIMIT {limit:Int64}`,
          after ? { ts: after.ts, id: after.eventId, limit: batchSize } : { limit: batchSize },
        )
        if (page.length === 0) return
        const events = page.map(eventFromRow)
        yield events
        const last = events[events.length - 1] as CostEvent
        after = { ts: Date.parse(last.ts), eventId: last.event_id }
      }
    },

    async stats() {
      // min/max of no rows is 1970 in ClickHouse, not NULL.
      const [row] = await rows(
        'SELECT count() AS events, if(count() = 0, NULL, toUnixTimestamp64Milli(min(ts))) AS first_ms, if(count() = 0, NULL, toUnixTimestamp64Milli(max(ts))) AS last_ms FROM events FINAL',
      )
      const toIso = (value: unknown) =>
        value === null || value === undefined ? null : new Date(Number(value)).toISOString()
      return {
        events: Number(row?.events ?? 0),
        first_ts: toIso(row?.first_ms),
        last_ts: toIso(row?.last_ms),
      }
    },

    async getMeta(key) {
      const [row] = await rows('SELECT value FROM spendlens_meta FINAL WHERE key = {key:String}', { key })
      return row ? String(row.value) : null
    },

    async setMeta(key, value) {
      await client.insert({
        table: 'spendlens_meta',
        values: [{ key, value, updated_at: clickhouseTime(Date.now()) }],
        format: 'JSONEachRow',
        clickhouse_settings: { async_insert: 0 },
      })
    },

    async close() {
      await exclusive(() => client.close())
    },
  }
}

/**
 * Creates the database when it is missing. Looked up first: a user who may use an existing
 * database but not create one is refused even `CREATE DATABASE IF NOT EXISTS`.
 */
export async function ensureDatabase(client: ClickHouseClient, target: ClickHouseTarget): Promise<void> {
  const result = await client.query({
    query: 'SELECT count() AS found FROM system.databases WHERE name = {database:String}',
    query_params: { database: target.database },
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ found: number | string }>()
  if (Number(row?.found ?? 0) === 0) await client.command({ query: createDatabaseStatement(target) })
}

/** Applies the migrations this database has not seen yet, in order (see clickhouse-ddl.ts). */
async function migrate(client: ClickHouseClient, target: ClickHouseTarget) {
  await ensureDatabase(client, target)
  await client.command({ query: schemaTableStatement(target) })
  const result = await client.query({
    query: `SELECT max(version) AS version FROM ${target.database}.spendlens_schema`,
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ version: number | string }>()
  const current = Number(row?.version ?? 0)
  for (let version = current + 1; version <= CLICKHOUSE_MIGRATIONS.length; version++) {
    for (const statement of migrationStatements(target, version)) await client.command({ query: statement })
    await client.insert({
      table: `${target.database}.spendlens_schema`,
      values: [{ version }],
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0 },
    })
  }
}
