import type { CostEvent } from 'spendlens'
import type { Price } from 'spendlens/internal'
import type { EventPage, LoggedEvent } from '../api/api-types.js'
import type { EventLogRequest } from '../query/event-log.js'
import type { InvoiceLinesRequest } from '../query/invoice-lines.js'
import type { OutcomeTotalRow, OutcomeTotalsRequest } from '../query/outcome-totals.js'
import type { PlannedQueries } from '../query/query-planner.js'
import type { CompiledQuery } from '../query/sql-builder.js'
import type { StoreStats } from '../query/store-stats.js'
import type { TemplateHour, TemplateHoursRequest } from '../query/template-hours.js'
import type { QueryOptions } from '../query/time-limit.js'
import type { TokenSumRow, TokenSumsRequest } from '../query/token-sums.js'
import type { InvoiceLine, InvoiceRange, StoredInvoiceLine } from '../schema/invoice-table.js'
import type { StoredOutcome } from '../schema/outcomes-table.js'
import type { RecordTable } from '../schema/record-table.js'
import type { EngineName } from '../schema/table.js'
import type { BatchFormatName, EncodedBatch } from './batch-format.js'

export type { EngineName, EventLogRequest, EventPage, QueryOptions }

/**
 * What became of each appended event, in input order. An event_id is stored once: the version with
 * the latest `ts` wins (a logical request retried under one idempotency key keeps its final
 * attempt), so an older or identical copy is a `duplicate`. `buffered`: kept on disk while the
 * engine is unreachable, stored (or found a duplicate) once it is back (store/clickhouse/outage-spool.ts).
 */
export type AppendStatus = 'inserted' | 'replaced' | 'duplicate' | 'buffered'

export interface AppendResult {
  statuses: AppendStatus[]
}

/**
 * A new price for one stored event (`spendlens reprice`, docs/reprice.md), to be set only while the
 * event is still the version (`ts`) with the price (`from`) it was read with.
 */
export interface PriceChange {
  event_id: string
  /** The version read, as the event log gives it (ISO, milliseconds). */
  ts: string
  from: Price
  to: Price
}

/**
 * What became of each change, in input order: `repriced`, or `changed` when the stored event was
 * no longer what was read (a newer version replaced it, or it was repriced meanwhile) and was left
 * alone.
 */
export type RepriceStatus = 'repriced' | 'changed'

export interface RepriceResult {
  statuses: RepriceStatus[]
}

