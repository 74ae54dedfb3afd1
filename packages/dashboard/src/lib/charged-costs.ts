// Charged costs beside the catalog's (docs/dashboard.md "Charged by the provider"): for the calls a
// provider charged itself (OpenRouter, Perplexity), what it charged, what the price catalog says the
// same calls cost, and the difference, read from the query model's charged metrics.

import type { Dimension, Metric, QueryRow } from '@spendlens/server/api-types'
import type { QueryShape } from './scope'

export const CHARGED_METRICS: Metric[] = [
  'charged_requests',
  'charged_cost_usd',
  'computed_cost_usd',
  'charged_unpriced_count',
]

/** Rows one answer holds: models with charged calls come first (NULLS LAST), the rest are dropped. */
export const CHARGED_ROWS = 200

/**
 * One question per model (by `model`, the view's model dimension) within the dashboard's scope:
 * every model, the charged first; the rows without a charged call are dropped by chargedRows.
 */
export function chargedModelsQuery(model: Dimension): QueryShape {
  return {
    groupBy: ['provider', model],
    metrics: CHARGED_METRICS,
    orderBy: { metric: 'charged_cost_usd', direction: 'desc' },
    limit: CHARGED_ROWS,
  }
}

/** The scope's totals of the same figures. */
export const CHARGED_TOTAL_QUERY: QueryShape = { metrics: CHARGED_METRICS }

/** The rows with at least one charged call. */
export function chargedRows(rows: readonly QueryRow[]): QueryRow[] {
  return rows.filter((row) => (row.charged_requests ?? 0) > 0)
}

const NANOS = 1e9

/**
 * What the provider charged above the catalog's price of the same calls (below 0: less), exact to
 * the nano-dollar (both figures are whole nano-dollars). Null when the catalog's figure leaves
 * calls out (a charged call it cannot price) or has none: the two would not cover the same calls.
 */
export function chargedDifference(row: QueryRow): number | null {
  const charged = row.charged_cost_usd
  const computed = row.computed_cost_usd
  if (typeof charged !== 'number' || typeof computed !== 'number') return null
  if ((row.charged_unpriced_count ?? 0) > 0) return null
  return (Math.round(charged * NANOS) - Math.round(computed * NANOS)) / NANOS
}

/** The difference relative to the catalog's price (0.1 = charged 10% above it); null where it has none. */
export function chargedChange(row: QueryRow): number | null {
  const difference = chargedDifference(row)
  const computed = row.computed_cost_usd
  if (difference === null || typeof computed !== 'number' || computed === 0) return null
  return difference / computed
}
