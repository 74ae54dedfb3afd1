import type { ReconcileFigures } from '@spendlens/server/api-types'
import { describe, expect, it } from 'vitest'
import { GAP_PART_LIST, gapPartUsd } from './gap-parts'

describe('gapPartUsd', () => {
  const figures: ReconcileFigures = {
    invoiced_usd: 100,
    tracked_usd: 90,
    gap_usd: 10,
    coverage: 0.9,
    untracked_usage_usd: 8,
    price_difference_usd: -1,
    non_model_usd: 2.5,
    unexplained_usd: 0.5,
  }

  it("reads each part's dollars; the parts add up to the gap", () => {
    const parts = GAP_PART_LIST.map(({ part }) => gapPartUsd(figures, part))
    expect(parts).toEqual([8, -1, 2.5, 0.5])
    expect(parts.reduce((sum, value) => sum + value, 0)).toBe(figures.gap_usd)
  })

  it('labels every part the server names', () => {
    expect(GAP_PART_LIST.map((entry) => entry.label)).toEqual([
      'Untracked usage',
      'Price difference',
      'Non-model lines',
      'Unexplained',
    ])
  })
})
