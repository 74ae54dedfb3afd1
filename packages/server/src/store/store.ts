import type { CostEvent } from 'spendlens'
import type { AnalyticsQuery, EventPage, QueryRow } from '../api/api-types.js'
import type { CompiledQuery } from '../query/compile-query.js'
import type { EncodedEvents } from './event-columns.js'
import type { QueryPlan } from './query-planner.js'

/**
 * What became of each appended event, in input order. An event_id is stored once: the version with
 * the latest `ts` wins (a logical request retried under one idempotency key keeps its final
 * attempt), so an older or identical copy is a `duplicate`.
 */
export type AppendStatus = 'inserted' | 'replaced' | 'duplicate'

export interface AppendResult {
  statuses: AppendStatus[]
}


export type { EventPage }

export interface EventLogRequest {
  scope: Pick<AnalyticsQuery, 'from' | 'to' | 'filters'>
  cursor?: string
  /** 1–1000. */
  limit: number
}

export type EngineName = 'duckdb' | 'clickhouse'

/** Where cost events live. One implementation per engine, one contract suite for all of them. */
export interface Store {
  readonly engine: EngineName
  /** Where the data is, for humans (a file path or a URL without credentials). */
  readonly location: string
  /** Stores each event_id once, keeping the version with the latest ts (see AppendStatus). */
  append(events: readonly CostEvent[]): Promise<AppendResult>
  /**
   * The same as `append`, for events already encoded as columns (event-columns.ts), which an
   * ingest worker thread can do off the JavaScript thread. Stores that do not stage columns leave
   * it out, and the server appends objects.
   */
  appendEncoded?(batch: EncodedEvents): Promise<AppendResult>
  /** Runs an AnalyticsQuery; with `others`, the last row (`others: true`) aggregates the rest. */
  query(query: AnalyticsQuery): Promise<QueryRow[]>
  /** Single events with every field, newest first, by cursor. */
  listEvents(request: EventLogRequest): Promise<EventPage>
  /** Events stored, and the first and last call time (ISO), for the meta endpoint. */
  stats(): Promise<{ events: number; first_ts: string | null; last_ts: string | null }>
  /** Deletes events that started before `cutoff` (retention); answers how many. */
  deleteBefore(cutoff: Date): Promise<number>
  /** Every stored event, oldest first, in batches (export, moving stores). */
  exportEvents(batchSize?: number): AsyncIterable<CostEvent[]>
  getMeta(key: string): Promise<string | null>
  setMeta(key: string, value: string): Promise<void>
  close(): Promise<void>
}

/** What tests and benchmarks need to look behind a store's query path (both engines have it). */
export interface QueryInsight {
  /** Where `query` would run, and why. */
  plan(query: AnalyticsQuery): QueryPlan
  /** The same query on the events table, never a rollup (percentiles by the same definition). */
  queryEvents(query: AnalyticsQuery): Promise<QueryRow[]>
  /**
   * Runs `query` as `query` does, and also answers the SQL statements it ran in stages: a stage's
   * statements ran side by side, each stage after the previous one answered (trace-execute.ts).
   */
  trace(query: AnalyticsQuery): Promise<{ rows: QueryRow[]; stages: CompiledQuery[][] }>
  /**
   * Runs one compiled statement through the engine's own client, fetching the result without
   * turning it into rows: the engine's time for our SQL, the baseline our overhead is measured against.
   */
  runRaw(compiled: CompiledQuery): Promise<void>
  /** Folds the rollups' partial rows now (each engine also does it on its own, in the background). */
  compactRollup(): Promise<void>
}
