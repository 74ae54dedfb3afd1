import { describe, expect, it } from 'vitest'
import { anomaly } from '../lib/anomaly-fixtures'
import { bucketAxis } from '../lib/buckets'
import { customRange, type Span } from '../lib/time-range'
import { chartMarkers } from './anomaly-markers'
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

  describe('anomaly markers', () => {
    const day = customRange('2026-12-01', '2026-12-01', 'UTC') as Span
    const hours = bucketAxis(day, 'hour', 'UTC')
    const values = hours.map(() => 1)
    const markers = chartMarkers([anomaly({ summary: 'feature <chat> spent 8.7× its usual' })], hours, day.to)
    type Drawn = {
      legend: { data: string[] }
      xAxis: { axisTick: { alignWithLabel: boolean; interval: number } }
      series: {
        id: string
        stack?: string
        data: unknown[]
        markArea?: { data: [{ xAxis: number }, { xAxis: number }][] }
      }[]
    }
    const areas = (series: Drawn['series'][number] | undefined) =>
      series?.markArea?.data.map(([from, to]) => [from.xAxis, to.xAxis])

    it('shades whole bars of the buckets it covers, on a series of its own in the stack, out of the legend', () => {
      const option = timeSeriesOption(
        { ...spec, axis: hours, series: [{ name: 'chat', values }], markers },
        theme,
      ) as Drawn
      const carrier = option.series.find((series) => series.id === 'anomaly-markers')
      expect(areas(carrier)).toEqual([[13, 15]])
      expect(carrier?.stack).toBe('total')
      expect(carrier?.data.every((value) => value === null)).toBe(true)
      expect(option.legend.data).toEqual(['chat'])
      // Mark areas of bars sit on the ticks: one at every bar's edge.
      expect(option.xAxis.axisTick).toMatchObject({ alignWithLabel: false, interval: 0 })
    })

    it('spans lines from the first point to the next bucket’s, and bars side by side on their first series', () => {
      const line = timeSeriesOption(
        { ...spec, axis: hours, kind: 'line', stacked: false, series: [{ name: 'p95', values }], markers },
        theme,
      ) as Drawn
      expect(areas(line.series.find((series) => series.id === 'anomaly-markers'))).toEqual([[13, 16]])
      const bars = timeSeriesOption(
        { ...spec, axis: hours, stacked: false, series: [{ name: 'chat', values }], markers },
        theme,
      ) as Drawn
      expect(bars.series.map((series) => series.id)).toEqual(['series:chat'])
      expect(areas(bars.series[0])).toEqual([[13, 15]])
    })

    it("adds the anomaly's sentence, escaped, to the tooltips of the buckets it covers only", () => {
      const option = timeSeriesOption(
        { ...spec, axis: hours, series: [{ name: 'chat', values }], markers },
        theme,
      )
      expect(tooltip(option)([{ dataIndex: 14 }])).toContain(
        '<strong>Spend spike</strong>: feature &lt;chat&gt; spent 8.7× its usual',
      )
      expect(tooltip(option)([{ dataIndex: 16 }])).not.toContain('Spend spike')
    })

    it('draws no marker series without markers', () => {
      const option = timeSeriesOption(
        { ...spec, axis: hours, series: [{ name: 'chat', values }] },
        theme,
      ) as Drawn
      expect(option.series.map((series) => series.id)).toEqual(['series:chat'])
      expect(option.series[0]?.markArea).toBeUndefined()
    })
  })
})
