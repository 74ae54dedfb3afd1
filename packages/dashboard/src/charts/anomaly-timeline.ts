// The Anomalies view's timeline: money at stake per bucket, stacked by kind.

import { ANOMALY_KIND_LABELS, ANOMALY_KINDS, type Anomaly } from '@spendlens/server/api-types'
import type { BucketSlot } from '../lib/buckets'
import type { ChartPalette } from './palette'
import type { TimeSeries } from './time-series'

/**
 * One series per kind present, its money at stake in the bucket each anomaly started in (one that
 * began before the axis, in its first bucket): the money is a sum over the anomaly's hours, not
 * known hour by hour. Each kind keeps one colour wherever it is drawn.
 */
export function anomalyTimeline(
  anomalies: readonly Anomaly[],
  axis: readonly BucketSlot[],
  palette: ChartPalette,
): TimeSeries[] {
  if (axis.length === 0) return []
  const byKind = new Map<Anomaly['kind'], (number | null)[]>()
  for (const anomaly of anomalies) {
    const start = Date.parse(anomaly.start)
    let slot = 0
    while (slot + 1 < axis.length && (axis[slot + 1] as BucketSlot).start.getTime() <= start) slot++
    let values = byKind.get(anomaly.kind)
    if (!values) {
      values = axis.map(() => null)
      byKind.set(anomaly.kind, values)
    }
    values[slot] = (values[slot] ?? 0) + anomaly.money_at_stake_usd
  }
  return ANOMALY_KINDS.flatMap((kind, index) => {
    const values = byKind.get(kind)
    if (!values) return []
    const color = palette.series[index % palette.series.length] as string
    return [{ name: ANOMALY_KIND_LABELS[kind], values, color }]
  })
}
