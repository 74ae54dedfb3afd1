import { ATTRIBUTION_FIELDS, type CostEvent, UNATTRIBUTED } from './cost-event.js'

/**
 * A CostEvent as the store keeps it: the same names, except that a missing attribution value is
 * the explicit bucket `unattributed` and cost is integer nano-dollars (`cost_nanos`), so sums are
 * exact. The stdout sink writes these rows, so Vector or ClickHouse can load them without spendlens.
 */
export type StoreRow = Omit<CostEvent, 'cost_usd'> & {
  [K in (typeof ATTRIBUTION_FIELDS)[number]]: string
} & { cost_nanos: number | null }

export const NANOS_PER_USD = 1e9

export function toStoreRow(event: CostEvent): StoreRow {
  const { cost_usd, ...rest } = event
  const row = {
    ...rest,
    cost_nanos: cost_usd === null ? null : Math.round(cost_usd * NANOS_PER_USD),
  } as StoreRow
  for (const field of ATTRIBUTION_FIELDS) row[field] = event[field] ?? UNATTRIBUTED
  return row
}

/** The inverse of toStoreRow: `unattributed` becomes null again and dollars come from nano-dollars. */
export function fromStoreRow(row: StoreRow): CostEvent {
  const { cost_nanos, ...rest } = row
  const event = { ...rest, cost_usd: cost_nanos === null ? null : cost_nanos / NANOS_PER_USD } as CostEvent
  for (const field of ATTRIBUTION_FIELDS) {
    const value = row[field]
    event[field] = value === UNATTRIBUTED ? null : value
  }
  return event
}
