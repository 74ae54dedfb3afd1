import type { Dimension } from '@spendlens/server/api-types'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { sumUsd } from '../lib/series'
import { costBreakdownQueries } from '../queries/panel-queries'

/**
 * Cost by one dimension in the scope, the first `limit` by cost and the rest as one Others row,
 * with the scope's totals (the table's footer and the base of every share): what a breakdown table
 * and its bars are drawn from. Without the totals yet, the rows' own sum stands in.
 */
export function useCostBreakdown(dimension: Dimension, limit: number) {
  const { scope } = useDashboard()
  const queries = costBreakdownQueries(scope, dimension, limit)
  const breakdown = useAnalyticsQuery(queries.breakdown)
  const totals = useAnalyticsQuery(queries.totals)
  const rows = breakdown.data ?? []
  const totalCost = totals.data?.[0]?.cost_usd ?? sumUsd(rows.map((row) => row.cost_usd))
  return { breakdown, totals, rows, totalCost }
}
