import { dateTimeFormat } from './zoned-time'

// Display formatting for money, counts and durations. Pure functions, fixed to en-US so a figure
// reads the same on every machine (and in tests).

const PLACEHOLDER = '—'

// Below this a cost is shown as "<$0.000001" instead of a row of zeros.
const SMALLEST_SHOWN_USD = 0.000001

const usdCents = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
})

const usdCompact = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
})

const countCompact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })
const countWhole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** Fraction digits that keep two significant digits of an amount below $1 (0.00013 → 5). */
function fractionDigitsFor(absoluteValue: number): number {
  return Math.max(2, Math.ceil(-Math.log10(absoluteValue)) + 1)
}

function formatSubDollar(value: number, minimumFractionDigits: number): string {
  const absoluteValue = Math.abs(value)
  if (absoluteValue < SMALLEST_SHOWN_USD)
    return value < 0 ? `-<$${SMALLEST_SHOWN_USD.toFixed(6)}` : `<$${SMALLEST_SHOWN_USD.toFixed(6)}`
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits,
    maximumFractionDigits: fractionDigitsFor(absoluteValue),
  }).format(value)
}

/**
 * Dollars for cards, tooltips and tables: cents from $1 up ("$1,234.57"), and two significant digits
 * below $1 so a cheap call never reads as free ("$0.00013", "$0.012", "$0.50").
 * `null` (cost unknown) and non-numbers show as "—".
 *
 * @example formatUsd(1234.567) // "$1,234.57"
 */
export function formatUsd(value: number | null | undefined): string {
  if (!isNumber(value)) return PLACEHOLDER
  if (value === 0) return '$0.00'
  if (Math.abs(value) >= 1) return usdCents.format(value)
  return formatSubDollar(value, 2)
}

/** Short dollars for chart axes: "$1.2K", "$20", "$1.5", "$0.5", "$0.0002". */
export function formatUsdShort(value: number | null | undefined): string {
  if (!isNumber(value)) return PLACEHOLDER
  if (value === 0) return '$0'
  const absoluteValue = Math.abs(value)
  if (absoluteValue >= 1000) return usdCompact.format(value)
  if (absoluteValue >= 1) {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: 'USD',
      minimumFractionDigits: 0,
      maximumFractionDigits: 2,
    }).format(value)
  }
  return formatSubDollar(value, 0)
}

/** Counts such as tokens: exact below 1,000 ("850"), compact above ("1.2K", "1.2M", "3.4B"). */
export function formatCompact(value: number | null | undefined): string {
  if (!isNumber(value)) return PLACEHOLDER
  if (Math.abs(value) < 1000) return countWhole.format(value)
  return countCompact.format(value)
}

/** Whole numbers with thousands separators: "61,234". */
export function formatInteger(value: number | null | undefined): string {
  if (!isNumber(value)) return PLACEHOLDER
  return countWhole.format(value)
}

/** Latency: "850 ms" below a second, "1.9 s" below a minute, "2.5 min" above. */
export function formatLatency(milliseconds: number | null | undefined): string {
  if (!isNumber(milliseconds)) return PLACEHOLDER
  const wholeMilliseconds = Math.round(milliseconds)
  if (Math.abs(wholeMilliseconds) < 1000) return `${wholeMilliseconds} ms`
  const seconds = Math.round(milliseconds / 100) / 10
  if (Math.abs(seconds) < 60) return `${seconds.toFixed(1)} s`
  return `${(Math.round(milliseconds / 6000) / 10).toFixed(1)} min`
}

const dayShort = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' })
const dayLong = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
})

/**
 * A calendar date label ("2026-11-03", as the server's day buckets are named) for display:
 * "Nov 3", or "Tue, Nov 3, 2026" with `long`. The label is already a local date, so it is
 * formatted as UTC to keep it from shifting by a day.
 */
export function formatDayLabel(label: string, style: 'short' | 'long' = 'short'): string {
  const time = Date.parse(`${label}T00:00:00Z`)
  if (Number.isNaN(time)) return label
  return (style === 'long' ? dayLong : dayShort).format(time)
}

