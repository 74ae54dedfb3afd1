// Words for the time range and the comparison period, as the caption under the controls says them.

import type { PreviousPeriod, Span } from './time-range'
import { addDays, dateLabel } from './zoned-time'

const short = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' })
const long = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
})
const withWeekday = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
})

const asUtc = (label: string) => Date.parse(`${label}T00:00:00Z`)

/** "Oct 24 – Nov 22, 2026", or "Sun, Nov 22, 2026" for one day (local days of the zone). */
export function describeSpan(span: Span, timeZone: string): string {
  const first = dateLabel(span.from, timeZone)
  const last = addDays(dateLabel(span.to, timeZone), -1)
  if (first >= last) return withWeekday.format(asUtc(first))
  const sameYear = first.slice(0, 4) === last.slice(0, 4)
  return `${(sameYear ? short : long).format(asUtc(first))} – ${long.format(asUtc(last))}`
}

/**
 * "vs previous 30 days, same elapsed time"; `short` leaves out how a running period is cut (the
 * caption says it once, the stat cards do not repeat it).
 */
export function describeComparison(previous: PreviousPeriod | undefined, short = false): string | undefined {
  if (!previous) return undefined
  if (previous.days === 1)
    return previous.partial ? (short ? 'vs yesterday' : 'vs yesterday, same time') : 'vs the day before'
  return `vs previous ${previous.days} days${previous.partial && !short ? ', same elapsed time' : ''}`
}

const dayFormats = new Map<string, Intl.DateTimeFormat>()
const hourFormats = new Map<string, Intl.DateTimeFormat>()

function cachedFormat(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  let format = cache.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, ...options })
    cache.set(timeZone, format)
  }
  return format
}

/**
 * Hours from `start` to `end` (exclusive) in the zone: "Dec 1, 13:00 – 16:00" within a day,
 * "Dec 1, 22:00 – 24:00" up to its midnight, "Nov 30, 22:00 – Dec 1, 03:00" across days.
 */
export function describeWindow(start: Date, end: Date, timeZone: string): string {
  const day = cachedFormat(dayFormats, timeZone, { month: 'short', day: 'numeric' })
  const hour = cachedFormat(hourFormats, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const from = `${day.format(start)}, ${hour.format(start)}`
  const lastDay = dateLabel(new Date(Math.max(start.getTime(), end.getTime() - 1)), timeZone)
  if (lastDay !== dateLabel(start, timeZone)) return `${from} – ${day.format(end)}, ${hour.format(end)}`
  const until = dateLabel(end, timeZone) === lastDay ? hour.format(end) : '24:00'
  return `${from} – ${until}`
}
