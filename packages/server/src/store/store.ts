import type { CostEvent } from 'spendlens'
import type { AnalyticsQuery, QueryRow } from '../query/analytics-query.js'

export interface AppendResult {
  /** event_ids newly stored. */
  inserted: string[]
  /** event_ids that were already stored (or repeated in the same append) and were not stored again. */
  duplicates: string[]
}

/** Where cost events live. One implementation per engine; every view goes through `query`. */
export interface Store {
  readonly engine: 'duckdb'
  /** Where the data is, for humans (a file path or a URL without credentials). */
  readonly location: string
  /** Stores events whose event_id is new; an event_id seen before is reported as a duplicate. */
  append(events: readonly CostEvent[]): Promise<AppendResult>
  query(query: AnalyticsQuery): Promise<QueryRow[]>
  /** Events stored, and the first and last call time (ISO), for the meta endpoint. */
  stats(): Promise<{ events: number; first_ts: string | null; last_ts: string | null }>
  getMeta(key: string): Promise<string | null>
  setMeta(key: string, value: string): Promise<void>
  close(): Promise<void>
}
