import { describe, expect, it } from 'vitest'
import { forecastSummary, hourOfWeek, project, rateModel } from './budget-forecast.js'

const HOUR = 3_600_000
const at = (text: string) => Date.parse(text)

/**
 * Four weeks of hourly spend ending at `end` (a Monday 00:00 UTC): $10 an hour on weekdays from
 * 9:00 to 17:00 UTC, $1 an hour otherwise, the last week half as much again.
 */
function officeWeeks(end: number): Float64Array {
  const hours = new Float64Array(4 * 168)
  for (let index = 0; index < hours.length; index++) {
    const start = end - (hours.length - index) * HOUR
    const date = new Date(start)
    const weekday = (date.getUTCDay() + 6) % 7
    const busy = weekday < 5 && date.getUTCHours() >= 9 && date.getUTCHours() < 17
    hours[index] = (busy ? 10e9 : 1e9) * (index >= 3 * 168 ? 1.5 : 1)
  }
  return hours
}

describe('the forecast', () => {
  it('goes on in the weekly rhythm, at the last week’s level', () => {
    const end = at('2026-11-16T00:00:00Z')
    const model = rateModel(officeWeeks(end), end, 'UTC')
    expect(model.method).toBe('weekly_rhythm')
    // The profile is the four weeks' mean (1.125 × the base week), scaled by 1.5 / 1.125: the last week's level.
    expect(model.rate(at('2026-11-16T10:00:00Z'))).toBeCloseTo(15e9, 0)
    expect(model.rate(at('2026-11-16T20:00:00Z'))).toBeCloseTo(1.5e9, 0)
    expect(model.rate(at('2026-11-21T10:00:00Z'))).toBeCloseTo(1.5e9, 0)
  })

  it('ends the period at the spend plus the rate, and says when the amount is reached', () => {
    const end = at('2026-11-16T00:00:00Z')
    const model = rateModel(officeWeeks(end), end, 'UTC')
    // Monday: 9 quiet hours (13.5) then $15 an hour; $100 is reached 86.5 / 15 hours after 9:00.
    const projection = project(model, end, end + 24 * HOUR, 0, 100e9)
    expect(projection.endOfPeriodNanos).toBeCloseTo(8 * 15e9 + 16 * 1.5e9, -3)
    expect(new Date(projection.runsOutAt as number).toISOString()).toBe('2026-11-16T14:46:00.000Z')
  })

  it('counts only the rest of the hour it starts in', () => {
    const model = { method: 'flat_rate' as const, rate: () => 6e9 }
    const now = at('2026-11-16T10:30:00Z')
    expect(project(model, now, at('2026-11-16T12:00:00Z'), 1e9, 100e9).endOfPeriodNanos).toBe(10e9)
  })

  it('with less than a week of history, goes on at the mean hourly rate since the first spend', () => {
    const history = new Float64Array(48)
    history.fill(2e9, 38)
    const model = rateModel(history, at('2026-11-16T00:00:00Z'), 'UTC')
    expect(model.method).toBe('flat_rate')
    expect(model.rate(0)).toBe(2e9)
  })

  it('with no spend before this hour, expects no more', () => {
    const model = rateModel(new Float64Array(672), at('2026-11-16T00:00:00Z'), 'UTC')
    expect(model.method).toBe('no_history')
    expect(project(model, at('2026-11-16T00:00:00Z'), at('2026-12-01T00:00:00Z'), 5e9, 10e9)).toEqual({
      endOfPeriodNanos: 5e9,
      runsOutAt: null,
    })
  })

  it('reads the hour of the week on the local clock, the same across a DST change', () => {
    // Monday 9:00 in New York: EDT on 26 October, EST on 2 November 2026.
    expect(hourOfWeek(at('2026-10-26T13:00:00Z'), 'America/New_York')).toBe(9)
    expect(hourOfWeek(at('2026-11-02T14:00:00Z'), 'America/New_York')).toBe(9)
  })

  it('says in one sentence when the budget runs out', () => {
    const runsOutAt = at('2026-11-23T14:10:00Z')
    expect(
      forecastSummary(
        'acme',
        'weekly_rhythm',
        { endOfPeriodNanos: 130e9, runsOutAt },
        40e9,
        100e9,
        at('2026-12-01T00:00:00Z'),
        'Europe/Paris',
      ),
    ).toBe(
      'At this rate acme runs out on Monday the 23rd around 15:10 (Europe/Paris), 7 days before it resets.',
    )
    expect(
      forecastSummary(
        'acme',
        'flat_rate',
        { endOfPeriodNanos: 81e9, runsOutAt: null },
        40e9,
        100e9,
        at('2026-12-01T00:00:00Z'),
        'UTC',
      ),
    ).toBe('At this rate acme ends the period at $81.00 of $100.00 (81%).')
  })
})
