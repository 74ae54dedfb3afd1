import { fromStoreRow, NANOS_PER_USD, type StoreRow } from 'spendlens/internal'
import type { AnalyticsQuery, EventPage, LoggedEvent } from '../api/api-types.js'
import { CARRIED_COLUMNS } from '../schema/events-table.js'
import { projectFromStored } from '../schema/projects.js'
import { DIALECTS, type EngineName } from './dialect.js'
import type { Execute } from './run-query.js'
import { type CompiledQuery, SqlBuilder } from './sql-builder.js'

/**
 * Single events, read back whole, on either engine: the event log (newest first, by cursor) and
 * the export (oldest first, in batches). Both page by keyset on (ts, event_id), stable while new
 * events arrive, and read every CostEvent field of the column catalog (schema/events-table.ts), and
 * the price first recorded of an event a reprice changed.
 */

export interface EventLogRequest {
  scope: Pick<AnalyticsQuery, 'from' | 'to' | 'filters' | 'project'>
  cursor?: string
  /** 1–1000. */
  limit: number
}

interface Position {
  ts: number
  eventId: string
}

/**
 * The order a cursor walks, written into it: a position is only meaningful in the order it was
 * taken from, so a cursor of another order is refused rather than read as a place in this one.
 */
const LOG_ORDER = 'newest'

/** JavaScript's Date range: every stored time is within it, and DuckDB and ClickHouse bind it as Int64. */
const MAX_TIME_MS = 8.64e15

/** A NUL or a lone surrogate: no stored event_id holds one, and neither engine binds one as sent. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSAFE_TEXT = /\u0000|\p{Surrogate}/u

/** A page's cursor: base64url of JSON `["newest", ts_ms, event_id]`, the last event it answered. */
function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([LOG_ORDER, position.ts, position.eventId])).toString('base64url')
}

/** A cursor from a client; undefined when absent, an InvalidCursorError when it is not one of ours. */
export function decodeCursor(cursor: string | undefined): Position | undefined {
  if (cursor === undefined) return undefined
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError('not base64url')
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursorError('not JSON')
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw new InvalidCursorError('not a position')
  const [order, ts, eventId] = decoded as unknown[]
  if (order !== LOG_ORDER) throw new InvalidCursorError('a position in another order')
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || Math.abs(ts) > MAX_TIME_MS)
    throw new InvalidCursorError('its time is not a time')
  if (typeof eventId !== 'string' || eventId === '' || UNSAFE_TEXT.test(eventId))
    throw new InvalidCursorError('its event_id is not one')
  return { ts, eventId }
}

export class InvalidCursorError extends Error {
  constructor(readonly reason: string) {
    super(`cursor: not one this server gave out (${reason}); start again from the first page`)
    this.name = 'InvalidCursorError'
  }
}

/**
 * A row of the events table (with `ts_ms` and engine-typed values) as a logged event: a CostEvent,
 * with the price first recorded when a reprice changed it (and without those fields otherwise).
 */
export function eventFromRow(raw: Record<string, unknown>): LoggedEvent {
  const row: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) row[key] = typeof value === 'bigint' ? Number(value) : value
  const { ts_ms, tags, recorded_cost_nanos, recorded_pricing_status, recorded_price_source, ...rest } = row
  const event: LoggedEvent = fromStoreRow({
    ...rest,
    ts: new Date(Number(ts_ms)).toISOString(),
    tags:
      typeof tags === 'string'
        ? (JSON.parse(tags) as Record<string, string>)
        : ((tags ?? {}) as Record<string, string>),
  } as unknown as StoreRow)
  if (recorded_pricing_status === null || recorded_pricing_status === undefined) return event
  event.recorded_cost_usd = recorded_cost_nanos === null ? null : Number(recorded_cost_nanos) / NANOS_PER_USD
  event.recorded_pricing_status = recorded_pricing_status as LoggedEvent['pricing_status']
  event.recorded_price_source = (recorded_price_source ?? null) as string | null
  return event
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
  const select = CARRIED_COLUMNS.map(({ name }) =>
    name === 'ts' ? `${dialect.epochMs('ts')} AS ts_ms` : name,
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

/**
 * Every stored event of `project` (of each project in turn when none is given: paging by (ts,
 * event_id) across projects could skip an event of another project with the same id and time),
 * oldest first, in batches (export, moving stores).
 */
export async function* exportEventPages(
  engine: EngineName,
  execute: Execute,
  batchSize: number,
  project?: string,
): AsyncIterable<LoggedEvent[]> {
  const projects = project === undefined ? await storedProjects(engine, execute) : [project]
  for (const current of projects) {
    let after: Position | undefined
    for (;;) {
      const scope = { filters: [], project: current }
      const rows = await execute(compilePage(engine, scope, after, 'ASC', batchSize))
      if (rows.length === 0) break
      const events = rows.map(eventFromRow)
      yield events
      const last = events[events.length - 1] as LoggedEvent
      after = { ts: Date.parse(last.ts), eventId: last.event_id }
    }
  }
}

/**
 * The projects that have events (Store.projects). Read from the events, not the rollups: events
 * written by another route (Vector into ClickHouse) have no rollup rows. Every version of an event
 * is in the same project, so no FINAL is needed: one scan of a column of few values.
 */
export async function storedProjects(engine: EngineName, execute: Execute): Promise<string[]> {
  const rows = await execute({
    sql: `SELECT DISTINCT project FROM events ORDER BY project${DIALECTS[engine].settings}`,
    params: {},
    types: {},
  })
  return [...new Set(rows.map((row) => projectFromStored(row.project as string | null)))]
}
