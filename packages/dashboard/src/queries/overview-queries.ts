import type { Dimension, QueryRequest } from '@spendlens/server/api-types'
import { type MonthWindow, monthWindow, runRateWindow } from '../lib/month-projection'
import { type Scope, scopeQuery } from '../lib/scope'
import { breakdownDimension } from '../lib/view-state'
import { addDays, dateLabel, startOfDateLabel } from '../lib/zoned-time'
import { costOverTimeRequests, longContextCall } from './panel-queries'
import { seriesTotalsQuery } from './series-queries'
import { summaryQueries } from './summary-queries'
import { allAtOnce, combine, named, type ViewContext, type ViewRequests } from './view-requests'

/** Most the heat map reads: 13 weeks of hours (2,184 rows). */
export const HEAT_DAYS = 91

/**
 * This calendar month's spend by day in the scope's zone (the filters apply, the time range does
 * not), the run rate it is projected from (the last seven days), and last month's total.
 */
export function monthToDateQueries(scope: Scope, firstTs: string | null | undefined) {
  const calendar: MonthWindow = monthWindow(scope.now, scope.timeZone)
  const rateWindow = runRateWindow(scope.now, firstTs ? new Date(firstTs) : undefined)
  return {
    calendar,
    rateWindow,
    month: scopeQuery(scope, {
      range: { from: calendar.start, to: calendar.end },
      bucket: 'day',
      metrics: ['cost_usd'],
    }),
    runRate: scopeQuery(scope, { range: rateWindow, metrics: ['cost_usd'] }),
    lastMonth: scopeQuery(scope, {
      range: { from: calendar.previousStart, to: calendar.start },
      metrics: ['cost_usd', 'requests'],
    }),
  }
}

/**
 * Requests and cost by hour, for the hour-of-day × day-of-week heat maps; a long range reads its
 * last 13 weeks (enough to show a weekly rhythm, never a year of hours). Nothing without a span.
 */
export function heatmapQuery(scope: Scope): { request: QueryRequest | undefined; clipped: boolean } {
  const span = scope.span
  if (!span) return { request: undefined, clipped: false }
  const clipped = span.to.getTime() - span.from.getTime() > HEAT_DAYS * 86_400_000
  const from = clipped
    ? startOfDateLabel(addDays(dateLabel(span.to, scope.timeZone), -HEAT_DAYS), scope.timeZone)
    : span.from
  return {
    request: scopeQuery(scope, {
      range: { from, to: span.to },
      bucket: 'hour',
      metrics: ['requests', 'cost_usd'],
      limit: 10_000,
    }),
    clipped,
  }
}

/** A short ranked list: the top five values of a dimension by cost, and the rest as "Others". */
export function topListQuery(scope: Scope, dimension: Dimension): QueryRequest {
  return scopeQuery(scope, {
    groupBy: [dimension],
    metrics: ['cost_usd', 'requests'],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: 5,
    others: true,
  })
}

/** The overview's top lists, in the order they are drawn. */
export const OVERVIEW_TOP_LISTS: { dimension: Dimension; title: string }[] = [
  { dimension: 'feature', title: 'Top features' },
  { dimension: 'customer_id', title: 'Top customers' },
  { dimension: 'model_family', title: 'Top models' },
]

/**
 * Every request the overview sends: the summary cards, the long-context warning, the cost chart
 * (its top values, totals and anomalies, then the series of its top values), the tokens chart (the
 * same totals), month to date, the heat maps and the top lists. bench:store times exactly these.
 */
export function overviewRequests({ scope, view, meta }: ViewContext): ViewRequests {
  const summary = summaryQueries(scope)
  const month = monthToDateQueries(scope, meta?.first_ts)
  return combine([
    allAtOnce([
      { name: 'summary', request: summary.current },
      named('summary, previous period', summary.previous),
      longContextCall(scope),
    ]),
    costOverTimeRequests('cost chart', scope, breakdownDimension(view.stack)),
    allAtOnce([
      { name: 'tokens chart', request: seriesTotalsQuery(scope) },
      { name: 'month to date: by day', request: month.month },
      { name: 'month to date: run rate', request: month.runRate },
      { name: 'month to date: last month', request: month.lastMonth },
      named('heat maps: by hour', heatmapQuery(scope).request),
      ...OVERVIEW_TOP_LISTS.map(({ dimension }) => ({
        name: `top list: ${dimension}`,
        request: topListQuery(scope, dimension),
      })),
    ]),
  ])
}
