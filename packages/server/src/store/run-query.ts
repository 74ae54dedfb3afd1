import type { StoreRow } from 'spendlens/internal'
import { fromStoreRow } from 'spendlens/internal'
import type { AnalyticsQuery, QueryRow } from '../query/analytics-query.js'
import {
  type CompiledQuery,
  compileEventLog,
  compileOthers,
  compileQuery,
  readRow,
} from '../query/compile-query.js'
import type { EngineName, EventLogRequest, EventPage } from './store.js'

/** Runs compiled SQL on one engine and answers plain row objects. */
export type Execute = (compiled: CompiledQuery) => Promise<Record<string, unknown>[]>

/** An AnalyticsQuery on any engine: the main query, then the exact "everything else" row when asked. */
export async function runAnalyticsQuery(
  engine: EngineName,
  execute: Execute,
  query: AnalyticsQuery,
): Promise<QueryRow[]> {
  const rows = (await execute(compileQuery(engine, query))).map((raw) => readRow(raw, query))
  if (!query.others || query.limit === undefined || rows.length < query.limit) return rows
  const [others] = (await execute(compileOthers(engine, query, rows))).map((raw) => readRow(raw, query))
  if (!others || others.requests === 0) return rows
  return [...rows, { ...others, others: true }]
}

/** The store columns the event log reads (every field of the event). */
export const EVENT_COLUMNS = [
  'event_id',
  'ts',
  'latency_ms',
  'ttft_ms',
  'provider',
  'operation',
  'model',
  'requested_model',
  'provider_request_id',
  'feature',
  'route',
  'customer_id',
  'user_id',
  'session_id',
  'environment',
  'prompt_id',
  'tags',
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'output_tokens',
  'reasoning_tokens',
  'input_audio_tokens',
  'output_audio_tokens',
  'input_image_tokens',
  'input_characters',
  'images',
  'audio_seconds',
  'web_search_requests',
  'service_tier',
  'batch',
  'cost_nanos',
  'cost_partial',
  'pricing_status',
  'price_source',
  'status',
  'error_type',
  'http_status',
  'streamed',
  'sdk',
  'schema_version',
] as const

function encodeCursor(ts: number, eventId: string): string {
  return Buffer.from(JSON.stringify([ts, eventId])).toString('base64url')
}

/** A cursor from a client; undefined when absent, an Error when it is not one of ours. */
export function decodeCursor(cursor: string | undefined): { ts: number; eventId: string } | undefined {
  if (cursor === undefined) return undefined
  try {
    const [ts, eventId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (typeof ts === 'number' && Number.isInteger(ts) && typeof eventId === 'string') return { ts, eventId }
  } catch {}
  throw new InvalidCursorError()
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this server gave out')
    this.name = 'InvalidCursorError'
  }
}

/** A row of the events table (with `ts_ms` and engine-typed values) as a CostEvent. */
export function eventFromRow(raw: Record<string, unknown>): ReturnType<typeof fromStoreRow> {
  const row: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) row[key] = typeof value === 'bigint' ? Number(value) : value
  const { ts_ms, tags, ...rest } = row
  return fromStoreRow({
    ...rest,
    ts: new Date(Number(ts_ms)).toISOString(),
    tags:
      typeof tags === 'string'
        ? (JSON.parse(tags) as Record<string, string>)
        : ((tags ?? {}) as Record<string, string>),
  } as unknown as StoreRow)
}

/** One page of the event log on any engine. */
export async function runEventLog(
  engine: EngineName,
  execute: Execute,
  request: EventLogRequest,
): Promise<EventPage> {
  const cursor = decodeCursor(request.cursor)
  const rows = await execute(compileEventLog(engine, request.scope, cursor, request.limit + 1, EVENT_COLUMNS))
  const events = rows.slice(0, request.limit).map(eventFromRow)
  const last = events[events.length - 1]
  return {
    events,
    next_cursor:
      rows.length > request.limit && last ? encodeCursor(Date.parse(last.ts), last.event_id) : null,
  }
}
