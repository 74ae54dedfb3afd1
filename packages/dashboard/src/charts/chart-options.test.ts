import { describe, expect, it } from 'vitest'
import type { BreakdownRow } from './api'
import { breakdownOption, dailyCostOption, escapeHtml, LIGHT_PALETTE } from './chart-options'

const row = (value: string, cost_usd: number): BreakdownRow => ({
  value,
  cost_usd,
  requests: 10,
  total_tokens: 1000,
  avg_latency_ms: 850,
})

type Formatter = (params: unknown) => string

function tooltipFormatter(option: unknown): Formatter {
  return (option as { tooltip: { formatter: Formatter } }).tooltip.formatter
}

describe('escapeHtml', () => {
  it('escapes the characters that would start markup', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;',
    )
  })
})

describe('breakdownOption', () => {
  it('puts one bar per row, highest first, labelled by value', () => {
    const option = breakdownOption([row('chat', 5), row('search', 2)], 7, LIGHT_PALETTE, false) as {
      yAxis: { data: string[]; inverse: boolean }
      series: { data: { value: number }[] }[]
    }
    expect(option.yAxis.data).toEqual(['chat', 'search'])
    expect(option.yAxis.inverse).toBe(true)
    expect(option.series[0]?.data.map((item) => item.value)).toEqual([5, 2])
  })

  it('escapes attribution values in the tooltip (customer ids come from events)', () => {
    const option = breakdownOption([row('<b>acme</b>', 5)], 10, LIGHT_PALETTE, false)
    const html = tooltipFormatter(option)([{ dataIndex: 0 }])
    expect(html).toContain('&lt;b&gt;acme&lt;/b&gt;')
    expect(html).toContain('$5.00')
    expect(html).toContain('50%')
  })

  it('draws the unattributed bucket in the muted colour', () => {
    const option = breakdownOption([row('unattributed', 1)], 1, LIGHT_PALETTE, false) as {
      series: { data: { itemStyle: { color: string } }[] }[]
    }
    expect(option.series[0]?.data[0]?.itemStyle.color).toBe(LIGHT_PALETTE.barMuted)
  })
})

describe('dailyCostOption', () => {
  it('shows a small day cost with its significant digits in the tooltip', () => {
    const option = dailyCostOption([{ label: '2026-11-03', cost_usd: 0.00013 }], LIGHT_PALETTE, false)
    const html = tooltipFormatter(option)([{ dataIndex: 0 }])
    expect(html).toContain('Tue, Nov 3, 2026')
    expect(html).toContain('$0.00013')
  })
})

describe('breakdownOption with an unknown cost', () => {
  it('labels a row whose every call is unpriced as cost unknown, not $0', () => {
    const unpriced: BreakdownRow = { ...row('contract-drafting', 0), cost_usd: null }
    const option = breakdownOption([row('chat', 5), unpriced], 5, LIGHT_PALETTE, false) as {
      series: { label: { formatter: (params: { dataIndex: number }) => string } }[]
    }
    const label = option.series[0]?.label.formatter
    expect(label?.({ dataIndex: 0 })).toBe('$5.00')
    expect(label?.({ dataIndex: 1 })).toBe('cost unknown')
    const html = tooltipFormatter(option)([{ dataIndex: 1 }])
    expect(html).toContain('Cost: <strong>—</strong>')
  })
})
