// Month-to-date spend and where it is heading: what has been spent this month, plus the recent
// daily run rate carried to the end of the month. A run rate over the last seven days, rather
// than the month's average, keeps the first days of a month from projecting from a single day,
// and follows a change of pace (a new customer, a model migration) within a week.

import { addDays, dateLabel, startOfDateLabel } from './zoned-time'

export interface MonthWindow {
  /** Local midnight of the 1st. */
  start: Date
  /** Local midnight of the next month's 1st. */
  end: Date
  /** "YYYY-MM" */
  month: string
  /** The previous month, for "last month". */
  previousStart: Date
}

export function monthWindow(now: Date, timeZone: string): MonthWindow {
  const today = dateLabel(now, timeZone)
  const [year, month] = today.split('-').map(Number) as [number, number]
  const label = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`
  const next = month === 12 ? label(year + 1, 1) : label(year, month + 1)
  const previous = month === 1 ? label(year - 1, 12) : label(year, month - 1)
  return {
    start: startOfDateLabel(`${label(year, month)}-01`, timeZone),
    end: startOfDateLabel(`${next}-01`, timeZone),
    month: label(year, month),
    previousStart: startOfDateLabel(`${previous}-01`, timeZone),
  }
}

/** Days the run rate is measured over. */
export const RUN_RATE_DAYS = 7

/**
 * The window the run rate is measured over: the last seven days up to `now`, or less when the
 * first event is more recent (a new installation has no earlier spend to average).
 */
export function runRateWindow(now: Date, firstEvent: Date | undefined): { from: Date; to: Date } {
  const weekAgo = now.getTime() - RUN_RATE_DAYS * 86_400_000
  const from = firstEvent && firstEvent.getTime() > weekAgo ? firstEvent.getTime() : weekAgo
  return { from: new Date(Math.min(from, now.getTime())), to: now }
}

export interface ProjectionInput {
  monthToDate: number
  /** Cost within the run-rate window. */
  runRateCost: number
  runRateWindow: { from: Date; to: Date }
  now: Date
  monthEnd: Date
}

/** Month-to-date plus the run rate over the time left in the month. */
export function projectMonthEnd(input: ProjectionInput): number {
  const windowMs = input.runRateWindow.to.getTime() - input.runRateWindow.from.getTime()
  const remainingMs = Math.max(0, input.monthEnd.getTime() - input.now.getTime())
  if (windowMs <= 0) return input.monthToDate
  return input.monthToDate + (input.runRateCost / windowMs) * remainingMs
}

/** Running totals of daily costs: the month-to-date line. Unknown days add nothing. */
export function cumulative(values: readonly (number | null)[]): number[] {
  const result: number[] = []
  let nanos = 0
  for (const value of values) {
    nanos += Math.round((value ?? 0) * 1e9)
    result.push(nanos / 1e9)
  }
  return result
}

/** The month's days ("YYYY-MM-DD"), for the month-to-date chart. */
export function monthDays(window: MonthWindow, timeZone: string): string[] {
  const days: string[] = []
  for (let day = `${window.month}-01`; startOfDateLabel(day, timeZone) < window.end; day = addDays(day, 1)) {
    days.push(day)
  }
  return days
}
