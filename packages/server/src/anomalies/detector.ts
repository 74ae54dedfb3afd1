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

/** Whether a value has been seen long enough before `hour` to be compared with its own past. */
export const hasHistory = (series: HourlyValues, hour: number, thresholds: Thresholds) =>
  hour - series.firstSeen >= thresholds.historyDays * 24
