import { parse } from 'csv-parse/sync'
import { NANOS_PER_USD } from 'spendlens/internal'
import { z } from 'zod'
import type { RevenueAnswer, RevenueEntry } from '../api/api-types.js'
import { isSafeText } from '../ingest/cost-event-schema.js'
import { REVENUE_TABLE, type RevenueRecord, revenueId } from '../schema/revenue-table.js'
import type { Store } from '../store/store.js'

/**
 * What each customer pays, by month (docs/decisions.md "Unit economics"): a standing monthly amount
 * (a plan), and a month's own amount where it differs (an invoice). Set through PUT /api/revenue or
 * `spendlens revenue import file.csv`; read to set each customer's LLM cost against.
 */

/** The most dollars one customer may pay in a month: past it the figure is a unit mistake. */
export const MAX_MONTHLY_REVENUE_USD = 1_000_000_000

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

export const revenueEntrySchema = z.strictObject({
  customer_id: z
    .string()
    .min(1)
    .max(500)
    .refine(isSafeText, 'holds a NUL or a lone surrogate (invalid UTF-16)'),
  monthly_revenue_usd: z.number().finite().min(0).max(MAX_MONTHLY_REVENUE_USD),
  plan: z.string().max(100).refine(isSafeText, 'holds a NUL or a lone surrogate').nullable().optional(),
  month: z.string().regex(MONTH, 'a month is YYYY-MM').nullable().optional(),
}) satisfies z.ZodType<RevenueEntry, unknown>

/**
 * Every entry named once: two amounts for one customer and month contradict each other. `name`
 * says where an entry is (`revenue.3`, `line 5`).
 */
export function checkUnique(entries: readonly RevenueEntry[], name: (index: number) => string): string[] {
  const seen = new Map<string, number>()
  const errors: string[] = []
  entries.forEach((entry, index) => {
    const key = JSON.stringify([entry.customer_id, entry.month ?? ''])
    const first = seen.get(key)
    if (first !== undefined)
      errors.push(
        `${name(index)}: ${entry.customer_id}${entry.month ? ` in ${entry.month}` : ''} is already given (${name(first)})`,
      )
    else seen.set(key, index)
  })
  return errors
}

/** A revenue CSV that cannot be taken: every problem, each with its line. Nothing of it is stored. */
export class RevenueCsvError extends Error {
  constructor(readonly problems: string[]) {
    super(`the revenue file is refused, nothing was stored:\n  ${problems.join('\n  ')}`)
    this.name = 'RevenueCsvError'
  }
}

/** `1200`, `1,200.50`, `$49`: what a spreadsheet writes for dollars. */
const DOLLARS = /^\$?\s*\d{1,3}(,\d{3})*(\.\d+)?$|^\$?\s*\d+(\.\d+)?$/

/**
 * Reads a revenue CSV: a header row with `customer_id` and `monthly_revenue_usd` (or `revenue_usd`),
 * optionally `plan` and `month` (`YYYY-MM`); other columns are ignored (a billing export has many).
 * A file with any bad row is refused whole, listing every problem with its line: revenue half
 * imported would make every margin wrong.
 */
