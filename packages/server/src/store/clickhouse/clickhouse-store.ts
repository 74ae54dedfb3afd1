import type { ClickHouseClient } from '@clickhouse/client'
import { rollupDefinition } from '../../query/compile-rollup.js'
import { exportEventPages, runEventLog, storedProjects } from '../../query/event-log.js'
import { readInvoiceLines } from '../../query/invoice-lines.js'
import { latencyPercentiles } from '../../query/latency-percentiles.js'
import { exportOutcomePages, readOutcomeTotals } from '../../query/outcome-totals.js'
import { type Capabilities, plannedQueries } from '../../query/query-planner.js'
import { readRecords } from '../../query/read-records.js'
import { RollupSpan } from '../../query/rollup-span.js'
import { ROLLUP_TABLES } from '../../query/rollup-tables.js'
import type { Execute } from '../../query/run-query.js'
import { runStoreStats } from '../../query/store-stats.js'
import { readTemplateHours } from '../../query/template-hours.js'
import { TimeLimit } from '../../query/time-limit.js'
import { readTokenSums } from '../../query/token-sums.js'
import { columnsAt } from '../../schema/table.js'
import type { EncodedBatch } from '../batch-format.js'
import { createMutex } from '../mutex.js'
import type { QueryInsight, Store } from '../store.js'
import { StoreUnavailableError } from '../store-unavailable.js'
import { appendRows } from './append.js'
import { ClickHouseConnection, clickhouseTime } from './clickhouse-connection.js'
import { dropProject } from './drop-project.js'
import { type EventRows, encodeRows } from './encode-rows.js'
import { replaceInvoiceLines } from './invoice-lines.js'
import {
  type ClickHouseTarget,
  checkTarget,
  localEventsTable,
  localRollupTable,
  migrateClickHouse,
} from './migrations.js'
import { OutageSpool, type OutageSpoolOptions } from './outage-spool.js'
import { appendOutcomes } from './outcomes.js'
import { repriceRows } from './reprice.js'
import { deleteBefore } from './retention.js'
import { isUnreachable } from './unreachable.js'

export { ASYNC_INSERT_MAX_ROWS } from './clickhouse-connection.js'
export { ensureDatabase } from './migrations.js'

export interface ClickHouseStoreOptions {
  /** An official client: over HTTP(S) to a server, or on chDB's embedded engine. */
  client: ClickHouseClient
  /** Where the data is, for humans: never with the password. */
  location: string
  /** The client's default database (unqualified names in queries resolve there), and the cluster if any. */
  target: ClickHouseTarget
  /** Small batches as async inserts (clickhouse-connection.ts). */
  asyncInsert: boolean
  /**
   * Where batches wait while ClickHouse is unreachable (outage-spool.ts). Without it such an append
   * fails at once with StoreUnavailableError (a 503).
   */
  spool?: OutageSpoolOptions
}

/**
 * The store on ClickHouse. Its parts: migrations.ts (schema, dedupe strategy), append.ts (dedupe,
 * insert, rollup contributions), retention.ts, clickhouse-connection.ts (the client as used here),
 * outage-spool.ts (batches kept on disk while ClickHouse is unreachable).
 */
