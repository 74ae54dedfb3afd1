import { roundToNanos } from 'spendlens/internal'
import { z } from 'zod'
import type { RecordedPrice } from '../api/api-types.js'
import { costEventSchema } from '../ingest/cost-event-schema.js'
import type { BatchItem } from '../ingest/ingest-events.js'

/**
 * The price first recorded of a repriced event (RecordedPrice, docs/reprice.md), as an export
 * carries it beside the fields: validated as the price fields it was copied from are.
 */
const recordedPriceSchema = z.object({
  recorded_cost_usd: costEventSchema.shape.cost_usd,
  recorded_pricing_status: costEventSchema.shape.pricing_status.unwrap(),
  recorded_price_source: costEventSchema.shape.price_source,
})

const KEYS = Object.keys(recordedPriceSchema.shape) as (keyof RecordedPrice)[]

/** An item with the price first recorded it carries, if any, taken out and checked. */
export interface RecordedItem {
  item: BatchItem
  recorded?: RecordedPrice
}

/**
 * Takes the recorded price off an imported record: none when its three fields are absent or null
 * (an event never repriced), else all three, checked; a bad one makes the record rejected with
 * the reason, as a bad field would. Ingest drops unknown keys, so without this they would be lost.
 */
export function takeRecordedPrice(item: BatchItem): RecordedItem {
  if (!('value' in item)) return { item }
  const value = item.value
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { item }
  const record = value as Record<string, unknown>
  if (KEYS.every((key) => record[key] === undefined || record[key] === null)) return { item }
  const parsed = recordedPriceSchema.safeParse(record)
  if (!parsed.success)
    return {
      item: {
        error: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      },
    }
  const recorded = parsed.data
  return {
    item,
    recorded: {
      ...recorded,
      recorded_cost_usd:
        recorded.recorded_cost_usd === null ? null : roundToNanos(recorded.recorded_cost_usd),
    },
  }
}
