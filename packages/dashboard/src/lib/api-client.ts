// Typed client for the server's query API (docs/api.md). URLs are relative ("api/summary"), so the
// dashboard keeps working when a proxy serves the server under a path prefix.

import type { TimeRange } from './time-range'

export interface Meta {
  version: string
  store: { engine: string; path?: string }
  demo: { loaded: boolean; loaded_at?: string | null }
  events: number
  first_ts: string | null
  last_ts: string | null
}

export interface Summary {
  requests: number
  input_tokens: number
  output_tokens: number
  total_tokens: number
  avg_tokens_per_request: number | null
  avg_latency_ms: number | null
  /** null when every call in the range is unpriced (unknown model): unknown, not $0. */
  cost_usd: number | null
  /** Calls whose cost is unknown and therefore not in cost_usd. */
  unpriced_count: number
}

export interface TimeseriesPoint {
  bucket_start: string
  label: string
  requests: number
  /** null when every call of the day is unpriced. */
  cost_usd: number | null
  input_tokens: number
  output_tokens: number
  total_tokens: number
}

export interface Timeseries {
  bucket: 'day'
  tz: string
  points: TimeseriesPoint[]
}

export interface BreakdownRow {
  value: string
  requests: number
  /** null when every call in the row is unpriced. */
  cost_usd: number | null
  total_tokens: number
  avg_latency_ms: number | null
  /** Not in docs/api.md yet, but sent by the server: calls of this row with an unknown price. */
  unpriced_count?: number
}

export interface Breakdown {
  dimension: string
  rows: BreakdownRow[]
}

/**
 * The range's cost for display. The server sends `cost_usd: null` both when every call was
 * unpriced (unknown: keep null) and when there were no calls at all (that costs $0).
 */
export function summaryCost(summary: Summary): number | null {
  if (summary.cost_usd === null && summary.requests === 0) return 0
  return summary.cost_usd
}

/** A failed API call, with a message a person can act on. */
export class ApiError extends Error {
  readonly status: number | undefined
  readonly code: string | undefined

  constructor(message: string, status?: number, code?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
}

export type QueryParams = Record<string, string | number | undefined>

/** The query-string parameters every query endpoint shares. */
export function rangeParams(range: TimeRange, timeZone: string): QueryParams {
  return { from: range.from?.toISOString(), to: range.to?.toISOString(), tz: timeZone }
}

export function apiUrl(path: string, params: QueryParams = {}): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, String(value))
  }
  const query = search.toString()
  return query ? `${path}?${query}` : path
}

/** GETs an API URL (from {@link apiUrl}) and returns its JSON, or throws an {@link ApiError}. */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const path = url.split('?')[0] ?? url
  let response: Response
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' } })
  } catch (error) {
    if (signal?.aborted) throw error
    throw new ApiError(`Could not reach the spendlens server (GET ${path} failed).`)
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string } }
      | undefined
    const detail = body?.error?.message ?? response.statusText
    throw new ApiError(
      `The server answered ${response.status} to GET ${path}: ${detail}`,
      response.status,
      body?.error?.code,
    )
  }
  try {
    return (await response.json()) as T
  } catch {
    throw new ApiError(`GET ${path} did not return JSON: is this page served by the spendlens server?`)
  }
}
