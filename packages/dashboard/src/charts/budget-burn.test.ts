import type { Budget } from '@spendlens/server/api-types'
import { describe, expect, it } from 'vitest'
import { budgetBurnOption, burnPoints, niceCeiling, thresholdLabels } from './budget-burn'
import { theme, usd } from './chart-fixtures'

const HOUR = 3_600_000
const start = Date.parse('2026-12-01T00:00:00.000Z')
const resets = Date.parse('2027-01-01T00:00:00.000Z')
const asOf = start + 5.5 * HOUR

function budget(
  changes: Partial<Budget['status']> = {},
  forecast: Partial<Budget['status']['forecast']> = {},
) {
  return {
    id: 'acme',
    name: 'Acme',
    filters: [],
    period: 'month',
    timeZone: 'UTC',
    amountUsd: 100,
    thresholds: [0.5, 0.8, 1],
    action: 'block',
    channels: [],
    source: 'api',
    changed_at: null,
    changed_by: null,
    status: {
      period_start: new Date(start).toISOString(),
      resets_at: new Date(resets).toISOString(),
      spent_usd: 6,
      remaining_usd: 94,
      used: 0.06,
      thresholds_reached: [],
      blocked_calls: 0,
      forecast: {
        method: 'flat_rate',
        end_of_period_usd: 150,
        runs_out_at: new Date(start + 20 * 24 * HOUR).toISOString(),
        summary: '',
        ...forecast,
      },
      ...changes,
    },
  } satisfies Budget
}

const spec = (of: Budget) => ({
  budget: of,
  points: burnPoints(of, [], asOf),
  asOf,
  format: usd,
  axisFormat: String,
  formatTime: (time: number) => new Date(time).toISOString(),
})

type Drawn = {
  series: { id: string; data: number[][]; markLine: { data: { xAxis?: number; yAxis?: number }[] } }[]
  yAxis: { max: number }
}

describe('burnPoints', () => {
  it('runs the hours up from 0 at the period start and ends on the status’s own spend at asOf', () => {
    const rows = [
      { bucket_start: new Date(start + 2 * HOUR).toISOString(), cost_usd: 2 },
      { bucket_start: new Date(start).toISOString(), cost_usd: 1 },
      { bucket_start: new Date(start + 5 * HOUR).toISOString(), cost_usd: 3 },
    ]
    expect(burnPoints(budget(), rows, asOf)).toEqual([
      [start, 0],
      [start + HOUR, 1],
      [start + 3 * HOUR, 3],
      // The current hour (05:00–06:00) is not over: the last point is asOf, at the status's spend.
      [asOf, 6],
    ])
  })
})

describe('budgetBurnOption', () => {
  it('draws the forecast from now to the reset, the amount, the thresholds below it and the run-out moment', () => {
    const option = budgetBurnOption(spec(budget()), theme) as unknown as Drawn
    const [spent, forecast] = option.series
    expect(forecast?.data).toEqual([
      [asOf, 6],
      [resets, 150],
    ])
    expect(spent?.markLine.data).toEqual([
      expect.objectContaining({ yAxis: 100 }),
      expect.objectContaining({ yAxis: 50 }),
      expect.objectContaining({ yAxis: 80 }),
      expect.objectContaining({ xAxis: start + 20 * 24 * HOUR }),
    ])
    expect(option.yAxis.max).toBe(200)
  })

  it('draws no forecast for a budget with no history, nor a run-out line when the forecast stays within', () => {
    const option = budgetBurnOption(
      spec(budget({}, { method: 'no_history', end_of_period_usd: 6, runs_out_at: null })),
      theme,
    ) as unknown as Drawn
    expect(option.series[1]?.data).toEqual([])
    expect(option.series[0]?.markLine.data.some((line) => line.xAxis !== undefined)).toBe(false)
    // The amount stays in sight, with room for its label.
    expect(option.yAxis.max).toBe(200)
  })
})

describe('niceCeiling', () => {
  it('rounds up to 1, 2, 2.5 or 5 of a power of ten', () => {
    expect([0.0042, 1, 1.2, 2.2, 4.9, 32.6, 932.8, 0].map(niceCeiling)).toEqual([
      0.005, 1, 2, 2.5, 5, 50, 1000, 1,
    ])
  })
})

describe('thresholdLabels', () => {
  it('gives each threshold line its label when they are far enough apart', () => {
    // $100 on an axis to $100 over 192 px: 50% at 96 px, 80% at 153.6 px.
    expect(thresholdLabels([0.5, 0.8], 100, 100, 192)).toEqual([
      { threshold: 0.5, label: '50%' },
      { threshold: 0.8, label: '80%' },
    ])
  })

  it('merges the labels of lines too close to read apart onto the highest of them', () => {
    // A runaway forecast stretches the axis to $200: 50% at 48 px, 80% at 76.8 px, 90% at 86.4 px.
    expect(thresholdLabels([0.9, 0.5, 0.8], 100, 200, 192)).toEqual([
      { threshold: 0.5, label: '50%' },
      { threshold: 0.8, label: null },
      { threshold: 0.9, label: '80% · 90%' },
    ])
    // To $1,000: 9.6, 15.36 and 17.28 px, all within a label's height of the next.
    expect(thresholdLabels([0.5, 0.8, 0.9], 100, 1000, 192).map((entry) => entry.label)).toEqual([
      null,
      null,
      '50% · 80% · 90%',
    ])
  })
})
