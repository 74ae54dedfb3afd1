const DAY_MS = 86_400_000
/** The earliest instant a Date holds (ECMAScript's time range). */
const EARLIEST = -8.64e15

/**
 * How far back an event's `ts` may lie by default, in days: far enough for a spool that waited out a
 * long outage and for a month's invoice period, near enough that a timestamp in seconds, a zeroed
 * clock or a replayed archive is not filed as new spending. Older events come in by
 * `spendlens import --backfill`.
 */
export const DEFAULT_MAX_EVENT_AGE_DAYS = 30

/** How far ahead of the server's clock an event's `ts` may lie: clock skew, never more. */
export const MAX_EVENT_LEAD_DAYS = 1

/**
 * Which `ts` an ingest accepts, fixed once per request body (or import batch) from the server's
 * clock. Plain data: it travels to the ingest workers with the body, so every event of a body is
 * judged against one instant, and no event costs a Date.
 */
export interface EventWindow {
  /** The server's clock, epoch milliseconds. */
  now: number
  /** Days before `now` accepted; Infinity for a backfill (no past bound). */
  maxAgeDays: number
  /** The oldest and newest accepted instants, epoch milliseconds (inclusive). */
  oldest: number
  newest: number
  /**
   * The same instants as toISOString writes them (the empty string for no past bound): a `ts` sent
   * in that form is bounded by comparing strings, which sort as the instants they name.
   */
  oldestIso: string
  newestIso: string
}

/**
 * The window around `now`: at most `maxAgeDays` before it (Infinity: any age, as a backfill) and
 * {@link MAX_EVENT_LEAD_DAYS} after it.
 */
export function eventWindow(maxAgeDays: number = DEFAULT_MAX_EVENT_AGE_DAYS, now = Date.now()): EventWindow {
  if (!(maxAgeDays > 0)) throw new RangeError(`the maximum event age must be a positive number of days`)
  const oldest = now - maxAgeDays * DAY_MS
  const newest = now + MAX_EVENT_LEAD_DAYS * DAY_MS
  return {
    now,
    maxAgeDays,
    oldest,
    newest,
    // Before any Date (Infinity, or a very large number of days): every ts is after it.
    oldestIso: oldest >= EARLIEST ? new Date(oldest).toISOString() : '',
    newestIso: new Date(newest).toISOString(),
  }
}

const days = (count: number) => (count === 1 ? '1 day' : `${count} days`)

/**
 * Why `ts` (as the validator normalizes it: ISO 8601 in UTC) lies outside `window`, or undefined.
 * The reason names the bound and, for an old event, the way to load history.
 */
export function outsideWindow(ts: string, window: EventWindow): string | undefined {
  const time = Date.parse(ts)
  const clock = new Date(window.now).toISOString()
  if (time < window.oldest)
    return `ts: ${ts} is more than ${days(window.maxAgeDays)} before the server's clock (${clock}); history goes in with \`spendlens import --backfill\` (or a server started with a larger --max-event-age-days)`
  if (time > window.newest)
    return `ts: ${ts} is more than ${days(MAX_EVENT_LEAD_DAYS)} after the server's clock (${clock}); check the sending machine's clock`
  return undefined
}
