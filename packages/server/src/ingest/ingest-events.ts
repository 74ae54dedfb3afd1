import type { CostEvent } from 'spendlens'
import { DEFAULT_PROJECT } from '../schema/projects.js'
import type { AppendStatus, Store } from '../store/store.js'
import { MAX_COST_USD, MAX_EVENT_ID_LENGTH } from './cost-event-schema.js'
import type { EventWindow } from './event-window.js'
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

/** The valid events of a batch (priced), where they were in it, and the results of the others. */
export interface ValidatedItems {
  count: number
  valid: CostEvent[]
  validIndexes: number[]
  rejected: EventResult[]
  /** Of the rejected, those refused only for a `ts` older than the window (a backfill takes them). */
  tooOld: number
}

/**
 * Validates each item on its own, `ts` within `window`, and prices what arrived unpriced.
 * `plainText`: the items were parsed from JSON without a `\u` escape (decode-body.ts
 * mayHoldUnsafeText), so no string needs checking for a NUL or a lone surrogate.
 */
export function validateItems(
  items: readonly BatchItem[],
  window: EventWindow,
  plainText = false,
): ValidatedItems {
  const valid: CostEvent[] = []
  const validIndexes: number[] = []
  const rejected: EventResult[] = []
  let tooOld = 0
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as BatchItem
    if ('error' in item) {
      rejected.push({ index, event_id: null, status: 'rejected', errors: [item.error] })
      continue
    }
    const parsed = parseCostEvent(item.value, window, plainText)
    if (!parsed.success) {
      if (parsed.tooOld) tooOld++
      const id = (item.value as { event_id?: unknown } | null)?.event_id
      rejected.push({
        index,
        // Echoed as far as a valid id goes: a megabyte "id" is not sent back.
        event_id: typeof id === 'string' ? id.slice(0, MAX_EVENT_ID_LENGTH) : null,
        status: 'rejected',
        errors: parsed.errors,
      })
      continue
    }
    const event = settlePrice(parsed.data)
    if (event.cost_usd !== null && event.cost_usd > MAX_COST_USD) {
      // Absurd usage (billions of tokens) priced from the catalog: refused like a sent cost that large.
      rejected.push({
        index,
        event_id: event.event_id,
        status: 'rejected',
        errors: [`cost_usd: priced at $${event.cost_usd}, above the $${MAX_COST_USD} one call may cost`],
      })
      continue
    }
    valid.push(event)
    validIndexes.push(index)
  }
  return { count: items.length, valid, validIndexes, rejected, tooOld }
}

/**
 * One result per item, in order: the rejected ones, and each valid one (`eventIds`, in the order
 * of `validIndexes`) as the store's `statuses` say. A newer version of a stored event_id replaces
 * it and counts as accepted.
 */
export function ingestResult(
  validated: { count: number; validIndexes: ArrayLike<number>; rejected: readonly EventResult[] },
  eventIds: readonly string[],
  statuses: readonly AppendStatus[],
): IngestResult {
  const results: EventResult[] = new Array(validated.count)
  for (const result of validated.rejected) results[result.index] = result
  let duplicates = 0
  for (let position = 0; position < eventIds.length; position++) {
    const index = validated.validIndexes[position] as number
    const duplicate = statuses[position] === 'duplicate'
    if (duplicate) duplicates++
    results[index] = {
      index,
      event_id: eventIds[position] as string,
      status: duplicate ? 'duplicate' : 'accepted',
    }
  }
  return {
    accepted: eventIds.length - duplicates,
    duplicates,
    rejected: validated.rejected.length,
    results,
  }
}

/**
 * Validates each item on its own (`ts` within `window`), prices what arrived unpriced, and stores
 * every valid event even when neighbours are invalid. Answers one result per item, in order, and
 * how many were refused only for their age.
 */
export async function ingestEvents(
  target: AppendTarget,
  items: readonly BatchItem[],
  window: EventWindow,
  /** The project the valid events go into (default: the default project). */
  project: string = DEFAULT_PROJECT,
): Promise<IngestResult & { tooOld: number }> {
  const validated = validateItems(items, window)
  const { valid } = validated
  const statuses = valid.length > 0 ? (await target.append(valid, project)).statuses : []
  const result = ingestResult(
    validated,
    valid.map((event) => event.event_id),
    statuses,
  )
  return { ...result, tooOld: validated.tooOld }
}
