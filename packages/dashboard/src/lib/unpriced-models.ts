// The unpriced models (docs/dashboard.md "Unpriced models"): every model whose calls spendlens has
// no price for, with what is at stake, read from the query model filtered on pricing_status.

import type { Filter, QueryRow } from '@spendlens/server/api-types'
import type { QueryShape } from './scope'

/** The calls whose model had no known price: cost unknown, never $0. */
export const UNPRICED_FILTER: Filter = { dimension: 'pricing_status', op: 'eq', values: ['unpriced'] }

/** Model and feature pairs one answer holds; past it the list says it is cut. */
export const UNPRICED_ROWS = 2000

/** One question for the whole list: per provider, model and feature, within the dashboard's scope. */
export const UNPRICED_MODELS_QUERY: QueryShape = {
  filters: [UNPRICED_FILTER],
  groupBy: ['provider', 'model', 'feature'],
  metrics: ['requests', 'input_tokens', 'output_tokens', 'first_seen_ms', 'last_seen_ms'],
  orderBy: { metric: 'requests', direction: 'desc' },
  limit: UNPRICED_ROWS,
}

export interface FeatureCalls {
  feature: string
  requests: number
}

/** One unpriced model: its calls and tokens, when it was first and last called, and by which features. */
export interface UnpricedModel {
  provider: string
  model: string
  requests: number
  input_tokens: number
  output_tokens: number
  first_seen_ms: number | null
  last_seen_ms: number | null
  /** Most calls first. */
  features: FeatureCalls[]
}

const count = (value: unknown) => (typeof value === 'number' ? value : 0)
const moment = (value: unknown) => (typeof value === 'number' ? value : null)
const earliest = (left: number | null, right: number | null) =>
  left === null ? right : right === null ? left : Math.min(left, right)
const latest = (left: number | null, right: number | null) =>
  left === null ? right : right === null ? left : Math.max(left, right)

/** The per-feature rows of UNPRICED_MODELS_QUERY folded into one entry per model, most calls first. */
export function groupUnpricedModels(rows: readonly QueryRow[]): UnpricedModel[] {
  const models = new Map<string, UnpricedModel>()
  for (const row of rows) {
    const provider = String(row.provider ?? '')
    const model = String(row.model ?? '')
    const key = JSON.stringify([provider, model])
    let entry = models.get(key)
    if (!entry) {
      entry = {
        provider,
        model,
        requests: 0,
        input_tokens: 0,
        output_tokens: 0,
        first_seen_ms: null,
        last_seen_ms: null,
        features: [],
      }
      models.set(key, entry)
    }
    entry.requests += count(row.requests)
    entry.input_tokens += count(row.input_tokens)
    entry.output_tokens += count(row.output_tokens)
    entry.first_seen_ms = earliest(entry.first_seen_ms, moment(row.first_seen_ms))
    entry.last_seen_ms = latest(entry.last_seen_ms, moment(row.last_seen_ms))
    entry.features.push({ feature: String(row.feature ?? ''), requests: count(row.requests) })
  }
  const byCalls = (left: { requests: number }, right: { requests: number }) => right.requests - left.requests
  for (const entry of models.values()) entry.features.sort(byCalls)
  return [...models.values()].sort(
    (left, right) =>
      byCalls(left, right) ||
      left.provider.localeCompare(right.provider) ||
      left.model.localeCompare(right.model),
  )
}
