import type { CostEvent } from 'spendlens'
import { fromStoreRow, NANOS_PER_USD, type StoreRow } from 'spendlens/internal'
import type { BatchItem } from '../ingest/ingest-events.js'

const isNanos = (value: unknown) => value === null || value === undefined || Number.isSafeInteger(value)
const NANOS_COLUMNS = ['cost_nanos', 'computed_cost_nanos', 'recorded_cost_nanos'] as const

/**
 * One record read from a file, as an ingest item. A record is a CostEvent, or a row with the store's
 * column names (what the SDK's stdout sink and a Parquet export write: `cost_nanos` and
 * `computed_cost_nanos`, attribution `unattributed`, and `recorded_cost_nanos` for the price first
 * recorded), which becomes a CostEvent first. Validation is left to ingest.
 */
export function decodeRecord(record: unknown): BatchItem {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return { value: record }
  if (!('cost_nanos' in record) || 'cost_usd' in record) return { value: record }
  for (const column of NANOS_COLUMNS) {
    if (!isNanos((record as Record<string, unknown>)[column]))
      return { error: `${column}: expected an integer number of nano-dollars, or null` }
  }
  const { recorded_cost_nanos: recorded, ...row } = record as Record<string, unknown>
  const event = fromStoreRow(row as StoreRow) as CostEvent & { recorded_cost_usd?: number | null }
  if (recorded !== undefined)
    event.recorded_cost_usd = recorded === null ? null : (recorded as number) / NANOS_PER_USD
  return { value: event }
}
