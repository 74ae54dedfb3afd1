import { describe, expect, it } from 'vitest'
import { chargedChange, chargedDifference, chargedRows } from './charged-costs'

describe('chargedDifference', () => {
  it('is exact to the nano-dollar where floating point is not', () => {
    // 0.00045 − 0.000405 in doubles is 4.5000000000000003e-5; in nano-dollars 450000 − 405000.
    const row = { charged_cost_usd: 0.00045, computed_cost_usd: 0.000405, charged_unpriced_count: 0 }
    expect(chargedDifference(row)).toBe(0.000045)
    // 45000 / 405000
    expect(chargedChange(row)).toBeCloseTo(1 / 9, 12)
  })

  it('is unknown where the catalog cannot price some of the charged calls, or any', () => {
    expect(
      chargedDifference({ charged_cost_usd: 0.003, computed_cost_usd: 0.001, charged_unpriced_count: 1 }),
    ).toBeNull()
    expect(
      chargedDifference({ charged_cost_usd: 0.002, computed_cost_usd: null, charged_unpriced_count: 1 }),
    ).toBeNull()
    expect(
      chargedChange({ charged_cost_usd: 0.002, computed_cost_usd: 0, charged_unpriced_count: 0 }),
    ).toBeNull()
  })
})

describe('chargedRows', () => {
  it('keeps the models with a charged call', () => {
    expect(
      chargedRows([{ model: 'a', charged_requests: 2 }, { model: 'b', charged_requests: 0 }, { model: 'c' }]),
    ).toEqual([{ model: 'a', charged_requests: 2 }])
  })
})
