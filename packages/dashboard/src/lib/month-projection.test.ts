import { describe, expect, it } from 'vitest'
import { cumulative, monthDays, monthWindow, projectMonthEnd, runRateWindow } from './month-projection'

describe('monthWindow', () => {
  it('is the local calendar month around now', () => {
    const window = monthWindow(new Date('2026-11-22T14:00:00Z'), 'UTC')
    expect(window.month).toBe('2026-11')
    expect(window.start).toEqual(new Date('2026-11-01T00:00:00Z'))
    expect(window.end).toEqual(new Date('2026-12-01T00:00:00Z'))
    expect(window.previousStart).toEqual(new Date('2026-10-01T00:00:00Z'))
  })

  it('follows the zone: already December in Tokyo', () => {
    const window = monthWindow(new Date('2026-11-30T20:00:00Z'), 'Asia/Tokyo')
    expect(window.month).toBe('2026-12')
    expect(window.start).toEqual(new Date('2026-11-30T15:00:00Z'))
    expect(window.end).toEqual(new Date('2026-12-31T15:00:00Z'))
  })

  it('crosses the year', () => {
    const window = monthWindow(new Date('2026-01-05T00:00:00Z'), 'UTC')
    expect(window.previousStart).toEqual(new Date('2025-12-01T00:00:00Z'))
    expect(monthDays(monthWindow(new Date('2026-02-05T00:00:00Z'), 'UTC'), 'UTC')).toHaveLength(28)
  })
})

describe('runRateWindow', () => {
  const now = new Date('2026-11-22T12:00:00Z')

  it('is the last seven days', () => {
    expect(runRateWindow(now, new Date('2026-01-01T00:00:00Z'))).toEqual({
      from: new Date('2026-11-15T12:00:00Z'),
      to: now,
    })
  })

  it('starts at the first event when that is more recent', () => {
    expect(runRateWindow(now, new Date('2026-11-20T12:00:00Z')).from).toEqual(
      new Date('2026-11-20T12:00:00Z'),
    )
  })
})

describe('projectMonthEnd', () => {
  it('adds the recent daily run rate for the days left', () => {
    // $70 over the last 7 days = $10/day; 8.5 days left in November; $220 so far.
    const now = new Date('2026-11-22T12:00:00Z')
    const projected = projectMonthEnd({
      monthToDate: 220,
      runRateCost: 70,
      runRateWindow: { from: new Date('2026-11-15T12:00:00Z'), to: now },
      now,
      monthEnd: new Date('2026-12-01T00:00:00Z'),
    })
    expect(projected).toBeCloseTo(305, 9)
  })

  it('is the month to date when there is no window to measure a rate over', () => {
    const now = new Date('2026-11-22T12:00:00Z')
    expect(
      projectMonthEnd({
        monthToDate: 3,
        runRateCost: 0,
        runRateWindow: { from: now, to: now },
        now,
        monthEnd: new Date('2026-12-01T00:00:00Z'),
      }),
    ).toBe(3)
  })
})

describe('cumulative', () => {
  it('adds up exactly to the nano-dollar and treats unknown days as nothing', () => {
    expect(cumulative([0.1, 0.2, null, 0.000000001])).toEqual([0.1, 0.3, 0.3, 0.300000001])
  })
})