export function parseRevenueCsv(text: string): RevenueEntry[] {
  let records: Record<string, string>[]
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    })
  } catch (error) {
    throw new RevenueCsvError([`not a CSV file this reader understands: ${(error as Error).message}`])
  }
  if (records.length === 0) throw new RevenueCsvError(['no rows: a header line, then one line per customer'])
  const header = Object.keys(records[0] as object)
  const amountColumn = ['monthly_revenue_usd', 'revenue_usd'].find((name) => header.includes(name))
  const missing = [
    ...(header.includes('customer_id') ? [] : ['customer_id']),
    ...(amountColumn ? [] : ['monthly_revenue_usd']),
  ]
  if (missing.length > 0)
    throw new RevenueCsvError([
      `the header has no ${missing.join(' nor ')} column (it has ${header.join(', ')})`,
    ])
  const problems: string[] = []
  const entries: RevenueEntry[] = []
  const lines: number[] = []
  records.forEach((record, index) => {
    const line = index + 2
    const amount = record[amountColumn as string] ?? ''
    if (!DOLLARS.test(amount)) {
      problems.push(`line ${line}: ${amountColumn} ${JSON.stringify(amount)} is not an amount in dollars`)
      return
    }
    const parsed = revenueEntrySchema.safeParse({
      customer_id: record.customer_id,
      monthly_revenue_usd: Number(amount.replace(/[$,\s]/g, '')),
      plan: record.plan || null,
      month: record.month || null,
    })
    if (!parsed.success) {
      problems.push(
        `line ${line}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      )
      return
    }
    entries.push(parsed.data)
    lines.push(line)
  })
  problems.push(...checkUnique(entries, (index) => `line ${lines[index]}`))
  if (problems.length > 0) throw new RevenueCsvError(problems)
  return entries
}

/** The project's revenue entries in force (removed ones left out), by customer then month. */
export async function readRevenue(
  store: Pick<Store, 'readRecords'>,
  project: string,
): Promise<RevenueRecord[]> {
  return (await store.readRecords(REVENUE_TABLE))
    .filter((record) => record.project === project && record.revenueNanos !== null)
    .sort((a, b) => a.customerId.localeCompare(b.customerId) || a.month.localeCompare(b.month))
}

/**
 * Stores `entries` in `project`: `replace` makes them the whole of its revenue (every other entry is
 * removed, as PUT /api/revenue does); otherwise each replaces only its own customer and month.
 */
export async function writeRevenue(
  store: Pick<Store, 'readRecords' | 'writeRecords'>,
  project: string,
  entries: readonly RevenueEntry[],
  options: { replace: boolean; now?: number },
): Promise<void> {
  const now = options.now ?? Date.now()
  const records: RevenueRecord[] = entries.map((entry) => ({
    id: revenueId(project, entry.customer_id, entry.month ?? ''),
    project,
    customerId: entry.customer_id,
    month: entry.month ?? '',
    plan: entry.plan ?? '',
    revenueNanos: Math.round(entry.monthly_revenue_usd * NANOS_PER_USD),
    updatedAt: now,
  }))
  if (options.replace) {
    const kept = new Set(records.map((record) => record.id))
    for (const old of await readRevenue(store, project))
      if (!kept.has(old.id)) records.push({ ...old, revenueNanos: null, updatedAt: now })
  }
  if (records.length > 0) await store.writeRecords(REVENUE_TABLE, records)
}

/** The project's revenue as the API answers it. */
export function revenueAnswer(records: readonly RevenueRecord[]): RevenueAnswer {
  return {
    revenue: records.map((record) => ({
      customer_id: record.customerId,
      monthly_revenue_usd: (record.revenueNanos ?? 0) / NANOS_PER_USD,
      plan: record.plan || null,
      month: record.month || null,
      updated_at: new Date(record.updatedAt).toISOString(),
    })),
  }
}

/** The UTC month `YYYY-MM` of an instant, and that month's bounds (epoch ms). */
function monthOf(ms: number): { month: string; start: number; end: number } {
  const date = new Date(ms)
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
  const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
  return { month: new Date(start).toISOString().slice(0, 7), start, end }
}

/** One customer's revenue over a period, and the plan in force at its end. */
export interface PeriodRevenue {
  nanos: number
  plan: string | null
}

/**
 * Each customer's revenue over [from, to): every calendar month (UTC) the period touches, at that
 * month's own amount or else the standing one, times the share of the month inside the period. A
 * whole month is its amount exactly; half of a 30-day month, half of it.
 */
export function revenueOverPeriod(
  records: readonly RevenueRecord[],
  from: number,
  to: number,
): Map<string, PeriodRevenue> {
  type Entries = { standing?: RevenueRecord; months: Map<string, RevenueRecord> }
  const byCustomer = new Map<string, Entries>()
  for (const record of records) {
    if (record.revenueNanos === null) continue
    const entry: Entries = byCustomer.get(record.customerId) ?? { months: new Map() }
    if (record.month === '') entry.standing = record
    else entry.months.set(record.month, record)
    byCustomer.set(record.customerId, entry)
  }
  const revenue = new Map<string, PeriodRevenue>()
  for (const [customer, entry] of byCustomer) {
    let nanos = 0
    let plan: string | null = null
    let known = false
    for (let cursor = from; cursor < to; ) {
      const month = monthOf(cursor)
      const until = Math.min(to, month.end)
      const record = entry.months.get(month.month) ?? entry.standing
      if (record && record.revenueNanos !== null) {
        nanos += (record.revenueNanos * (until - cursor)) / (month.end - month.start)
        plan = record.plan || plan
        known = true
      }
      cursor = until
    }
    if (known) revenue.set(customer, { nanos: Math.round(nanos), plan })
  }
  return revenue
}
