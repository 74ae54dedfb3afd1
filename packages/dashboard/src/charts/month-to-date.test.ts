import { describe, expect, it } from 'vitest'
import { theme, usd } from './chart-fixtures'
import { monthToDateOption } from './month-to-date'

describe('monthToDateOption', () => {
  it("marks last month's total as a reference line", () => {
    const option = monthToDateOption(
      {
        days: ['2026-11-01', '2026-11-02', '2026-11-03'],
        actual: [1, 2],
        projection: [null, 2, 3],
        previousTotal: 30,
        format: usd,
        axisFormat: String,
      },
      theme,
    ) as { series: { id: string; markLine?: { data: { yAxis: number }[] } }[] }
    expect(option.series.map((series) => series.id)).toEqual(['actual', 'projection'])
    expect(option.series[0]?.markLine?.data[0]?.yAxis).toBe(30)
  })
})
