import type { CostEvent } from 'spendlens'
import type { Store } from '../store/store.js'
import { MAX_COST_USD } from './cost-event-schema.js'
import { parseCostEvent } from './parse-cost-event.js'
import { settlePrice } from './settle-price.js'

export type EventStatus = 'accepted' | 'duplicate' | 'rejected'

export interface EventResult {
  index: number
  event_id: string | null
  status: EventStatus
  errors?: string[]
}

export interface IngestResult {
  accepted: number
  duplicates: number
  rejected: number
  results: EventResult[]
}

/** One item of a batch: a decoded value, or the reason it could not be decoded (e.g. a bad NDJSON line). */
export type BatchItem = { value: unknown } | { error: string }

/** Where valid events go: a store, or an IngestBuffer in front of one. */
export type AppendTarget = Pick<Store, 'append'>

/**
 * Validates each item on its own, prices what arrived unpriced, and stores every valid event even
 * when neighbours are invalid. Answers one result per item, in order.
 */
export async function ingestEvents(target: AppendTarget, items: readonly BatchItem[]): Promise<IngestResult> {
  const results: EventResult[] = new Array(items.length)
  const valid: CostEvent[] = []
  const validIndexes: number[] = []
  let rejected = 0
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as BatchItem
    if ('error' in item) {
      results[index] = { index, event_id: null, status: 'rejected', errors: [item.error] }
      rejected++
      continue
    }
    const parsed = parseCostEvent(item.value)
    if (!parsed.success) {
      const id = (item.value as { event_id?: unknown } | null)?.event_id
      results[index] = {
        index,
        event_id: typeof id === 'string' ? id : null,
        status: 'rejected',
        errors: parsed.errors,
      }
      rejected++
      continue
    }
    const event = settlePrice(parsed.data)
    if (event.cost_usd !== null && event.cost_usd > MAX_COST_USD) {
      // Absurd usage (billions of tokens) priced from the catalog: refused like a sent cost that large.
      results[index] = {
        index,
        event_id: event.event_id,
        status: 'rejected',
        errors: [`cost_usd: priced at $${event.cost_usd}, above the $${MAX_COST_USD} one call may cost`],
      }
      rejected++
      continue
    }
    results[index] = { index, event_id: event.event_id, status: 'accepted' }
    valid.push(event)
    validIndexes.push(index)
  }

  let duplicates = 0
  const stored = valid.length
  if (stored > 0) {
    const { statuses } = await target.append(valid)
    statuses.forEach((status, position) => {
      // A newer version of a stored event_id replaces it and counts as accepted.
      if (status === 'duplicate') {
        ;(results[validIndexes[position] as number] as EventResult).status = 'duplicate'
        duplicates++
      }
    })
  }
  return { accepted: stored - duplicates, duplicates, rejected, results }
}
