import type { Dimension, Filter, Metric, QueryRow } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import type { BucketSlot } from '../lib/buckets'
import { type StackedSeries, stackSeries } from '../lib/series'
import { stackedSeriesQueries, stackTopNames } from '../queries/series-queries'
import { useDashboard } from './dashboard-context'
import { type QueryState, useAnalyticsQuery } from './use-analytics-query'
import { useTimeAxis } from './use-chart-theme'

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
  const queries = stackedSeriesQueries(scope, {
    dimension,
    metric,
    top,
    axisLength: axis.length,
    extraFilters,
  })
  const topValues = useAnalyticsQuery(queries.topValues)
  const names = useMemo(
    () => stackTopNames(topValues.data ?? [], dimension, metric),
    [topValues.data, dimension, metric],
  )
  const grouped = useAnalyticsQuery(queries.grouped(names))
  const totals = useAnalyticsQuery(queries.totals)
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
