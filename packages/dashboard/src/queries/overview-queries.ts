import type { Dimension, QueryRequest, QueryRow } from '@spendlens/server/api-types'
import { bucketAxis } from '../lib/buckets'
import { type MonthWindow, monthWindow, runRateWindow } from '../lib/month-projection'
import { type Scope, scopeQuery } from '../lib/scope'
import { breakdownDimension, type ViewState } from '../lib/view-state'
import { addDays, dateLabel, startOfDateLabel } from '../lib/zoned-time'
import { type StackedSeriesShape, seriesTotalsQuery, stackedSeriesQueries } from './series-queries'
import { summaryQueries } from './summary-queries'

/** How many values the cost chart stacks by name. */
export const COST_STACK_TOP = 6

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

/** The cost chart's stacked series as the overview asks it. */
export function costStackShape(scope: Scope, view: Pick<ViewState, 'stack'>): StackedSeriesShape {
  return {
    dimension: breakdownDimension(view.stack),
    metric: 'cost_usd',
    top: COST_STACK_TOP,
    axisLength: scope.span ? bucketAxis(scope.span, scope.bucket, scope.timeZone).length : 0,
  }
}

/** A POST /api/query body a view sends, named by its panel. */
export interface NamedQuery {
  name: string
  request: QueryRequest
}

/**
 * Every query the overview sends, in two stages: what it asks at once when it opens (`first`), then what
 * waits for an answer (`after`: the cost chart's series of its top values, given the top query's rows).
 * Panels asking the same body share one request (the tokens chart and the cost chart's totals; the
 * two heat maps), so each body is listed once. bench:store times exactly these.
 */
export function overviewQueries(
  scope: Scope,
  view: Pick<ViewState, 'stack'>,
  firstTs: string | null | undefined,
): { first: NamedQuery[]; after: (stackTopRows: readonly QueryRow[]) => NamedQuery[] } {
  const summary = summaryQueries(scope)
  const stack = stackedSeriesQueries(scope, costStackShape(scope, view))
  const month = monthToDateQueries(scope, firstTs)
  const heat = heatmapQuery(scope).request
  const first: (NamedQuery | undefined)[] = [
    { name: 'summary', request: summary.current },
    summary.previous && { name: 'summary, previous period', request: summary.previous },
    { name: 'cost chart: top values', request: stack.topValues },
    { name: 'cost chart and tokens: totals', request: seriesTotalsQuery(scope) },
    { name: 'month to date: by day', request: month.month },
    { name: 'month to date: run rate', request: month.runRate },
    { name: 'month to date: last month', request: month.lastMonth },
    heat && { name: 'heat maps: by hour', request: heat },
    ...OVERVIEW_TOP_LISTS.map(({ dimension }) => ({
      name: `top list: ${dimension}`,
      request: topListQuery(scope, dimension),
    })),
  ]
  return {
    first: first.filter((entry): entry is NamedQuery => entry !== undefined),
    after: (rows) => {
      const grouped = stack.grouped(stack.names(rows))
      return grouped ? [{ name: 'cost chart: series of the top values', request: grouped }] : []
    },
  }
}
