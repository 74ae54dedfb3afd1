import { describe, expect, it } from 'vitest'
import { bucketAxis } from '../lib/buckets'
import { customRange } from '../lib/time-range'
import { theme, tooltip, usd } from './chart-fixtures'
import { timeSeriesOption } from './time-series'

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
