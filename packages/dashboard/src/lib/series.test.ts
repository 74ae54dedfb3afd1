import type { QueryRow } from '@spendlens/server/api-types'
import { describe, expect, it } from 'vitest'
import { bucketAxis } from './buckets'
import { alignToAxis, collapseRows, stackSeries, sumUsd, toShares, weekHourGrid } from './series'
import { customRange } from './time-range'

const span = customRange('2026-11-20', '2026-11-22', 'UTC') as { from: Date; to: Date }
const axis = bucketAxis(span, 'day', 'UTC')

describe('sumUsd', () => {
  it('adds dollar amounts exactly, to the nano-dollar', () => {
    expect(sumUsd([0.1, 0.2])).toBe(0.3)
    expect(sumUsd([0.000000001, 0.000000002])).toBe(0.000000003)
  })

  it('is unknown only when every amount is', () => {
    expect(sumUsd([null, undefined])).toBeNull()
    expect(sumUsd([null, 2])).toBe(2)
  })
})

describe('alignToAxis', () => {
  it('puts each row on its bucket and zero where nothing happened', () => {
    const rows: QueryRow[] = [{ bucket_label: '2026-11-22', cost_usd: 2 }]
    expect(alignToAxis(axis, rows, 'day', 'cost_usd')).toEqual([0, 0, 2])
  })
})

describe('stackSeries', () => {
  const totalRows: QueryRow[] = [
    { bucket_label: '2026-11-20', cost_usd: 0.3 },
    { bucket_label: '2026-11-21', cost_usd: 1 },
  ]
  const groupedRows: QueryRow[] = [
    { bucket_label: '2026-11-20', feature: 'chat', cost_usd: 0.1 },
    { bucket_label: '2026-11-21', feature: 'chat', cost_usd: 0.5 },
    { bucket_label: '2026-11-21', feature: 'search', cost_usd: 0.5 },
  ]

  it('stacks the top values and puts the exact rest in Others', () => {
    const series = stackSeries({
      axis,
      bucket: 'day',
      dimension: 'feature',
      metric: 'cost_usd',
      topValues: ['chat', 'search'],
      groupedRows,
      totalRows,
    })
    expect(series).toEqual([
      { name: 'chat', values: [0.1, 0.5, 0] },
      { name: 'search', values: [0, 0.5, 0] },
      // 0.3 − 0.1 is 0.19999999999999998 in floating point; in nano-dollars it is 0.2.
      { name: 'Others', values: [0.2, 0, 0], others: true },
    ])
  })

  it('leaves Others out when the top values are everything', () => {
    const series = stackSeries({
      axis,
      bucket: 'day',
      dimension: 'feature',
      metric: 'cost_usd',
      topValues: ['chat', 'search'],
      groupedRows,
      totalRows: [
        { bucket_label: '2026-11-20', cost_usd: 0.1 },
        { bucket_label: '2026-11-21', cost_usd: 1 },
      ],
    })
    expect(series.map((entry) => entry.name)).toEqual(['chat', 'search'])
  })
})

describe('toShares', () => {
  it('turns each bucket into shares of its total, unknown where there was nothing', () => {
    expect(
      toShares([
        { name: 'a', values: [1, 0] },
        { name: 'b', values: [3, 0] },
      ]),
    ).toEqual([
      { name: 'a', values: [0.25, null] },
      { name: 'b', values: [0.75, null] },
    ])
  })
})

describe('weekHourGrid', () => {
  it('adds hourly rows up by local weekday (Monday first) and hour', () => {
    const grid = weekHourGrid(
      [
        { bucket_label: '2026-11-16 02:00', requests: 3 }, // Monday
        { bucket_label: '2026-11-23 02:00', requests: 4 }, // the next Monday
        { bucket_label: '2026-11-22 23:00', requests: 1 }, // Sunday
      ],
      'requests',
    )
    expect(grid[0]?.[2]).toBe(7)
    expect(grid[6]?.[23]).toBe(1)
    expect(grid.flat().reduce((sum, value) => sum + value, 0)).toBe(8)
  })
})

describe('collapseRows', () => {
  it('keeps the first rows and folds the rest and the server others row into Others', () => {
    const rows: QueryRow[] = [
      { model: 'a', cost_usd: 3 },
      { model: 'b', cost_usd: 0.2 },
      { model: 'c', cost_usd: 0.1 },
      { others: true, cost_usd: 0.000000001 },
    ]
    expect(collapseRows(rows, 'model', 'cost_usd', 1).map(({ name, value }) => [name, value])).toEqual([
      ['a', 3],
      ['Others', 0.300000001],
    ])
  })

  it('mutes Others and the unattributed group, not the named ones', () => {
    const rows: QueryRow[] = [
      { customer_id: 'acme', cost_usd: 3 },
      { customer_id: 'unattributed', cost_usd: 2 },
      { customer_id: 'globex', cost_usd: 1 },
    ]
    expect(collapseRows(rows, 'customer_id', 'cost_usd', 2).map(({ name, muted }) => [name, muted])).toEqual([
      ['acme', false],
      ['unattributed', true],
      ['Others', true],
    ])
  })
})
