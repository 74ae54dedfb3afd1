import { describe, expect, it } from 'vitest'
import { anomaly } from '../lib/anomaly-fixtures'
import { bucketAxis } from '../lib/buckets'
import { customRange, type Span } from '../lib/time-range'
import { anomalyTimeline } from './anomaly-timeline'
import { LIGHT_PALETTE } from './palette'

describe('anomalyTimeline', () => {
  const week = customRange('2026-11-30', '2026-12-06', 'UTC') as Span
  const axis = bucketAxis(week, 'day', 'UTC')

  it('stacks money at stake by kind, in the bucket each anomaly started in (the first for an earlier one)', () => {
    const series = anomalyTimeline(
      [
        anomaly({ money_at_stake_usd: 20 }),
        anomaly({
          id: 'b',
          money_at_stake_usd: 5,
          start: '2026-12-01T20:00:00Z',
          end: '2026-12-03T01:00:00Z',
        }),
        anomaly({ id: 'c', kind: 'new_model', money_at_stake_usd: 0, start: '2026-12-06T01:00:00Z' }),
        anomaly({ id: 'd', kind: 'off_hours', money_at_stake_usd: 7, start: '2026-11-20T01:00:00Z' }),
      ],
      axis,
      LIGHT_PALETTE,
    )
    expect(series.map((entry) => [entry.name, entry.values])).toEqual([
      ['Spend spike', [null, 25, null, null, null, null, null]],
      ['Off-hours traffic', [7, null, null, null, null, null, null]],
      ['New model', [null, null, null, null, null, null, 0]],
    ])
  })

  it('gives a kind the same colour whichever kinds are drawn with it', () => {
    const alone = anomalyTimeline([anomaly({ kind: 'new_model' })], axis, LIGHT_PALETTE)
    const withOthers = anomalyTimeline(
      [anomaly(), anomaly({ id: 'b', kind: 'new_model' })],
      axis,
      LIGHT_PALETTE,
    )
    expect(alone[0]?.color).toBe(withOthers[1]?.color)
  })
})