/** A share of a whole as a percentage: "34%", "0.4%", "<0.1%". */
export function formatShare(part: number, whole: number): string {
  if (!(whole > 0) || !Number.isFinite(part)) return PLACEHOLDER
  const percent = (part / whole) * 100
  if (percent === 0) return '0%'
  if (percent < 0.1) return '<0.1%'
  return `${percent < 10 ? percent.toFixed(1).replace(/\.0$/, '') : Math.round(percent)}%`
}

/**
 * One call's cost to the nano-dollar the store keeps, trailing zeros cut but never below 8 places:
 * "$0.00012345", "$0.000000120", "$1.23400000". Per-call costs are compared side by side, so they
 * get the same number of places.
 */
export function formatUsdPrecise(value: number | null | undefined): string {
  if (!isNumber(value)) return PLACEHOLDER
  const nineDigits = Math.abs(value).toFixed(9)
  const trimmed = nineDigits.endsWith('0') ? nineDigits.slice(0, -1) : nineDigits
  const [whole = '0', fraction = ''] = trimmed.split('.')
  const grouped = countWhole.format(Number(whole))
  return `${value < 0 ? '-' : ''}$${grouped}.${fraction}`
}

/** A rate (0–1) as a percentage: "12%", "1.2%", "0.05%", "<0.01%", "0%". */
export function formatPercent(rate: number | null | undefined): string {
  if (!isNumber(rate)) return PLACEHOLDER
  const percent = rate * 100
  if (percent === 0) return '0%'
  const absolute = Math.abs(percent)
  if (absolute < 0.01) return '<0.01%'
  if (absolute < 1) return `${percent.toFixed(2).replace(/0$/, '')}%`
  if (absolute < 10) return `${percent.toFixed(1).replace(/\.0$/, '')}%`
  return `${Math.round(percent)}%`
}

/**
 * How much of an invoice the tracked cost explains (tracked ÷ invoiced), always to a tenth of a
 * percent as the reconciliation's summary says it: "97.1%", "100.0%", "112.4%". null: nothing was
 * invoiced.
 */
export function formatCoverage(coverage: number | null | undefined): string {
  if (!isNumber(coverage)) return PLACEHOLDER
  return `${(coverage * 100).toFixed(1)}%`
}

/** A relative change (0.12 = +12%) with its sign: "+12%", "−3.4%", "0%". */
export function formatChange(change: number): string {
  if (!Number.isFinite(change)) return PLACEHOLDER
  const percent = change * 100
  const absolute = Math.abs(percent)
  if (absolute < 0.05) return '0%'
  const digits =
    absolute < 10 ? absolute.toFixed(1).replace(/\.0$/, '') : countWhole.format(Math.round(absolute))
  return `${percent > 0 ? '+' : '−'}${digits}%`
}

/** Latency colour bands: good below 1.5 s, slow up to 3 s, bad above. */
export type LatencyBand = 'good' | 'slow' | 'bad'

export const LATENCY_BANDS = { slowFromMs: 1500, badAboveMs: 3000 } as const

export function latencyBand(milliseconds: number | null | undefined): LatencyBand | undefined {
  if (!isNumber(milliseconds)) return undefined
  if (milliseconds < LATENCY_BANDS.slowFromMs) return 'good'
  if (milliseconds <= LATENCY_BANDS.badAboveMs) return 'slow'
  return 'bad'
}

/** Words for a band, so it never depends on colour alone. */
export const LATENCY_BAND_LABEL: Record<LatencyBand, string> = {
  good: 'fast (under 1.5 s)',
  slow: 'slow (1.5–3 s)',
  bad: 'very slow (over 3 s)',
}

/** A moment in a time zone: "Nov 3, 14:05:09". */
export function formatTimestamp(iso: string, timeZone: string): string {
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return iso
  return timestampFormat(timeZone).format(time)
}

const timestampFormats = new Map<string, Intl.DateTimeFormat>()
function timestampFormat(timeZone: string): Intl.DateTimeFormat {
  let format = timestampFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    timestampFormats.set(timeZone, format)
  }
  return format
}

/** A moment to the minute in a time zone, with its weekday: "Tue, Dec 23, 14:00". */
export function formatMoment(time: number | string, timeZone: string): string {
  const instant = typeof time === 'string' ? Date.parse(time) : time
  if (Number.isNaN(instant)) return String(time)
  return dateTimeFormat(timeZone, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant)
}
