import type {
  AnalyticsQuery,
  Dimension,
  Metric,
  QueryRow,
  ReportBudget,
  ReportChange,
  ReportInvoice,
  ReportMover,
  ReportMovers,
  ReportTotals,
  SpendReport,
} from '../api/api-types.js'
import type { BudgetService } from '../budgets/budget-service.js'
import { reconcile } from '../invoice/reconcile.js'
import { type LiveSyncStatus, syncStatuses } from '../invoice/sync-status.js'
import { QUERY_CAPS } from '../query/analytics-query.js'
import { ANOMALIES_TABLE, toAnomaly } from '../schema/anomalies-table.js'
import type { InvoiceProvider } from '../schema/invoice-table.js'
import type { Store } from '../store/store.js'
import { reportPeriod, type TimeRange } from './report-period.js'

/** What a report reads: the store through the query model, and the budgets with their spend. */
export interface ReportSources {
  store: Store
  budgets: BudgetService
  /** The running sync job's view of a provider, when one syncs this project. */
  liveSync?: (provider: InvoiceProvider) => LiveSyncStatus
  queryTimeoutMs?: number
}

/** What a report is asked for (checked: report-request.ts). */
export interface ReportRequest {
  project: string
  /** A REPORT_PERIODS name or `FROM..TO`. */
  period: string
  timeZone: string
  /** The dimensions whose values' movers are listed. */
  by: Dimension[]
  /** Movers each way per dimension, and anomalies listed. */
  top: number
  /** Epoch ms the period is read at (default: the clock). */
  now?: number
}

const TOTAL_METRICS: Metric[] = [
  'cost_usd',
  'requests',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'unpriced_count',
]
const DAY_MS = 86_400_000

const nanos = (usd: number | null | undefined) => Math.round((usd ?? 0) * 1e9)
const usd = (nanoDollars: number) => nanoDollars / 1e9
const ratio = (change: number, before: number) => (before > 0 ? change / before : null)
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * The finance lead's summary of a project's spend over a period: totals against the previous
 * period, the values of each `by` dimension whose cost moved most each way, the invoice coverage
 * where an invoice is synced (invoice/reconcile.ts, as GET /api/invoice/reconcile answers it),
 * anomalies not yet resolved, and the budgets. Every spend figure is an AnalyticsQuery run by
 * `store.query`, the API's own path; differences are taken in integer nano-dollars.
 */
export async function buildReport(sources: ReportSources, request: ReportRequest): Promise<SpendReport> {
  const now = request.now ?? Date.now()
  const period = reportPeriod(request.period, request.timeZone, now)
  const ask = (range: TimeRange, query: Partial<AnalyticsQuery>) =>
    sources.store.query(
      {
        from: new Date(range.from),
        to: new Date(range.to),
        timeZone: request.timeZone,
        filters: [],
        groupBy: [],
        metrics: TOTAL_METRICS,
        project: request.project,
        ...query,
      },
      { timeoutMs: sources.queryTimeoutMs },
    )
  const [[current], [previous], movers, invoice, anomalies, budgets] = await Promise.all([
    ask(period, {}),
    ask(period.previous, {}),
    Promise.all(
      request.by.map(async (dimension) => {
        const cut: Partial<AnalyticsQuery> = {
          groupBy: [dimension],
          metrics: ['cost_usd'],
          orderBy: { metric: 'cost_usd', direction: 'desc' },
          limit: QUERY_CAPS.rows,
        }
        const [now, before] = await Promise.all([ask(period, cut), ask(period.previous, cut)])
        return moversOf(dimension, now, before, request.top)
      }),
    ),
    invoiceCoverage(sources, request.project, period),
    sources.store.readRecords(ANOMALIES_TABLE),
    sources.budgets.list(request.project),
  ])
  const totals = totalsOf(current)
  const previousTotals = totalsOf(previous)
  const unresolved = anomalies
    .filter((anomaly) => anomaly.project === request.project)
    .filter((anomaly) => anomaly.state === 'open' || anomaly.state === 'acknowledged')
    .sort((a, b) => b.moneyAtStakeNanos - a.moneyAtStakeNanos)
  return {
    project: request.project,
    time_zone: request.timeZone,
    generated_at: iso(now),
    period: { name: period.name, from: iso(period.from), to: iso(period.to) },
    previous_period: { from: iso(period.previous.from), to: iso(period.previous.to) },
    totals,
    previous_totals: previousTotals,
    change: changeOf(totals, previousTotals),
    movers,
    invoice,
    anomalies: {
      open: unresolved.filter((anomaly) => anomaly.state === 'open').length,
      acknowledged: unresolved.filter((anomaly) => anomaly.state === 'acknowledged').length,
      money_at_stake_usd: usd(unresolved.reduce((sum, anomaly) => sum + anomaly.moneyAtStakeNanos, 0)),
      top: unresolved.slice(0, request.top).map(toAnomaly),
    },
    budgets: budgets.budgets.map(
      (budget): ReportBudget => ({
        id: budget.id,
        name: budget.name,
        period: budget.period,
        amount_usd: budget.amountUsd,
        spent_usd: budget.status.spent_usd,
        remaining_usd: budget.status.remaining_usd,
        used: budget.status.used,
        resets_at: budget.status.resets_at,
        forecast_usd: budget.status.forecast.end_of_period_usd,
        runs_out_at: budget.status.forecast.runs_out_at,
      }),
    ),
  }
}

