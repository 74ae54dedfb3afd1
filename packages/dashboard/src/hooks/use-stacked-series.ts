import type { Dimension, Filter, Metric, QueryRow } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import type { BucketSlot } from '../lib/buckets'
import { scopeQuery } from '../lib/scope'
import { type StackedSeries, stackSeries } from '../lib/series'
import { useDashboard } from './dashboard-context'
import { type QueryState, useAnalyticsQuery } from './use-analytics-query'
import { useTimeAxis } from './use-chart-theme'

/** What every bucketed total query asks, so the panels that share it share one request. */
export const SERIES_METRICS: Metric[] = [
  'requests',
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'total_tokens',
]

/** The most rows a series query may answer (the server's limit). */
const ROW_LIMIT = 10_000

export interface StackedSeriesState {
  axis: BucketSlot[]
  series: StackedSeries[] | undefined
  /** The bucketed totals (SERIES_METRICS), for charts that draw the whole. */
  totals: QueryState<QueryRow[]>
  error: Error | null
  loading: boolean
  stale: boolean
  refetch: () => void
}

/**
 * A metric over time, stacked by a dimension: its top values by name and the rest as "Others".
 * Three bounded queries whatever the data size: the top values, the bucketed series of just those
 * values, and the bucketed total (the rest is total minus top, exact in nano-dollars).
 */
export function useStackedSeries(
  dimension: Dimension,
  metric: Metric,
  top: number,
  extraFilters: Filter[] = [],
): StackedSeriesState {
  const { scope } = useDashboard()
  const axis = useTimeAxis(scope)
  const keep = Math.max(1, Math.min(top, Math.floor(ROW_LIMIT / Math.max(1, axis.length))))
  const topValues = useAnalyticsQuery(
    scopeQuery(scope, {
      groupBy: [dimension],
      metrics: [metric],
      orderBy: { metric, direction: 'desc' },
      limit: keep,
      filters: extraFilters,
    }),
  )
  const names = useMemo(
    () =>
      (topValues.data ?? [])
        // Rows of another dimension, kept on screen while the new one loads, name nothing here.
        .filter((row) => dimension in row && (row[metric] ?? 0) !== 0)
        .map((row) => String(row[dimension])),
    [topValues.data, dimension, metric],
  )
  const grouped = useAnalyticsQuery(
    names.length > 0
      ? scopeQuery(scope, {
          groupBy: [dimension],
          bucket: scope.bucket,
          metrics: [metric],
          limit: ROW_LIMIT,
          filters: [...extraFilters, { dimension, op: 'in', values: names }],
        })
      : undefined,
  )
  const totals = useAnalyticsQuery(
    scopeQuery(scope, {
      bucket: scope.bucket,
      metrics: SERIES_METRICS.includes(metric) ? SERIES_METRICS : [...SERIES_METRICS, metric],
      limit: ROW_LIMIT,
      filters: extraFilters,
    }),
  )
  const series = useMemo(() => {
    if (!totals.data || !topValues.data) return undefined
    if (names.length > 0 && !grouped.data) return undefined
    return stackSeries({
      axis,
      bucket: scope.bucket,
      dimension,
      metric,
      topValues: names,
      groupedRows: names.length > 0 ? (grouped.data ?? []) : [],
      totalRows: totals.data,
    })
  }, [axis, scope.bucket, dimension, metric, names, grouped.data, totals.data, topValues.data])
  return {
    axis,
    series,
    totals,
    error: topValues.error ?? grouped.error ?? totals.error,
    loading: series === undefined && (topValues.loading || grouped.loading || totals.loading),
    stale: topValues.stale || grouped.stale || totals.stale,
    refetch: () => {
      topValues.refetch()
      grouped.refetch()
      totals.refetch()
    },
  }
}
