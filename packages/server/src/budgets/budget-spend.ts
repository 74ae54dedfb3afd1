import type { AnalyticsQuery, Filter } from '../api/api-types.js'
import { QUERY_CAPS } from '../query/analytics-query.js'
import { queryInParts } from '../query/query-in-parts.js'
import type { Store } from '../store/store.js'

export const HOUR_MS = 3_600_000

/** One scope's spend to read: its filters over [from, to) (epoch ms), named by `key`. */
export interface SpendRequest {
  key: string
  filters: Filter[]
  from: number
  to: number
}

/**
 * The spend of each request's scope in nano-dollars, through the query model (so the hourly
 * rollups answer what they can, on both engines).
 *
 * Budgets tend to differ by one value (a budget per customer), so requests that share their range
 * and every filter but one `eq`/`in` filter on the same dimension are asked together: one query
 * grouped by that dimension, filtered to the values they name. A range is cut into whole hours
 * (the rollups' grain) and the partial hours at its edges (a period that starts at local midnight
 * in a zone half an hour off UTC), which the events answer.
 */
export async function readSpend(
  store: Store,
  project: string,
  requests: readonly SpendRequest[],
): Promise<Map<string, number>> {
  const totals = new Map<string, number>(requests.map((request) => [request.key, 0]))
  await Promise.all(
    groupRequests(requests).map(async (group) => {
      for (const [from, to] of hourPieces(group.from, group.to)) {
        const rows = await store.query({
          ...baseQuery(project, group, from, to),
          metrics: ['cost_usd'],
        })
        for (const row of rows) addRow(totals, group, row, Number(row.cost_usd ?? 0))
      }
    }),
  )
  return totals
}

/**
 * Each request's spend hour by hour (UTC hours, nano-dollars, oldest first) over [from, to), which
 * must be whole hours: the history a forecast reads.
 */
export async function readHourlySpend(
  store: Store,
  project: string,
  requests: readonly SpendRequest[],
): Promise<Map<string, Float64Array>> {
  const series = new Map<string, Float64Array>()
  for (const request of requests)
    series.set(request.key, new Float64Array(Math.max(0, Math.round((request.to - request.from) / HOUR_MS))))
  await Promise.all(
    groupRequests(requests).map(async (group) => {
      const rows = await queryInParts(
        (query) => store.query(query),
        {
          ...baseQuery(project, group, group.from, group.to),
          from: new Date(group.from),
          to: new Date(group.to),
          bucket: 'hour',
          metrics: ['cost_usd'],
        },
        HOUR_MS,
      )
      for (const row of rows) {
        const index = Math.round((Date.parse(String(row.bucket_start)) - group.from) / HOUR_MS)
        const nanos = Math.round(Number(row.cost_usd ?? 0) * 1e9)
        for (const member of membersOf(group, row)) {
          const hours = series.get(member.key)
          if (hours && index >= 0 && index < hours.length) hours[index] = (hours[index] ?? 0) + nanos
        }
      }
    }),
  )
  return series
}

/** Requests asked in one query: the same range and filters but one, grouped by that one's dimension. */
interface RequestGroup {
  from: number
  to: number
  /** The filters every member shares. */
  shared: Filter[]
  /** The dimension the members differ by, and each member's values of it; none: one request alone. */
  by?: {
    dimension: Filter['dimension']
    members: { key: string; values: Set<string> }[]
    /** Every member's values together: the one filter the query adds. */
    values: Set<string>
  }
  /** The request itself, when it is asked alone. */
  key?: string
}

/** Values one query may hold, all filters together (the query model's cap). */
const GROUP_VALUES = QUERY_CAPS.filterValues

function groupRequests(requests: readonly SpendRequest[]): RequestGroup[] {
  const groups = new Map<string, RequestGroup>()
  const alone: RequestGroup[] = []
  for (const request of requests) {
    const index = request.filters.findIndex((filter) => filter.op !== 'not_in')
    const split = request.filters[index]
    if (!split) {
      alone.push({ from: request.from, to: request.to, shared: request.filters, key: request.key })
      continue
    }
    const shared = request.filters.filter((_, position) => position !== index)
    const sharedValues = shared.reduce((sum, filter) => sum + filter.values.length, 0)
    const signature = JSON.stringify([request.from, request.to, split.dimension, canonical(shared)])
    let group = groups.get(signature)
    if (group && sharedValues + (group.by?.values.size ?? 0) + split.values.length > GROUP_VALUES) {
      // Full: this one starts the signature's next group.
      groups.set(`${signature}#${groups.size}`, group)
      group = undefined
    }
    if (!group) {
      group = {
        from: request.from,
        to: request.to,
        shared,
        by: { dimension: split.dimension, members: [], values: new Set() },
      }
      groups.set(signature, group)
    }
    group.by?.members.push({ key: request.key, values: new Set(split.values) })
    for (const value of split.values) group.by?.values.add(value)
  }
  return [...groups.values(), ...alone]
}

/** Filters in one order, so that the same set written in another order groups together. */
function canonical(filters: readonly Filter[]): string {
  return JSON.stringify(
    filters
      .map((filter) => [filter.dimension, filter.op, [...filter.values].sort()])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  )
}

function baseQuery(project: string, group: RequestGroup, from: number, to: number): AnalyticsQuery {
  const values = group.by ? [...group.by.values] : []
  return {
    project,
    from: new Date(from),
    to: new Date(to),
    timeZone: 'UTC',
    filters: group.by ? [...group.shared, { dimension: group.by.dimension, op: 'in', values }] : group.shared,
    groupBy: group.by ? [group.by.dimension] : [],
    metrics: ['cost_usd'],
  }
}

/** The members of `group` a result row counts for. */
function membersOf(group: RequestGroup, row: Record<string, unknown>): { key: string }[] {
  if (!group.by) return group.key === undefined ? [] : [{ key: group.key }]
  const value = row[group.by.dimension]
  if (value === null || value === undefined) return []
  return group.by.members.filter((member) => member.values.has(String(value)))
}

function addRow(totals: Map<string, number>, group: RequestGroup, row: Record<string, unknown>, usd: number) {
  const nanos = Math.round(usd * 1e9)
  for (const member of membersOf(group, row)) totals.set(member.key, (totals.get(member.key) ?? 0) + nanos)
}

/**
 * [from, to) as whole UTC hours and the partial hours at its edges, each asked on its own: the
 * whole hours are the rollups' to answer, the edges the events'.
 */
export function hourPieces(from: number, to: number): [number, number][] {
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS
  const lastHour = Math.floor(to / HOUR_MS) * HOUR_MS
  if (firstHour >= lastHour) return from < to ? [[from, to]] : []
  const pieces: [number, number][] = []
  if (from < firstHour) pieces.push([from, firstHour])
  pieces.push([firstHour, lastHour])
  if (lastHour < to) pieces.push([lastHour, to])
  return pieces
}
