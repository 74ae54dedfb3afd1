import { describe, expect, it } from 'vitest'
import { theme, tooltip, usd } from './chart-fixtures'
import { LIGHT_PALETTE } from './palette'
import { rankedBarsOption } from './ranked-bars'

describe('rankedBarsOption', () => {
  const rows = [
    { name: 'chat', value: 5 },
    { name: '<b>acme</b>', value: 2 },
    { name: 'Others', value: 1, muted: true },
    { name: 'contract-drafting', value: null },
  ]
  const option = rankedBarsOption(
    { rows, format: usd, axisFormat: String, unknownLabel: 'cost unknown' },
    theme,
  ) as {
    yAxis: { data: string[]; inverse: boolean }
    series: {
      data: { value: number; itemStyle: { color: string } }[]
      label: { formatter: (p: { dataIndex: number }) => string }
    }[]
  }

  it('puts one bar per row, first on top', () => {
    expect(option.yAxis.data).toEqual(['chat', '<b>acme</b>', 'Others', 'contract-drafting'])
    expect(option.yAxis.inverse).toBe(true)
    expect(option.series[0]?.data.map((item) => item.value)).toEqual([5, 2, 1, 0])
  })

  it('draws Others in the muted colour', () => {
    expect(option.series[0]?.data[2]?.itemStyle.color).toBe(LIGHT_PALETTE.barMuted)
    expect(option.series[0]?.data[0]?.itemStyle.color).toBe(LIGHT_PALETTE.bar)
  })

  it('labels a row without a known value as unknown, not $0', () => {
    expect(option.series[0]?.label.formatter({ dataIndex: 0 })).toBe('$5')
    expect(option.series[0]?.label.formatter({ dataIndex: 3 })).toBe('cost unknown')
  })

  it("lists a row's details under its value in the tooltip", () => {
    const detailed = rankedBarsOption(
      { rows: [{ name: 'chat', value: 5, details: ['Requests: 3'] }], format: usd, axisFormat: String },
      theme,
    )
    expect(tooltip(detailed)([{ dataIndex: 0 }])).toBe(
      '<strong>chat</strong><br/><strong>$5</strong><br/>Requests: 3',
    )
  })

  it('escapes names in the tooltip (customer ids come from events)', () => {
    expect(tooltip(option)([{ dataIndex: 1 }])).toContain('&lt;b&gt;acme&lt;/b&gt;')
  })
})
