import type { Filter, Metric, QueryRequest } from '@spendlens/server/api-types'
import { type Scope, scopeQuery } from '../lib/scope'

/** The headline figures every summary row shows. */
export const SUMMARY_METRICS: Metric[] = [
  'requests',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'avg_tokens_per_request',
  'avg_latency_ms',
  'cost_usd',
  'cost_per_request',
  'unpriced_count',
]

/** The scope's headline figures, and the same over the previous period of equal length (none for "All"). */
export function summaryQueries(
  scope: Scope,
  extraFilters: Filter[] = [],
): { current: QueryRequest; previous: QueryRequest | undefined } {
  return {
    current: scopeQuery(scope, { metrics: SUMMARY_METRICS, filters: extraFilters }),
    previous: scope.previous
      ? scopeQuery(scope, { metrics: SUMMARY_METRICS, filters: extraFilters, range: scope.previous })
      : undefined,
  }
}
