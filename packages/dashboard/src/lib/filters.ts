// Dashboard filters: the same shape in the URL as in the server's GET endpoints
// (`?feature=a&feature=b&exclude.model=x`, docs/api.md), and as `in` / `not_in` filters in
// POST /api/query. Values of one dimension are alternatives (OR); dimensions combine with AND.

import { type BaseDimension, type Dimension, type Filter, isDimension } from '@spendlens/server/api-types'

/** The dimensions with a filter menu (every one of the query model's), in the order people reach for them. */
export const FILTER_DIMENSIONS: readonly BaseDimension[] = [
  'feature',
  'customer_id',
  'user_id',
  'model_family',
  'model',
  'provider',
  'route',
  'environment',
  'prompt_id',
  'session_id',
  'operation',
  'status',
  'service_tier',
  'provider_project',
  'pricing_status',
]

export interface DashboardFilter {
  dimension: Dimension
  /** `in`: keep events with one of the values; `not_in`: drop them. */
  op: 'in' | 'not_in'
  values: string[]
}

const EXCLUDE = 'exclude.'

/** The filters in a query string, in their order of appearance. */
export function readFilters(params: URLSearchParams): DashboardFilter[] {
  const filters: DashboardFilter[] = []
  for (const [key, value] of params) {
    const excluded = key.startsWith(EXCLUDE)
    const name = excluded ? key.slice(EXCLUDE.length) : key
    if (!isDimension(name) || value === '') continue
    const op = excluded ? 'not_in' : 'in'
    const existing = filters.find((filter) => filter.dimension === name && filter.op === op)
    if (!existing) filters.push({ dimension: name, op, values: [value] })
    else if (!existing.values.includes(value)) existing.values.push(value)
  }
  return filters
}

/** Replaces every filter parameter of `params` with `filters`. */
export function writeFilters(params: URLSearchParams, filters: readonly DashboardFilter[]): void {
  for (const key of [...params.keys()]) {
    const name = key.startsWith(EXCLUDE) ? key.slice(EXCLUDE.length) : key
    if (isDimension(name)) params.delete(key)
  }
  for (const filter of filters) {
    const key = filter.op === 'not_in' ? `${EXCLUDE}${filter.dimension}` : filter.dimension
    for (const value of filter.values) params.append(key, value)
  }
}

function withValues(
  filters: readonly DashboardFilter[],
  dimension: Dimension,
  op: DashboardFilter['op'],
  values: string[],
): DashboardFilter[] {
  const index = filters.findIndex((filter) => filter.dimension === dimension && filter.op === op)
  if (values.length === 0) return filters.filter((_, position) => position !== index)
  if (index === -1) return [...filters, { dimension, op, values }]
  return filters.map((filter, position) => (position === index ? { ...filter, values } : filter))
}

/** The values currently selected for a dimension and op. */
export function filterValues(
  filters: readonly DashboardFilter[],
  dimension: Dimension,
  op: DashboardFilter['op'] = 'in',
): string[] {
  return filters.find((filter) => filter.dimension === dimension && filter.op === op)?.values ?? []
}

/** Adds the value when absent, removes it when present. */
export function toggleFilterValue(
  filters: readonly DashboardFilter[],
  dimension: Dimension,
  value: string,
  op: DashboardFilter['op'] = 'in',
): DashboardFilter[] {
  const current = filterValues(filters, dimension, op)
  const next = current.includes(value) ? current.filter((item) => item !== value) : [...current, value]
  return withValues(filters, dimension, op, next)
}

/** A drill-down: keep only this value of the dimension (any exclusion of it is dropped too). */
export function drillDown(filters: readonly DashboardFilter[], dimension: Dimension, value: string) {
  const rest = withValues(filters, dimension, 'not_in', [])
  return withValues(rest, dimension, 'in', [value])
}

/** Every filter but those on `dimension` (a dimension's own menu counts values without them). */
export function filtersExcept(filters: readonly DashboardFilter[], dimension: Dimension): DashboardFilter[] {
  return filters.filter((filter) => filter.dimension !== dimension)
}

/** As POST /api/query filters. */
export function queryFilters(filters: readonly DashboardFilter[]): Filter[] {
  return filters.map((filter) => ({ dimension: filter.dimension, op: filter.op, values: [...filter.values] }))
}

/** As GET query-string pairs (repeated keys), for /api/events. */
export function filterParams(filters: readonly DashboardFilter[]): [string, string][] {
  return filters.flatMap((filter) =>
    filter.values.map(
      (value) =>
        [filter.op === 'not_in' ? `${EXCLUDE}${filter.dimension}` : filter.dimension, value] as [
          string,
          string,
        ],
    ),
  )
}
