import { detectAnomalies } from '../anomalies/detect-anomalies.js'
import { HOUR_MS } from '../anomalies/hourly-series.js'
import { ANOMALIES_TABLE, type AnomalyRecord } from '../schema/anomalies-table.js'
import type { Store } from '../store/store.js'
import { type JobTiming, type PeriodicJob, startPeriodicJob } from './periodic-job.js'

const FIVE_MINUTES = 300_000

export interface AnomalyJobOptions extends JobTiming {
  store: Store
  /** Between runs. Default five minutes: an anomaly is found within the hour it starts. */
  intervalMs?: number
  /** Told of every anomaly a run opened, extended or resolved (the alerts' input). */
  onChanged?: (project: string, anomalies: AnomalyRecord[]) => void
}

/** `run()`: the detectors now over the last hour and the current one, in every project. */
export type AnomalyJob = PeriodicJob

/**
 * The detectors on a timer (`spendlens serve`): every few minutes, in every project with events,
 * the hour before and the current hour (not over yet: a spike shows before its hour ends), each
 * against its weeks of history. What changed is stored and handed on; a failing run is reported
 * and the next one tries again. Runs one at a time, on an unref'd timer.
 */
export function startAnomalyJob(options: AnomalyJobOptions): AnomalyJob {
  return startPeriodicJob(
    async () => {
      const now = Date.now()
      const current = Math.floor(now / HOUR_MS) * HOUR_MS
      for (const project of await options.store.projects()) {
        const changed = await detectAnomalies({
          store: options.store,
          project,
          from: current - HOUR_MS,
          to: current + HOUR_MS,
        })
        if (changed.length === 0) continue
        await options.store.writeRecords(ANOMALIES_TABLE, changed)
        options.onChanged?.(project, changed)
      }
    },
    { ...options, intervalMs: options.intervalMs ?? FIVE_MINUTES },
  )
}
