// Calendar arithmetic in an IANA time zone, on top of Intl (which carries the tz database): the
// dashboard's days, weeks, months and hours are the selected zone's, not the browser's.

/** The wall-clock reading of an instant in a time zone. */
export interface ZonedParts {
  year: number
  /** 1–12 */
  month: number
  day: number
  hour: number
  minute: number
  second: number
  /** 0 = Sunday … 6 = Saturday */
  weekday: number
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const partFormatters = new Map<string, Intl.DateTimeFormat>()

function partFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partFormatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    })
    partFormatters.set(timeZone, formatter)
  }
  return formatter
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    partFormatter(timeZone)
    return true
  } catch {
    return false
  }
}

export function zonedParts(date: Date, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {}
  for (const part of partFormatter(timeZone).formatToParts(date)) parts[part.type] = part.value
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? 'Sun'),
  }
}

/** How far the zone's wall clock is ahead of UTC at `date`, in milliseconds. */
export function timeZoneOffset(date: Date, timeZone: string): number {
  const parts = zonedParts(date, timeZone)
  const wallClock = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second)
  const wholeSeconds = Math.floor(date.getTime() / 1000) * 1000
  return wallClock - wholeSeconds
}

/**
 * The instant at which the zone's wall clock reads this local time. Month and day may overflow
 * (day 0, day 32), as with Date.UTC. A time skipped by a daylight-saving jump lands just after it.
 */
export function zonedTime(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
): Date {
  const wallClock = Date.UTC(year, month - 1, day, hour, minute)
  const firstOffset = timeZoneOffset(new Date(wallClock), timeZone)
  let instant = wallClock - firstOffset
  const secondOffset = timeZoneOffset(new Date(instant), timeZone)
  if (secondOffset !== firstOffset) instant = wallClock - secondOffset
  return new Date(instant)
}

const pad = (value: number, length = 2) => String(value).padStart(length, '0')

/** A local calendar date as "YYYY-MM-DD" (the shape of the server's day labels). */
export function dateLabel(date: Date, timeZone: string): string {
  const parts = zonedParts(date, timeZone)
  return `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`
}

/** Parses "YYYY-MM-DD"; undefined unless it is a real calendar date. */
export function parseDateLabel(label: string): { year: number; month: number; day: number } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(label)
  if (!match) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const check = new Date(Date.UTC(year, month - 1, day))
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined
  return { year, month, day }
}

/** Local midnight starting a "YYYY-MM-DD" day in the zone. */
export function startOfDateLabel(label: string, timeZone: string): Date {
  const parsed = parseDateLabel(label)
  if (!parsed) throw new Error(`not a calendar date: ${label}`)
  return zonedTime(timeZone, parsed.year, parsed.month, parsed.day)
}

/** Calendar arithmetic on labels: no time zone, every step exactly one day. */
export function addDays(label: string, days: number): string {
  const parsed = parseDateLabel(label)
  if (!parsed) return label
  return new Date(Date.UTC(parsed.year, parsed.month - 1, parsed.day + days)).toISOString().slice(0, 10)
}

/** Whole days from one label to another (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/** 0 = Sunday … 6 = Saturday, for a "YYYY-MM-DD" label. */
export function weekdayOfLabel(label: string): number {
  return new Date(`${label}T00:00:00Z`).getUTCDay()
}

/** The Monday on or before a label (weeks start on Monday, as the server cuts them). */
export function mondayOf(label: string): string {
  return addDays(label, -((weekdayOfLabel(label) + 6) % 7))
}

/** Every label from `first` to `last` inclusive. */
export function dateLabelsBetween(first: string, last: string): string[] {
  const labels: string[] = []
  const count = daysBetween(first, last)
  if (!parseDateLabel(first) || !parseDateLabel(last) || count < 0) return labels
  for (let index = 0; index <= count; index++) labels.push(addDays(first, index))
  return labels
}

/** The browser's IANA time zone (UTC when the runtime cannot tell). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** Every IANA zone the runtime knows, UTC first. */
export function knownTimeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return ['UTC', ...zones.filter((zone) => zone !== 'UTC')]
}

const formats = new Map<string, Intl.DateTimeFormat>()
/** An en-US date-time format in a time zone, made once per zone and options (they are costly to make). */
export function dateTimeFormat(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`
  let cached = formats.get(key)
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', { timeZone, ...options })
    formats.set(key, cached)
  }
  return cached
}
