import { localParts, startOfLocalDay } from '../budgets/budget-period.js'
import { ReportRequestError } from './report-request.js'

/** The named periods of `spendlens report --period` (besides `FROM..TO`). */
export const REPORT_PERIODS = [
  'last-month',
  'this-month',
  'last-week',
  'this-week',
  'yesterday',
  'today',
  'last-7-days',
  'last-30-days',
] as const
export type ReportPeriodName = (typeof REPORT_PERIODS)[number]

/** A time range [from, to) in epoch milliseconds. */
export interface TimeRange {
  from: number
  to: number
}

/** A report's period, and the one it is compared with. */
export interface ReportPeriod extends TimeRange {
  /** The name as given (`last-month`, `2026-11-01..2026-11-15`). */
  name: string
  previous: TimeRange
}

/** The longest `FROM..TO` a report covers, in days. */
const MAX_DAYS = 3 * 366
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * The period `spec` names, in `timeZone`, as of `now`, and the previous period it is compared
 * with. Calendar periods are cut at local midnight (a day across a DST change is 23 or 25 hours),
 * weeks start on Monday (as the query model's week buckets):
 * - `last-month`, `last-week`, `yesterday`: the whole calendar unit before the current one,
 *   against the unit before it (a month against the month before, whatever their days);
 * - `this-month`, `this-week`, `today`: from the unit's start to `now`, against as long a time from
 *   the previous unit's start (never past the current unit's start);
 * - `last-7-days`, `last-30-days`: that many whole local days before today, against as many before them;
 * - `FROM..TO` (`YYYY-MM-DD..YYYY-MM-DD`): the local days FROM to TO, both included, against as
 *   many days before FROM.
 */
export function reportPeriod(spec: string, timeZone: string, now: number): ReportPeriod {
  const local = localParts(now, timeZone)
  const day = (offset: number) => startOfLocalDay(local.year, local.month, local.day + offset, timeZone)
  const monday = (weeks: number) => day(-(local.weekday - 1) + 7 * weeks)
  const month = (offset: number) => startOfLocalDay(local.year, local.month + offset, 1, timeZone)
  const whole = (from: number, to: number, previousFrom: number) => ({
    name: spec,
    from,
    to,
    previous: { from: previousFrom, to: from },
  })
  const toDate = (from: number, previousFrom: number) => ({
    name: spec,
    from,
    to: now,
    previous: { from: previousFrom, to: Math.min(previousFrom + (now - from), from) },
  })
  switch (spec) {
    case 'last-month':
      return whole(month(-1), month(0), month(-2))
    case 'this-month':
      return toDate(month(0), month(-1))
    case 'last-week':
      return whole(monday(-1), monday(0), monday(-2))
    case 'this-week':
      return toDate(monday(0), monday(-1))
    case 'yesterday':
      return whole(day(-1), day(0), day(-2))
    case 'today':
      return toDate(day(0), day(-1))
    case 'last-7-days':
      return whole(day(-7), day(0), day(-14))
    case 'last-30-days':
      return whole(day(-30), day(0), day(-60))
  }
  return dateRange(spec, timeZone)
}

/** `FROM..TO`: the local days FROM to TO, both included, against as many days before FROM. */
function dateRange(spec: string, timeZone: string): ReportPeriod {
  const [first, last, ...rest] = spec.split('..')
  if (first === undefined || last === undefined || rest.length > 0)
    throw new ReportRequestError(
      `period ${JSON.stringify(spec)}: expected one of ${REPORT_PERIODS.join(', ')}, or FROM..TO as YYYY-MM-DD..YYYY-MM-DD`,
    )
  const start = localDate(first, spec)
  const end = localDate(last, spec)
  const days =
    Math.round(
      (Date.UTC(end.year, end.month - 1, end.day) - Date.UTC(start.year, start.month - 1, start.day)) /
        86_400_000,
    ) + 1
  if (days < 1) throw new ReportRequestError(`period ${spec}: ${first} is after ${last}`)
  if (days > MAX_DAYS) throw new ReportRequestError(`period ${spec}: at most ${MAX_DAYS} days at a time`)
  const from = startOfLocalDay(start.year, start.month, start.day, timeZone)
  return {
    name: spec,
    from,
    to: startOfLocalDay(end.year, end.month, end.day + 1, timeZone),
    previous: { from: startOfLocalDay(start.year, start.month, start.day - days, timeZone), to: from },
  }
}

function localDate(text: string, spec: string) {
  const match = DATE.exec(text)
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0]
  const normal = new Date(Date.UTC(year, month - 1, day))
  if (!match || normal.getUTCMonth() !== month - 1 || normal.getUTCDate() !== day)
    throw new ReportRequestError(`period ${spec}: ${JSON.stringify(text)} is not a date as YYYY-MM-DD`)
  return { year, month, day }
}
