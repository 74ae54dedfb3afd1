// The Invoice view's time range. The providers bucket their usage and cost reports by UTC day, and
// the reconciliation works on those days (docs/invoice.md), so this range is whole UTC days, apart
// from the rest of the dashboard's zone-local presets: "Month to date" is the UTC month.

import { addDays, dateLabel, parseDateLabel } from './zoned-time'

export const INVOICE_PRESETS = [
  { key: 'mtd', label: 'Month to date' },
  { key: 'last-month', label: 'Last month' },
  { key: '30d', label: '30 days' },
  { key: '90d', label: '90 days' },
] as const

export type InvoicePreset = (typeof INVOICE_PRESETS)[number]['key']

/** First and last UTC day, both included ("YYYY-MM-DD"), as the reconcile API's `from` and `to`. */
export interface InvoiceDays {
  first: string
  last: string
}

/** A preset, or a custom first and last UTC day. */
export type InvoicePeriod = InvoicePreset | InvoiceDays

export const DEFAULT_INVOICE_PERIOD: InvoicePeriod = 'mtd'

const CUSTOM = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/

/** Reads `period=mtd` or `period=2026-11-01..2026-11-30`; anything else is the default. */
export function readInvoicePeriod(value: string | null): InvoicePeriod {
  if (value === null) return DEFAULT_INVOICE_PERIOD
  const preset = INVOICE_PRESETS.find((entry) => entry.key === value)
  if (preset) return preset.key
  const match = CUSTOM.exec(value)
  const [first, last] = [match?.[1], match?.[2]]
  if (!first || !last || !parseDateLabel(first) || !parseDateLabel(last) || last < first)
    return DEFAULT_INVOICE_PERIOD
  return { first, last }
}

/** The URL value of a period (the inverse of {@link readInvoicePeriod}). */
export function writeInvoicePeriod(period: InvoicePeriod): string {
  return typeof period === 'string' ? period : `${period.first}..${period.last}`
}

/** The UTC days a period covers at `now`: presets end today (month to date, the last N days). */
export function invoiceDays(period: InvoicePeriod, now: Date): InvoiceDays {
  if (typeof period !== 'string') return period
  const today = dateLabel(now, 'UTC')
  const monthStart = `${today.slice(0, 7)}-01`
  switch (period) {
    case 'mtd':
      return { first: monthStart, last: today }
    case 'last-month': {
      const last = addDays(monthStart, -1)
      return { first: `${last.slice(0, 7)}-01`, last }
    }
    case '30d':
      return { first: addDays(today, -29), last: today }
    case '90d':
      return { first: addDays(today, -89), last: today }
  }
}
