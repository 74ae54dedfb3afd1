// A reconciliation's day rows laid on a full axis of UTC days, for the two daily charts: a day no
// complete invoice covers has no row, and stays a gap (null), never a zero.

import { GAP_PARTS, type GapPart, type ReconcileAnswer, type ReconcileRow } from '@spendlens/server/api-types'
import type { BucketSlot } from './buckets'
import { gapPartUsd } from './gap-parts'

export interface DailyFigures {
  invoiced: (number | null)[]
  tracked: (number | null)[]
  coverage: (number | null)[]
  parts: Record<GapPart, (number | null)[]>
}

/** The `by=day` rows of a reconciliation, one value per slot of `axis` (keys `YYYY-MM-DD`). */
export function dailyFigures(rows: readonly ReconcileRow[], axis: readonly BucketSlot[]): DailyFigures {
  const byDay = new Map(rows.map((row) => [row.day, row]))
  const pick = (read: (row: ReconcileRow) => number | null) =>
    axis.map((slot) => {
      const row = byDay.get(slot.key)
      return row ? read(row) : null
    })
  return {
    invoiced: pick((row) => row.invoiced_usd),
    tracked: pick((row) => row.tracked_usd),
    coverage: pick((row) => row.coverage),
    parts: Object.fromEntries(
      GAP_PARTS.map((part) => [part, pick((row) => gapPartUsd(row, part))]),
    ) as Record<GapPart, (number | null)[]>,
  }
}

/**
 * Whether any invoice is there to show: something invoiced or tracked against it, days before
 * tracking, line items, or a sync that ran. Without any, the view explains how to sync instead of
 * drawing zeros.
 */
export function hasInvoice(answer: ReconcileAnswer): boolean {
  return (
    answer.totals.invoiced_usd !== 0 ||
    answer.totals.tracked_usd !== 0 ||
    answer.before_tracking !== null ||
    answer.line_items.length > 0 ||
    answer.sync.some((status) => status.last_run_at !== null)
  )
}
