import type { Budget, BudgetAlert, BudgetAlertKind } from '../api/api-types.js'
import { ALERT_DELIVERIES_TABLE } from '../schema/alert-deliveries-table.js'
import type { Store } from '../store/store.js'

/** `budget:<id>:<period start ISO>:threshold:<share>` or `budget:<id>:<period start ISO>:forecast`. */
export function budgetAlertId(
  budgetId: string,
  periodStart: string,
  kind: BudgetAlertKind,
  threshold?: number,
) {
  return `budget:${budgetId}:${periodStart}:${kind === 'budget_forecast' ? 'forecast' : `threshold:${threshold}`}`
}

const ALERT_ID = /^budget:([^:]+):(.+):(forecast|threshold:([0-9.e+-]+))$/

/** What one budget's period already sent: its thresholds, and whether its forecast alert went out. */
interface PeriodMemory {
  thresholds: Set<number>
  forecast: boolean
}

/**
 * What budget alerts were sent, per project, budget and period: so that each threshold alerts once
 * per period, and the forecast once. Kept in memory and read back from the delivery log at the
 * first use (a budget alert delivered to some channel is a `budget.*` record naming its id), so a
 * restart does not send a period's alerts again.
 */
export class BudgetAlertMemory {
  private readonly periods = new Map<string, PeriodMemory>()
  private recalled: Promise<void> | undefined

  constructor(private readonly store?: Store) {}

  /** Reads the delivery log once; without it (no store, or the read fails) memory starts empty. */
  recall(): Promise<void> {
    this.recalled ??= (async () => {
      if (!this.store) return
      try {
        for (const delivery of await this.store.readRecords(ALERT_DELIVERIES_TABLE))
          if (delivery.status === 'delivered' && delivery.type.startsWith('budget.'))
            for (const id of delivery.anomalyIds) this.remember(delivery.project, id)
      } catch {
        // Without the log a period's alerts may be sent again after a restart: better than none.
      }
    })()
    return this.recalled
  }

  /** Notes that the alert `id` of `project` reached a channel. */
  remember(project: string, id: string): void {
    const match = ALERT_ID.exec(id)
    if (!match) return
    const memory = this.period(project, match[1] as string, match[2] as string)
    if (match[3] === 'forecast') memory.forecast = true
    else memory.thresholds.add(Number(match[4]))
  }

  /**
   * The alerts `budget` is due now: the highest threshold its spend reached, unless that or a
   * higher one was sent this period (a jump from 40% to 90% sends the 80% alert, not 50% then 80%);
   * and the forecast alert when, not yet spent, it is expected to run out before the reset.
   */
  due(project: string, budget: Budget): BudgetAlert[] {
    const status = budget.status
    const memory = this.period(project, budget.id, status.period_start)
    const alerts: BudgetAlert[] = []
    const highest = status.thresholds_reached.at(-1)
    if (highest !== undefined && ![...memory.thresholds].some((sent) => sent >= highest))
      alerts.push(alertOf(budget, 'budget_threshold', highest))
    if (
      !memory.forecast &&
      status.used < 1 &&
      status.forecast.runs_out_at !== null &&
      status.forecast.method !== 'no_history'
    )
      alerts.push(alertOf(budget, 'budget_forecast'))
    return alerts
  }

  private period(project: string, budgetId: string, periodStart: string): PeriodMemory {
    const key = JSON.stringify([project, budgetId, periodStart])
    let memory = this.periods.get(key)
    if (!memory) {
      memory = { thresholds: new Set(), forecast: false }
      this.periods.set(key, memory)
    }
    return memory
  }
}

/** A budget alert from a budget and its status. */
export function alertOf(budget: Budget, kind: BudgetAlertKind, threshold?: number): BudgetAlert {
  const status = budget.status
  return {
    id: budgetAlertId(budget.id, status.period_start, kind, threshold),
    kind,
    budget_id: budget.id,
    budget_name: budget.name,
    filters: budget.filters,
    action: budget.action,
    period: budget.period,
    time_zone: budget.timeZone,
    period_start: status.period_start,
    resets_at: status.resets_at,
    threshold: threshold ?? null,
    amount_usd: budget.amountUsd,
    spent_usd: status.spent_usd,
    used: status.used,
    forecast_usd: status.forecast.end_of_period_usd,
    runs_out_at: status.forecast.runs_out_at,
    summary: status.forecast.summary,
  }
}
