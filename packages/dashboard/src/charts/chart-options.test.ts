import { describe, expect, it } from 'vitest'
import { bucketAxis } from '../lib/buckets'
import { customRange } from '../lib/time-range'
import {
  type ChartTheme,
  escapeHtml,
  heatmapOption,
  monthToDateOption,
  rankedBarsOption,
  scatterOption,
  timeSeriesOption,
} from './chart-options'
import { LIGHT_PALETTE } from './palette'

const theme: ChartTheme = { palette: LIGHT_PALETTE, animate: false, narrow: false }
const usd = (value: number | null | undefined) => (typeof value === 'number' ? `$${value}` : '—')

type Formatter = (params: unknown) => string
function tooltip(option: unknown): Formatter {
  return (option as { tooltip: { formatter: Formatter } }).tooltip.formatter
}

describe('escapeHtml', () => {
  it('escapes the characters that would start markup', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;',
    )
  })
})

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

  it('escapes names in the tooltip (customer ids come from events)', () => {
    expect(tooltip(option)([{ dataIndex: 1 }])).toContain('&lt;b&gt;acme&lt;/b&gt;')
  })
})

describe('timeSeriesOption', () => {
  const axis = bucketAxis(customRange('2026-11-20', '2026-11-21', 'UTC') as never, 'day', 'UTC')
  const spec = {
    axis,
    series: [
      { name: 'chat', values: [1, 2] },
      { name: 'Others', values: [0.5, 0], others: true },
    ],
    kind: 'bar' as const,
    stacked: true,
    format: usd,
    axisFormat: String,
    total: () => '$3.5',
  }

  it('gives every series an id so an update merges into the drawn chart', () => {
    const option = timeSeriesOption(spec, theme) as { series: { id: string; stack: string }[] }
    expect(option.series.map((series) => series.id)).toEqual(['series:chat', 'series:Others'])
    expect(option.series.every((series) => series.stack === 'total')).toBe(true)
  })

  it('lists the bucket, the non-empty stacks and the total in the tooltip', () => {
    const html = tooltip(timeSeriesOption(spec, theme))([{ dataIndex: 1 }])
    expect(html).toContain('Sat, Nov 21, 2026')
    expect(html).toContain('chat: <strong>$2</strong>')
    expect(html).not.toContain('Others')
    expect(html).toContain('Total: <strong>$3.5</strong>')
  })

  it('shades the latency bands behind the first series', () => {
    const option = timeSeriesOption({ ...spec, kind: 'line', latencyBands: true }, theme) as {
      series: { markArea?: { data: [{ yAxis: number }, { yAxis: number | string }][] } }[]
    }
    const bands = option.series[0]?.markArea?.data.map(([from, to]) => [from.yAxis, to.yAxis])
    expect(bands).toEqual([
      [0, 1500],
      [1500, 3000],
      [3000, 3600],
    ])
    expect(option.series[1]?.markArea).toBeUndefined()
  })
})

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
