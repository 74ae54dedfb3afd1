import { BUCKETS } from '@spendlens/server/api-types'
import { describe, expect, it } from 'vitest'
import {
  autoBucket,
  BUCKET_CHOICES,
  bucketAxis,
  bucketCount,
  chooseBucket,
  MAX_POINTS,
  rowBucketKey,
} from './buckets'
import { customRange, presetRange } from './time-range'

const now = new Date('2026-11-22T14:30:00Z')
const span = (first: string, last: string, timeZone = 'UTC') => {
  const range = customRange(first, last, timeZone)
  if (!range) throw new Error('bad range')
  return range
}

describe('autoBucket', () => {
  it('picks hours for a day or two, days up to ~3 months, then weeks, then months', () => {
    expect(autoBucket(span('2026-11-22', '2026-11-22'), 'UTC')).toBe('hour')
    expect(autoBucket(span('2026-11-21', '2026-11-22'), 'UTC')).toBe('hour')
    expect(autoBucket(span('2026-11-16', '2026-11-22'), 'UTC')).toBe('day')
    expect(autoBucket(presetRange('90d', 'UTC', now) as never, 'UTC')).toBe('day')
    expect(autoBucket(span('2026-01-01', '2026-11-22'), 'UTC')).toBe('week')
    expect(autoBucket(span('2022-01-01', '2026-11-22'), 'UTC')).toBe('month')
  })
})

describe('chooseBucket', () => {
  it('honours a choice that fits', () => {
    expect(chooseBucket(span('2026-11-16', '2026-11-22'), 'hour', 'UTC')).toBe('hour')
  })

  it(`never asks for more than ${MAX_POINTS} buckets: a too-fine choice gets coarser`, () => {
    expect(chooseBucket(span('2026-11-16', '2026-11-22'), 'minute', 'UTC')).toBe('hour')
    expect(chooseBucket(span('2020-01-01', '2026-11-22'), 'hour', 'UTC')).toBe('week')
    expect(chooseBucket(span('2026-11-22', '2026-11-22'), 'minute', 'UTC')).toBe('minute')
  })

  it('asks for days when nothing is known of the span', () => {
    expect(chooseBucket(undefined, 'auto', 'UTC')).toBe('day')
  })
})

describe('bucketAxis', () => {
  it('lists every day of a range, empty ones included', () => {
    const axis = bucketAxis(span('2026-11-20', '2026-11-22'), 'day', 'UTC')
    expect(axis.map((slot) => slot.key)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22'])
    expect(axis[0]?.label).toBe('Nov 20')
    expect(axis[0]?.longLabel).toBe('Fri, Nov 20, 2026')
  })

  it('keys hours by instant, so the hour repeated when clocks go back stays two buckets', () => {
    const axis = bucketAxis(span('2026-10-25', '2026-10-25', 'Europe/Paris'), 'hour', 'Europe/Paris')
    expect(axis).toHaveLength(25)
    expect(new Set(axis.map((slot) => slot.key)).size).toBe(25)
    expect(axis[0]?.key).toBe('2026-10-24T22:00:00.000Z')
    expect(axis[0]?.label).toBe('Oct 25')
    expect(axis[1]?.label).toBe('01:00')
  })

  it('starts weeks on Monday and names months', () => {
    const weeks = bucketAxis(span('2026-11-04', '2026-11-22'), 'week', 'UTC')
    expect(weeks.map((slot) => slot.key)).toEqual(['2026-11-02', '2026-11-09', '2026-11-16'])
    const months = bucketAxis(span('2026-11-04', '2027-01-02'), 'month', 'UTC')
    expect(months.map((slot) => slot.key)).toEqual(['2026-11', '2026-12', '2027-01'])
    expect(months[2]?.longLabel).toBe('January 2027')
  })

  it('matches server rows on the same keys', () => {
    expect(
      rowBucketKey({ bucket_start: '2026-10-25T00:00:00.000Z', bucket_label: '2026-10-25 02:00' }, 'hour'),
    ).toBe('2026-10-25T00:00:00.000Z')
    expect(
      rowBucketKey({ bucket_start: '2026-10-24T22:00:00.000Z', bucket_label: '2026-10-25' }, 'day'),
    ).toBe('2026-10-25')
  })
})

describe('BUCKET_CHOICES', () => {
  it("offers auto and every bucket of the server's query model, each of which can size a span", () => {
    expect([...BUCKET_CHOICES]).toEqual(['auto', ...BUCKETS])
    for (const bucket of BUCKETS)
      expect(bucketCount(span('2026-11-01', '2026-11-30'), bucket, 'UTC')).toBeGreaterThan(0)
  })
})
