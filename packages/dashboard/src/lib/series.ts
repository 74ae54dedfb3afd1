// Query rows → chart series. Money is added and subtracted in integer nano-dollars (as the store
// keeps it), so an "others" stack is exactly the total minus the top values, to the nano-dollar.

import {
  type Bucket,
  type Dimension,
  type Metric,
  type QueryRow,
  UNATTRIBUTED,
} from '@spendlens/server/api-types'
import { type BucketSlot, rowBucketKey } from './buckets'

export function toNanos(dollars: number): number {
  return Math.round(dollars * 1e9)
}

/** Sum of dollar amounts, exact to the nano-dollar; null when every amount is unknown. */
export function sumUsd(values: readonly (number | null | undefined)[]): number | null {
  let known = false
  let nanos = 0
  for (const value of values) {
    if (typeof value !== 'number') continue
    known = true
    nanos += toNanos(value)
  }
  return known ? nanos / 1e9 : null
}

const MONEY: ReadonlySet<Metric> = new Set<Metric>(['cost_usd', 'cost_per_request'])

/** One metric per axis slot; a bucket without events is 0 (nothing happened, which is known). */
export function alignToAxis(
  axis: readonly BucketSlot[],
  rows: readonly QueryRow[],
  bucket: Bucket,
  metric: Metric,
  missing: number | null = 0,
): (number | null)[] {
  const byKey = new Map(rows.map((row) => [rowBucketKey(row, bucket), row[metric] ?? null]))
  return axis.map((slot) => (byKey.has(slot.key) ? (byKey.get(slot.key) ?? null) : missing))
}

export interface StackedSeries {
  name: string
  values: (number | null)[]
  /** The "everything else" stack. */
  others?: boolean
}

export interface StackInput {
  axis: readonly BucketSlot[]
  bucket: Bucket
  dimension: Dimension
  metric: Metric
  /** The top values, biggest first (the stacks drawn by name). */
  topValues: readonly string[]
  /** Bucketed rows grouped by the dimension, for the top values. */
  groupedRows: readonly QueryRow[]
  /** Bucketed rows of the whole scope (no group): the total per bucket. */
  totalRows: readonly QueryRow[]
}

/** One series per top value, and "Others" (total minus the top values) when anything is left. */
export function stackSeries(input: StackInput): StackedSeries[] {
  const { axis, bucket, dimension, metric, topValues } = input
  const money = MONEY.has(metric)
  const series: StackedSeries[] = topValues.map((value) => ({
    name: value,
    values: alignToAxis(
      axis,
      input.groupedRows.filter((row) => row[dimension] === value),
      bucket,
      metric,
    ),
  }))
  const totals = alignToAxis(axis, input.totalRows, bucket, metric)
  const others = totals.map((total, index) => {
    const top = series.map((entry) => entry.values[index] ?? 0)
    if (money) return (toNanos(total ?? 0) - top.reduce((sum, value) => sum + toNanos(value), 0)) / 1e9
    return (total ?? 0) - top.reduce((sum, value) => sum + value, 0)
  })
  if (others.some((value) => value !== 0)) series.push({ name: 'Others', values: others, others: true })
  return series
}

/** Each bucket's values as shares of that bucket's total (0–1): a mix over time. */
export function toShares(series: readonly StackedSeries[]): StackedSeries[] {
  const length = series[0]?.values.length ?? 0
  const totals = Array.from({ length }, (_, index) =>
    series.reduce((sum, entry) => sum + (entry.values[index] ?? 0), 0),
  )
  return series.map((entry) => ({
    ...entry,
    values: entry.values.map((value, index) => {
      const total = totals[index] ?? 0
      return total > 0 ? (value ?? 0) / total : null
    }),
  }))
}

/**
 * Hour-of-day × day-of-week totals from hourly rows (their `bucket_label` is the local
 * "YYYY-MM-DD HH:00"). Rows Monday first: grid[weekday][hour].
 */
export function weekHourGrid(rows: readonly QueryRow[], metric: Metric): number[][] {
  const grid = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0))
  const money = MONEY.has(metric)
  for (const row of rows) {
    const match = /^(\d{4}-\d{2}-\d{2}) (\d{2})/.exec(row.bucket_label ?? '')
    const value = row[metric]
    if (!match || typeof value !== 'number') continue
    const mondayFirst = (new Date(`${match[1]}T00:00:00Z`).getUTCDay() + 6) % 7
    const cells = grid[mondayFirst] as number[]
    const hour = Number(match[2])
    cells[hour] = money ? (toNanos(cells[hour] ?? 0) + toNanos(value)) / 1e9 : (cells[hour] ?? 0) + value
  }
  return grid
}

export interface CollapsedRow {
  name: string
  value: number | null
  others?: boolean
  /** Others and the unattributed group: drawn in the muted colour, not as one named thing. */
  muted: boolean
  row?: QueryRow
}

/**
 * Ranked rows → the first `keep` by name, the rest (and the server's own others row) folded into
 * one "Others" entry, for bar and share charts that cannot show fifty slices.
 */
export function collapseRows(
  rows: readonly QueryRow[],
  dimension: Dimension,
  metric: Metric,
  keep: number,
): CollapsedRow[] {
  const named = rows.filter((row) => !row.others)
  const kept: CollapsedRow[] = named.slice(0, keep).map((row) => {
    const name = String(row[dimension] ?? '')
    return { name, value: row[metric] ?? null, muted: name === UNATTRIBUTED, row }
  })
  const rest = [...named.slice(keep), ...rows.filter((row) => row.others)]
  if (rest.length === 0) return kept
  const values = rest.map((row) => row[metric])
  const value = MONEY.has(metric)
    ? sumUsd(values)
    : values.reduce<number>((sum, item) => sum + (item ?? 0), 0)
  return [...kept, { name: 'Others', value, others: true, muted: true }]
}
