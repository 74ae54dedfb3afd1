import { mkdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import { type DuckDBConnection, DuckDBInstance, type DuckDBVector } from '@duckdb/node-api'
import type { CostEvent } from 'spendlens'
import type { CompiledQuery } from '../query/compile-query.js'
import { compactSql, contributionSql, ROLLUP_MIGRATION_SQL, stagingContributionSql } from './duckdb-rollup.js'
import {
  EVENTS_COLUMN_LIST,
  insertSelect,
  STAGING_ATTACH,
  STAGING_ROLLUP_SELECT,
  stagingTable,
  writeStaging,
} from './duckdb-staging.js'
import { type EncodedEvents, encodeEvents, selectEncoded } from './event-columns.js'
import { EventIdIndex, hashEventId } from './event-id-index.js'
import { latencyPercentiles } from './latency-percentiles.js'
import { bucketSql } from './latency-sketch.js'
import { type Capabilities, plannedQueries } from './query-planner.js'
import { ROLLUP_TABLE, ROLLUP_TABLES, rollupDefinition } from './rollup.js'
import { EVENT_COLUMNS, type Execute, eventFromRow, runEventLog } from './run-query.js'
import type { AppendResult, AppendStatus, QueryInsight, Store } from './store.js'

/** The events table from schema version 4 on: no primary key, and `id_hash` (hashEventId) last. */
const EVENTS_V4_DDL = `CREATE TABLE events_v4 (
  event_id VARCHAR NOT NULL, ts TIMESTAMPTZ NOT NULL, latency_ms DOUBLE, ttft_ms DOUBLE,
  provider VARCHAR NOT NULL, operation VARCHAR NOT NULL, model VARCHAR NOT NULL, requested_model VARCHAR,
  provider_request_id VARCHAR, feature VARCHAR NOT NULL, route VARCHAR NOT NULL, customer_id VARCHAR NOT NULL,
  user_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL, environment VARCHAR NOT NULL, prompt_id VARCHAR NOT NULL,
  tags VARCHAR NOT NULL, input_tokens BIGINT, cache_read_tokens BIGINT, cache_write_tokens BIGINT,
  cache_write_1h_tokens BIGINT, output_tokens BIGINT, reasoning_tokens BIGINT, input_audio_tokens BIGINT,
  output_audio_tokens BIGINT, images BIGINT, audio_seconds DOUBLE, web_search_requests BIGINT,
  service_tier VARCHAR, batch BOOLEAN NOT NULL, cost_nanos BIGINT, pricing_status VARCHAR NOT NULL,
  price_source VARCHAR, status VARCHAR NOT NULL, error_type VARCHAR, http_status INTEGER,
  streamed BOOLEAN NOT NULL, sdk VARCHAR NOT NULL, schema_version INTEGER NOT NULL,
  cost_partial BOOLEAN DEFAULT false, input_image_tokens BIGINT, input_characters BIGINT, id_hash BIGINT,
  latency_bucket INTEGER)`

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
  // 4: events without the primary-key index (dedupe goes through id_hash, filled at open for the rows
  // copied here: see fillIdHashes), in time order, with their latency buckets (latency-sketch.ts);
  // the hourly rollups, built from what is there.
  `${EVENTS_V4_DDL}; INSERT INTO events_v4 SELECT *, NULL, ${bucketSql('latency_ms')} FROM events ORDER BY ts;
   DROP TABLE events; ALTER TABLE events_v4 RENAME TO events; ${ROLLUP_MIGRATION_SQL}`,
]

/**
 * DuckDB checkpoints (compresses the write-ahead log into the table) whenever the log passes this
 * size. At the default 16 MB a busy ingest checkpoints every few seconds, and each checkpoint
 * rewrites the table's last, partly filled row group: inserting cost 4× more and the file grew by
 * 40%. At 256 MB a checkpoint happens every few hundred thousand events; a restart replays at most
 * that much log.
 */
const CHECKPOINT_THRESHOLD = '256MB'

/**
 * DuckDB's worker threads: every core but one, which the JavaScript thread needs (decoding and
 * validating events, writing staging chunks). On the two-core reference machine two DuckDB threads
 * spent 30% more CPU per ingested event than one (measured with bench:store and an in-process
 * append loop) and ingest was slower. Queries still run side by side: each runs on its own libuv
 * thread, which DuckDB's scheduler uses as well.
 */
const DUCKDB_THREADS = Math.max(1, availableParallelism() - 1)

