// Time presets are calendar days in the browser's time zone: "7 days" is today and the six days
// before it, from local midnight to the next local midnight. Whole days keep the daily chart's
// first and last bars complete and make the range stable for the whole day.

import type { Preset } from './view-state'

export interface TimeRange {
  /** Inclusive start; undefined means "since the first event". */
  from?: Date
  /** Exclusive end; undefined means "up to the last event". */
  to?: Date
}

const DAYS_IN_PRESET: Record<Exclude<Preset, 'all'>, number> = { today: 1, '7d': 7, '30d': 30 }

/** The range a preset covers at `now`, in the local time zone of the process. */
export function presetRange(preset: Preset, now: Date = new Date()): TimeRange {
  if (preset === 'all') return {}
  const days = DAYS_IN_PRESET[preset]
  // The Date constructor normalises day overflow and honours daylight-saving changes, so these are
  // real local midnights even on 23- and 25-hour days.
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1))
  const to = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1)
  return { from, to }
}

/** The browser's IANA time zone, e.g. "Europe/Berlin" (UTC when the runtime cannot tell). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** A Date's local calendar date as "YYYY-MM-DD", the shape of the server's day labels. */
export function localDateLabel(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0')
  const day = String(date.getDate()).padStart(2, '0')
  return `${date.getFullYear()}-${month}-${day}`
}

/** Every calendar date from `first` to `last` inclusive ("YYYY-MM-DD" labels). */
export function dayLabels(first: string, last: string): string[] {
  const labels: string[] = []
  const start = Date.parse(`${first}T00:00:00Z`)
  const end = Date.parse(`${last}T00:00:00Z`)
  if (Number.isNaN(start) || Number.isNaN(end)) return labels
  // Calendar arithmetic on UTC midnights: no time zone, so every step is exactly one day.
  for (let time = start; time <= end; time += 86_400_000) {
    labels.push(new Date(time).toISOString().slice(0, 10))
  }
  return labels
}

/**
 * The server returns only days that have events; a chart needs the empty days too. Fills the range
 * (or, without bounds, the span between the first and the last point) with zero-cost days.
 */
export function fillDays<Point extends { label: string; cost_usd: number | null }>(
  points: readonly Point[],
  range: TimeRange,
): { label: string; cost_usd: number | null; point?: Point }[] {
  const byLabel = new Map(points.map((point) => [point.label, point]))
  const first = range.from ? localDateLabel(range.from) : points[0]?.label
  const last = range.to ? localDateLabel(new Date(range.to.getTime() - 1)) : points.at(-1)?.label
  if (!first || !last) return []
  return dayLabels(first, last).map((label) => {
    const point = byLabel.get(label)
    return point ? { label, cost_usd: point.cost_usd, point } : { label, cost_usd: 0 }
  })
}
