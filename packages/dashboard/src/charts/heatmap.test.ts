import { describe, expect, it } from 'vitest'
import { theme, tooltip, usd } from './chart-fixtures'
import { heatmapOption } from './heatmap'

describe('heatmapOption', () => {
  it('draws 7 × 24 cells scaled to the busiest hour', () => {
    const grid = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 1))
    ;(grid[2] as number[])[14] = 9
    const option = heatmapOption(grid, usd, theme) as {
      series: { data: [number, number, number][] }[]
      visualMap: { max: number }
    }
    expect(option.series[0]?.data).toHaveLength(168)
    expect(option.series[0]?.data).toContainEqual([14, 2, 9])
    expect(option.visualMap.max).toBe(9)
    expect(tooltip(option)({ value: [14, 2, 9] })).toContain('Wed 14:00–15:00')
  })
})
