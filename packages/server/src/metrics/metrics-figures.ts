import type {
  AnalyticsQuery,
  Budget,
  Dimension,
  InvoiceSyncStatus,
  Metric,
  QueryRow,
} from '../api/api-types.js'
import type { BudgetService } from '../budgets/budget-service.js'
import { type LiveSyncStatus, syncStatuses } from '../invoice/sync-status.js'
import { ANOMALIES_TABLE, type AnomalyRecord } from '../schema/anomalies-table.js'
import type { InvoiceProvider } from '../schema/invoice-table.js'
import type { Store } from '../store/store.js'

/** The dimensions the spend metrics are cut by, each a label of its own (docs/metrics.md). */
export const METRIC_DIMENSIONS = [
  'provider',
  'model',
  'feature',
  'environment',
] as const satisfies readonly Dimension[]
export type MetricDimension = (typeof METRIC_DIMENSIONS)[number]

/** The windows the spend metrics cover: the current UTC day and the current UTC month, each up to now. */
export const METRIC_PERIODS = ['day', 'month'] as const
export type MetricPeriod = (typeof METRIC_PERIODS)[number]

/** What each spend row carries, read from the query model. */
export const SPEND_METRICS = [
  'cost_usd',
  'requests',
  'unpriced_count',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
] as const satisfies readonly Metric[]

/** The label value of the row that sums every value past the top N. */
export const OTHER_VALUE = '__other__'

/** Values per label kept by default before the rest is summed under `__other__`. */
export const DEFAULT_METRICS_TOP = 10

/** One cut of the spend: the top values of one dimension in one period, and `__other__`. */
export interface SpendCut {
  period: MetricPeriod
  dimension: MetricDimension
  rows: QueryRow[]
}

/** Everything a scrape shows that comes from the store, read at `readAt`. */
export interface MetricsFigures {
  readAt: number
  spend: SpendCut[]
  budgets: Budget[]
  openAnomalies: Pick<AnomalyRecord, 'kind' | 'severity'>[]
  invoiceSync: InvoiceSyncStatus[]
}

/** The start of the current UTC day or month at `now`. */
export function periodStart(period: MetricPeriod, now: number): Date {
  const date = new Date(now)
  return period === 'day'
    ? new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
    : new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1))
}

/**
 * The query model's question behind one cut: the top `top` values of `dimension` by cost since the
 * period's start, with every other value in one `others` row. Tests ask the same question.
 */
export function spendQuery(
  project: string,
  period: MetricPeriod,
  dimension: MetricDimension,
  top: number,
  now: number,
): AnalyticsQuery {
  return {
    project,
    from: periodStart(period, now),
    timeZone: 'UTC',
    filters: [],
    groupBy: [dimension],
    metrics: [...SPEND_METRICS],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: top,
    others: true,
  }
}

export interface ReadFiguresOptions {
  store: Store
  budgets: BudgetService
  /** Values per label kept; the rest goes to `__other__`. */
  top: number
  queryTimeoutMs: number
  /** The running sync job's view of a provider, when the job syncs this project. */
  liveSync?: (provider: InvoiceProvider) => LiveSyncStatus
  now?: () => number
}

/** Reads the figures of `project` from the store: the spend cuts concurrently, with budgets, anomalies and sync state. */
export async function readMetricsFigures(
  project: string,
  options: ReadFiguresOptions,
): Promise<MetricsFigures> {
  const now = options.now?.() ?? Date.now()
  const cuts = METRIC_PERIODS.flatMap((period) =>
    METRIC_DIMENSIONS.map((dimension) => ({ period, dimension })),
  )
  const [spend, budgets, anomalies, invoiceSync] = await Promise.all([
    Promise.all(
      cuts.map(async ({ period, dimension }) => ({
        period,
        dimension,
        rows: await options.store.query(spendQuery(project, period, dimension, options.top, now), {
          timeoutMs: options.queryTimeoutMs,
        }),
      })),
    ),
    options.budgets.list(project),
    options.store.readRecords(ANOMALIES_TABLE),
    syncStatuses(options.store, project, options.liveSync),
  ])
  return {
    readAt: now,
    spend,
    budgets: budgets.budgets,
    openAnomalies: anomalies.filter((anomaly) => anomaly.project === project && anomaly.state === 'open'),
    invoiceSync,
  }
}
