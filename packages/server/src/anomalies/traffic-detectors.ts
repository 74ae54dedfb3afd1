import type { Candidate, Detector } from './detector.js'
import { hasHistory, sameHourOfWeek } from './detector.js'

/**
 * Off hours: traffic from a feature or route in an hour of the week when it was silent in every
 * baseline week, and in the hours on either side: a job running at 3 a.m. that never ran then.
 */
export const offHours: Detector = (series, hour, thresholds) => {
  const found: Candidate[] = []
  for (const [value, values] of series.values) {
    const requests = values.requests[hour] as number
    if (requests < thresholds.offHoursMinRequests || !hasHistory(values, hour, thresholds)) continue
    const around = [hour - 1, hour, hour + 1].flatMap((index) =>
      index >= 0 && index < series.hours
        ? sameHourOfWeek(values.requests, index, thresholds.baselineWeeks)
        : [],
    )
    if (around.length < thresholds.baselineWeeks || around.some((count) => count > 0)) continue
    found.push({
      kind: 'off_hours',
      dimension: series.dimension,
      value,
      hour,
      measure: 'requests',
      observed: requests,
      expected: 0,
      excessUsd: values.cost[hour] as number,
    })
  }
  return found
}

/**
 * Error storm: a value's failed calls at `errorRate` or more of its calls in an hour, at least
 * `errorMinCount` of them, and `errorRatio`× its own error rate of the past week. Failed calls and
 * their retries cost money too: the excess is the hour's cost above its average hour of the week.
 */
export const errorStorm: Detector = (series, hour, thresholds) => {
  const found: Candidate[] = []
  const weekStart = Math.max(0, hour - 168)
  for (const [value, values] of series.values) {
    const errors = values.errors[hour] as number
    const requests = values.requests[hour] as number
    if (errors < thresholds.errorMinCount || errors / requests < thresholds.errorRate) continue
    if (!hasHistory(values, hour, thresholds)) continue
    let pastErrors = 0
    let pastRequests = 0
    let pastCost = 0
    let activeHours = 0
    for (let index = weekStart; index < hour; index++) {
      pastErrors += values.errors[index] as number
      pastRequests += values.requests[index] as number
      pastCost += values.cost[index] as number
      if ((values.requests[index] as number) > 0) activeHours++
    }
    const expected = pastRequests > 0 ? pastErrors / pastRequests : 0
    const observed = errors / requests
    if (observed < thresholds.errorRatio * expected) continue
    found.push({
      kind: 'error_storm',
      dimension: series.dimension,
      value,
      hour,
      measure: 'error_rate',
      observed,
      expected,
      excessUsd: Math.max(0, (values.cost[hour] as number) - (activeHours ? pastCost / activeHours : 0)),
    })
  }
  return found
}
