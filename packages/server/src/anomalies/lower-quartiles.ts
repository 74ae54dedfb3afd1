import type { TemplateHour } from '../query/template-hours.js'
import { type DimensionSeries, HOUR_MS } from './hourly-series.js'

/**
 * Adds each template's lower quartile request, hour by hour, to its hourly series (prompt_id), from
 * the events' template hours (query/template-hours.ts): what tells prompt drift that most of an
 * hour's calls grew, where the hour's average alone could be a few large requests. A template
 * several features use gets their quartiles weighted by their requests. Hours not read stay NaN:
 * unknown, not zero.
 */
export function addLowerQuartiles(series: DimensionSeries, templateHours: readonly TemplateHour[]): void {
  const weighted = new Map<string, Record<'tokens' | 'requests' | 'cost' | 'priced', Float64Array>>()
  for (const row of templateHours) {
    const value = row.prompt_id ?? 'null'
    const index = Math.round((row.hour - series.start) / HOUR_MS)
    if (index < 0 || index >= series.hours || !series.values.has(value)) continue
    let sums = weighted.get(value)
    if (!sums) {
      const hours = () => new Float64Array(series.hours)
      sums = { tokens: hours(), requests: hours(), cost: hours(), priced: hours() }
      weighted.set(value, sums)
    }
    const add = (into: Float64Array, amount: number) => {
      into[index] = (into[index] as number) + amount
    }
    add(sums.tokens, row.lower_quartile.input_tokens * row.requests)
    add(sums.requests, row.requests)
    if (row.lower_quartile.cost_nanos !== null) {
      add(sums.cost, (row.lower_quartile.cost_nanos / 1e9) * row.requests)
      add(sums.priced, row.requests)
    }
  }
  for (const [value, sums] of weighted) {
    const values = series.values.get(value)
    if (!values) continue
    const average = (sum: Float64Array, weight: Float64Array) =>
      sum.map((total, index) =>
        (weight[index] as number) > 0 ? total / (weight[index] as number) : Number.NaN,
      )
    values.quartileInputTokens = average(sums.tokens, sums.requests)
    values.quartileCost = average(sums.cost, sums.priced)
  }
}
