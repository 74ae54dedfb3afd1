import { fromStoreRow, type StoreRow } from 'spendlens/internal'
import type { BatchItem } from '../ingest/ingest-events.js'

/**
 * One record read from a file, as an ingest item. A record is a CostEvent, or a row with the store's
 * column names (what the SDK's stdout sink and a Parquet export write: `cost_nanos`, attribution
 * `unattributed`), which becomes a CostEvent first. Validation is left to ingest.
 */
export function decodeRecord(record: unknown): BatchItem {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return { value: record }
  if (!('cost_nanos' in record) || 'cost_usd' in record) return { value: record }
  const nanos = (record as { cost_nanos: unknown }).cost_nanos
  if (nanos !== null && !Number.isSafeInteger(nanos)) {
    return { error: 'cost_nanos: expected an integer number of nano-dollars, or null' }
  }
  return { value: fromStoreRow(record as StoreRow) }
}
