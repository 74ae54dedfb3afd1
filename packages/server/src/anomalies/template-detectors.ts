import type { Candidate, Detector, Thresholds } from './detector.js'
import { HOURS_PER_WEEK, hasHistory, isNobody, median, sumOver } from './detector.js'
import type { HourlyValues } from './hourly-series.js'

/**
 * Detectors of prompt templates (`prompt_id`): the unit a scheduled job and a deploy change. Both
 * compare a template with its own past week, from the hourly rollups.
 */

const DAY = 24
/** A job's hour runs more than usual when it has at least this many times its usual calls for that hour of the day. */
const HOUR_RUN_RATIO = 1.5
/** How far back a drift looks for its hours with traffic (hours): past a weekend, for a weekday template. */
export const DRIFT_WINDOW = 3 * DAY

/**
 * Duplicated job: a template that runs on a schedule (in at most `jobMaxActiveShare` of the past
 * week's hours, on at least `jobMinDays` of its days) making `jobRatio`× or more its usual day's
 * calls over the last 24 hours, while it is running, with calls of the usual shape (cost per call
 * within a factor of two of its usual). The usual day is the median of the 24-hour totals ending at
 * the same hour on each of the 7 days before, so a job that runs once a night at 02:00 and now runs
 * at 02:00, 03:00 and 04:00 is found at 03:00, and one firing three times within 02:00 at 02:00.
 * The hour itself must run more than it does on other days (1.5× its median for that hour of the
 * day), so last night's extra runs, still inside the 24 hours, do not make tonight's scheduled run
 * a duplicate. The money at stake is what each hour cost beyond both its usual hour and the usual
 * day, hour by hour as the runs come.
 */
export const duplicatedJob: Detector = (series, hour, thresholds) => {
  const found: Candidate[] = []
  for (const [value, values] of series.values) {
    if (isNobody(value) || (values.requests[hour] as number) === 0) continue
    if (!hasHistory(values, hour, thresholds) || !scheduled(values, hour, thresholds)) continue
    const calls = sumOver(values.requests, hour - DAY + 1, hour + 1)
    const cost = sumOver(values.cost, hour - DAY + 1, hour + 1)
    const usualCalls = median(pastDays(values.requests, hour))
    const usualCost = median(pastDays(values.cost, hour))
    if (usualCalls <= 0 || calls < thresholds.jobRatio * usualCalls) continue
    if (cost - usualCost < thresholds.jobMinUsd) continue
    // This hour runs more than it does on other days: last night's extra runs, still inside the 24
    // hours, do not make tonight's scheduled run a duplicate.
    const usualHourCalls = median(sameHourOfDay(values.requests, hour))
    const usualHourCost = median(sameHourOfDay(values.cost, hour))
    if ((values.requests[hour] as number) < HOUR_RUN_RATIO * usualHourCalls) continue
    // The same job repeating, not a different one: its calls cost what they usually do.
    const costPerCall = (values.cost[hour] as number) / (values.requests[hour] as number)
    const usualCostPerCall = usualCost / usualCalls
    if (costPerCall > 2 * usualCostPerCall || costPerCall < usualCostPerCall / 2) continue
    found.push({
      kind: 'duplicated_job',
      dimension: series.dimension,
      value,
      hour,
      measure: 'requests_per_day',
      observed: calls,
      expected: usualCalls,
      excessUsd: Math.max(0, Math.min((values.cost[hour] as number) - usualHourCost, cost - usualCost)),
    })
  }
  return found
}

/** Whether a template ran in few hours of the past week, on several of its days: a schedule. */
function scheduled(values: HourlyValues, hour: number, thresholds: Thresholds): boolean {
  let activeHours = 0
  const activeDays = new Set<number>()
  for (let index = Math.max(0, hour - HOURS_PER_WEEK); index < hour; index++) {
    if ((values.requests[index] as number) === 0) continue
    activeHours++
    activeDays.add(Math.floor((hour - index - 1) / DAY))
  }
  return (
    activeHours <= thresholds.jobMaxActiveShare * HOURS_PER_WEEK && activeDays.size >= thresholds.jobMinDays
  )
}

/** The hour's figure on each of the 7 days before. */
function sameHourOfDay(values: Float64Array, hour: number): number[] {
  const found: number[] = []
  for (let day = 1; day <= 7; day++) if (hour - day * DAY >= 0) found.push(values[hour - day * DAY] as number)
  return found
}

/** The 24-hour totals ending at the same hour on each of the 7 days before. */
function pastDays(values: Float64Array, hour: number): number[] {
  const totals: number[] = []
  for (let day = 1; day <= 7; day++) {
    const end = hour - day * DAY + 1
    if (end - DAY >= 0) totals.push(sumOver(values, end - DAY, end))
  }
  return totals
}

/**
 * Prompt drift: a template's average input tokens per request (prompt bloat after a deploy), or
 * its cost per request, stepping up to `driftRatio`× or more its average over the week before the
 * step, and staying up: the last `driftHours` hours with traffic (at least `driftMinRequests`
 * calls; hours with fewer neither confirm nor end it) within three days are all up, or the last
 * one alone has three in four of its calls up (driftAt). A drift counts
 * once its hours since the step have cost `driftMinUsd` more than the week's cost per request
 * would have; then it starts at the step's first hour (the book takes the earlier hours once),
 * goes on while the template's hours stay up (quiet hours in between keep it going: no floor per
 * hour splits one deploy into pieces) and resolves once they are back, or once the new size has
 * become the template's usual week.
 */
