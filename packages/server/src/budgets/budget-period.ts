import type { BudgetPeriod } from '../api/api-types.js'

/** A budget's period: [start, end) in epoch milliseconds. */
export interface PeriodWindow {
  start: number
  end: number
}

/** A local date and time in a zone; `weekday` 1 (Monday) to 7 (Sunday). */
export interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  weekday: number
}

const formats = new Map<string, Intl.DateTimeFormat>()
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }
const QUARTER_HOUR = 15 * 60_000

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    })
    formats.set(timeZone, format)
  }
  return format
}

/** The wall clock in `timeZone` at `instant`. */
export function localParts(instant: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {}
  for (const part of formatFor(timeZone).formatToParts(instant)) parts[part.type] = part.value
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 1,
  }
}

const dateKey = (parts: LocalParts) => parts.year * 10_000 + parts.month * 100 + parts.day

/**
 * The first instant of a local date in `timeZone`: usually local midnight; where a zone skips
 * midnight (a DST change at 00:00), the moment the day begins. Found from the zone's offset at a
 * guess, then walked in quarter hours, the step every offset change in the tz database falls on.
 */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  // Date.UTC normalizes day 32, month 13, day 0 and the like into real dates.
  const wall = Date.UTC(year, month - 1, day)
  const normal = new Date(wall)
  const target = normal.getUTCFullYear() * 10_000 + (normal.getUTCMonth() + 1) * 100 + normal.getUTCDate()
  let instant = wall
  for (let pass = 0; pass < 2; pass++) {
    const local = localParts(instant, timeZone)
    const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute)
    instant = wall - (asUtc - Math.floor(instant / 60_000) * 60_000)
  }
  while (dateKey(localParts(instant, timeZone)) < target) instant += QUARTER_HOUR
  while (dateKey(localParts(instant - QUARTER_HOUR, timeZone)) >= target) instant -= QUARTER_HOUR
  return instant
}

/**
 * The calendar period of `period` in `timeZone` that holds `now`: a local day (midnight to
 * midnight, 23 or 25 hours across a DST change), a week from Monday (as the query model's week
 * buckets), or a month from its first day.
 */
export function budgetPeriod(period: BudgetPeriod, timeZone: string, now: number): PeriodWindow {
  const local = localParts(now, timeZone)
  switch (period) {
    case 'day':
      return {
        start: startOfLocalDay(local.year, local.month, local.day, timeZone),
        end: startOfLocalDay(local.year, local.month, local.day + 1, timeZone),
      }
    case 'week': {
      const monday = local.day - (local.weekday - 1)
      return {
        start: startOfLocalDay(local.year, local.month, monday, timeZone),
        end: startOfLocalDay(local.year, local.month, monday + 7, timeZone),
      }
    }
    case 'month':
      return {
        start: startOfLocalDay(local.year, local.month, 1, timeZone),
        end: startOfLocalDay(local.year, local.month + 1, 1, timeZone),
      }
  }
}
