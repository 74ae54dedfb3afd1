import { describe, expect, it } from 'vitest'
import { anomaly } from '../lib/anomaly-fixtures'
import { bucketAxis } from '../lib/buckets'
import { customRange, type Span } from '../lib/time-range'
import { chartMarkers, markersAt } from './anomaly-markers'

const span = (first: string, last: string, timeZone: string) => customRange(first, last, timeZone) as Span

describe('chartMarkers', () => {
  it('covers the hours of an anomaly on an hourly axis (13:00 to 16:00 UTC: three bars)', () => {
    const day = span('2026-12-01', '2026-12-01', 'UTC')
    const axis = bucketAxis(day, 'hour', 'UTC')
    expect(chartMarkers([anomaly()], axis, day.to)).toEqual([
      {
        id: 'a1',
        first: 13,
        last: 15,
        kind: 'Spend spike',
        summary: anomaly().summary,
        severity: 'medium',
        moneyAtStakeUsd: 19.95,
      },
    ])
  })

  it("covers the days of the dashboard's zone the hours fall in", () => {
    // 22:00 to 02:00 UTC is 23:00 to 03:00 in Paris: Dec 1 and Dec 2 there.
    const week = span('2026-11-30', '2026-12-06', 'Europe/Paris')
    const axis = bucketAxis(week, 'day', 'Europe/Paris')
    const [marker] = chartMarkers(
      [anomaly({ start: '2026-12-01T22:00:00Z', end: '2026-12-02T02:00:00Z' })],
      axis,
      week.to,
    )
    expect([marker?.first, marker?.last]).toEqual([1, 2])
  })

  it('cuts an anomaly to the axis, and leaves out one outside it', () => {
    const day = span('2026-12-01', '2026-12-01', 'UTC')
    const axis = bucketAxis(day, 'hour', 'UTC')
    const markers = chartMarkers(
      [
        anomaly({ id: 'across', start: '2026-11-30T20:00:00Z', end: '2026-12-01T02:00:00Z' }),
        anomaly({ id: 'late', start: '2026-12-01T23:00:00Z', end: '2026-12-02T05:00:00Z' }),
        anomaly({ id: 'before', start: '2026-11-30T20:00:00Z', end: '2026-12-01T00:00:00Z' }),
        anomaly({ id: 'after', start: '2026-12-02T00:00:00Z', end: '2026-12-02T01:00:00Z' }),
      ],
      axis,
      day.to,
    )
    expect(markers.map((marker) => [marker.id, marker.first, marker.last])).toEqual([
      ['across', 0, 1],
      ['late', 23, 23],
    ])
  })

  it('keeps the anomalies with most money at stake, in the order of the axis', () => {
    const day = span('2026-12-01', '2026-12-01', 'UTC')
    const axis = bucketAxis(day, 'hour', 'UTC')
    const hour = (id: string, at: number, money: number) =>
      anomaly({
        id,
        start: `2026-12-01T${String(at).padStart(2, '0')}:00:00Z`,
        end: `2026-12-01T${String(at + 1).padStart(2, '0')}:00:00Z`,
        money_at_stake_usd: money,
      })
    const markers = chartMarkers(
      [hour('small', 2, 1), hour('big', 9, 90), hour('mid', 5, 30)],
      axis,
      day.to,
      2,
    )
    expect(markers.map((marker) => marker.id)).toEqual(['mid', 'big'])
  })

  it('marks nothing without an axis', () => {
    expect(chartMarkers([anomaly()], [], undefined)).toEqual([])
  })
})

describe('markersAt', () => {
  it('lists the markers covering a bucket', () => {
    const day = span('2026-12-01', '2026-12-01', 'UTC')
    const markers = chartMarkers([anomaly()], bucketAxis(day, 'hour', 'UTC'), day.to)
    expect(markersAt(markers, 12)).toEqual([])
    expect(markersAt(markers, 13).map((marker) => marker.id)).toEqual(['a1'])
    expect(markersAt(markers, 15).map((marker) => marker.id)).toEqual(['a1'])
    expect(markersAt(markers, 16)).toEqual([])
  })
})