/** Batches between compactions, and how often a batch must have appended to an hour to fold it. */
const COMPACT_EVERY_BATCHES = 50
const COMPACT_HOURS_APPENDED = 3

const HOUR_MS = 3_600_000

/** Reader connections kept open between queries (the dashboard sends about six at once). */
const MAX_IDLE_READERS = 8

/** Staging tables: a batch can be prepared while the previous one commits. */
const PIPELINE_SLOTS = 4

/** Serializes async work on the writer connection (a DuckDB connection runs one statement at a time). */
function createMutex() {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work)
    tail = result.catch(() => undefined)
    return result
  }
}

/** A batch between its two stages (see the append pipeline in openDuckDBStore). */
interface Staged {
  statuses: AppendStatus[]
  slot: number
  /** The event_id and ts (epoch ms) of each event to store (not the events: they can go). */
  eventIds: string[]
  times: Float64Array
  /** Hashes of the ids whose stored version this batch replaces. */
  replaced: number[]
  nullMarker: string
  /** failedCommits when prepared: a commit that failed since then fails this batch too. */
  failedCommitsSeen: number
  /** event_id → ts of `rows`, built when a later batch asks. */
  lookup?: Map<string, number>
}

/** The DuckDB store, with what benchmarks and tests need to look behind the planner. */
export interface DuckDBStore extends Store, QueryInsight {
  /** The database, for running SQL next to the store (tests). */
  readonly instance: DuckDBInstance
  /** Folds every partial row of the rollups now (normally done for busy hours every few batches). */
  compactRollup(): Promise<void>
}

