import { describe, expect, it } from 'vitest'
import { DEFAULT_THRESHOLDS } from '../src/anomalies/detector.js'
import type { DimensionSeries, HourlyValues } from '../src/anomalies/hourly-series.js'
import { promptDrift } from '../src/anomalies/template-detectors.js'

/**
 * Prompt drift on one template's hand-made hours: a week and a day of 8 calls an hour of 1,000
 * input tokens at $0.12, then one hour of 8 calls that the test shapes. The lower quartile is what
 * the events would answer (query/template-hours.ts), given here per hour.
 */
const HOURS = 8 * 24 + 1
const sum = (list: number[]) => list.reduce((total, value) => total + value, 0)
const LAST = HOURS - 1

function template(lastHour: { inputs: number[]; costs: number[] }): DimensionSeries {
  const hours = () => new Float64Array(HOURS)
  const values: HourlyValues = {
    cost: hours().fill(8 * 0.12),
    requests: hours().fill(8),
    inputTokens: hours().fill(8 * 1000),
    errors: hours(),
    unpriced: hours(),
    firstSeen: 0,
    quartileInputTokens: hours().fill(Number.NaN),
    quartileCost: hours().fill(Number.NaN),
  }
  // R type 7, as both engines compute it.
  const lowerQuartile = (list: number[]) => {
    const sorted = [...list].sort((a, b) => a - b)
    const position = (sorted.length - 1) * 0.25
    const below = Math.floor(position)
    const low = sorted[below] as number
    return low + ((sorted[below + 1] ?? low) - low) * (position - below)
  }
  values.requests[LAST] = lastHour.inputs.length
  values.inputTokens[LAST] = sum(lastHour.inputs)
  values.cost[LAST] = sum(lastHour.costs)
  ;(values.quartileInputTokens as Float64Array)[LAST] = lowerQuartile(lastHour.inputs)
  ;(values.quartileCost as Float64Array)[LAST] = lowerQuartile(lastHour.costs)
  return { dimension: 'prompt_id', start: 0, hours: HOURS, values: new Map([['weekly-report', values]]) }
}

describe('prompt drift within the hour of the deploy', () => {
  it('is raised from one hour when three in four of its calls grew', () => {
    const found = promptDrift(template({ inputs: Array(8).fill(2500), costs: Array(8).fill(0.27) }), LAST, {
      ...DEFAULT_THRESHOLDS,
    })
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({
      kind: 'prompt_drift',
      hour: LAST,
      measure: 'avg_input_tokens',
      expected: 1000,
    })
    // Each call $0.15 above the week's $0.12: $1.20 at stake in the hour.
    expect(found[0]?.excessUsd).toBeCloseTo(1.2, 9)
  })

  it('is not raised by a few large calls among usual ones, though the average doubled', () => {
    const inputs = [1000, 1000, 1000, 1000, 1000, 1000, 10_000, 10_000]
    const costs = inputs.map((tokens) => 0.12 * (tokens / 1000))
    expect(sum(inputs) / inputs.length).toBeGreaterThan(1.5 * 1000)
    expect(promptDrift(template({ inputs, costs }), LAST, DEFAULT_THRESHOLDS)).toEqual([])
  })

  it('is not raised from one hour below the calls a drift needs', () => {
    const found = promptDrift(template({ inputs: Array(4).fill(2500), costs: Array(4).fill(0.5) }), LAST, {
      ...DEFAULT_THRESHOLDS,
    })
    expect(found).toEqual([])
  })
})
