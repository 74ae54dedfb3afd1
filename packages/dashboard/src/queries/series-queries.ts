import type { Dimension, Filter, Metric, QueryRequest, QueryRow } from '@spendlens/server/api-types'
import { type Scope, scopeQuery } from '../lib/scope'
import { listRequests, named, type ViewRequests } from './view-requests'

/** What every bucketed total query asks, so the panels that share it share one request. */
export const SERIES_METRICS: Metric[] = [
  'requests',
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'total_tokens',
]

/** The most rows a series query may answer (the server's limit). */
export const ROW_LIMIT = 10_000

/** The bucketed totals of the scope (SERIES_METRICS, and `metric` when it is not among them). */
export function seriesTotalsQuery(scope: Scope, metric?: Metric, extraFilters: Filter[] = []): QueryRequest {
  return scopeQuery(scope, {
    bucket: scope.bucket,
    metrics:
      metric === undefined || SERIES_METRICS.includes(metric) ? SERIES_METRICS : [...SERIES_METRICS, metric],
    limit: ROW_LIMIT,
    filters: extraFilters,
  })
}

/** The values a top query named; rows of another dimension (an older answer still shown) name nothing. */
export function stackTopNames(rows: readonly QueryRow[], dimension: Dimension, metric: Metric): string[] {
  return rows
    .filter((row) => dimension in row && (row[metric] ?? 0) !== 0)
    .map((row) => String(row[dimension]))
}

export interface StackedSeriesShape {
  dimension: Dimension
  metric: Metric
  /** How many values to stack by name; the rest is "Others". */
  top: number
  /** The time axis' slots: the top is cut so that the grouped series fits ROW_LIMIT rows. */
  axisLength: number
  extraFilters?: Filter[]
}

/**
 * A metric over time stacked by a dimension, as three bounded queries whatever the data size: the
 * top values, the bucketed series of just those values (asked once the top values are known), and
 * the bucketed total (the rest is total minus top, exact in nano-dollars).
 */
export function stackedSeriesQueries(scope: Scope, shape: StackedSeriesShape) {
  const { dimension, metric, top, axisLength, extraFilters = [] } = shape
  const keep = Math.max(1, Math.min(top, Math.floor(ROW_LIMIT / Math.max(1, axisLength))))
  return {
    topValues: scopeQuery(scope, {
      groupBy: [dimension],
      metrics: [metric],
      orderBy: { metric, direction: 'desc' },
      limit: keep,
      filters: extraFilters,
    }),
    names: (rows: readonly QueryRow[]) => stackTopNames(rows, dimension, metric),
    /** The series of the named values; nothing to ask without any. */
    grouped: (names: readonly string[]): QueryRequest | undefined =>
      names.length > 0
        ? scopeQuery(scope, {
            groupBy: [dimension],
            bucket: scope.bucket,
            metrics: [metric],
            limit: ROW_LIMIT,
            filters: [...extraFilters, { dimension, op: 'in', values: [...names] }],
          })
        : undefined,
    totals: seriesTotalsQuery(scope, metric, extraFilters),
  }
}

/**
 * A stacked series' requests as a view sends them, named after its panel: the top values and the
 * totals at once, then the series of the top values (given the top values' rows, under
 * `${label}: top values`).
 */
export function stackedSeriesRequests(label: string, scope: Scope, shape: StackedSeriesShape): ViewRequests {
  const queries = stackedSeriesQueries(scope, shape)
  const topName = `${label}: top values`
  return {
    first: listRequests([
      { name: topName, request: queries.topValues },
      { name: `${label}: totals`, request: queries.totals },
    ]),
    after: (answers) => {
      const rows = answers.get(topName)
      return listRequests([
        named(
          `${label}: series of the top values`,
          queries.grouped(queries.names((rows ?? []) as QueryRow[])),
        ),
      ])
    },
  }
}