/** Where cost events live. One implementation per engine, one contract suite for all of them. */
export interface Store extends Pick<PlannedQueries, 'query'> {
  readonly engine: EngineName
  /** Where the data is, for humans (a file path or a URL without credentials). */
  readonly location: string
  /**
   * How ingest encodes events for this store (batch-format.ts), on a worker thread or in-thread:
   * what `appendBatch` takes.
   */
  readonly batchFormat: BatchFormatName
  /**
   * Stores each event_id once within `project` (default: the default project), keeping the version
   * with the latest ts (see AppendStatus).
   */
  append(events: readonly CostEvent[], project?: string): Promise<AppendResult>
  /** The same as `append`, for events already encoded in this store's `batchFormat`. */
  appendBatch(batch: EncodedBatch): Promise<AppendResult>
  /**
   * Single events with every field, newest first, by cursor (an InvalidCursorError for a cursor
   * that is not a position in the log); held to `options.timeoutMs` as `query` is.
   */
  listEvents(request: EventLogRequest, options?: QueryOptions): Promise<EventPage>
  /** Events stored, and the first and last call time (ISO), for the meta endpoint: of one project, or of every project when none is given. */
  stats(project?: string): Promise<StoreStats>
  /**
   * Sets new prices on events of `project` (default: the default project), each only while the
   * event is still what it was read as (PriceChange); the rollups move by the difference. From its
   * first reprice an event keeps the price first recorded (RecordedPrice). The caller bounds the
   * batch. DuckDB: one transaction with no append in flight; ClickHouse: see docs/reprice.md.
   */
  reprice(changes: readonly PriceChange[], project?: string): Promise<RepriceResult>
  /** Deletes events that started before `cutoff` (retention); answers how many. */
  deleteBefore(cutoff: Date): Promise<number>
  /**
   * Deletes every event of `project` with its rollup rows, invoice lines, outcomes, revenue,
   * anomalies, budgets and alert settings (project-tables.ts); its keys and users stay. Not the
   * default project. Answers how many events went (`spendlens demo drop`).
   */
  dropProject(project: string): Promise<number>
  /**
   * Every stored event of `project`, or of every project (project by project), oldest first per
   * project, in batches (export, moving stores).
   */
  exportEvents(batchSize?: number, project?: string): AsyncIterable<LoggedEvent[]>
  /** The projects that have events. */
  projects(): Promise<string[]>
  /**
   * Writes what the engine holds in memory to its files (DuckDB: CHECKPOINT; it otherwise does so
   * when its log reaches 256 MB) and lets go of the blocks the load left cached, after a bulk load
   * such as the demo's, so that the load's peak does not stay. Nothing to do on ClickHouse.
   */
  checkpoint?(): Promise<void>
  getMeta(key: string): Promise<string | null>
  setMeta(key: string, value: string): Promise<void>
  /** Every record of a record table (schema/record-table.ts: keys, users), by key. */
  readRecords<R>(table: RecordTable<R>): Promise<R[]>
  /** Writes records whole; one with the key of a stored record replaces it. */
  writeRecords<R>(table: RecordTable<R>, records: readonly R[]): Promise<void>
  /**
   * Replaces the invoice lines of `range` (schema/invoice-table.ts) with `lines`, which are that
   * range's provider and source with buckets starting in it: a bucket synced again replaces itself.
   */
  replaceInvoiceLines(range: InvoiceRange, lines: readonly InvoiceLine[]): Promise<void>
  /** Invoice lines whose bucket starts in the range asked, in bucket order. */
  invoiceLines(request: InvoiceLinesRequest): Promise<StoredInvoiceLine[]>
  /** The largest and the median request of each UTC hour, feature and prompt template (query/template-hours.ts). */
  templateHours(request: TemplateHoursRequest): Promise<TemplateHour[]>
  /**
   * Every usage count of the events in scope summed by feature, model, tier and what a price depends
   * on (query/token-sums.ts: the what-if), held to `options.timeoutMs` as `query` is.
   */
  tokenSums(request: TokenSumsRequest, options?: QueryOptions): Promise<TokenSumRow[]>
  /**
   * Stores business outcomes in `project` (their own `project` field is ignored), each id once: a
   * stored id, or a repeat within the batch, is a `duplicate` and changes nothing (store/outcome-statuses.ts).
   */
  appendOutcomes(outcomes: readonly StoredOutcome[], project: string): Promise<AppendStatus[]>
  /** Outcomes by feature or customer and kind (query/outcome-totals.ts). */
  outcomeTotals(request: OutcomeTotalsRequest, options?: QueryOptions): Promise<OutcomeTotalRow[]>
  /** Every outcome of `project` (of every project when not given), in batches (export). */
  exportOutcomes(batchSize?: number, project?: string): AsyncIterable<StoredOutcome[]>
  close(): Promise<void>
}

/** What tests and benchmarks need to look behind a store's query path (both engines have it). */
export interface QueryInsight extends PlannedQueries {
  /**
   * Runs one compiled statement through the engine's own client, fetching the result without
   * turning it into rows: the engine's time for our SQL, the baseline our overhead is measured against.
   */
  runRaw(compiled: CompiledQuery, options?: QueryOptions): Promise<void>
  /** Folds the rollups' partial rows now (each engine also does it on its own, in the background). */
  compactRollup(): Promise<void>
}
