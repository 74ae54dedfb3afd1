import { createHash } from 'node:crypto'
import type { AnomalySeverity } from '../api/api-types.js'
import type { AnomalyRecord } from '../schema/anomalies-table.js'
import { describeAnomaly } from './describe-anomaly.js'
import type { Candidate } from './detector.js'
import { HOUR_MS } from './hourly-series.js'

/** Quiet hours after which an anomaly is over (its traffic back to normal). */
const RESOLVE_AFTER_HOURS = 2
/** Severity by money at stake, in dollars. */
const SEVERITY: [number, AnomalySeverity][] = [
  [100, 'high'],
  [10, 'medium'],
]

const nanos = (usd: number) => Math.round(usd * 1e9)

/**
 * Turns the detectors' candidates into anomalies, hour by hour: a candidate of the same kind and
 * scope as an anomaly still going on (not yet two quiet hours old, or seen again in its last hour
 * while that hour is not over) extends it; any other opens one, whose id is the hash of project, kind, scope
 * and start, so the same anomaly is never raised twice. An anomaly not seen for two hours resolves on
 * its own; one a person acknowledged or muted keeps that state until it resolves.
 */
export class AnomalyBook {
  private readonly live = new Map<string, AnomalyRecord>()
  private readonly changed = new Set<AnomalyRecord>()

  constructor(
    private readonly project: string,
    existing: readonly AnomalyRecord[],
    private readonly now: () => number = Date.now,
  ) {
    for (const anomaly of existing)
      if (anomaly.state !== 'resolved')
        this.live.set(scopeKey(anomaly.kind, anomaly.scopeDimension, anomaly.scopeValue), anomaly)
  }

  /**
   * Candidates, each of the hour its index says in a series starting at `seriesStart` (epoch ms).
   * Most are of the hour being evaluated; a detector that needs a few hours to be sure (prompt
   * drift) also names the earlier hours the anomaly began in.
   */
  observe(candidates: readonly Candidate[], seriesStart: number): void {
    for (const candidate of candidates) {
      const hourMs = seriesStart + candidate.hour * HOUR_MS
      const key = scopeKey(candidate.kind, candidate.dimension, candidate.value)
      const excess = nanos(Math.max(0, candidate.excessUsd))
      const going = this.live.get(key)
      // An hour the anomaly already counts, before its last one: already in its money at stake.
      if (going && hourMs >= going.start && hourMs < going.end - HOUR_MS) continue
      // Going on: seen in its last hour again (not over then), or within the quiet hours that would
      // have resolved it.
      if (going && hourMs >= going.end - HOUR_MS && hourMs < going.end + RESOLVE_AFTER_HOURS * HOUR_MS) {
        const again = hourMs === going.end - HOUR_MS
        going.moneyAtStakeNanos += excess - (again ? going.lastHourNanos : 0)
        going.lastHourNanos = excess
        going.end = hourMs + HOUR_MS
        if (candidate.observed >= going.observed) {
          going.observed = candidate.observed
          going.expected = candidate.expected
        }
        this.refresh(going)
        continue
      }
      const anomaly: AnomalyRecord = {
        id: anomalyId(this.project, key, hourMs),
        project: this.project,
        kind: candidate.kind,
        scopeDimension: candidate.dimension,
        scopeValue: candidate.value,
        start: hourMs,
        end: hourMs + HOUR_MS,
        measure: candidate.measure,
        observed: candidate.observed,
        expected: candidate.expected,
        moneyAtStakeNanos: excess,
        lastHourNanos: excess,
        severity: 'low',
        state: 'open',
        summary: '',
        detectedAt: this.now(),
        updatedAt: this.now(),
      }
      this.live.set(key, anomaly)
      this.refresh(anomaly)
    }
  }

  /** Resolves what has been quiet for two hours by the end of the hour starting at `hourMs`. */
  settle(hourMs: number): void {
    for (const [key, anomaly] of this.live) {
      if (anomaly.end + RESOLVE_AFTER_HOURS * HOUR_MS > hourMs + HOUR_MS) continue
      anomaly.state = 'resolved'
      anomaly.updatedAt = this.now()
      this.changed.add(anomaly)
      this.live.delete(key)
    }
  }

  /** Every anomaly opened, extended or resolved since the book was made. */
  touched(): AnomalyRecord[] {
    return [...this.changed].sort((a, b) => a.start - b.start || b.moneyAtStakeNanos - a.moneyAtStakeNanos)
  }

  private refresh(anomaly: AnomalyRecord) {
    const usd = anomaly.moneyAtStakeNanos / 1e9
    anomaly.severity =
      anomaly.kind === 'unpriced_model' ? 'medium' : (SEVERITY.find(([floor]) => usd >= floor)?.[1] ?? 'low')
    anomaly.summary = describeAnomaly(anomaly)
    anomaly.updatedAt = this.now()
    this.changed.add(anomaly)
  }
}

const scopeKey = (kind: string, dimension: string, value: string) => `${kind}\u0000${dimension}\u0000${value}`

function anomalyId(project: string, key: string, start: number): string {
  return createHash('sha256').update(`${project}\u0000${key}\u0000${start}`).digest('hex').slice(0, 20)
}