export const promptDrift: Detector = (series, hour, thresholds) => {
  const found: Candidate[] = []
  for (const [value, values] of series.values) {
    if (isNobody(value) || !hasHistory(values, hour, thresholds)) continue
    const drifts = driftsOf(values, thresholds)
    const now = drifts(hour)
    if (!now) continue
    // Back to the hour this run of drifted hours began (a week at most), and the step before it.
    let first = hour
    while (first > 0 && hour - first < HOURS_PER_WEEK && drifts(first - 1)) first--
    const step = drifts(first) as Drift
    const excess = (index: number) =>
      Math.max(0, (values.cost[index] as number) - step.costPerRequest * (values.requests[index] as number))
    const since = step.hours[0] as number
    let before = 0
    for (let index = since; index < hour; index++) before += excess(index)
    if (before + excess(hour) < thresholds.driftMinUsd) continue
    // Newly confirmed or just past the floor: the whole run so far is the anomaly's.
    const reported = first < hour && before >= thresholds.driftMinUsd
    const measure = now.measure === 'avg_input_tokens' ? values.inputTokens : values.cost
    const from = reported ? hour : since
    for (let index = from; index <= hour; index++) {
      const requests = values.requests[index] as number
      found.push({
        kind: 'prompt_drift',
        dimension: series.dimension,
        value,
        hour: index,
        measure: now.measure,
        observed: requests > 0 ? (measure[index] as number) / requests : now.observed,
        expected: step.expected,
        excessUsd: excess(index),
      })
    }
  }
  return found
}

interface Drift {
  measure: 'avg_input_tokens' | 'cost_per_request'
  /** The step's hours with traffic, oldest first. */
  hours: number[]
  observed: number
  expected: number
  /** The week's cost per request before the step. */
  costPerRequest: number
}

/**
 * Whether a template is drifted at an hour, remembered per series for one detection run: a
 * drift's run of hours is walked back from each hour, and the same hours are asked again.
 */
const driftMemo = new WeakMap<HourlyValues, Map<number, Drift | undefined>>()
function driftsOf(values: HourlyValues, thresholds: Thresholds): (hour: number) => Drift | undefined {
  let memo = driftMemo.get(values)
  if (!memo) {
    memo = new Map()
    driftMemo.set(values, memo)
  }
  const known = memo
  return (hour) => {
    if (!known.has(hour)) known.set(hour, driftAt(values, hour, thresholds))
    return known.get(hour)
  }
}

/**
 * Whether a template is drifted at `hour`: its last hours with traffic all up against the week
 * before them. Two such hours (`driftHours`) show a step that stays up; so does the last one alone
 * when the lower quartile of its calls is up as well as their average: three in four of the hour's
 * (at least `driftMinRequests`) calls grew, not a few large ones (a single large request is a
 * request outlier, not a drift). The one-hour case raises a deploy's drift within its first hour.
 */
function driftAt(values: HourlyValues, hour: number, thresholds: Thresholds): Drift | undefined {
  const hours: number[] = []
  for (
    let index = hour;
    index > hour - DRIFT_WINDOW && index >= 0 && hours.length < thresholds.driftHours;
    index--
  )
    if ((values.requests[index] as number) >= thresholds.driftMinRequests) hours.unshift(index)
  const last = hours.at(-1)
  if (last === undefined) return undefined
  return (
    (hours.length >= thresholds.driftHours ? stepOver(values, hours, thresholds, false) : undefined) ??
    (Number.isFinite(values.quartileInputTokens?.[last])
      ? stepOver(values, [last], thresholds, true)
      : undefined)
  )
}

/** A step up over `hours` (a template's hours with traffic, oldest first), by their averages and, when `quartiles`, their lower quartiles too. */
function stepOver(
  values: HourlyValues,
  hours: number[],
  thresholds: Thresholds,
  quartiles: boolean,
): Drift | undefined {
  const first = hours[0] as number
  const weekRequests = sumOver(values.requests, first - HOURS_PER_WEEK, first)
  if (weekRequests < thresholds.driftMinRequests * thresholds.driftHours) return undefined
  const weekTokens = sumOver(values.inputTokens, first - HOURS_PER_WEEK, first) / weekRequests
  const weekCost = sumOver(values.cost, first - HOURS_PER_WEEK, first) / weekRequests
  const stepRequests = hours.reduce((sum, index) => sum + (values.requests[index] as number), 0)
  const up = (measure: Float64Array, quartile: Float64Array | undefined, usual: number) =>
    usual > 0 &&
    hours.every(
      (index) =>
        (measure[index] as number) / (values.requests[index] as number) >= thresholds.driftRatio * usual &&
        (!quartiles || (quartile?.[index] ?? Number.NaN) >= thresholds.driftRatio * usual),
    )
  const stepAverage = (measure: Float64Array) =>
    hours.reduce((sum, index) => sum + (measure[index] as number), 0) / stepRequests
  if (up(values.inputTokens, values.quartileInputTokens, weekTokens))
    return {
      measure: 'avg_input_tokens',
      hours,
      observed: stepAverage(values.inputTokens),
      expected: weekTokens,
      costPerRequest: weekCost,
    }
  if (up(values.cost, values.quartileCost, weekCost))
    return {
      measure: 'cost_per_request',
      hours,
      observed: stepAverage(values.cost),
      expected: weekCost,
      costPerRequest: weekCost,
    }
  return undefined
}