export async function openDuckDBStore(path: string): Promise<DuckDBStore> {
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true })
  let instance: DuckDBInstance
  try {
    instance = await DuckDBInstance.create(path, {
      checkpoint_threshold: CHECKPOINT_THRESHOLD,
      threads: String(DUCKDB_THREADS),
    })
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
  await fillIdHashes(writer)
  await writer.run(STAGING_ATTACH)
  // Fills staging tables and looks ids up while `writer` commits the previous batch.
  const stager = await instance.connect()
  const ids = await loadIdIndex(writer)

  // The hours the rollup may hold (never narrowed: a wider span only makes the planner check more).
  const bounds = (
    await writer.runAndReadAll(
      `SELECT epoch_ms(min(hour)) AS first, epoch_ms(max(hour)) AS last FROM ${ROLLUP_TABLE}`,
    )
  ).getRowObjects()[0]
  let firstHour = bounds?.first === null || bounds?.first === undefined ? undefined : Number(bounds.first)
  let lastHour = bounds?.last === null || bounds?.last === undefined ? undefined : Number(bounds.last)
  const rollup = rollupDefinition('duckdb', () =>
    firstHour === undefined || lastHour === undefined
      ? undefined
      : { from: new Date(firstHour), to: new Date(lastHour + HOUR_MS) },
  )
  /** What the planner may use: the rollups, and percentiles by latency-sketch.ts's definition. */
  const capabilities = (run: Execute): Capabilities => ({
    rollup,
    percentiles: latencyPercentiles('duckdb', run),
  })
  /**
   * Hours whose rollup rows changed, each with how many batches appended to it since it was last
   * compacted. An hour a live stream keeps appending to (the current one) gathers a partial row per
   * cell per batch and is worth folding; an hour a backfill passes once is not.
   */
  const touchedHours = new Map<number, number>()
  let batchesSinceCompaction = 0

  function touch(tsMs: number) {
    const hour = Math.floor(tsMs / HOUR_MS) * HOUR_MS
    touchedHours.set(hour, (touchedHours.get(hour) ?? 0) + 1)
    if (firstHour === undefined || hour < firstHour) firstHour = hour
    if (lastHour === undefined || hour > lastHour) lastHour = hour
  }

  /** Folds the partial rows of hours appended to at least `minimum` times since their last fold. */
  async function compact(minimum: number) {
    const hours = [...touchedHours].filter(([, batches]) => batches >= minimum).map(([hour]) => hour)
    batchesSinceCompaction = 0
    if (hours.length === 0) return
    await runTransaction(
      writer,
      ROLLUP_TABLES.flatMap((table) => compactSql(table, hours)),
    )
    for (const hour of hours) touchedHours.delete(hour)
  }

  // ---------------------------------------------------------------- the append pipeline
  //
  // An append has two stages. Prepare (JavaScript, `stager`): decide each event's status and write
  // the rows to be stored into a staging table. Commit (`writer`, off the JavaScript thread): one
  // transaction moves them into `events` and the rollup. Prepares run one at a time, commits run
  // one at a time, in the same order, and the prepare of one batch overlaps the commit of the one
  // before it: with two appends in flight (the IngestBuffer keeps two), JavaScript and DuckDB work
  // side by side instead of waiting for each other.
  //
  // A batch is prepared before the previous one has committed, so its statuses take that one into
  // account through `pending` (event_id → ts of versions staged but not yet committed). If a commit
  // fails, every batch prepared after it fails too, since its statuses may rest on the failed one.
  const prepareLock = createMutex()
  const commitLock = createMutex()
  /** Batches prepared and not yet committed, oldest first. */
  const pending: Staged[] = []
  /** Resolves when each slot's staging table has been committed and can be refilled. */
  const slotFree: Promise<unknown>[] = Array.from({ length: PIPELINE_SLOTS }, () => Promise.resolve())
  let flushes = 0
  let failedCommits = 0

  /** The version (epoch ms) of `eventId` a batch still committing stages, if any: the newest wins. */
  function pendingVersion(eventId: string, batches: readonly Staged[]): number | undefined {
    for (let index = batches.length - 1; index >= 0; index--) {
      const batch = batches[index] as Staged
      // Built the first time a later batch needs it, which is rare: ids are mostly new.
      batch.lookup ??= new Map(
        batch.eventIds.map((eventId, position) => [eventId, batch.times[position] as number]),
      )
      const ts = batch.lookup.get(eventId)
      if (ts !== undefined) return ts
    }
    return undefined
  }

  /** Runs `work` with no append in either stage (retention, meta, compaction, close). */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => prepareLock(() => commitLock(work))

  // Readers borrow a connection and give it back: opening one per query cost more than a small
  // rollup query itself. DuckDB runs queries on different connections side by side.
  const idleReaders: DuckDBConnection[] = []
  async function read<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = idleReaders.pop() ?? (await instance.connect())
    try {
      return await work(connection)
    } finally {
      if (idleReaders.length < MAX_IDLE_READERS) idleReaders.push(connection)
      else connection.closeSync()
    }
  }

  const execute: Execute = (compiled) =>
    read(async (connection) => {
      const reader = await connection.runAndReadAll(compiled.sql, compiled.params)
      return reader.getRowObjects() as Record<string, unknown>[]
    })

  /** The committed version (epoch ms) of each id among `candidates` that is in the events table. */
  async function storedVersions(
    candidates: { eventId: string; hash: number }[],
  ): Promise<Map<string, number>> {
    // The hashes are numbers computed here, never input: safe to inline, and an IN list of
    // constants is pushed into the scan, so only id_hash is read for rows that do not match.
    const hashes = [...new Set(candidates.map((candidate) => candidate.hash))].join(', ')
    const reader = await stager.runAndReadAll(
      `SELECT event_id, epoch_ms(ts) AS ts_ms FROM events WHERE id_hash IN (${hashes})`,
    )
    const wanted = new Set(candidates.map((candidate) => candidate.eventId))
    const stored = new Map<string, number>()
    for (const row of reader.getRowObjects()) {
      const eventId = String(row.event_id)
      if (wanted.has(eventId)) stored.set(eventId, Number(row.ts_ms))
    }
    return stored
  }

  async function prepare(batch: EncodedEvents): Promise<Staged> {
    const statuses: AppendStatus[] = new Array(batch.rows).fill('duplicate')
    const failedCommitsSeen = failedCommits
    const { eventIds, times, hashes } = batch
    // Within the batch, the latest ts of each event_id is the candidate (the first of equals).
    const candidate = new Map<string, number>()
    for (let index = 0; index < batch.rows; index++) {
      const eventId = eventIds[index] as string
      const current = candidate.get(eventId)
      if (current === undefined || (times[index] as number) > (times[current] as number))
        candidate.set(eventId, index)
    }
    const staged: number[] = []
    const maybeStored: { index: number; eventId: string; hash: number }[] = []
    for (const [eventId, index] of candidate) {
      const hash = hashes[index] as number
      if (ids.has(hash)) maybeStored.push({ index, eventId, hash })
      else {
        staged.push(index)
        statuses[index] = 'inserted'
      }
    }
    // Ids the index may hold: look them up; a newer version replaces the stored one.
    const replaced: number[] = []
    if (maybeStored.length > 0) {
      // The batches still committing when the lookup starts. One of them may commit while the lookup
      // runs, after the lookup's snapshot was taken: its version is then in neither the answer nor
      // `pending`, so it is looked up in this copy. A batch missing from the copy committed before
      // the lookup began, and the lookup sees it.
      const inFlight = [...pending]
      const committed = await storedVersions(maybeStored)
      for (const { index, eventId, hash } of maybeStored) {
        // A version staged by a batch still committing is newer than the committed one.
        const storedTs = pendingVersion(eventId, inFlight) ?? committed.get(eventId)
        const ts = times[index] as number
        if (storedTs !== undefined && ts <= storedTs) continue
        staged.push(index)
        statuses[index] = storedTs === undefined ? 'inserted' : 'replaced'
        if (storedTs !== undefined) {
          replaced.push(hash)
          touch(storedTs)
        }
      }
    }
    const slot = flushes++ % PIPELINE_SLOTS
    const rows = selectEncoded(batch, staged)
    const prepared: Staged = {
      statuses,
      slot,
      eventIds: rows.eventIds,
      times: rows.times,
      replaced,
      nullMarker: '',
      failedCommitsSeen,
    }
    if (rows.rows === 0) return prepared
    // The slot's table is free once the batch that filled it two flushes ago has committed.
    await slotFree[slot]
    prepared.nullMarker = await writeStaging(stager, slot, rows)
    for (const hash of rows.hashes) ids.add(hash)
    pending.push(prepared)
    return prepared
  }

  async function appendEncoded(batch: EncodedEvents): Promise<AppendResult> {
    let committed: Promise<void> | undefined
    const prepared = await prepareLock(async () => {
      const staged = await prepare(batch)
      // Queued while the prepare lock is held, so commits keep the order of prepares.
      committed = commitLock(() => commit(staged))
      slotFree[staged.slot] = committed.catch(() => undefined)
      return staged
    })
    await committed
    return { statuses: prepared.statuses }
  }

  async function commit(prepared: Staged): Promise<void> {
    const { slot, eventIds, times, replaced, nullMarker } = prepared
    const table = stagingTable(slot)
    try {
      if (failedCommits !== prepared.failedCommitsSeen)
        throw new Error(
          'an earlier batch could not be stored, so this one was not stored either; send it again',
        )
      if (eventIds.length === 0) return
      // One query string, no parameters: DuckDB runs every statement of it in one call off the
      // JavaScript thread, where separate statements would each wait for the event loop between
      // them. The null marker is our own string, safe as a literal.
      const statements: string[] = []
      if (replaced.length > 0) {
        // The stored versions being replaced: their ids are staged, their hashes listed.
        const old = `FROM events WHERE id_hash IN (${replaced.join(', ')}) AND event_id IN (SELECT event_id FROM ${table})`
        for (const rollupTable of ROLLUP_TABLES)
          statements.push(contributionSql(rollupTable, `SELECT * ${old}`, -1))
        statements.push(`DELETE ${old}`)
      }
      const marker = `'${nullMarker}'`
      statements.push(
        `INSERT INTO events (${EVENTS_COLUMN_LIST}) SELECT ${insertSelect(marker)} FROM ${table}`,
        ...ROLLUP_TABLES.map((rollupTable) =>
          stagingContributionSql(rollupTable, `SELECT ${STAGING_ROLLUP_SELECT} FROM ${table}`, marker),
        ),
      )
      await runTransaction(writer, statements)
      for (const time of times) touch(time)
      if (++batchesSinceCompaction >= COMPACT_EVERY_BATCHES) await compact(COMPACT_HOURS_APPENDED)
    } catch (error) {
      failedCommits++
      throw error
    } finally {
      const position = pending.indexOf(prepared)
      if (position !== -1) pending.splice(position, 1)
    }
  }

  return {
    engine: 'duckdb',
    location: path,
    instance,

    append(events) {
      return appendEncoded(encodeEvents(events))
    },

    appendEncoded,

    ...plannedQueries('duckdb', execute, capabilities),

    runRaw(compiled: CompiledQuery) {
      // Fetched through the client as every answer is (chunk by chunk), not turned into JavaScript values.
      return read(async (connection) => {
        await connection.runAndReadAll(compiled.sql, compiled.params)
      })
    },

    compactRollup() {
      return exclusive(() => compact(1))
    },

    listEvents(request) {
      return runEventLog('duckdb', execute, request)
    },

    deleteBefore(cutoff) {
      return exclusive(async () => {
        const cutoffMs = cutoff.getTime()
        const hourStart = Math.floor(cutoffMs / HOUR_MS) * HOUR_MS
        let deleted = 0
        await inTransaction(writer, async () => {
          // Whole hours before the cutoff leave the rollup with their events; the hour the cutoff
          // falls in loses the contribution of its deleted part.
          const partial = `SELECT * FROM events WHERE ts >= make_timestamptz(${hourStart * 1000}) AND ts < make_timestamptz(${cutoffMs * 1000})`
          for (const table of ROLLUP_TABLES) {
            if (hourStart < cutoffMs) await writer.run(contributionSql(table, partial, -1))
            await writer.run(`DELETE FROM ${table.name} WHERE hour < make_timestamptz(${hourStart * 1000})`)
          }
          const reader = await writer.runAndReadAll(
            `DELETE FROM events WHERE ts < make_timestamptz(${cutoffMs * 1000})`,
          )
          deleted = Number(reader.getRows()[0]?.[0] ?? 0)
        })
        if (hourStart < cutoffMs) touch(hourStart)
        return deleted
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
        await compact(COMPACT_HOURS_APPENDED)
        for (const connection of idleReaders.splice(0)) connection.closeSync()
        stager.closeSync()
        writer.closeSync()
        instance.closeSync()
      })
    },
  }
}

