import type { CostEvent, UNATTRIBUTED as STORED_UNATTRIBUTED } from 'spendlens'

/**
 * The server's HTTP API as it travels (docs/api.md), declared once for the server and the dashboard:
 * the query model's lists and types, query rows, the event log page, the logged event and the meta
 * answer. Plain data and types only, nothing that runs on import (no zod, no Node APIs), so the
 * dashboard bundles it as it is (`@spendlens/server/api-types`). The server's validation of a query
 * (query/analytics-query.ts) is built from these lists.
 */

export const DIMENSIONS = [
  'provider',
  'model',
  'operation',
  'feature',
  'route',
  'customer_id',
  'user_id',
  'session_id',
  'environment',
  'prompt_id',
  'status',
  'service_tier',
] as const
export type BaseDimension = (typeof DIMENSIONS)[number]
/** A whitelisted column, or `tags.<key>` for a free-form tag. */
export type Dimension = BaseDimension | `tags.${string}`

/** Tag keys that can be grouped or filtered on: letters, digits and `_ . : -`, at most 64. */
const TAG_KEY = /^[A-Za-z0-9_.:-]{1,64}$/

export function isTagKey(key: string): boolean {
  return TAG_KEY.test(key)
}

export function isDimension(value: string): value is Dimension {
  if ((DIMENSIONS as readonly string[]).includes(value)) return true
  return value.startsWith('tags.') && isTagKey(value.slice(5))
}

export const METRICS = [
  'requests',
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'input_audio_tokens',
  'output_audio_tokens',
  'avg_tokens_per_request',
  'cost_per_request',
  'avg_latency_ms',
  'p50_latency_ms',
  'p95_latency_ms',
  'p99_latency_ms',
  'error_rate',
  'cache_hit_rate',
  'unpriced_count',
  'unattributed_share',
] as const
export type Metric = (typeof METRICS)[number]

export const BUCKETS = ['minute', 'hour', 'day', 'week', 'month'] as const
export type Bucket = (typeof BUCKETS)[number]

export const FILTER_OPS = ['eq', 'in', 'not_in'] as const
export type FilterOp = (typeof FILTER_OPS)[number]

export interface Filter {
  dimension: Dimension
  /** `eq`: one value; `in`: any of the values; `not_in`: none of them. */
  op: FilterOp
  values: string[]
}

/**
 * The query model with its time range as instants. On the wire (QueryRequest) `from` and `to` are
 * ISO 8601 strings or epoch milliseconds; in the server, Dates (AnalyticsQuery).
 */
interface QueryShape<Instant> {
  /** Inclusive start. */
  from?: Instant
  /** Exclusive end. */
  to?: Instant
  /** IANA time zone that buckets are cut in. Default UTC. */
  timeZone: string
  filters: Filter[]
  /** Up to three dimensions. */
  groupBy: Dimension[]
  bucket?: Bucket
  metrics: Metric[]
  orderBy?: { metric: Metric; direction: 'asc' | 'desc' }
  limit?: number
  /** With `limit` and `groupBy`: one more row, `others: true`, aggregating every group past the limit. */
  others?: boolean
}

/** The body of POST /api/query. */
export type QueryRequest = QueryShape<string | number>

/**
 * A query as the server runs it (validated: query/analytics-query.ts), within the project the
 * request acts on (the credential's, never the body's); every project when none is set.
 */
export type AnalyticsQuery = QueryShape<Date> & { project?: string }

/** One result row: group values under the dimension's name, the bucket when bucketed, the asked metrics. */
export type QueryRow = { [dimension: string]: string | number | boolean | null | undefined } & {
  bucket_start?: string
  bucket_label?: string
  /** The "everything else" row. */
  others?: boolean
} & Partial<Record<Metric, number | null>>

/**
 * One stored event as GET /api/events answers it: every CostEvent field as the SDK sent it, with a
 * missing attribution value as null (the store's `unattributed` turned back) and cost in dollars.
 */
export type LoggedEvent = CostEvent

/** A page of the event log (GET /api/events), newest first. */
export interface EventPage {
  events: LoggedEvent[]
  /** Pass back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null
}

/** GET /api/meta. */
export interface Meta {
  version: string
  store: { engine: string; path: string }
  demo: { loaded: boolean; loaded_at: string | null }
  /** Events stored, and the first and last call time (ISO). */
  events: number
  first_ts: string | null
  last_ts: string | null
  ingest: IngestTotals
}

/** What ingest stored since the server started: flushes into the store and what became of their events. */
export interface IngestTotals {
  flushes: number
  requests: number
  events: number
  inserted: number
  replaced: number
  duplicates: number
}

/** The value a missing attribution is stored and grouped as (the SDK's, checked by its type). */
export const UNATTRIBUTED: typeof STORED_UNATTRIBUTED = 'unattributed'

/** What a key or user may do (docs/security.md "Roles"). */
export type Role = 'ingest' | 'read' | 'admin'

/** Who a request acts as: a key, a signed-in user, or anyone (a server without keys). */
export interface SessionPrincipal {
  kind: 'key' | 'user' | 'open'
  /** The key's id, the user's name; `open` for anyone. */
  id: string
  role: Role
  /** The projects it may see. */
  projects: string[]
  /** The project its requests act on when they name none. */
  default_project: string
}

/** GET, POST and DELETE /api/session. */
export interface SessionAnswer {
  /** `required` once the server has any key or user; `open` before. */
  auth: 'required' | 'open'
  /** null: not signed in. */
  principal: SessionPrincipal | null
}

/** GET /api/projects. */
export interface ProjectsAnswer {
  projects: string[]
  /** The project the request acted on: without a project header, the credential's default. */
  current: string
}

/** The project nobody names: where a server without keys keeps its events. */
export const DEFAULT_PROJECT = 'default'
