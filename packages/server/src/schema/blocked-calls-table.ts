import { asNumber, asText, recordColumn, recordTable } from './record-table.js'

/**
 * How many calls one SDK process refused under one budget in one period (budgets/blocked-calls.ts):
 * the reporter's latest count, one record per project, budget, period and reporter. A budget's
 * blocked calls in a period are the sum over its reporters. Counts only, never anything of a call.
 */
export interface BlockedCallsRecord {
  project: string
  budgetId: string
  /** Epoch ms: the start of the period the calls were refused in. */
  periodStart: number
  /** The SDK process that refused them (a random id it made at start). */
  reporter: string
  blocked: number
  /** Epoch ms, the server's clock, of the report. */
  reportedAt: number
}

/** Project names have no `/` and budget ids none either, so the key names one count. */
const blockedKey = (record: BlockedCallsRecord) =>
  `${record.project}/${record.budgetId}/${record.periodStart}/${record.reporter}`

export const BLOCKED_CALLS_TABLE = recordTable<BlockedCallsRecord>(
  'spendlens_budget_blocked_calls',
  'key',
  [
    recordColumn.text('key', blockedKey),
    recordColumn.text('project', (record) => record.project, 'low'),
    recordColumn.text('budget_id', (record) => record.budgetId),
    recordColumn.time('period_start', (record) => record.periodStart, false),
    recordColumn.text('reporter', (record) => record.reporter),
    recordColumn.time('blocked', (record) => record.blocked, false),
    recordColumn.time('reported_at', (record) => record.reportedAt, false),
  ],
  (row) => ({
    project: asText(row.project),
    budgetId: asText(row.budget_id),
    periodStart: asNumber(row.period_start) ?? 0,
    reporter: asText(row.reporter),
    blocked: asNumber(row.blocked) ?? 0,
    reportedAt: asNumber(row.reported_at) ?? 0,
  }),
)
