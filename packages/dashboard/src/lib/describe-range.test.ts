import { describe, expect, it } from 'vitest'
import { describeComparison, describeSpan } from './describe-range'
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
