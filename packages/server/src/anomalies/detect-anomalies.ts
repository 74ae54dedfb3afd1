import type { BaseDimension } from '../api/api-types.js'
import { ANOMALIES_TABLE, type AnomalyRecord } from '../schema/anomalies-table.js'
import type { Store } from '../store/store.js'
import { AnomalyBook } from './anomaly-book.js'
import { DEFAULT_THRESHOLDS, type Detector, HOURS_PER_WEEK, type Thresholds } from './detector.js'
import { HOUR_MS, readHourlySeries } from './hourly-series.js'
import { newModel, unpricedModel } from './model-detectors.js'
import { customerHour, spendSpike } from './spend-detectors.js'
import { errorStorm, offHours } from './traffic-detectors.js'

/** Which detectors watch which dimension (all from the hourly rollups). */
export const DETECTION_PLAN: readonly [BaseDimension, readonly Detector[]][] = [
  ['feature', [spendSpike, offHours, errorStorm]],
  ['customer_id', [spendSpike, customerHour]],
  ['model', [spendSpike, newModel, unpricedModel]],
  ['route', [spendSpike, offHours]],
  ['environment', [spendSpike]],
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
  const seriesStart = from - lookback * HOUR_MS
  const plan = await Promise.all(
    DETECTION_PLAN.map(async ([dimension, detectors]) => ({
      series: await readHourlySeries(request.store, request.project, dimension, seriesStart, to),
      detectors,
    })),
  )
  const existing =
    request.existing ??
    (await request.store.readRecords(ANOMALIES_TABLE)).filter(
      (anomaly) => anomaly.project === request.project && anomaly.state !== 'resolved',
    )
  const book = new AnomalyBook(request.project, existing, request.now)
  const hours = (to - from) / HOUR_MS
  for (let step = 0; step < hours; step++) {
    const hourMs = from + step * HOUR_MS
    const index = lookback + step
    for (const { series, detectors } of plan)
      for (const detector of detectors) book.observe(detector(series, index, thresholds), hourMs)
    // The hour not over yet resolves nothing: its traffic is still coming.
    if (hourMs + HOUR_MS <= (request.now ?? Date.now)()) book.settle(hourMs)
    request.onProgress?.(step + 1, hours)
  }
  return book.touched()
}
