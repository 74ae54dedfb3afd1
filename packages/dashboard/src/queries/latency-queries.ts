import type { Dimension, Filter, Metric } from '@spendlens/server/api-types'
import { type Scope, scopeQuery } from '../lib/scope'
import { breakdownDimension } from '../lib/view-state'
import { allAtOnce, named, type ViewContext, type ViewRequests } from './view-requests'

/** Calls that did not complete: errors, and streams the caller abandoned (both can still cost). */
export const FAILED: Filter = { dimension: 'status', op: 'in', values: ['error', 'cancelled'] }

export const LATENCY_METRICS: Metric[] = [
  'requests',
  'p50_latency_ms',
  'p95_latency_ms',
  'p99_latency_ms',
  'error_rate',
]

/** The latency cards: the scope's percentiles and what failed calls cost, each against the previous period. */
export function latencyCardQueries(scope: Scope) {
  const failed = (range = scope.range) =>
    scopeQuery(scope, { metrics: ['requests', 'cost_usd'], filters: [FAILED], range })
  return {
    current: scopeQuery(scope, { metrics: LATENCY_METRICS }),
    previous: scope.previous
      ? scopeQuery(scope, { metrics: LATENCY_METRICS, range: scope.previous })
      : undefined,
    failed: failed(),
    failedBefore: scope.previous ? failed(scope.previous) : undefined,
  }
}

/** Percentiles and error rate per bucket (both time charts). */
export const latencySeriesQuery = (scope: Scope) =>
  scopeQuery(scope, { bucket: scope.bucket, metrics: LATENCY_METRICS, limit: 10_000 })

/** Errors by a dimension: every value's requests, error rate and latency, and what its failed calls cost. */
export function errorsByQueries(scope: Scope, dimension: Dimension) {
  return {
    all: scopeQuery(scope, {
      groupBy: [dimension],
      metrics: ['requests', 'error_rate', 'p50_latency_ms', 'p95_latency_ms', 'cost_usd'],
      orderBy: { metric: 'requests', direction: 'desc' },
      limit: 100,
    }),
    failed: scopeQuery(scope, {
      groupBy: [dimension],
      metrics: ['requests', 'cost_usd'],
      orderBy: { metric: 'requests', direction: 'desc' },
      limit: 1000,
      filters: [FAILED],
    }),
  }
}

/** The latency view: its cards, the percentiles and error rate over time, errors by a dimension. */
export function latencyRequests({ scope, view }: ViewContext): ViewRequests {
  const cards = latencyCardQueries(scope)
  const errors = errorsByQueries(scope, breakdownDimension(view.errorsBy))
  return allAtOnce([
    { name: 'cards: latency', request: cards.current },
    named('cards: latency, previous period', cards.previous),
    { name: 'cards: failed calls', request: cards.failed },
    named('cards: failed calls, previous period', cards.failedBefore),
    { name: 'percentiles and error rate over time', request: latencySeriesQuery(scope) },
    { name: 'errors by: all calls', request: errors.all },
    { name: 'errors by: failed calls', request: errors.failed },
  ])
}
