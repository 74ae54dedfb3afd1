// Anomalies on a time chart: the buckets each one covers, shaded, and its sentence in the tooltip
// of those buckets.

import { ANOMALY_KIND_LABELS, type Anomaly } from '@spendlens/server/api-types'
import type { BucketSlot } from '../lib/buckets'

/** One anomaly on a time axis. */
export interface ChartMarker {
  id: string
  /** The first and the last bucket of the axis it covers (both included). */
  first: number
  last: number
  kind: string
  summary: string
  severity: Anomaly['severity']
  moneyAtStakeUsd: number
}

/** The most anomalies one chart marks: those with most money at stake (more would hide the bars). */
export const MAX_MARKERS = 10

/** The last bucket starting at or before `time`, or -1 before the first. */
function slotAt(axis: readonly BucketSlot[], time: number): number {
  let found = -1
  for (let index = 0; index < axis.length && (axis[index] as BucketSlot).start.getTime() <= time; index++)
    found = index
  return found
}

/**
 * The anomalies that overlap a time axis ending at `end` (exclusive), as the buckets they cover: the
 * `limit` with most money at stake, in the order of the axis. A bucket is covered when any of the
 * anomaly's hours falls in it; an anomaly that began before the axis starts at its first bucket.
 */
export function chartMarkers(
  anomalies: readonly Anomaly[],
  axis: readonly BucketSlot[],
  end: Date | undefined,
  limit = MAX_MARKERS,
): ChartMarker[] {
  const first = axis[0]
  if (!first || !end) return []
  const markers: ChartMarker[] = []
  for (const anomaly of anomalies) {
    const start = Date.parse(anomaly.start)
    const stop = Date.parse(anomaly.end)
    if (!(stop > first.start.getTime() && start < end.getTime())) continue
    markers.push({
      id: anomaly.id,
      first: Math.max(0, slotAt(axis, start)),
      last: slotAt(axis, stop - 1),
      kind: ANOMALY_KIND_LABELS[anomaly.kind] ?? anomaly.kind,
      summary: anomaly.summary,
      severity: anomaly.severity,
      moneyAtStakeUsd: anomaly.money_at_stake_usd,
    })
  }
  return markers
    .sort((left, right) => right.moneyAtStakeUsd - left.moneyAtStakeUsd)
    .slice(0, limit)
    .sort((left, right) => left.first - right.first || left.last - right.last)
}

/** The markers covering a bucket. */
export function markersAt(markers: readonly ChartMarker[], index: number): ChartMarker[] {
  return markers.filter((marker) => marker.first <= index && index <= marker.last)
}
