import {
  type AlertRouting,
  type DeliveryOptions,
  type DeliveryReport,
  deliverBudgetAlerts,
} from '../alerts/deliver-alerts.js'
import { BudgetAlertMemory } from '../budgets/budget-alerts.js'
import type { BudgetService } from '../budgets/budget-service.js'
import { DEMO_BUDGET_AUTHOR } from '../demo/demo-budgets.js'
import type { Store } from '../store/store.js'
import { type JobTiming, type PeriodicJob, startPeriodicJob } from './periodic-job.js'

const ONE_MINUTE = 60_000

/** Where a project's budget alerts go: its alert configuration's channels and rules, and its dashboard. */
export interface BudgetAlertRouting extends AlertRouting {
  dashboardUrl?: string
}

export interface BudgetJobOptions extends JobTiming {
  budgets: BudgetService
  /** The delivery log: what was sent is read back from it after a restart. */
  store?: Store
  /** A project's alert routing; undefined: its budget alerts go nowhere (and are not remembered). */
  routingFor(project: string): BudgetAlertRouting | undefined
  /** Between runs. Default one minute: a threshold is told within a minute of being reached. */
  intervalMs?: number
  /** Retries and time limits of delivery (deliver-alerts.ts). */
  delivery?: Omit<DeliveryOptions, 'store' | 'project' | 'dashboardUrl'>
  /** Told what each project's delivery did, for the server's log. */
  onReport?: (project: string, report: DeliveryReport) => void
}

/** `run()`: every project's budgets read now and the alerts that are due sent. */
export type BudgetJob = PeriodicJob

/**
 * Budget alerts on a timer (`spendlens serve`): every minute, each project's budgets with their
 * spend and forecast (budget-service.ts), and the alerts due (budget-alerts.ts: each threshold
 * once per period, the forecast once) sent through the project's alert channels. An alert that
 * reached no channel is tried again at the next run. Runs one at a time, on an unref'd timer; a
 * failing run is reported and the next one tries again.
 */
export function startBudgetJob(options: BudgetJobOptions): BudgetJob {
  const memory = new BudgetAlertMemory(options.store)
  return startPeriodicJob(
    async () => {
      await memory.recall()
      for (const project of await options.budgets.book.projects()) {
        const routing = options.routingFor(project)
        if (!routing) continue
        const { budgets } = await options.budgets.list(project)
        // The demo's budgets are planted over their thresholds: nobody's on-call hears about a
        // demo (as for its anomalies), until someone changes one and so makes it theirs.
        const due = budgets
          .filter((budget) => budget.changed_by !== DEMO_BUDGET_AUTHOR)
          .flatMap((budget) =>
            memory.due(project, budget).map((alert) => ({ alert, channels: budget.channels })),
          )
        if (due.length === 0) continue
        const report = await deliverBudgetAlerts(due, routing, {
          ...options.delivery,
          store: options.store,
          project,
          dashboardUrl: routing.dashboardUrl,
        })
        for (const delivery of report.deliveries)
          if (delivery.status === 'delivered')
            for (const id of delivery.anomalyIds) memory.remember(project, id)
        try {
          options.onReport?.(project, report)
        } catch {}
      }
    },
    { ...options, intervalMs: options.intervalMs ?? ONE_MINUTE },
  )
}
