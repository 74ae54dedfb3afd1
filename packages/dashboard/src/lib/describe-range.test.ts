import { describe, expect, it } from 'vitest'
import { describeComparison, describeSpan, describeWindow } from './describe-range'
import { customRange, presetRange, previousPeriod } from './time-range'

const now = new Date('2026-11-22T14:30:00Z')

describe('describeSpan', () => {
  it('names the first and last local day', () => {
    expect(describeSpan(customRange('2026-10-24', '2026-11-22', 'UTC') as never, 'UTC')).toBe(
      'Oct 24 – Nov 22, 2026',
    )
    expect(describeSpan(customRange('2025-12-24', '2026-01-02', 'UTC') as never, 'UTC')).toBe(
      'Dec 24, 2025 – Jan 2, 2026',
    )
    expect(describeSpan(presetRange('today', 'UTC', now) as never, 'UTC')).toBe('Sun, Nov 22, 2026')
  })
})

describe('describeComparison', () => {
  it('says what the stat cards compare with', () => {
    expect(describeComparison(previousPeriod(presetRange('today', 'UTC', now), 'UTC', now))).toBe(
      'vs yesterday, same time',
    )
    expect(describeComparison(previousPeriod(presetRange('30d', 'UTC', now), 'UTC', now))).toBe(
      'vs previous 30 days, same elapsed time',
    )
    expect(
      describeComparison(previousPeriod(customRange('2026-11-01', '2026-11-07', 'UTC') ?? {}, 'UTC', now)),
    ).toBe('vs previous 7 days')
    expect(describeComparison(undefined)).toBeUndefined()
  })

  it('leaves the cut out of the short form', () => {
    expect(describeComparison(previousPeriod(presetRange('30d', 'UTC', now), 'UTC', now), true)).toBe(
      'vs previous 30 days',
    )
  })
})

describe('describeWindow', () => {
  const at = (iso: string) => new Date(iso)

  it("says an anomaly's hours in the dashboard's zone, the end exclusive", () => {
    expect(describeWindow(at('2026-12-01T13:00:00Z'), at('2026-12-01T16:00:00Z'), 'UTC')).toBe(
      'Dec 1, 13:00 – 16:00',
    )
    expect(describeWindow(at('2026-12-01T13:00:00Z'), at('2026-12-01T16:00:00Z'), 'Europe/Paris')).toBe(
      'Dec 1, 14:00 – 17:00',
    )
  })

  it('ends a window at midnight as 24:00 of its day, and names both days across midnight', () => {
    expect(describeWindow(at('2026-12-01T22:00:00Z'), at('2026-12-02T00:00:00Z'), 'UTC')).toBe(
      'Dec 1, 22:00 – 24:00',
    )
    expect(describeWindow(at('2026-12-01T22:00:00Z'), at('2026-12-02T03:00:00Z'), 'UTC')).toBe(
      'Dec 1, 22:00 – Dec 2, 03:00',
    )
    expect(describeWindow(at('2026-12-01T22:00:00Z'), at('2026-12-02T03:00:00Z'), 'America/New_York')).toBe(
      'Dec 1, 17:00 – 22:00',
    )
  })
})