/** Runs `statements` (no parameters) as one transaction, in one call into DuckDB. */
async function runTransaction(connection: DuckDBConnection, statements: string[]) {
  try {
    await connection.run(`BEGIN TRANSACTION; ${statements.join('; ')}; COMMIT`)
  } catch (error) {
    // A failed statement leaves the transaction open and aborted.
    await connection.run('ROLLBACK').catch(() => undefined)
    throw error
  }
}

async function inTransaction(connection: DuckDBConnection, work: () => Promise<void>) {
  await connection.run('BEGIN TRANSACTION')
  try {
    await work()
    await connection.run('COMMIT')
  } catch (error) {
    await connection.run('ROLLBACK')
    throw error
  }
}

async function migrate(connection: DuckDBConnection) {
  await connection.run('CREATE TABLE IF NOT EXISTS spendlens_schema (version INTEGER NOT NULL)')
  const reader = await connection.runAndReadAll(
    'SELECT coalesce(max(version), 0) AS version FROM spendlens_schema',
  )
  const current = Number(reader.getRowObjects()[0]?.version ?? 0)
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    await inTransaction(connection, async () => {
      await connection.run(MIGRATIONS[version - 1] as string)
      await connection.run('INSERT INTO spendlens_schema VALUES ($version)', { version })
    })
  }
}

