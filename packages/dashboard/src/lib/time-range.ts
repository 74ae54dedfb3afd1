// Time ranges are whole calendar days in the selected time zone: "7 days" is today and the six days
// before it, from local midnight to the next local midnight. Whole days keep the first and last
// bars of a daily chart complete and keep the range (and so the query) stable for the whole day.

import { addDays, dateLabel, daysBetween, parseDateLabel, startOfDateLabel } from './zoned-time'

export const PRESETS = [
  { key: 'today', label: 'Today', days: 1 },
  { key: '7d', label: '7 days', days: 7 },
  { key: '30d', label: '30 days', days: 30 },
  { key: '90d', label: '90 days', days: 90 },
  { key: 'all', label: 'All', days: undefined },
] as const

export type Preset = (typeof PRESETS)[number]['key'] | 'custom'

export interface TimeRange {
  /** Inclusive start; undefined: since the first event. */
  from?: Date
  /** Exclusive end; undefined: up to the last event. */
  to?: Date
}

/** A range with both ends known. */
export interface Span {
  from: Date
  to: Date
}

/** The range a preset covers at `now`, in whole days of `timeZone`. */
export function presetRange(
  preset: Exclude<Preset, 'custom'>,
  timeZone: string,
  now = new Date(),
): TimeRange {
  const days = PRESETS.find((entry) => entry.key === preset)?.days
  if (days === undefined) return {}
  const today = dateLabel(now, timeZone)
  return {
    from: startOfDateLabel(addDays(today, -(days - 1)), timeZone),
    to: startOfDateLabel(addDays(today, 1), timeZone),
  }
}

/**
 * A custom range from the first to the last day, both included ("YYYY-MM-DD" in `timeZone`).
 * Undefined when a date is missing or invalid, or the last day is before the first.
 */
export function customRange(first: string | undefined, last: string | undefined, timeZone: string) {
  if (!first || !last || !parseDateLabel(first) || !parseDateLabel(last)) return undefined
  if (daysBetween(first, last) < 0) return undefined
  return { from: startOfDateLabel(first, timeZone), to: startOfDateLabel(addDays(last, 1), timeZone) }
}

/** Whole local days a bounded range covers. */
export function spanDays(span: Span, timeZone: string): number {
  return Math.max(1, daysBetween(dateLabel(span.from, timeZone), dateLabel(span.to, timeZone)))
}

/**
 * The span an unbounded range ("All") stands for on a time axis: the local days from the first to
 * the last stored event. A bounded range is its own span.
 */
export function rangeSpan(
  range: TimeRange,
  timeZone: string,
  stored: { first_ts: string | null; last_ts: string | null } | undefined,
): Span | undefined {
  if (range.from && range.to) return { from: range.from, to: range.to }
  const first = range.from ?? (stored?.first_ts ? new Date(stored.first_ts) : undefined)
  const last = range.to
    ? new Date(range.to.getTime() - 1)
    : stored?.last_ts
      ? new Date(stored.last_ts)
      : undefined
  if (!first || !last) return undefined
  return {
    from: startOfDateLabel(dateLabel(first, timeZone), timeZone),
    to: startOfDateLabel(addDays(dateLabel(last, timeZone), 1), timeZone),
  }
}

/** The period a range is compared with, and how. */
export interface PreviousPeriod extends Span {
  /** The current range is still running: both periods are cut at the same elapsed time. */
  partial: boolean
  days: number
}

/**
 * The period of equal length just before a bounded range: the same number of local days, ending
 * where the range starts. While the range is still running (it ends after `now`), only the time
 * elapsed so far is compared: today until 14:00 against yesterday until 14:00, not a whole day.
 * Undefined for an unbounded range.
 */
export function previousPeriod(
  range: TimeRange,
  timeZone: string,
  now = new Date(),
): PreviousPeriod | undefined {
  if (!range.from || !range.to) return undefined
  const firstDay = dateLabel(range.from, timeZone)
  const days = spanDays({ from: range.from, to: range.to }, timeZone)
  const from = startOfDateLabel(addDays(firstDay, -days), timeZone)
  if (range.to.getTime() <= now.getTime()) return { from, to: range.from, partial: false, days }
  if (now.getTime() <= range.from.getTime()) return undefined
  const elapsed = now.getTime() - range.from.getTime()
  return { from, to: new Date(Math.min(from.getTime() + elapsed, range.from.getTime())), partial: true, days }
}
