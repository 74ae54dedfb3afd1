import { breakdownDimension } from '../lib/view-state'
import { costBreakdownQueries, whatIfCalls } from './panel-queries'
import { allAtOnce, type ViewContext, type ViewRequests } from './view-requests'

/** Rows the breakdowns table lists before "Others" (its bars and donut are cut from the same rows). */
export const BREAKDOWN_TABLE_ROWS = 50

/** The breakdowns view: cost by its dimension (bars, donut, table), the totals, and the what-if panel. */
export function breakdownsRequests({ scope, view }: ViewContext): ViewRequests {
  const queries = costBreakdownQueries(scope, breakdownDimension(view.breakdown), BREAKDOWN_TABLE_ROWS)
  return allAtOnce([
    { name: 'breakdown', request: queries.breakdown },
    { name: 'totals', request: queries.totals },
    ...whatIfCalls(scope, view),
  ])
}
