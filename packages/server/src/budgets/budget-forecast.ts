import type { BudgetForecast } from '../api/api-types.js'
import { localParts } from './budget-period.js'
import { HOUR_MS } from './budget-spend.js'

/** The weeks of hourly history a forecast reads: enough for a weekly rhythm, short enough to be recent. */
export const FORECAST_HISTORY_WEEKS = 4
const HOURS_PER_WEEK = 168

/**
 * How spend goes on from now, hour by hour: `rate(hourStart)` in nano-dollars per hour.
 *
 * - `weekly_rhythm` (a week or more of history): the mean spend of each hour of the week (in the
 *   budget's zone, so that 9:00 is 9:00 across a DST change) over the whole weeks of the last four,
 *   scaled by the recent level: the last seven days' spend against what the profile gives for them.
 *   So a product that doubled last week is expected at double, in its usual daily and weekly shape.
 * - `flat_rate` (less than a week): the mean hourly spend since its first spend.
 * - `no_history`: nothing spent before this hour; nothing more is expected.
 */
export interface RateModel {
  method: BudgetForecast['method']
  rate(hourStart: number): number
}

/** Where the history a rate model reads ends (exclusive): the start of the hour holding `now`. */
export const currentHour = (now: number) => Math.floor(now / HOUR_MS) * HOUR_MS

/** The hour of the week in the zone (0: Monday 00:00–01:00 … 167), cached per zone and hour. */
const hourOfWeekCache = new Map<string, Map<number, number>>()
export function hourOfWeek(hourStart: number, timeZone: string): number {
  let cache = hourOfWeekCache.get(timeZone)
  if (!cache) {
    cache = new Map()
    hourOfWeekCache.set(timeZone, cache)
  }
  let value = cache.get(hourStart)
  if (value === undefined) {
    const local = localParts(hourStart, timeZone)
    value = (local.weekday - 1) * 24 + local.hour
    if (cache.size > 50_000) cache.clear()
    cache.set(hourStart, value)
  }
  return value
}

/** A rate model from `history`: hourly spend (nano-dollars) of the whole hours before `end`, oldest first. */
export function rateModel(history: Float64Array, end: number, timeZone: string): RateModel {
  const start = end - history.length * HOUR_MS
  const first = history.findIndex((nanos) => nanos > 0)
  if (first < 0) return { method: 'no_history', rate: () => 0 }
  const available = history.length - first
  if (available < HOURS_PER_WEEK) {
    let total = 0
    for (let index = first; index < history.length; index++) total += history[index] ?? 0
    const hourly = total / available
    return { method: 'flat_rate', rate: () => hourly }
  }
  const weeks = Math.min(FORECAST_HISTORY_WEEKS, Math.floor(available / HOURS_PER_WEEK))
  const from = history.length - weeks * HOURS_PER_WEEK
  const sums = new Float64Array(HOURS_PER_WEEK)
  const counts = new Float64Array(HOURS_PER_WEEK)
  let total = 0
  for (let index = from; index < history.length; index++) {
    const slot = hourOfWeek(start + index * HOUR_MS, timeZone)
    sums[slot] = (sums[slot] ?? 0) + (history[index] ?? 0)
    counts[slot] = (counts[slot] ?? 0) + 1
    total += history[index] ?? 0
  }
  // An hour of the week the weeks never had (skipped by a DST change) takes the mean hour.
  const meanHour = total / (history.length - from)
  const profile = sums.map((sum, slot) =>
    (counts[slot] ?? 0) > 0 ? sum / (counts[slot] as number) : meanHour,
  )
  let lastWeek = 0
  let expected = 0
  for (let index = history.length - HOURS_PER_WEEK; index < history.length; index++) {
    lastWeek += history[index] ?? 0
    expected += profile[hourOfWeek(start + index * HOUR_MS, timeZone)] ?? 0
  }
  const level = expected > 0 ? lastWeek / expected : 1
  return {
    method: 'weekly_rhythm',
    rate: (hourStart) => level * (profile[hourOfWeek(hourStart, timeZone)] ?? 0),
  }
}

export interface Projection {
  /** Spent plus what the rate adds by the period's end, nano-dollars. */
  endOfPeriodNanos: number
  /** When spend reaches the amount at this rate; null when not before the end, or already reached. */
  runsOutAt: number | null
}

/** Runs the rate from `now` to `end` on top of `spentNanos`, noting when `amountNanos` is reached. */
export function project(
  model: RateModel,
  now: number,
  end: number,
  spentNanos: number,
  amountNanos: number,
): Projection {
  let total = spentNanos
  let runsOutAt: number | null = null
  for (let hour = currentHour(now); hour < end; hour += HOUR_MS) {
    const segmentStart = Math.max(hour, now)
    const segmentEnd = Math.min(hour + HOUR_MS, end)
    if (segmentEnd <= segmentStart) continue
    const perMs = model.rate(hour) / HOUR_MS
    const added = perMs * (segmentEnd - segmentStart)
    if (runsOutAt === null && total < amountNanos && total + added >= amountNanos && perMs > 0)
      runsOutAt = Math.round(segmentStart + (amountNanos - total) / perMs)
    total += added
  }
  return { endOfPeriodNanos: Math.round(total), runsOutAt }
}

const ORDINAL_SUFFIX = (day: number) =>
  day % 100 >= 11 && day % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][day % 10] ?? 'th')
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

/** `Tuesday the 23rd around 14:00 (Europe/Paris)`. */
export function describeMoment(instant: number, timeZone: string): string {
  const local = localParts(instant, timeZone)
  const time = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`
  return `${WEEKDAY_NAMES[local.weekday - 1]} the ${local.day}${ORDINAL_SUFFIX(local.day)} around ${time} (${timeZone})`
}

/** `$1,234.50`. */
export const dollars = (nanos: number) =>
  `$${(nanos / 1e9).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`

/** The forecast's sentence, as the API, the dashboard and alerts give it. */
export function forecastSummary(
  name: string,
  method: RateModel['method'],
  projection: Projection,
  spentNanos: number,
  amountNanos: number,
  end: number,
  timeZone: string,
): string {
  if (spentNanos >= amountNanos)
    return `${name} is spent: ${dollars(spentNanos)} of ${dollars(amountNanos)}; it resets on ${describeMoment(end, timeZone)}.`
  if (method === 'no_history')
    return `${name} has ${dollars(spentNanos)} of ${dollars(amountNanos)} spent and no earlier spend to forecast from.`
  if (projection.runsOutAt !== null) {
    const days = Math.floor((end - projection.runsOutAt) / 86_400_000)
    const hours = Math.max(1, Math.round((end - projection.runsOutAt) / HOUR_MS))
    const before = days >= 2 ? `${days} days` : `${hours} hour${hours === 1 ? '' : 's'}`
    return `At this rate ${name} runs out on ${describeMoment(projection.runsOutAt, timeZone)}, ${before} before it resets.`
  }
  const share = Math.round((projection.endOfPeriodNanos / amountNanos) * 100)
  return `At this rate ${name} ends the period at ${dollars(projection.endOfPeriodNanos)} of ${dollars(amountNanos)} (${share}%).`
}
