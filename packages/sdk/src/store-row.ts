import { ATTRIBUTION_FIELDS, type CostEvent, UNATTRIBUTED } from './cost-event.js'

/**
 * A CostEvent as the store keeps it: the same names, except that a missing attribution value is
 * the explicit bucket `unattributed` and cost is integer nano-dollars (`cost_nanos`), so sums are
 * exact. The stdout sink writes these rows, so Vector or ClickHouse can load them without spendlens.
 */
export type StoreRow = Omit<CostEvent, 'cost_usd' | 'computed_cost_usd'> & {
  [K in (typeof ATTRIBUTION_FIELDS)[number]]: string
} & { cost_nanos: number | null; computed_cost_nanos: number | null }

export const NANOS_PER_USD = 1e9

const toNanos = (usd: number | null | undefined) => (usd == null ? null : Math.round(usd * NANOS_PER_USD))
const toUsd = (nanos: number | null | undefined) => (nanos == null ? null : nanos / NANOS_PER_USD)

export function toStoreRow(event: CostEvent): StoreRow {
  const { cost_usd, computed_cost_usd, ...rest } = event
  const row = {
    ...rest,
    cost_nanos: toNanos(cost_usd),
    computed_cost_nanos: toNanos(computed_cost_usd),
  } as StoreRow
  for (const field of ATTRIBUTION_FIELDS) row[field] = event[field] ?? UNATTRIBUTED
  return row
}

/** The inverse of toStoreRow: `unattributed` becomes null again and dollars come from nano-dollars. */
export function fromStoreRow(row: StoreRow): CostEvent {
  const { cost_nanos, computed_cost_nanos, ...rest } = row
  const event = {
    ...rest,
    cost_usd: toUsd(cost_nanos),
    computed_cost_usd: toUsd(computed_cost_nanos),
  } as CostEvent
  for (const field of ATTRIBUTION_FIELDS) {
    const value = row[field]
    event[field] = value === UNATTRIBUTED ? null : value
  }
  return event
}
