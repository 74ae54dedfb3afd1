import type { StoredOutcome } from '../schema/outcomes-table.js'
import type { AppendStatus } from './store.js'

/**
 * What becomes of each outcome of a batch, in order, given the ids already stored: the first copy
 * of a new id is inserted; a stored id, or a repeat within the batch, is a duplicate (the first
 * copy wins: an outcome happened once, whatever a retry says). Both engines decide it here.
 */
export function newOutcomes(
  outcomes: readonly StoredOutcome[],
  stored: ReadonlySet<string>,
): { statuses: AppendStatus[]; fresh: StoredOutcome[] } {
  const seen = new Set(stored)
  const fresh: StoredOutcome[] = []
  const statuses = outcomes.map((outcome): AppendStatus => {
    if (seen.has(outcome.id)) return 'duplicate'
    seen.add(outcome.id)
    fresh.push(outcome)
    return 'inserted'
  })
  return { statuses, fresh }
}