/** Computes id_hash for rows stored before schema version 4 (in JavaScript: it is hashEventId). */
async function fillIdHashes(connection: DuckDBConnection) {
  const missing = await connection.runAndReadAll('SELECT event_id FROM events WHERE id_hash IS NULL')
  const eventIds = missing.getColumns()[0] ?? []
  if (eventIds.length === 0) return
  await connection.run('CREATE OR REPLACE TEMP TABLE id_hashes (event_id VARCHAR, id_hash BIGINT)')
  const appender = await connection.createAppender('id_hashes')
  for (const eventId of eventIds) {
    appender.appendVarchar(String(eventId))
    appender.appendBigInt(BigInt(hashEventId(String(eventId))))
    appender.endRow()
  }
  appender.closeSync()
  await connection.run(
    'UPDATE events SET id_hash = h.id_hash FROM id_hashes h WHERE events.event_id = h.event_id AND events.id_hash IS NULL',
  )
  await connection.run('DROP TABLE id_hashes')
}

/** Every stored id hash, read as doubles (exact: the hashes have 52 bits). */
async function loadIdIndex(connection: DuckDBConnection): Promise<EventIdIndex> {
  const count = Number(
    (await connection.runAndReadAll('SELECT count(*) AS events FROM events')).getRowObjects()[0]?.events ?? 0,
  )
  const ids = new EventIdIndex(count)
  const result = await connection.stream('SELECT CAST(id_hash AS DOUBLE) FROM events')
  for (;;) {
    const chunk = await result.fetchChunk()
    if (!chunk || chunk.rowCount === 0) break
    const hashes = chunk.getColumnVector(0) as DuckDBVector<number>
    for (let row = 0; row < chunk.rowCount; row++) ids.add(hashes.getItem(row) as number)
  }
  return ids
}