export async function openClickHouseStore(options: ClickHouseStoreOptions): Promise<Store & QueryInsight> {
  const { client, target } = options
  checkTarget(target)
  await migrateClickHouse(client, target)
  const connection = new ClickHouseConnection(client, options.asyncInsert)
  // Appends of this process one at a time, so that each sees the ids the previous one stored.
  const exclusive = createMutex()
  const onCluster = target.cluster ? ` ON CLUSTER ${target.cluster}` : ''
  const deleteFrom = `${localEventsTable(target)}${onCluster}`

  const span = await RollupSpan.load('clickhouse', connection.execute)
  const rollup = rollupDefinition('clickhouse', span.span)
  /** What the planner may use: the rollups, and percentiles by latency-sketch.ts's definition. */
  const capabilities = (run: Execute): Capabilities => ({
    rollup,
    percentiles: latencyPercentiles('clickhouse', run),
  })
  const store = (batch: EventRows) => appendRows(connection, deleteFrom, batch, (tsMs) => span.widen(tsMs))
  const spool =
    options.spool && (await OutageSpool.open(options.spool, (batch) => exclusive(() => store(batch))))
  const append = (batch: EventRows) =>
    exclusive(async () => {
      if (spool?.pending) return spool.add(batch)
      try {
        return await store(batch)
      } catch (error) {
        if (!isUnreachable(error)) throw error
        if (spool) return spool.add(batch, error)
        throw new StoreUnavailableError(`ClickHouse is unreachable: ${(error as Error).message}`, {
          cause: error,
        })
      }
    })

  return {
    engine: 'clickhouse',
    location: options.location,
    batchFormat: 'rows',

    append: (events, project) => append(encodeRows(events, project)),
    appendBatch: (batch: EncodedBatch) => append(rowsOf(batch)),

    ...plannedQueries('clickhouse', (limit) => connection.executor(limit), capabilities),

    compactRollup() {
      // SummingMergeTree folds each cell's partial rows, and drops cells that sum to zero.
      return exclusive(async () => {
        for (const table of ROLLUP_TABLES)
          await connection.command(`OPTIMIZE TABLE ${localRollupTable(target, table)}${onCluster} FINAL`)
      })
    },

    async runRaw(compiled, options) {
      await connection.run(compiled, TimeLimit.of(options), (result) => result.text())
    },

    listEvents: (request, options) =>
      runEventLog('clickhouse', connection.executor(TimeLimit.of(options)), request),
    // One at a time with this process's appends, so neither writes an event the other just read.
    reprice: (changes, project) =>
      exclusive(() => repriceRows(connection, changes, project, (tsMs) => span.widen(tsMs))),
    deleteBefore: (cutoff) => exclusive(() => deleteBefore(connection, target, deleteFrom, cutoff)),
    dropProject: (project) => exclusive(() => dropProject(connection, target, deleteFrom, project)),
    exportEvents: (batchSize = 10_000, project) =>
      exportEventPages('clickhouse', connection.execute, batchSize, project),
    projects: () => storedProjects('clickhouse', connection.execute),

    stats: (project) => runStoreStats('clickhouse', connection.execute, project),

    async getMeta(key) {
      const [row] = await connection.rows('SELECT value FROM spendlens_meta FINAL WHERE key = {key:String}', {
        key,
      })
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

    readRecords: (table) => readRecords('clickhouse', connection.execute, table),

    async writeRecords(table, records) {
      // Each write is kept with its time; reads take the latest of each key (ReplacingMergeTree, FINAL).
      const columns = columnsAt(table, 'clickhouse')
      await client.insert({
        table: table.name,
        values: records.map((record) =>
          Object.fromEntries(
            columns.map((column) => {
              const value = column.read(record)
              return [column.name, column.type === 'timestamp' ? clickhouseTime(value as number) : value]
            }),
          ),
        ),
        format: 'JSONEachRow',
        clickhouse_settings: { async_insert: 0 },
      })
    },

    // One replace at a time in this process, so that two deletes never meet two inserts.
    replaceInvoiceLines: (range, lines) => exclusive(() => replaceInvoiceLines(client, range, lines)),
    invoiceLines: (request) => readInvoiceLines('clickhouse', connection.execute, request),
    templateHours: (request) => readTemplateHours('clickhouse', connection.execute, request),
    tokenSums: (request, options) =>
      readTokenSums('clickhouse', connection.executor(TimeLimit.of(options)), request),

    // One append at a time in this process, so that each sees the ids the previous one stored.
    appendOutcomes: (outcomes, project) =>
      exclusive(() => appendOutcomes(client, connection.execute, project, outcomes)),
    outcomeTotals: (request, options) =>
      readOutcomeTotals('clickhouse', connection.executor(TimeLimit.of(options)), request),
    exportOutcomes: (batchSize = 10_000, project) =>
      exportOutcomePages('clickhouse', connection.execute, batchSize, project),

    async close() {
      await spool?.close()
      await exclusive(() => client.close())
    },
  }
}

/** A batch this store can append: encoded as rows. */
function rowsOf(batch: EncodedBatch): EventRows {
  if (batch.format !== 'rows') throw new Error(`the ClickHouse store appends rows, not ${batch.format}`)
  return batch
}
