import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client'
import type { CostEvent } from 'spendlens'
import { type StoreRow, toStoreRow } from 'spendlens/internal'
import type { CompiledQuery } from '../query/compile-query.js'
import {
  CLICKHOUSE_MIGRATIONS,
  type ClickHouseTarget,
  checkTarget,
  createDatabaseStatement,
  localEventsTable,
  localRollupTable,
  migrationStatements,
  schemaTableStatement,
} from './clickhouse-ddl.js'
import { latencyPercentiles } from './latency-percentiles.js'
import { latencyBucket } from './latency-sketch.js'
import { type Capabilities, plannedQueries } from './query-planner.js'
import {
  contributionSql,
  ROLLUP_TABLE,
  ROLLUP_TABLES,
  type RollupRow,
  rollupContributions,
  rollupDefinition,
} from './rollup.js'
import { EVENT_COLUMNS, type Execute, eventFromRow, runEventLog } from './run-query.js'
import type { AppendStatus, QueryInsight, Store } from './store.js'

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
const HOUR_MS = 3_600_000

/** The columns of a stored version the rollups count (what its − contribution is made of). */
const ROLLUP_SOURCE_COLUMNS = [
  ...new Set([
    ...ROLLUP_TABLES.flatMap((table) => table.dimensions),
    'pricing_status',
    'cost_nanos',
    'input_tokens',
    'output_tokens',
    'cache_read_tokens',
    'cache_write_tokens',
    'reasoning_tokens',
    'input_audio_tokens',
    'output_audio_tokens',
    'latency_ms',
    'latency_bucket',
  ]),
]

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
export async function openClickHouseStore(options: ClickHouseStoreOptions): Promise<Store & QueryInsight> {
  const { client, target } = options
  checkTarget(target)
  await migrate(client, target)
  const exclusive = createMutex()
  const localTable = localEventsTable(target)
  const onCluster = target.cluster ? ` ON CLUSTER ${target.cluster}` : ''
  const deleteFrom = `${localTable}${onCluster}`

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

  // The hours the rollup may hold: as found at open, widened by this process's appends (another
  // collector's appends are not seen; the planner only uses the span for ranges outside 1970–2100).
  const [bounds] = await rows(
    `SELECT count() AS found, toUnixTimestamp64Milli(min(hour)) AS first, toUnixTimestamp64Milli(max(hour)) AS last FROM ${ROLLUP_TABLE}`,
  )
  let firstHour = Number(bounds?.found ?? 0) > 0 ? Number(bounds?.first) : undefined
  let lastHour = Number(bounds?.found ?? 0) > 0 ? Number(bounds?.last) : undefined
  const touch = (tsMs: number) => {
    const hour = Math.floor(tsMs / HOUR_MS) * HOUR_MS
    if (firstHour === undefined || hour < firstHour) firstHour = hour
    if (lastHour === undefined || hour > lastHour) lastHour = hour
  }
  const rollup = rollupDefinition('clickhouse', () =>
    firstHour === undefined || lastHour === undefined
      ? undefined
      : { from: new Date(firstHour), to: new Date(lastHour + HOUR_MS) },
  )
  /** What the planner may use: the rollups, and percentiles by latency-sketch.ts's definition. */
  const capabilities = (run: Execute): Capabilities => ({
    rollup,
    percentiles: latencyPercentiles('clickhouse', run),
  })

  /**
   * The stored versions (as FINAL reads them) of the ids a batch replaces, with what the rollups
   * count of them: their contributions are taken back.
   */
  async function storedRows(ids: string[]): Promise<RollupRow[]> {
    const found: RollupRow[] = []
    const columns = ['toUnixTimestamp64Milli(ts) AS ts_ms', ...ROLLUP_SOURCE_COLUMNS].join(', ')
    for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
      const page = await rows(`SELECT ${columns} FROM events FINAL WHERE event_id IN {ids:Array(String)}`, {
        ids: ids.slice(start, start + LOOKUP_CHUNK),
      })
      for (const { ts_ms, ...row } of page)
        found.push({ ...row, ts: new Date(Number(ts_ms)).toISOString() } as unknown as RollupRow)
    }
    return found
  }

  /** Inserts the cells' partial rows (one insert per table: its + and − rows fold in one part). */
  async function insertContributions(added: readonly RollupRow[], removed: readonly RollupRow[]) {
    for (const table of ROLLUP_TABLES) {
      const cells = [...rollupContributions(table, removed, -1), ...rollupContributions(table, added, 1)]
      if (cells.length === 0) continue
      await client.insert({
        table: table.name,
        values: cells.map((cell) => ({ ...cell, hour: clickhouseTime(cell.hour as number) })),
        format: 'JSONEachRow',
        clickhouse_settings: insertSettings(cells.length),
      })
    }
  }

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
        const replaced: string[] = []
        const movedDay: string[] = []
        for (const [eventId, index] of candidate) {
          const event = events[index] as CostEvent
          const ts = Date.parse(event.ts)
          const storedTs = stored.get(eventId)
          if (storedTs !== undefined && ts <= storedTs) continue
          statuses[index] = storedTs === undefined ? 'inserted' : 'replaced'
          fresh.push(event)
          if (storedTs !== undefined) replaced.push(eventId)
          // Another day is another sorting key: ReplacingMergeTree would keep both (see clickhouse-ddl.ts).
          if (storedTs !== undefined && Math.floor(ts / DAY_MS) !== Math.floor(storedTs / DAY_MS))
            movedDay.push(eventId)
        }
        if (fresh.length === 0) return { statuses }
        // What the rollups count of the versions being replaced, read before they go (see below).
        const removed = replaced.length > 0 ? await storedRows(replaced) : []
        if (movedDay.length > 0) {
          await client.command({
            query: `DELETE FROM ${deleteFrom} WHERE event_id IN {ids:Array(String)}`,
            query_params: { ids: movedDay },
          })
        }
        const added: RollupRow[] = fresh.map((event) => {
          const row: StoreRow = toStoreRow(event)
          return { ...row, latency_bucket: latencyBucket(row.latency_ms) }
        })
        await client.insert({
          table: 'events',
          values: added.map((row) => ({ ...row, ts: clickhouseTime(Date.parse(row.ts)) })),
          format: 'JSONEachRow',
          clickhouse_settings: insertSettings(fresh.length),
        })
        // The rollups follow what FINAL counts: + each version written, − each version it replaced.
        // A duplicate writes nothing, so it adds nothing. Not atomic with the insert above: a
        // failure in between leaves the rollups off until rebuilt (docs/deploy-clickhouse.md).
        await insertContributions(added, removed)
        for (const row of [...added, ...removed]) touch(Date.parse(row.ts))
        return { statuses }
      })
    },

    ...plannedQueries('clickhouse', execute, capabilities),

    compactRollup() {
      // SummingMergeTree folds each cell's partial rows, and drops cells that sum to zero.
      return exclusive(async () => {
        for (const table of ROLLUP_TABLES)
          await client.command({
            query: `OPTIMIZE TABLE ${localRollupTable(target, table)}${onCluster} FINAL`,
          })
      })
    },

    async runRaw(compiled: CompiledQuery) {
      const result = await client.query({
        query: compiled.sql,
        query_params: compiled.params,
        format: 'JSONEachRow',
        clickhouse_settings: READ_SETTINGS,
      })
      await result.text()
    },

    listEvents(request) {
      return runEventLog('clickhouse', execute, request)
    },

    deleteBefore(cutoff) {
      return exclusive(async () => {
        const cutoffMs = cutoff.getTime()
        const hourStart = Math.floor(cutoffMs / HOUR_MS) * HOUR_MS
        const params = { cutoff: cutoffMs }
        const [counted] = await rows(
          'SELECT count() AS events FROM events FINAL WHERE ts < fromUnixTimestamp64Milli({cutoff:Int64})',
          params,
        )
        // Whole hours before the cutoff leave the rollups with their events; the hour the cutoff
        // falls in loses the contribution of its deleted part. (Not atomic: docs/deploy-clickhouse.md.)
        // The times are numbers computed here, never input: inlined.
        const partial = `SELECT * FROM events FINAL WHERE ts >= fromUnixTimestamp64Milli(toInt64(${hourStart})) AND ts < fromUnixTimestamp64Milli(toInt64(${cutoffMs}))`
        for (const table of ROLLUP_TABLES) {
          if (hourStart < cutoffMs) {
            await client.command({
              query: contributionSql('clickhouse', table, partial, -1),
              clickhouse_settings: { async_insert: 0 },
            })
          }
          await client.command({
            query: `DELETE FROM ${localRollupTable(target, table)}${onCluster} WHERE hour < fromUnixTimestamp64Milli(toInt64(${hourStart}), 'UTC')`,
          })
        }
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
