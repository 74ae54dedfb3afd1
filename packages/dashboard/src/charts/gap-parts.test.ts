import { describe, expect, it } from 'vitest'
import { bucketAxis } from '../lib/buckets'
import { customRange } from '../lib/time-range'
import { theme, tooltip, usd } from './chart-fixtures'
import { gapPartsOption } from './gap-parts'

describe('gapPartsOption', () => {
  const spec = {
    axis: bucketAxis(customRange('2026-11-01', '2026-11-02', 'UTC') as never, 'day', 'UTC'),
    parts: {
      untracked_usage: [3, null],
      price_difference: [-0.5, null],
      non_model: [1, null],
      unexplained: [0, null],
    },
    format: usd,
    axisFormat: String,
  }

  it('stacks the four parts, in the same colour each wherever they appear, negative ones included', () => {
    const option = gapPartsOption(spec, theme) as {
      series: { name: string; stack: string; data: (number | null)[]; itemStyle: { color: string } }[]
    }
    expect(option.series.map((series) => series.name)).toEqual([
      'Untracked usage',
      'Price difference',
      'Non-model lines',
      'Unexplained',
    ])
    expect(option.series.every((series) => series.stack === 'total')).toBe(true)
    expect(option.series[1]?.data).toEqual([-0.5, null])
    expect(new Set(option.series.map((series) => series.itemStyle.color)).size).toBe(4)
  })

  it('lists the non-zero parts with their sign and the whole gap in the tooltip', () => {
    const html = tooltip(gapPartsOption(spec, theme))([{ dataIndex: 0 }])
    expect(html).toContain('Untracked usage: <strong>$3</strong>')
    expect(html).toContain('Price difference: <strong>$-0.5</strong>')
    expect(html).not.toContain('Unexplained')
    expect(html).toContain('Gap: <strong>$3.5</strong>')
  })

  it('says a day without a complete invoice has none, not a gap of zero', () => {
    expect(tooltip(gapPartsOption(spec, theme))([{ dataIndex: 1 }])).toContain(
      'Gap: <strong>no complete invoice</strong>',
    )
  })
})
