import { fromStoreRow, type StoreRow } from 'spendlens/internal'
import type { AnalyticsQuery, EventPage, LoggedEvent } from '../api/api-types.js'
import { EVENT_FIELDS } from '../schema/events-table.js'
import type { EngineName } from './dialect.js'
import type { Execute } from './run-query.js'
import { type CompiledQuery, SqlBuilder } from './sql-builder.js'

/**
 * Single events, read back whole, on either engine: the event log (newest first, by cursor) and
 * the export (oldest first, in batches). Both page by keyset on (ts, event_id), stable while new
 * events arrive, and read every CostEvent field of the column catalog (schema/events-table.ts).
 */

export interface EventLogRequest {
  scope: Pick<AnalyticsQuery, 'from' | 'to' | 'filters'>
  cursor?: string
  /** 1–1000. */
  limit: number
}

interface Position {
  ts: number
  eventId: string
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.ts, position.eventId])).toString('base64url')
}

/** A cursor from a client; undefined when absent, an InvalidCursorError when it is not one of ours. */
export function decodeCursor(cursor: string | undefined): Position | undefined {
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
export function eventFromRow(raw: Record<string, unknown>): LoggedEvent {
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

/**
 * Every event field, in `direction` order of (ts, event_id), strictly past `after`, at most `limit`
 * rows. `ts > t` is `ts >= t + 1 ms`: stored times are whole milliseconds.
 */
function compilePage(
  engine: EngineName,
  scope: Pick<AnalyticsQuery, 'from' | 'to' | 'filters'>,
  after: Position | undefined,
  direction: 'ASC' | 'DESC',
  limit: number,
): CompiledQuery {
  const sql = new SqlBuilder(engine)
  const { dialect } = sql
  const extra: string[] = []
  if (after) {
    const past =
      direction === 'DESC'
        ? dialect.timeBefore(sql.bind(after.ts))
        : dialect.timeAtLeast(sql.bind(after.ts + 1))
    const sameTs = `${dialect.timeAtLeast(sql.bind(after.ts))} AND ${dialect.timeBefore(sql.bind(after.ts + 1))}`
    const nextId = `event_id ${direction === 'DESC' ? '<' : '>'} ${sql.bind(after.eventId)}`
    extra.push(`(${past} OR (${sameTs} AND ${nextId}))`)
  }
  const query: AnalyticsQuery = { ...scope, timeZone: 'UTC', groupBy: [], metrics: [] }
  const select = EVENT_FIELDS.map((column) =>
    column === 'ts' ? `${dialect.epochMs('ts')} AS ts_ms` : column,
  ).join(', ')
  return sql.done(
    `SELECT ${select} FROM ${dialect.table}${sql.where(query, extra)} ORDER BY ts ${direction}, event_id ${direction} LIMIT ${sql.bind(limit)}`,
  )
}

/** One page of the event log, newest first. */
export async function runEventLog(
  engine: EngineName,
  execute: Execute,
  request: EventLogRequest,
): Promise<EventPage> {
  const cursor = decodeCursor(request.cursor)
  const rows = await execute(compilePage(engine, request.scope, cursor, 'DESC', request.limit + 1))
  const events = rows.slice(0, request.limit).map(eventFromRow)
  const last = events[events.length - 1]
  return {
    events,
    next_cursor:
      rows.length > request.limit && last
        ? encodeCursor({ ts: Date.parse(last.ts), eventId: last.event_id })
        : null,
  }
}

/** Every stored event, oldest first, in batches (export, moving stores). */
export async function* exportEventPages(
  engine: EngineName,
  execute: Execute,
  batchSize: number,
): AsyncIterable<LoggedEvent[]> {
  let after: Position | undefined
  for (;;) {
    const rows = await execute(compilePage(engine, { filters: [] }, after, 'ASC', batchSize))
    if (rows.length === 0) return
    const events = rows.map(eventFromRow)
    yield events
    const last = events[events.length - 1] as LoggedEvent
    after = { ts: Date.parse(last.ts), eventId: last.event_id }
  }
}
