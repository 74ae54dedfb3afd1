import type { AlertsConfig } from '../alerts/alerts-config.js'
import { type DeliveryOptions, type DeliveryReport, deliverReport } from '../alerts/deliver-alerts.js'
import type { BudgetService } from '../budgets/budget-service.js'
import { DEMO_PROJECT } from '../demo/demo-project.js'
import { buildReport, type ReportSources } from '../report/build-report.js'
import { reportPeriod } from '../report/report-period.js'
import { DigestMemory, digestId, digestSlot } from '../report/weekly-digest.js'
import type { Store } from '../store/store.js'
import { type JobTiming, type PeriodicJob, startPeriodicJob } from './periodic-job.js'

/** Between checks: a digest goes out within this long of its hour. */
const DEFAULT_INTERVAL_MS = 5 * 60_000

export interface DigestJobOptions extends Omit<ReportSources, 'budgets'>, JobTiming {
  store: Store
  budgets: BudgetService
  /** A project's alerts configuration; its `digest` section turns the digest on. */
  configFor(project: string): AlertsConfig | undefined
  now?: () => number
  /** Retries and time limits of delivery (deliver-alerts.ts). */
  delivery?: Omit<DeliveryOptions, 'store' | 'project' | 'dashboardUrl'>
  onReport?: (project: string, report: DeliveryReport) => void
}

/** `run()`: every digest that is due now sent. */
export type DigestJob = PeriodicJob

/**
 * The weekly digest on a timer (`spendlens serve`): for each project (but the demo) whose alerts
 * configuration has a `digest`, once its hour has come, last week's spend report (as of that hour,
 * in its zone) to each of its channels that has not had it, remembered through the delivery log
 * (report/weekly-digest.ts). A channel that failed is tried again at the next check, until the
 * following week's digest is due; only the latest week is ever sent, so a server that was down at
 * the hour catches up once. Runs one at a time, on an unref'd timer.
 */
export function startDigestJob(options: DigestJobOptions): DigestJob {
  const memory = new DigestMemory(options.store)
  const clock = options.now ?? Date.now
  return startPeriodicJob(
    async () => {
      await memory.recall()
      const now = clock()
      for (const project of await options.store.projects()) {
        const config = options.configFor(project)
        const digest = config?.digest
        if (!config || !digest || project === DEMO_PROJECT) continue
        const slot = digestSlot(digest, now)
        const id = digestId(reportPeriod('last-week', digest.timeZone, slot).from)
        const channels = memory.missing(
          project,
          id,
          digest.channels ?? config.channels.map((channel) => channel.id),
        )
        if (channels.length === 0) continue
        const report = await buildReport(options, {
          project,
          period: 'last-week',
          timeZone: digest.timeZone,
          by: digest.by,
          top: digest.top,
          now: slot,
        })
        const delivered = await deliverReport({ type: 'report.weekly', id, report }, channels, config, {
          ...options.delivery,
          store: options.store,
          project,
          dashboardUrl: config.dashboardUrl,
        })
        for (const delivery of delivered.deliveries)
          if (delivery.status === 'delivered') memory.remember(project, delivery.channel, id)
        try {
          options.onReport?.(project, delivered)
        } catch {}
      }
    },
    { ...options, intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS },
  )
}
