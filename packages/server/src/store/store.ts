import type { CostEvent } from 'spendlens'
import type { AnalyticsQuery, QueryRow } from '../query/analytics-query.js'

/**
 * What became of each appended event, in input order. An event_id is stored once: the version with
 * the latest `ts` wins (a logical request retried under one idempotency key keeps its final
 * attempt), so an older or identical copy is a `duplicate`.
 */
export type AppendStatus = 'inserted' | 'replaced' | 'duplicate'

export interface AppendResult {
  statuses: AppendStatus[]
}

/** Where cost events live. One implementation per engine; every view goes through `query`. */
export interface Store {
  readonly engine: 'duckdb'
  /** Where the data is, for humans (a file path or a URL without credentials). */
  readonly location: string
  /** Stores each event_id once, keeping the version with the latest ts (see AppendStatus). */
  append(events: readonly CostEvent[]): Promise<AppendResult>
  query(query: AnalyticsQuery): Promise<QueryRow[]>
  /** Events stored, and the first and last call time (ISO), for the meta endpoint. */
  stats(): Promise<{ events: number; first_ts: string | null; last_ts: string | null }>
  getMeta(key: string): Promise<string | null>
  setMeta(key: string, value: string): Promise<void>
  close(): Promise<void>
}
