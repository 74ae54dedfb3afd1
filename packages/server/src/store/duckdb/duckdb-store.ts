import { mkdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import { type DuckDBConnection, DuckDBInstance, type DuckDBVector } from '@duckdb/node-api'
import { rollupDefinition } from '../../query/compile-rollup.js'
import { exportEventPages, runEventLog, storedProjects } from '../../query/event-log.js'
import { readInvoiceLines } from '../../query/invoice-lines.js'
import { latencyPercentiles } from '../../query/latency-percentiles.js'
import { exportOutcomePages, readOutcomeTotals } from '../../query/outcome-totals.js'
import { type Capabilities, plannedQueries } from '../../query/query-planner.js'
import { readRecords } from '../../query/read-records.js'
import { RollupSpan } from '../../query/rollup-span.js'
import type { Execute } from '../../query/run-query.js'
import { runStoreStats } from '../../query/store-stats.js'
import { readTemplateHours } from '../../query/template-hours.js'
import { TimeLimit } from '../../query/time-limit.js'
import { readTokenSums } from '../../query/token-sums.js'
import type { EncodedBatch } from '../batch-format.js'
import type { QueryInsight, Store } from '../store.js'
import { StoreLockedError } from '../store-locked.js'
import { AppendPipeline } from './append-pipeline.js'
import { dropProject } from './drop-project.js'
import { type EncodedEvents, encodeEvents } from './encode-columns.js'
import { EventIdIndex } from './event-id-index.js'
import { replaceInvoiceLines } from './invoice-lines.js'
import { migrateDuckDB } from './migrations.js'
import { appendOutcomes } from './outcomes.js'
import { ReaderPool } from './reader-pool.js'
import { writeRecords } from './records.js'
import { ReopeningDatabase } from './reopening-database.js'
import { repriceEvents } from './reprice.js'
import { deleteBefore } from './retention.js'
import { RollupHours } from './rollup-hours.js'
import { STAGING_ATTACH } from './staging.js'

export { MIGRATIONS } from './migrations.js'

/**
 * DuckDB checkpoints (compresses the write-ahead log into the table) whenever the log passes this
 * size. At the default 16 MB a busy ingest checkpoints every few seconds, and each checkpoint
 * rewrites the table's last, partly filled row group: inserting cost 4× more and the file grew by
 * 40%. At 256 MB a checkpoint happens every few hundred thousand events; a restart replays at most
 * that much log.
 */
const CHECKPOINT_THRESHOLD = '256MB'

/** DuckDB's memory limit for the moment after a bulk load when it lets go of its cached blocks. */
const RELEASE_MEMORY_LIMIT = '32MB'

/** A task that allocated more than this at its peak returns the memory when it ends (DuckDB's default: 128 MB). */
const ALLOCATOR_FLUSH_THRESHOLD = '8MB'

/**
 * DuckDB's worker threads: every core but one, which the JavaScript thread needs (HTTP, dedupe,
 * writing staging chunks; decoding runs on the ingest workers). On the two-core reference machine
 * two DuckDB threads spent 30% more CPU per ingested event than one (measured with bench:store and
 * an in-process append loop) and ingest was slower. Queries still run side by side: each runs on
 * its own libuv thread, which DuckDB's scheduler uses as well.
 */
const DUCKDB_THREADS = Math.max(1, availableParallelism() - 1)

/** The DuckDB store, with what benchmarks and tests need to look behind the planner. */
export interface DuckDBStore extends Store, QueryInsight {
  /**
   * The database, for running SQL next to the store (tests). A new one after a disk failure
   * (reopening-database.ts): read it when needed rather than keeping it.
   */
  readonly instance: DuckDBInstance
}

/**
 * The embedded store: one DuckDB file. Its parts: migrations.ts (schema), append-pipeline.ts
 * (dedupe, staging and the transaction that stores a batch with its rollup contribution),
 * rollup-hours.ts (compaction), reader-pool.ts (queries), retention.ts, reopening-database.ts (a
 * full or read-only disk: 503s, and the file opened again once it can be, without a restart).
 */
export async function openDuckDBStore(path: string): Promise<DuckDBStore> {
  // Kept across reopenings (reopening-database.ts): the span only widens, and the index holds every
  // id this process stored (a hash of a batch that failed is only a lookup more).
  let span: RollupSpan | undefined
  let ids: Promise<EventIdIndex> | undefined
  const database = await ReopeningDatabase.open(path, async () => {
    const instance = await createInstance(path)
    const connections: DuckDBConnection[] = []
    const readers = new ReaderPool(instance)
    try {
      const writer = await instance.connect()
      connections.push(writer)
      await migrateDuckDB(writer)
      await writer.run(STAGING_ATTACH)
      // Fills staging tables and looks ids up while `writer` commits the previous batch.
      const stager = await instance.connect()
      connections.push(stager)
      span ??= await RollupSpan.load('duckdb', readers.execute)
      // Read in the background: queries are answered meanwhile, and appends wait for it.
      ids ??= loadIdIndex(instance)
      ids.catch(() => undefined)
      const hours = new RollupHours(writer, span)
      const pipeline = new AppendPipeline(writer, stager, ids, hours)
      return { instance, writer, stager, readers, hours, pipeline }
    } catch (error) {
      await readers.close()
      for (const connection of connections) connection.closeSync()
      instance.closeSync()
      throw error
    }
  })
  const rollup = rollupDefinition('duckdb', database.now.hours.span.span)
  /** What the planner may use: the rollups, and percentiles by latency-sketch.ts's definition. */
  const capabilities = (run: Execute): Capabilities => ({
    rollup,
    percentiles: latencyPercentiles('duckdb', run),
  })
  /** The query layer's Execute on the open database, its statements held to `limit` (or to none). */
  const executor =
    (limit: TimeLimit | undefined): Execute =>
    (compiled) =>
      database.use(({ readers }) => readers.executor(limit)(compiled))
  const execute = executor(undefined)

  return {
    engine: 'duckdb',
    location: path,
    batchFormat: 'columns',
    get instance() {
      return database.now.instance
    },

    append: (events, project) =>
      database.use(({ pipeline }) => pipeline.append(encodeEvents(events, project))),
    appendBatch: (batch: EncodedBatch) => database.use(({ pipeline }) => pipeline.append(columnsOf(batch))),

    ...plannedQueries('duckdb', executor, capabilities),

    async runRaw(compiled, options) {
      // Fetched through the client as every answer is (chunk by chunk), not turned into JavaScript values.
      const limit = TimeLimit.of(options)
      await database.use(({ readers }) => readers.run(compiled, limit))
    },
    compactRollup: () => database.use(({ pipeline, hours }) => pipeline.exclusive(() => hours.compact(1))),
    listEvents: (request, options) => runEventLog('duckdb', executor(TimeLimit.of(options)), request),
    reprice: (changes, project) =>
      database.use(({ pipeline, writer, hours }) =>
        pipeline.exclusive(() => repriceEvents(writer, hours, changes, project)),
      ),
    deleteBefore: (cutoff) =>
      database.use(({ pipeline, writer, hours }) =>
        pipeline.exclusive(() => deleteBefore(writer, hours, cutoff)),
      ),
    dropProject: (project) =>
      database.use(({ pipeline, writer }) => pipeline.exclusive(() => dropProject(writer, project))),
    exportEvents: (batchSize = 10_000, project) => exportEventPages('duckdb', execute, batchSize, project),
    projects: () => storedProjects('duckdb', execute),

    stats: (project) => runStoreStats('duckdb', execute, project),

    checkpoint: () =>
      database.use(({ pipeline, writer }) =>
        pipeline.exclusive(async () => {
          await writer.run('CHECKPOINT')
          // The blocks the load left in DuckDB's buffer pool (~95 MB of RSS after the demo's 47k
          // events) would stay until memory ran short: a moment's low limit makes it let go of them
          // (they are on disk now), and the limit it had comes back: set again from its value, not
          // RESET (which left the 32 MB in place for the next commit, demo-project.test.ts). Only at
          // start, before the server listens: a write meanwhile would meet the low limit.
          const limit = await writer.runAndReadAll("SELECT current_setting('memory_limit') AS limit")
          const before = String(limit.getRowObjects()[0]?.limit)
          await writer.run(`SET memory_limit = '${RELEASE_MEMORY_LIMIT}'`)
          await writer.run(`SET memory_limit = '${before.replace(/'/g, "''")}'`)
        }),
      ),

    getMeta(key) {
      return database.use(({ readers }) =>
        readers.read(async (connection) => {
          const reader = await connection.runAndReadAll('SELECT value FROM spendlens_meta WHERE key = $key', {
            key,
          })
          const row = reader.getRowObjects()[0]
          return row ? String(row.value) : null
        }),
      )
    },

    setMeta(key, value) {
      return database.use(({ pipeline, writer }) =>
        pipeline.exclusive(async () => {
          await writer.run('INSERT OR REPLACE INTO spendlens_meta VALUES ($key, $value)', { key, value })
        }),
      )
    },

    readRecords: (table) => readRecords('duckdb', execute, table),
    writeRecords: (table, records) =>
      database.use(({ pipeline, writer }) => pipeline.exclusive(() => writeRecords(writer, table, records))),

    replaceInvoiceLines: (range, lines) =>
      database.use(({ pipeline, writer }) =>
        pipeline.exclusive(() => replaceInvoiceLines(writer, range, lines)),
      ),
    invoiceLines: (request) => readInvoiceLines('duckdb', execute, request),
    templateHours: (request) => readTemplateHours('duckdb', execute, request),
    tokenSums: (request, options) => readTokenSums('duckdb', executor(TimeLimit.of(options)), request),

    appendOutcomes: (outcomes, project) =>
      database.use(({ pipeline, writer }) =>
        pipeline.exclusive(() => appendOutcomes(writer, execute, project, outcomes)),
      ),
    outcomeTotals: (request, options) =>
      readOutcomeTotals('duckdb', executor(TimeLimit.of(options)), request),
    exportOutcomes: (batchSize = 10_000, project) =>
      exportOutcomePages('duckdb', execute, batchSize, project),

    // Folds the busy hours first; on a full disk that fails, and the partial rows stay (still exact).
    // The id index may still be loading on its own connection: the database closes after it.
    close: () =>
      database.close(async ({ pipeline, hours }) => {
        await ids?.catch(() => undefined)
        await pipeline.exclusive(() => hours.compactBusy())
      }),
  }
}

/** A batch this store can append: encoded as columns. */
function columnsOf(batch: EncodedBatch): EncodedEvents {
  if (batch.format !== 'columns') throw new Error(`the DuckDB store appends columns, not ${batch.format}`)
  return batch
}

async function createInstance(path: string): Promise<DuckDBInstance> {
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true })
  try {
    return await DuckDBInstance.create(path, {
      checkpoint_threshold: CHECKPOINT_THRESHOLD,
      threads: String(DUCKDB_THREADS),
      // Memory DuckDB has freed goes back to the system soon after (its jemalloc otherwise keeps a
      // large load's peak: +120 MB of RSS after the demo's 44k events, measured by bench:start).
      allocator_flush_threshold: ALLOCATOR_FLUSH_THRESHOLD,
      allocator_background_threads: 'true',
    })
  } catch (error) {
    const message = String((error as Error).message ?? error)
    if (/lock/i.test(message)) {
      throw new StoreLockedError(path, { cause: error })
    }
    throw error
  }
}

/**
 * Every stored id hash, read as doubles (exact: the hashes have 52 bits), on a connection of its
 * own: about half a second per million events, which a start no longer waits for.
 */
async function loadIdIndex(instance: DuckDBInstance): Promise<EventIdIndex> {
  const connection = await instance.connect()
  try {
    const count = Number(
      (await connection.runAndReadAll('SELECT count(*) AS events FROM events')).getRowObjects()[0]?.events ??
        0,
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
  } finally {
    connection.closeSync()
  }
}
