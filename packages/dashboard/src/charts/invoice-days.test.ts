import { describe, expect, it } from 'vitest'
import { bucketAxis } from '../lib/buckets'
import { customRange } from '../lib/time-range'
import { theme, tooltip, usd } from './chart-fixtures'
import { invoiceDaysOption } from './invoice-days'

describe('invoiceDaysOption', () => {
  const spec = {
    axis: bucketAxis(customRange('2026-11-01', '2026-11-03', 'UTC') as never, 'day', 'UTC'),
    invoiced: [10, null, 4],
    tracked: [8, null, 4],
    coverage: [0.8, null, 1],
    format: usd,
    axisFormat: String,
    coverageFormat: (value: number | null | undefined) => (value === null ? 'none' : `${value}`),
  }

  it('draws the invoice as bars and the tracked cost as a line, a day without invoice as a gap', () => {
    const option = invoiceDaysOption(spec, theme) as {
      series: { id: string; type: string; data: (number | null)[] }[]
    }
    expect(option.series.map((series) => [series.id, series.type])).toEqual([
      ['invoiced', 'bar'],
      ['tracked', 'line'],
    ])
    expect(option.series[0]?.data).toEqual([10, null, 4])
  })

  it("gives the day's invoiced, tracked, gap and coverage in the tooltip", () => {
    const html = tooltip(invoiceDaysOption(spec, theme))([{ dataIndex: 0 }])
    expect(html).toContain('Sun, Nov 1, 2026')
    expect(html).toContain('Invoiced: <strong>$10</strong>')
    expect(html).toContain('Tracked: <strong>$8</strong>')
    expect(html).toContain('Gap: <strong>$2</strong>')
    expect(html).toContain('Coverage: <strong>0.8</strong>')
  })

  it('says so for a day no complete invoice covers', () => {
    const html = tooltip(invoiceDaysOption(spec, theme))([{ dataIndex: 1 }])
    expect(html).toContain('No complete invoice for this day yet')
    expect(html).not.toContain('Gap')
  })
})
