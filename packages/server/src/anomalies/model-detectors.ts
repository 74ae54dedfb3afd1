import type { Candidate, Detector } from './detector.js'

/** Hours a model must have been absent for to be new (and the history a store needs before anything is). */
const NEW_AFTER_HOURS = 28 * 24

/** Whether the data reaches `historyDays` before `hour`: at the start of the data everything is new. */
function dataOldEnough(series: Parameters<Detector>[0], hour: number, historyDays: number): boolean {
  for (const values of series.values.values()) if (values.firstSeen <= hour - historyDays * 24) return true
  return false
}

/** Whether `counted` (calls of some sort, per hour) was zero over the four weeks before `hour`. */
function firstInWindow(counted: (index: number) => number, hour: number): boolean {
  for (let index = Math.max(0, hour - NEW_AFTER_HOURS); index < hour; index++)
    if (counted(index) > 0) return false
  return true
}

/**
 * A new model: calls to a model not called in the past four weeks, once the series has a week of
 * history (at the start of the data everything is new). A model swap is a cost decision someone
 * should have made on purpose. Only calls that succeeded count: a failed call is recorded under the
 * name it asked for (an alias such as `gpt-4.1`, where answers name the snapshot), which is no new
 * model.
 */
export const newModel: Detector = (series, hour, thresholds) => {
  const found: Candidate[] = []
  if (!dataOldEnough(series, hour, thresholds.historyDays)) return found
  for (const [value, values] of series.values) {
    const succeeded = (index: number) => (values.requests[index] as number) - (values.errors[index] as number)
    const requests = succeeded(hour)
    if (requests <= 0 || !firstInWindow(succeeded, hour)) continue
    found.push({
      kind: 'new_model',
      dimension: 'model',
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
 * An unpriced model: calls whose price spendlens does not know (their cost is unknown, never a
 * silent zero), where the model had none in the past four weeks. Money at stake is unknown: 0.
 */
export const unpricedModel: Detector = (series, hour, thresholds) => {
  const found: Candidate[] = []
  if (!dataOldEnough(series, hour, thresholds.historyDays)) return found
  for (const [value, values] of series.values) {
    const unpriced = values.unpriced[hour] as number
    if (unpriced <= 0 || !firstInWindow((index) => values.unpriced[index] as number, hour)) continue
    found.push({
      kind: 'unpriced_model',
      dimension: 'model',
      value,
      hour,
      measure: 'unpriced_requests',
      observed: unpriced,
      expected: 0,
      excessUsd: 0,
    })
  }
  return found
}
