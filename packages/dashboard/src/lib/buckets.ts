// Which time bucket a chart asks the server for, and the full axis of buckets to draw. The server
// answers only the buckets that have events; the axis adds the empty ones so gaps show as gaps.
// A chart never asks for more than MAX_POINTS buckets, whatever the range: at 10 million events
// the answer stays a few hundred rows.

import { BUCKETS, type Bucket } from '@spendlens/server/api-types'
import { type Span, spanDays } from './time-range'
import {
  addDays,
  dateLabel,
  dateLabelsBetween,
  dateTimeFormat,
  mondayOf,
  startOfDateLabel,
  zonedParts,
} from './zoned-time'

/** The bucket picker: the query model's buckets, and `auto` (the scope picks one to fit the range). */
export const BUCKET_CHOICES = ['auto', ...BUCKETS] as const
export type BucketChoice = (typeof BUCKET_CHOICES)[number]

/** Most points a time chart draws. */
export const MAX_POINTS = 1500

const ORDER: Bucket[] = ['minute', 'hour', 'day', 'week', 'month']

/** About how many buckets of this size a span holds. */
export function bucketCount(span: Span, bucket: Bucket, timeZone: string): number {
  const milliseconds = span.to.getTime() - span.from.getTime()
  switch (bucket) {
    case 'minute':
      return Math.ceil(milliseconds / 60_000)
    case 'hour':
      return Math.ceil(milliseconds / 3_600_000)
    case 'day':
      return spanDays(span, timeZone)
    case 'week':
      return Math.ceil(spanDays(span, timeZone) / 7) + 1
    case 'month':
      return Math.ceil(spanDays(span, timeZone) / 28) + 1
  }
}

/** The bucket that suits a span: hours up to two days, days up to ~3 months, then weeks, then months. */
export function autoBucket(span: Span, timeZone: string): Bucket {
  const days = spanDays(span, timeZone)
  if (days <= 2) return 'hour'
  if (days <= 92) return 'day'
  if (days <= 731) return 'week'
  return 'month'
}

/** The bucket to ask for: the chosen one unless it would draw more than MAX_POINTS, then coarser. */
export function chooseBucket(span: Span | undefined, choice: BucketChoice, timeZone: string): Bucket {
  if (!span) return choice === 'auto' ? 'day' : choice
  let bucket = choice === 'auto' ? autoBucket(span, timeZone) : choice
  while (bucket !== 'month' && bucketCount(span, bucket, timeZone) > MAX_POINTS) {
    bucket = ORDER[ORDER.indexOf(bucket) + 1] as Bucket
  }
  return bucket
}

/** Whether a choice is usable for a span (offered in the granularity menu). */
export function bucketFits(span: Span | undefined, bucket: Bucket, timeZone: string): boolean {
  return !span || bucketCount(span, bucket, timeZone) <= MAX_POINTS
}

/** One slot on a time axis. */
export interface BucketSlot {
  /** Matches {@link rowBucketKey} of the server's row for this bucket. */
  key: string
  /** The bucket's start. */
  start: Date
  /** Short axis label, in the time zone. */
  label: string
  /** Long label for tooltips and tables. */
  longLabel: string
}

/** Labels are local dates: format them as UTC so they never shift by a day. */
function labelDate(label: string, options: Intl.DateTimeFormatOptions): string {
  const time = Date.parse(`${label.length === 7 ? `${label}-01` : label}T00:00:00Z`)
  return Number.isNaN(time) ? label : dateTimeFormat('UTC', options).format(time)
}

/**
 * The key a server row is matched on: the instant for minutes and hours (a local hour repeats on
 * the night clocks go back, so its label is not unique), the local label for longer buckets.
 */
export function rowBucketKey(row: { bucket_start?: string; bucket_label?: string }, bucket: Bucket): string {
  if (bucket === 'minute' || bucket === 'hour') return new Date(row.bucket_start ?? 0).toISOString()
  return row.bucket_label ?? ''
}

/** Every bucket of a span, oldest first, empty ones included. */
export function bucketAxis(span: Span, bucket: Bucket, timeZone: string): BucketSlot[] {
  const slots: BucketSlot[] = []
  if (bucket === 'minute' || bucket === 'hour') {
    const step = bucket === 'minute' ? 60_000 : 3_600_000
    const short = dateTimeFormat(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    const long = dateTimeFormat(timeZone, {
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    const dayFormat = dateTimeFormat(timeZone, { month: 'short', day: 'numeric' })
    // The span starts at a local midnight, so whole steps stay on local hour boundaries.
    for (
      let time = span.from.getTime();
      time < span.to.getTime() && slots.length <= MAX_POINTS;
      time += step
    ) {
      const start = new Date(time)
      const parts = zonedParts(start, timeZone)
      const label = parts.hour === 0 && parts.minute === 0 ? dayFormat.format(start) : short.format(start)
      slots.push({ key: start.toISOString(), start, label, longLabel: long.format(start) })
    }
    return slots
  }
  const first = dateLabel(span.from, timeZone)
  const last = dateLabel(new Date(span.to.getTime() - 1), timeZone)
  if (bucket === 'day') {
    return dateLabelsBetween(first, last).map((label) => ({
      key: label,
      start: startOfDateLabel(label, timeZone),
      label: labelDate(label, { month: 'short', day: 'numeric' }),
      longLabel: labelDate(label, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' }),
    }))
  }
  if (bucket === 'week') {
    for (let monday = mondayOf(first); monday <= last; monday = addDays(monday, 7)) {
      slots.push({
        key: monday,
        start: startOfDateLabel(monday, timeZone),
        label: labelDate(monday, { month: 'short', day: 'numeric' }),
        longLabel: `Week of ${labelDate(monday, { month: 'short', day: 'numeric', year: 'numeric' })}`,
      })
    }
    return slots
  }
  let [year, month] = first.split('-').map(Number) as [number, number]
  const lastMonth = last.slice(0, 7)
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`
    if (key > lastMonth) break
    slots.push({
      key,
      start: startOfDateLabel(`${key}-01`, timeZone),
      label: labelDate(key, { month: 'short', year: '2-digit' }),
      longLabel: labelDate(key, { month: 'long', year: 'numeric' }),
    })
    month++
    if (month > 12) {
      month = 1
      year++
    }
  }
  return slots
}
