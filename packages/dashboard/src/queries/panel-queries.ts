// The requests of panels that several views show: a breakdown table and its totals, the requests vs
// cost scatter, the what-if panel, unit economics, long-context calls, model migrations, the
// anomalies charts mark and the cost chart stacked by a dimension. Each panel asks through these,
// and each view's requests (the other files here) are built from them.
import type { Dimension, Filter, Metric, QueryRequest } from '@spendlens/server/api-types'
import { anomaliesUrl } from '../lib/anomalies-api'
import { anomaliesSince } from '../lib/anomaly-list'
import { bucketAxis } from '../lib/buckets'
import { longContextUrl, modelMigrationsUrl, unitEconomicsUrl, whatIfRequest } from '../lib/decisions-api'
import { type Scope, scopeQuery } from '../lib/scope'
import type { ViewState } from '../lib/view-state'
import { parseTarget } from '../lib/what-if-targets'
import { stackedSeriesRequests } from './series-queries'
import { combine, type NamedCall, type ViewRequests } from './view-requests'

/** What every "by dimension" table shows. */
export const BREAKDOWN_METRICS: Metric[] = [
  'requests',
  'cost_usd',
  'cost_per_request',
  'total_tokens',
  'avg_tokens_per_request',
  'p95_latency_ms',
  'error_rate',
  'cache_hit_rate',
  'unpriced_count',
]

/**
 * Cost by one dimension, the first `limit` by cost and the rest as one Others row (`extraFilters`
 * added to the scope's: a customer's page), and the scope's totals.
 */
export function costBreakdownQueries(
  scope: Scope,
  dimension: Dimension,
  limit: number,
  extraFilters: Filter[] = [],
) {
  return {
    breakdown: scopeQuery(scope, {
      groupBy: [dimension],
      metrics: BREAKDOWN_METRICS,
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit,
      others: true,
      filters: extraFilters,
    }),
    totals: scopeQuery(scope, { metrics: BREAKDOWN_METRICS }),
  }
}

/** Requests against cost by a dimension: the `points` most expensive, the rest as Others. */
export function requestsCostScatterQuery(scope: Scope, dimension: Dimension, points: number): QueryRequest {
  return scopeQuery(scope, {
    groupBy: [dimension],
    metrics: ['requests', 'cost_usd', 'total_tokens'],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: points,
    others: true,
  })
}

/** The what-if panel: the models the calls used (offered first), and the calls priced at the chosen target. */
export function whatIfQueries(scope: Scope, view: Pick<ViewState, 'whatIf' | 'whatIfTier'>) {
  const target = parseTarget(view.whatIf, view.whatIfTier)
  return {
    used: scopeQuery(scope, {
      groupBy: ['provider', 'model'],
      metrics: ['requests'],
      orderBy: { metric: 'requests', direction: 'desc' },
      limit: 30,
    }),
    /** POST /api/what-if; none before a target is chosen. */
    whatIf: target ? whatIfRequest(scope, target) : undefined,
  }
}

/** The what-if panel's requests. */
export function whatIfCalls(scope: Scope, view: Pick<ViewState, 'whatIf' | 'whatIfTier'>) {
  const queries = whatIfQueries(scope, view)
  return [
    { name: 'what-if: models used', request: queries.used },
    queries.whatIf
      ? { name: 'what-if: priced at the target', url: 'api/what-if', body: queries.whatIf }
      : undefined,
  ]
}

export const unitEconomicsCall = (scope: Scope, view: Pick<ViewState, 'maxCostShare'>): NamedCall => ({
  name: 'unit economics',
  url: unitEconomicsUrl(scope, view.maxCostShare),
})

export const longContextCall = (scope: Scope): NamedCall => ({
  name: 'long-context calls',
  url: longContextUrl(scope),
})

export const modelMigrationsCall = (scope: Scope): NamedCall => ({
  name: 'model migrations',
  url: modelMigrationsUrl(scope),
})

/** GET /api/anomalies still going on after the range's start: one request a view's charts share. */
export const anomaliesRequest = (scope: Pick<Scope, 'range'>) => ({ since: anomaliesSince(scope.range) })

export const anomaliesCall = (scope: Scope): NamedCall => ({
  name: 'anomalies',
  url: anomaliesUrl(anomaliesRequest(scope)),
})

/** How many values the cost chart stacks by name. */
export const COST_STACK_TOP = 6

/** How long the scope's time axis is, in buckets. */
export const axisLength = (scope: Scope): number =>
  scope.span ? bucketAxis(scope.span, scope.bucket, scope.timeZone).length : 0

/** The cost chart stacked by a dimension, and the anomalies it marks. */
export function costOverTimeRequests(
  label: string,
  scope: Scope,
  dimension: Dimension,
  extraFilters: Filter[] = [],
): ViewRequests {
  const series = stackedSeriesRequests(label, scope, {
    dimension,
    metric: 'cost_usd',
    top: COST_STACK_TOP,
    axisLength: axisLength(scope),
    extraFilters,
  })
  return combine([series, { first: [anomaliesCall(scope)], after: () => [] }])
}
