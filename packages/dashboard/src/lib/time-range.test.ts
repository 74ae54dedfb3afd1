import { describe, expect, it } from 'vitest'
import { customRange, presetRange, previousPeriod, rangeSpan, spanDays } from './time-range'

const now = new Date('2026-11-22T14:30:00Z')

describe('presetRange', () => {
  it('covers today from local midnight to the next, in the chosen zone', () => {
    expect(presetRange('today', 'UTC', now)).toEqual({
      from: new Date('2026-11-22T00:00:00Z'),
      to: new Date('2026-11-23T00:00:00Z'),
    })
    // 14:30 UTC is already 03:30 on the 23rd in Auckland (UTC+13 in November).
    expect(presetRange('today', 'Pacific/Auckland', now)).toEqual({
      from: new Date('2026-11-22T11:00:00Z'),
      to: new Date('2026-11-23T11:00:00Z'),
    })
  })

  it('covers 7, 30 and 90 whole days ending today', () => {
    expect(presetRange('7d', 'UTC', now).from).toEqual(new Date('2026-11-16T00:00:00Z'))
    expect(presetRange('30d', 'UTC', now).from).toEqual(new Date('2026-10-24T00:00:00Z'))
    expect(presetRange('90d', 'UTC', now).from).toEqual(new Date('2026-08-25T00:00:00Z'))
    expect(presetRange('90d', 'UTC', now).to).toEqual(new Date('2026-11-23T00:00:00Z'))
  })

  it('keeps local midnights across a daylight-saving change', () => {
    const range = presetRange('30d', 'Europe/Paris', now)
    expect(range.from?.toISOString()).toBe('2026-10-23T22:00:00.000Z') // CEST, UTC+2
    expect(range.to?.toISOString()).toBe('2026-11-22T23:00:00.000Z') // CET, UTC+1
  })

  it('is unbounded for All', () => {
    expect(presetRange('all', 'UTC', now)).toEqual({})
  })
})

describe('customRange', () => {
  it('includes both the first and the last day', () => {
    expect(customRange('2026-11-01', '2026-11-07', 'UTC')).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-08T00:00:00Z'),
    })
  })

  it('refuses a missing, invalid or inverted range', () => {
    expect(customRange(undefined, '2026-11-07', 'UTC')).toBeUndefined()
    expect(customRange('2026-11-31', '2026-12-07', 'UTC')).toBeUndefined()
    expect(customRange('2026-11-07', '2026-11-01', 'UTC')).toBeUndefined()
  })
})

describe('spanDays', () => {
  it('counts local days, 23- and 25-hour days included', () => {
    expect(spanDays(presetRange('30d', 'Europe/Paris', now) as never, 'Europe/Paris')).toBe(30)
  })
})

describe('rangeSpan', () => {
  it('is the range itself when bounded', () => {
    const range = presetRange('7d', 'UTC', now)
    expect(rangeSpan(range, 'UTC', undefined)).toEqual(range)
  })

  it('spans the stored events day by day for All', () => {
    const span = rangeSpan({}, 'UTC', { first_ts: '2026-10-24T03:00:00Z', last_ts: '2026-11-22T14:00:00Z' })
    expect(span).toEqual({ from: new Date('2026-10-24T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') })
  })

  it('is undefined when there is nothing stored', () => {
    expect(rangeSpan({}, 'UTC', { first_ts: null, last_ts: null })).toBeUndefined()
  })
})

describe('previousPeriod', () => {
  it('is the same number of days just before a finished range', () => {
    const range = customRange('2026-11-01', '2026-11-07', 'UTC')
    expect(previousPeriod(range ?? {}, 'UTC', now)).toEqual({
      from: new Date('2026-10-25T00:00:00Z'),
      to: new Date('2026-11-01T00:00:00Z'),
      partial: false,
      days: 7,
    })
  })

  it('compares a running range with the same elapsed time of the previous one', () => {
    // Today until 14:30 against yesterday until 14:30.
    expect(previousPeriod(presetRange('today', 'UTC', now), 'UTC', now)).toEqual({
      from: new Date('2026-11-21T00:00:00Z'),
      to: new Date('2026-11-21T14:30:00Z'),
      partial: true,
      days: 1,
    })
    const month = previousPeriod(presetRange('30d', 'UTC', now), 'UTC', now)
    expect(month?.from).toEqual(new Date('2026-09-24T00:00:00Z'))
    expect(month?.to).toEqual(new Date('2026-10-23T14:30:00Z'))
  })

  it('has no previous period for All', () => {
    expect(previousPeriod({}, 'UTC', now)).toBeUndefined()
  })
})
