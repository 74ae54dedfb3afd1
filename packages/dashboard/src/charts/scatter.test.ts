import { describe, expect, it } from 'vitest'
import { theme, usd } from './chart-fixtures'
import { scatterOption } from './scatter'

describe('scatterOption', () => {
  it('uses log axes for positive values that span orders of magnitude', () => {
    const option = scatterOption(
      {
        points: [
          { name: 'a', x: 10, y: 0.01, size: 5 },
          { name: 'b', x: 10_000, y: 40, size: 50 },
        ],
        xName: 'Requests',
        yName: 'Cost',
        xFormat: String,
        yFormat: usd,
        sizeName: 'Tokens',
        sizeFormat: String,
      },
      theme,
    ) as { xAxis: { type: string }; yAxis: { type: string } }
    expect(option.xAxis.type).toBe('log')
    expect(option.yAxis.type).toBe('log')
  })
})
