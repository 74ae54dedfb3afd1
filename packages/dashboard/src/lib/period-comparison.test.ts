import { describe, expect, it } from 'vitest'
import { comparePeriods } from './period-comparison'

describe('comparePeriods', () => {
  it('gives the relative change with its direction', () => {
    expect(comparePeriods(112, 100)).toEqual({ ratio: 0.12, direction: 'up', text: '+12%' })
    expect(comparePeriods(50, 100)).toEqual({ ratio: -0.5, direction: 'down', text: '−50%' })
  })

  it('calls a negligible change flat', () => {
    expect(comparePeriods(100.01, 100)?.direction).toBe('flat')
  })

  it('says "new" rather than an infinite percentage when the previous period had none', () => {
    expect(comparePeriods(5, 0)).toEqual({ ratio: undefined, direction: 'up', text: 'new' })
    expect(comparePeriods(0, 0)).toEqual({ ratio: 0, direction: 'flat', text: '0%' })
  })

  it('does not compare an unknown value (no requests, or a cost nobody knows)', () => {
    expect(comparePeriods(null, 100)).toBeUndefined()
    expect(comparePeriods(100, null)).toBeUndefined()
    expect(comparePeriods(100, undefined)).toBeUndefined()
  })
})
