import { describe, expect, it } from 'vitest'
import { averageCost } from './summary-cards'

describe('averageCost', () => {
  it('is the query model’s cost per priced request', () => {
    expect(averageCost({ requests: 10, cost_usd: 2, cost_per_request: 0.25, unpriced_count: 2 })).toBe(0.25)
  })

  it('is unknown (null), never $0, when no call has a known price', () => {
    expect(averageCost({ requests: 4, cost_usd: null, cost_per_request: null, unpriced_count: 4 })).toBeNull()
  })

  it('has no value without calls, or before the answer', () => {
    expect(averageCost({ requests: 0, cost_usd: null, cost_per_request: null })).toBeUndefined()
    expect(averageCost(undefined)).toBeUndefined()
  })
})
