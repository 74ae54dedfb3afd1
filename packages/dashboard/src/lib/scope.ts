// What every chart of a view shares: the time range in its zone, the filters, the bucket for time
// charts and the period to compare with. Queries are built from it, so a filter or a preset
// changes every chart at once.

import type { Filter, Meta, QueryRequest } from '@spendlens/server/api-types'
import { type BucketChoice, chooseBucket } from './buckets'
import { type DashboardFilter, queryFilters } from './filters'
import {
  customRange,
  type PreviousPeriod,
  presetRange,
  previousPeriod,
  rangeSpan,
  type Span,
  type TimeRange,
} from './time-range'
import type { ViewState } from './view-state'

export interface Scope {
  timeZone: string
  /** What queries ask for (unbounded for "All"). */
  range: TimeRange
  /** What time axes span (for "All": the stored events' first to last day); undefined: no events. */
  span: Span | undefined
  bucket: ReturnType<typeof chooseBucket>
  bucketChoice: BucketChoice
  filters: DashboardFilter[]
  /** The equal period before the range; undefined for "All". */
  previous: PreviousPeriod | undefined
  now: Date
}

export function viewRange(view: ViewState, timeZone: string, now: Date): TimeRange {
  if (view.preset === 'custom') return customRange(view.first, view.last, timeZone) ?? {}
  return presetRange(view.preset, timeZone, now)
}

export function buildScope(
  view: ViewState,
  timeZone: string,
  meta: Pick<Meta, 'first_ts' | 'last_ts'> | undefined,
  now: Date,
): Scope {
  const range = viewRange(view, timeZone, now)
  const span = rangeSpan(range, timeZone, meta)
  return {
    timeZone,
    range,
    span,
    bucket: chooseBucket(span, view.bucket, timeZone),
    bucketChoice: view.bucket,
    filters: view.filters,
    previous: previousPeriod(range, timeZone, now),
    now,
  }
}

export interface QueryShape extends Partial<Omit<QueryRequest, 'from' | 'to' | 'timeZone' | 'filters'>> {
  metrics: QueryRequest['metrics']
  /** Filters added to the scope's (e.g. one customer, failed calls only). */
  filters?: Filter[]
  /** Another time range than the scope's (the previous period, the month so far). */
  range?: TimeRange
}

/** The POST /api/query body for a shape within a scope. */
export function scopeQuery(scope: Scope, shape: QueryShape): QueryRequest {
  const { filters = [], range = scope.range, groupBy = [], ...rest } = shape
  return {
    ...(range.from ? { from: range.from.toISOString() } : {}),
    ...(range.to ? { to: range.to.toISOString() } : {}),
    timeZone: scope.timeZone,
    filters: [...queryFilters(scope.filters), ...filters],
    groupBy,
    ...rest,
  }
}

/** The scope's range as GET parameters (for /api/events). */
export function rangeParams(range: TimeRange): [string, string][] {
  const params: [string, string][] = []
  if (range.from) params.push(['from', range.from.toISOString()])
  if (range.to) params.push(['to', range.to.toISOString()])
  return params
}
