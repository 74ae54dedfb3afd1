import type { Candidate, Detector } from './detector.js'
import { hasHistory, isNobody, median, sameHourOfWeek } from './detector.js'

/**
 * Spend spike: an hour's cost at `spikeRatio`× or more the cost expected for that hour, and
 * `spikeMinUsd` above it. The expectation is the median of the same hour of the week over the
 * last `baselineWeeks` weeks: it follows the product's weekly rhythm (a Monday 10:00 is compared
 * with Mondays 10:00), and a median is not moved by one earlier spike.
 */
export const spendSpike: Detector = (series, hour, thresholds) => {
  const found: Candidate[] = []
  for (const [value, values] of series.values) {
    const observed = values.cost[hour] as number
    if (observed < thresholds.spikeMinUsd || !hasHistory(values, hour, thresholds)) continue
    const expected = median(sameHourOfWeek(values.cost, hour, thresholds.baselineWeeks))
    if (expected <= 0) continue
    if (observed >= thresholds.spikeRatio * expected && observed - expected >= thresholds.spikeMinUsd)
      found.push({
        kind: 'spend_spike',
        dimension: series.dimension,
        value,
        hour,
        measure: 'cost_usd',
        observed,
        expected,
        excessUsd: observed - expected,
      })
  }
  return found
}

/**
 * Customer or user hour: a customer's (or user's) cost in an hour at `customerRatio`× or more its own average
 * hour of traffic over the past week (the hours it had any), and `customerMinUsd` above it. A
 * customer who spends the same every hour never trips it; one test user running a loop does.
 */
export const customerHour: Detector = (series, hour, thresholds) => {
  const found: Candidate[] = []
  const weekStart = Math.max(0, hour - 168)
  for (const [value, values] of series.values) {
    const observed = values.cost[hour] as number
    if (observed < thresholds.customerMinUsd || isNobody(value) || !hasHistory(values, hour, thresholds))
      continue
    let total = 0
    let active = 0
    for (let index = weekStart; index < hour; index++) {
      if ((values.requests[index] as number) > 0) {
        total += values.cost[index] as number
        active++
      }
    }
    if (active === 0) continue
    const expected = total / active
    if (observed >= thresholds.customerRatio * expected && observed - expected >= thresholds.customerMinUsd)
      found.push({
        kind: 'customer_hour',
        dimension: series.dimension,
        value,
        hour,
        measure: 'cost_usd',
        observed,
        expected,
        excessUsd: observed - expected,
      })
  }
  return found
}
