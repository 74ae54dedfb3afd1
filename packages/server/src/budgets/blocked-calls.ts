import type { BlockedCallsReport } from 'spendlens'
import { z } from 'zod'
import { BLOCKED_CALLS_TABLE, type BlockedCallsRecord } from '../schema/blocked-calls-table.js'
import type { Store } from '../store/store.js'
import { BUDGET_ID_SCHEMA, MAX_BUDGETS_PER_PROJECT } from './budget-definition.js'

/**
 * `POST /v1/budgets/blocked` (docs/budgets.md): the SDK's counts of the calls its budgets refused,
 * each the whole count of one process, budget and period. The type is the SDK's (budget-wire.ts);
 * this schema checks a body against it.
 */
export const BLOCKED_CALLS_REPORT_SCHEMA = z.object({
  reporter: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, {
    message: 'a reporter is 8 to 64 letters, digits, _ or -',
  }),
  counts: z
    .array(
      z.object({
        budget_id: BUDGET_ID_SCHEMA,
        period_start: z.iso.datetime({ offset: true }),
        blocked: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      }),
    )
    .max(MAX_BUDGETS_PER_PROJECT * 2, {
      message: `at most ${MAX_BUDGETS_PER_PROJECT * 2} counts in one report`,
    }),
}) satisfies z.ZodType<BlockedCallsReport, unknown>

/** Stores a report's counts for `project`, each replacing the reporter's previous count of its budget and period. */
export async function recordBlockedCalls(
  store: Pick<Store, 'writeRecords'>,
  project: string,
  report: BlockedCallsReport,
  now: number,
): Promise<number> {
  const records: BlockedCallsRecord[] = report.counts.map((count) => ({
    project,
    budgetId: count.budget_id,
    periodStart: Date.parse(count.period_start),
    reporter: report.reporter,
    blocked: count.blocked,
    reportedAt: now,
  }))
  if (records.length > 0) await store.writeRecords(BLOCKED_CALLS_TABLE, records)
  return records.length
}

/** The key of one budget's period in blockedCallsOf's answer. */
export const periodKey = (budgetId: string, periodStart: number) => `${budgetId}@${periodStart}`

/** The calls refused in `project`, summed over reporters, by budget and period (periodKey). */
export async function blockedCallsOf(
  store: Pick<Store, 'readRecords'>,
  project: string,
): Promise<Map<string, number>> {
  const totals = new Map<string, number>()
  for (const record of await store.readRecords(BLOCKED_CALLS_TABLE)) {
    if (record.project !== project) continue
    const key = periodKey(record.budgetId, record.periodStart)
    totals.set(key, (totals.get(key) ?? 0) + record.blocked)
  }
  return totals
}
