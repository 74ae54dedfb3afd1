import type { CostEvent } from 'spendlens'
import type { Store } from '../store/store.js'
import { costEventSchema, describeIssues } from './cost-event-schema.js'
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

/**
 * Validates each item on its own, prices what arrived unpriced, and stores every valid event even
 * when neighbours are invalid. Answers one result per item, in order.
 */
export async function ingestEvents(store: Store, items: readonly BatchItem[]): Promise<IngestResult> {
  const results: EventResult[] = []
  const valid: CostEvent[] = []
  const validIndexes: number[] = []
  items.forEach((item, index) => {
    if ('error' in item) {
      results.push({ index, event_id: null, status: 'rejected', errors: [item.error] })
      return
    }
    const parsed = costEventSchema.safeParse(item.value)
    if (!parsed.success) {
      const id = (item.value as { event_id?: unknown } | null)?.event_id
      results.push({
        index,
        event_id: typeof id === 'string' ? id : null,
        status: 'rejected',
        errors: describeIssues(parsed.error),
      })
      return
    }
    results.push({ index, event_id: parsed.data.event_id, status: 'accepted' })
    valid.push(settlePrice(parsed.data))
    validIndexes.push(index)
  })

  if (valid.length > 0) {
    const { statuses } = await store.append(valid)
    statuses.forEach((status, position) => {
      // A newer version of a stored event_id replaces it and counts as accepted.
      if (status === 'duplicate')
        (results[validIndexes[position] as number] as EventResult).status = 'duplicate'
    })
  }
  const tally = (status: EventStatus) => results.filter((result) => result.status === status).length
  return { accepted: tally('accepted'), duplicates: tally('duplicate'), rejected: tally('rejected'), results }
}
