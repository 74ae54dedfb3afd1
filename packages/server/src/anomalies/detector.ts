import type { AnomalyKind, BaseDimension } from '../api/api-types.js'
import type { DimensionSeries, HourlyValues } from './hourly-series.js'

/** One hour that looks wrong, before the anomaly book (anomaly-book.ts) makes it an anomaly or extends one. */
export interface Candidate {
  kind: AnomalyKind
  dimension: BaseDimension
  value: string
  /** The index of the hour in its series. */
  hour: number
  measure: string
  observed: number
  expected: number
  /** Dollars above what was expected in this hour. */
  excessUsd: number
}

/**
 * Every threshold of every detector, with the defaults the source articles suggest. A value is a
 * floor unless its name says otherwise.
 */
export interface Thresholds {
  /** Spend spike: the hour's cost at least this many times its expected cost… */
  spikeRatio: number
  /** …and at least this many dollars above it. */
  spikeMinUsd: number
  /** Weeks of the same hour of the week the expected cost is the median of. */
  baselineWeeks: number
  /** Customer or user hour: at least this many times its own average hour of traffic… */
  customerRatio: number
  /** …and at least this many dollars above it. */
  customerMinUsd: number
  /** Off hours: requests in an hour when the same hour of the week was silent in every baseline week. */
  offHoursMinRequests: number
  /** Error storm: the share of failed calls in the hour… */
  errorRate: number
  /** …with at least this many failed calls… */
  errorMinCount: number
  /** …and at least this many times the value's error rate of the past week. */
  errorRatio: number
  /** Request outlier: a request with at least this many times the average tokens of its feature and template… */
  outlierRatio: number
  /** …costing at least this many dollars more than their average request… */
  outlierMinUsd: number
  /** …where the average is of at least this many requests (the past week's). */
  outlierMinRequests: number
  /** Duplicated job: a scheduled template's calls over the last 24 hours at least this many times its usual day… */
  jobRatio: number
  /** …and at least this many dollars above it. */
  jobMinUsd: number
  /** A template is scheduled when it ran in at most this share of the past week's hours… */
  jobMaxActiveShare: number
  /** …and on at least this many of its days. */
  jobMinDays: number
  /** Prompt drift: a template's average input tokens (or cost) per request at least this many times its past week's… */
  driftRatio: number
  /** …in this many consecutive hours of traffic (the step stays up), or in one whose lower quartile request is up too… */
  driftHours: number
  /** …each with at least this many requests (hours with fewer neither confirm nor end a drift)… */
  driftMinRequests: number
  /** …and at least this many dollars above the past week's cost per request, over those hours. */
  driftMinUsd: number
  /** A value needs this many days of history before it is compared with it. */
  historyDays: number
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  spikeRatio: 3,
  spikeMinUsd: 1,
  baselineWeeks: 4,
  customerRatio: 5,
  customerMinUsd: 1,
  offHoursMinRequests: 10,
  errorRate: 0.25,
  errorMinCount: 20,
  errorRatio: 3,
  outlierRatio: 10,
  outlierMinUsd: 0.5,
  outlierMinRequests: 20,
  jobRatio: 2,
  jobMinUsd: 1,
  jobMaxActiveShare: 0.25,
  jobMinDays: 3,
  driftRatio: 1.5,
  driftHours: 2,
  driftMinRequests: 5,
  driftMinUsd: 0.5,
  historyDays: 7,
}

/** A detector: the candidates of one hour of one dimension's series. */
export type Detector = (series: DimensionSeries, hour: number, thresholds: Thresholds) => Candidate[]

export const HOURS_PER_WEEK = 168

/** The value's figure at the same hour of each of the `weeks` weeks before (those inside the series). */
export function sameHourOfWeek(values: Float64Array, hour: number, weeks: number): number[] {
  const found: number[] = []
  for (let week = 1; week <= weeks; week++) {
    const index = hour - week * HOURS_PER_WEEK
    if (index >= 0) found.push(values[index] as number)
  }
  return found
}

export function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** Values that are no one (events without the id): customer, user and template detectors skip them. */
export const isNobody = (value: string) => value === 'null' || value === 'unattributed'

/** The sum of `values` over the hours [from, to), clipped to the series. */
export function sumOver(values: Float64Array, from: number, to: number): number {
  let total = 0
  for (let index = Math.max(0, from); index < Math.min(to, values.length); index++)
    total += values[index] as number
  return total
}

/** Whether a value has been seen long enough before `hour` to be compared with its own past. */
export const hasHistory = (series: HourlyValues, hour: number, thresholds: Thresholds) =>
  hour - series.firstSeen >= thresholds.historyDays * 24
