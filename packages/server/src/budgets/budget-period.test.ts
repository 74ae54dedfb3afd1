import { describe, expect, it } from 'vitest'
import { budgetPeriod, startOfLocalDay } from './budget-period.js'

const iso = (window: { start: number; end: number }) => [
  new Date(window.start).toISOString(),
  new Date(window.end).toISOString(),
]
const at = (text: string) => Date.parse(text)

describe('a budget period follows the calendar of its time zone', () => {
  it('a day in UTC is midnight to midnight', () => {
    expect(iso(budgetPeriod('day', 'UTC', at('2026-11-20T23:59:59.999Z')))).toEqual([
      '2026-11-20T00:00:00.000Z',
      '2026-11-21T00:00:00.000Z',
    ])
  })

  it('a day in New York that springs forward is 23 hours long, one that falls back 25', () => {
    // 8 March 2026: clocks go from 02:00 EST to 03:00 EDT.
    expect(iso(budgetPeriod('day', 'America/New_York', at('2026-03-08T12:00:00Z')))).toEqual([
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ])
    // 1 November 2026: clocks go from 02:00 EDT back to 01:00 EST.
    expect(iso(budgetPeriod('day', 'America/New_York', at('2026-11-01T12:00:00Z')))).toEqual([
      '2026-11-01T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
    ])
  })

  it('the boundary is local midnight: a minute before it is the old day, at it the new one', () => {
    const midnight = at('2026-03-09T04:00:00Z')
    expect(budgetPeriod('day', 'America/New_York', midnight - 60_000).end).toBe(midnight)
    expect(budgetPeriod('day', 'America/New_York', midnight).start).toBe(midnight)
  })

  it('a week starts on Monday at local midnight', () => {
    // Sunday 8 March 2026 in New York: its week began on Monday 2 March (EST) and ends on Monday 9 March (EDT).
    expect(iso(budgetPeriod('week', 'America/New_York', at('2026-03-08T20:00:00Z')))).toEqual([
      '2026-03-02T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ])
  })

  it('a month starts on its first day, across a year end and a DST change', () => {
    expect(iso(budgetPeriod('month', 'Europe/Paris', at('2026-10-15T10:00:00Z')))).toEqual([
      '2026-09-30T22:00:00.000Z',
      '2026-10-31T23:00:00.000Z',
    ])
    expect(iso(budgetPeriod('month', 'Europe/Paris', at('2026-12-31T23:30:00Z')))).toEqual([
      '2026-12-31T23:00:00.000Z',
      '2027-01-31T23:00:00.000Z',
    ])
  })

  it('a zone half an hour off UTC starts its days on the half hour', () => {
    expect(iso(budgetPeriod('day', 'Asia/Kolkata', at('2026-11-20T20:00:00Z')))).toEqual([
      '2026-11-20T18:30:00.000Z',
      '2026-11-21T18:30:00.000Z',
    ])
  })

  it('a day whose midnight does not exist starts when the clock jumps', () => {
    // Santiago, 6 September 2026: clocks go from 00:00 to 01:00 (-04 to -03), so the day starts at 04:00Z.
    expect(new Date(startOfLocalDay(2026, 9, 6, 'America/Santiago')).toISOString()).toBe(
      '2026-09-06T04:00:00.000Z',
    )
  })
})
