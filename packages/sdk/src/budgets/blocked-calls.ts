import type { BlockedCallCount } from './budget-wire.js'

/** A random id for one process's reports: the server keeps each reporter's latest counts. */
export function newReporterId(): string {
  return globalThis.crypto.randomUUID()
}

interface Count {
  budgetId: string
  /** Server clock, epoch ms. */
  periodStart: number
  blocked: number
  /** What the server last acknowledged of `blocked`. */
  reported: number
}

/**
 * How many calls this process refused under each budget in each period, until the server has the
 * count (`POST /v1/budgets/blocked`, docs/budgets.md). The whole count is sent each time, so a lost
 * or repeated report never miscounts: the next one carries the total. Counts only.
 */
export class BlockedCallCounter {
  private readonly counts = new Map<string, Count>()

  /** A call was refused under `budgetId` in the period that started at `periodStart` (server clock). */
  count(budgetId: string, periodStart: number): void {
    const key = `${budgetId}@${periodStart}`
    const count = this.counts.get(key)
    if (count) count.blocked++
    else this.counts.set(key, { budgetId, periodStart, blocked: 1, reported: 0 })
  }

  /** The counts the server does not have yet (undefined when it has them all). */
  unreported(): BlockedCallCount[] | undefined {
    const counts: BlockedCallCount[] = []
    for (const count of this.counts.values())
      if (count.blocked > count.reported)
        counts.push({
          budget_id: count.budgetId,
          period_start: new Date(count.periodStart).toISOString(),
          blocked: count.blocked,
        })
    return counts.length > 0 ? counts : undefined
  }

  /**
   * The server acknowledged `counts`. A count of a past period, once acknowledged, is dropped: no
   * call is refused in a period that is over.
   */
  reported(counts: readonly BlockedCallCount[]): void {
    const latest = new Map<string, number>()
    for (const count of this.counts.values())
      latest.set(count.budgetId, Math.max(latest.get(count.budgetId) ?? 0, count.periodStart))
    for (const sent of counts) {
      const key = `${sent.budget_id}@${Date.parse(sent.period_start)}`
      const count = this.counts.get(key)
      if (!count) continue
      count.reported = Math.max(count.reported, sent.blocked)
      if (count.reported >= count.blocked && count.periodStart < (latest.get(count.budgetId) ?? 0))
        this.counts.delete(key)
    }
  }
}
