import type { BaseDimension } from '../api/api-types.js'
import { ANOMALIES_TABLE, type AnomalyRecord } from '../schema/anomalies-table.js'
import type { Store } from '../store/store.js'
import { AnomalyBook } from './anomaly-book.js'
import {
  type Candidate,
  DEFAULT_THRESHOLDS,
  type Detector,
  HOURS_PER_WEEK,
  type Thresholds,
} from './detector.js'
import { HOUR_MS, readHourlySeries } from './hourly-series.js'
import { addLowerQuartiles } from './lower-quartiles.js'
import { newModel, unpricedModel } from './model-detectors.js'
import { requestOutliers } from './request-outliers.js'
import { customerHour, spendSpike } from './spend-detectors.js'
import { DRIFT_WINDOW, duplicatedJob, promptDrift } from './template-detectors.js'
import { errorStorm, offHours } from './traffic-detectors.js'

/**
 * Which detectors watch which dimension, and how far back each reads (hours; by default the
 * baseline weeks). All read the hourly rollups but user_id, which they do not keep: its week is
 * read from the events. Templates also get the lower quartile of their requests over the hours
 * drift looks at (lower-quartiles.ts), from the events.
 */
export const DETECTION_PLAN: readonly {
  dimension: BaseDimension
  detectors: readonly Detector[]
  lookbackHours?: number
  lowerQuartiles?: boolean
}[] = [
  { dimension: 'feature', detectors: [spendSpike, offHours, errorStorm] },
  { dimension: 'customer_id', detectors: [spendSpike, customerHour] },
  { dimension: 'user_id', detectors: [customerHour], lookbackHours: 8 * 24 },
  { dimension: 'model', detectors: [spendSpike, newModel, unpricedModel] },
  { dimension: 'route', detectors: [spendSpike, offHours] },
  { dimension: 'environment', detectors: [spendSpike] },
  { dimension: 'prompt_id', detectors: [duplicatedJob, promptDrift], lowerQuartiles: true },
]

export interface DetectionRequest {
  store: Store
  project: string
  /** Epoch ms, whole UTC hours: the hours evaluated, [from, to). The last may be the current one, not over yet. */
  from: number
  to: number
  thresholds?: Partial<Thresholds>
  /** The anomalies still going on before `from` (stored ones, by default; none for a backtest). */
  existing?: readonly AnomalyRecord[]
  /** Told after each hour evaluated. */
  onProgress?: (hoursDone: number, hoursTotal: number) => void
  now?: () => number
}

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS

/**
 * Runs every detector over the hours [from, to), each against the weeks before it (the series read
 * reach back `baselineWeeks` weeks and a day), and answers the anomalies opened, extended or
 * resolved. Incremental in use (the last hours, on a timer) and in a backtest (weeks of history at
 * once): the same series, the same hour-by-hour walk.
 */
export async function detectAnomalies(request: DetectionRequest): Promise<AnomalyRecord[]> {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...request.thresholds }
  const from = floorHour(request.from)
  const to = Math.ceil(request.to / HOUR_MS) * HOUR_MS
  const lookback =
    Math.max(thresholds.baselineWeeks * HOURS_PER_WEEK, 28 * 24, thresholds.historyDays * 24) + 24
  // Each template's hours in the events: its largest request (outliers) and, over the hours drift
  // looks back at too, the lower quartile of its requests.
  const templateHours = request.store.templateHours({
    project: request.project,
    from: from - DRIFT_WINDOW * HOUR_MS,
    to,
  })
  const plan = await Promise.all(
    DETECTION_PLAN.map(async ({ dimension, detectors, lookbackHours, lowerQuartiles }) => {
      const series = await readHourlySeries(
        request.store,
        request.project,
        dimension,
        from - Math.min(lookback, lookbackHours ?? lookback) * HOUR_MS,
        to,
      )
      if (lowerQuartiles) addLowerQuartiles(series, await templateHours)
      return { series, detectors }
    }),
  )
  const outliers = new Map<number, Candidate[]>()
  const evaluated = (await templateHours).filter((row) => row.hour >= from)
  for (const candidate of await requestOutliers(
    request.store,
    request.project,
    from,
    to,
    thresholds,
    evaluated,
  ))
    outliers.set(candidate.hour, [...(outliers.get(candidate.hour) ?? []), candidate])
  const existing =
    request.existing ??
    (await request.store.readRecords(ANOMALIES_TABLE)).filter(
      (anomaly) => anomaly.project === request.project && anomaly.state !== 'resolved',
    )
  const book = new AnomalyBook(request.project, existing, request.now)
  const hours = (to - from) / HOUR_MS
  for (let step = 0; step < hours; step++) {
    const hourMs = from + step * HOUR_MS
    for (const { series, detectors } of plan) {
      const index = (hourMs - series.start) / HOUR_MS
      for (const detector of detectors) book.observe(detector(series, index, thresholds), series.start)
    }
    book.observe(outliers.get(step) ?? [], from)
    // The hour not over yet resolves nothing: its traffic is still coming.
    if (hourMs + HOUR_MS <= (request.now ?? Date.now)()) book.settle(hourMs)
    request.onProgress?.(step + 1, hours)
  }
  return book.touched()
}