function totalsOf(row: QueryRow | undefined): ReportTotals {
  return {
    cost_usd: row?.cost_usd ?? null,
    requests: row?.requests ?? 0,
    input_tokens: row?.input_tokens ?? 0,
    output_tokens: row?.output_tokens ?? 0,
    total_tokens: row?.total_tokens ?? 0,
    unpriced_count: row?.unpriced_count ?? 0,
  }
}

function changeOf(now: ReportTotals, before: ReportTotals): ReportChange {
  const cost = nanos(now.cost_usd) - nanos(before.cost_usd)
  return {
    cost_usd: usd(cost),
    cost_ratio: ratio(cost, nanos(before.cost_usd)),
    requests: now.requests - before.requests,
    requests_ratio: ratio(now.requests - before.requests, before.requests),
    total_tokens: now.total_tokens - before.total_tokens,
    total_tokens_ratio: ratio(now.total_tokens - before.total_tokens, before.total_tokens),
  }
}

/**
 * The `top` values whose cost rose most and the `top` that fell most, from each period's cost by
 * value (a value absent from one period cost nothing in it). Values whose cost did not change
 * are neither.
 */
function moversOf(dimension: Dimension, now: QueryRow[], before: QueryRow[], top: number): ReportMovers {
  const costs = new Map<string | null, { now: number; before: number }>()
  const entry = (value: unknown) => {
    const key = value === null || value === undefined ? null : String(value)
    let found = costs.get(key)
    if (!found) {
      found = { now: 0, before: 0 }
      costs.set(key, found)
    }
    return found
  }
  for (const row of now) entry(row[dimension]).now += nanos(row.cost_usd)
  for (const row of before) entry(row[dimension]).before += nanos(row.cost_usd)
  const movers = [...costs].map(([value, cost]): ReportMover & { change: number } => ({
    value,
    cost_usd: usd(cost.now),
    previous_cost_usd: usd(cost.before),
    change_usd: usd(cost.now - cost.before),
    change_ratio: ratio(cost.now - cost.before, cost.before),
    change: cost.now - cost.before,
  }))
  const strip = ({ change: _, ...mover }: ReportMover & { change: number }): ReportMover => mover
  return {
    dimension,
    increases: movers
      .filter((mover) => mover.change > 0)
      .sort((a, b) => b.change - a.change)
      .slice(0, top)
      .map(strip),
    decreases: movers
      .filter((mover) => mover.change < 0)
      .sort((a, b) => a.change - b.change)
      .slice(0, top)
      .map(strip),
  }
}

/**
 * The invoice's coverage over the UTC days the period touches (providers bill by UTC day), from the
 * reconciliation itself; null when no provider's invoice is synced into the project and none was
 * loaded for those days (an import, the demo).
 */
async function invoiceCoverage(
  sources: ReportSources,
  project: string,
  period: TimeRange,
): Promise<ReportInvoice | null> {
  const sync = await syncStatuses(sources.store, project, sources.liveSync)
  const from = Math.floor(period.from / DAY_MS) * DAY_MS
  const to = Math.ceil(period.to / DAY_MS) * DAY_MS
  const answer = await reconcile(sources.store, { project, from, to, by: 'day', sync })
  const providers = [
    ...new Set([
      ...sync.filter((status) => status.synced_until !== null).map((status) => status.provider),
      ...answer.line_items.map((line) => line.provider),
    ]),
  ].sort()
  if (providers.length === 0) return null
  const totals = answer.totals
  return {
    from: answer.from,
    to: answer.to,
    invoiced_usd: totals.invoiced_usd,
    tracked_usd: totals.tracked_usd,
    gap_usd: totals.gap_usd,
    coverage: totals.coverage,
    dominant: answer.dominant,
    summary: answer.summary,
    tracked_outside_invoice_usd: answer.tracked_outside_invoice_usd,
    providers,
  }
}
