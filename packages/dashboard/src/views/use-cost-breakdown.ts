import type { Dimension } from '@spendlens/server/api-types'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { scopeQuery } from '../lib/scope'
import { sumUsd } from '../lib/series'
import { BREAKDOWN_METRICS } from './breakdown-columns'

/**
 * Cost by one dimension in the scope, the first `limit` by cost and the rest as one Others row,
 * with the scope's totals (the table's footer and the base of every share): what a breakdown table
 * and its bars are drawn from. Without the totals yet, the rows' own sum stands in.
 */
export function useCostBreakdown(dimension: Dimension, limit: number) {
  const { scope } = useDashboard()
  const breakdown = useAnalyticsQuery(
    scopeQuery(scope, {
      groupBy: [dimension],
      metrics: BREAKDOWN_METRICS,
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit,
      others: true,
    }),
  )
  const totals = useAnalyticsQuery(scopeQuery(scope, { metrics: BREAKDOWN_METRICS }))
  const rows = breakdown.data ?? []
  const totalCost = totals.data?.[0]?.cost_usd ?? sumUsd(rows.map((row) => row.cost_usd))
  return { breakdown, totals, rows, totalCost }
}
