import { Counter, Gauge, Registry } from 'prom-client'
import type { IngestResult } from '../ingest/ingest-events.js'
import { SERVER_VERSION } from '../version.js'
import {
  DEFAULT_METRICS_TOP,
  type MetricsFigures,
  OTHER_VALUE,
  type ReadFiguresOptions,
  readMetricsFigures,
} from './metrics-figures.js'

/** How long the store's figures of a project are reused between scrapes, by default. */
export const DEFAULT_METRICS_CACHE_MS = 10_000

/** What ingest did since the server started, for one project. */
interface IngestCounts {
  accepted: number
  duplicates: number
  rejected: number
}

/** The token kinds of spendlens_tokens, by the query model's metric that sums each. */
const TOKEN_KINDS = {
  input: 'input_tokens',
  output: 'output_tokens',
  cache_read: 'cache_read_tokens',
  cache_write: 'cache_write_tokens',
  reasoning: 'reasoning_tokens',
} as const

export interface MetricsServiceOptions extends Omit<ReadFiguresOptions, 'top' | 'liveSync'> {
  /** Values per label before the rest is summed under `__other__` (`spendlens serve --metrics-top`). */
  top?: number
  /** How long a project's store figures are reused (default 10 s). */
  cacheMs?: number
  liveSync?: (project: string) => ReadFiguresOptions['liveSync']
}

export interface MetricsService {
  readonly top: number
  /** Counts one ingest request's outcome for the project it went to. */
  countIngest(project: string, result: Pick<IngestResult, 'accepted' | 'duplicates' | 'rejected'>): void
  /** The Prometheus text exposition of `project`'s metrics, and its content type. */
  scrape(project: string): Promise<{ contentType: string; body: string }>
}

export function checkMetricsTop(top: number): number {
  if (!Number.isInteger(top) || top < 1 || top > 1000)
    throw new RangeError(`the metrics' top values per label must be an integer from 1 to 1000, not ${top}`)
  return top
}

/**
 * GET /metrics (docs/metrics.md): the store's figures of a project, read through the query model
 * and reused for `cacheMs` so that a tight scrape interval does not hammer the store (concurrent
 * scrapes share one read), plus the ingest counters this process keeps since it started. Each
 * scrape renders a registry of its own, so projects never see each other's series.
 */
export function createMetricsService(options: MetricsServiceOptions): MetricsService {
  const top = checkMetricsTop(options.top ?? DEFAULT_METRICS_TOP)
  const cacheMs = options.cacheMs ?? DEFAULT_METRICS_CACHE_MS
  const now = options.now ?? Date.now
  const ingest = new Map<string, IngestCounts>()
  const cache = new Map<string, { at: number; figures: Promise<MetricsFigures> }>()

  const figuresOf = (project: string): Promise<MetricsFigures> => {
    const cached = cache.get(project)
    if (cached && now() - cached.at < cacheMs) return cached.figures
    const figures = readMetricsFigures(project, {
      ...options,
      top,
      liveSync: options.liveSync?.(project),
      now,
    })
    cache.set(project, { at: now(), figures })
    // A failed read is not reused: the next scrape tries again.
    figures.catch(() => {
      if (cache.get(project)?.figures === figures) cache.delete(project)
    })
    return figures
  }

  return {
    top,
    countIngest(project, result) {
      const counts = ingest.get(project) ?? { accepted: 0, duplicates: 0, rejected: 0 }
      counts.accepted += result.accepted
      counts.duplicates += result.duplicates
      counts.rejected += result.rejected
      ingest.set(project, counts)
    },
    async scrape(project) {
      const registry = render(project, await figuresOf(project), ingest.get(project))
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
  }
}

/** One registry holding a project's figures and counters, every series labelled with the project. */
function render(project: string, figures: MetricsFigures, counts: IngestCounts | undefined): Registry {
  const registry = new Registry()
  registry.setDefaultLabels({ project })
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] })

  gauge('spendlens_info', 'The spendlens server answering, always 1.', ['version']).set(
    { version: SERVER_VERSION },
    1,
  )

  const spendLabels = ['period', 'by', 'provider', 'model', 'feature', 'environment', 'kind']
  const cost = gauge(
    'spendlens_cost_usd',
    'Known cost in USD since the start of the UTC day or month, cut by one dimension (label by).',
    spendLabels,
  )
  const requests = gauge(
    'spendlens_requests',
    'Model calls since the start of the UTC day or month.',
    spendLabels,
  )
  const unpriced = gauge(
    'spendlens_unpriced_requests',
    'Calls whose cost is unknown (model not in the price catalog), not in spendlens_cost_usd.',
    spendLabels,
  )
  const tokens = gauge(
    'spendlens_tokens',
    'Tokens since the start of the UTC day or month by kind (cache_* are part of input, reasoning part of output).',
    spendLabels,
  )
  for (const cut of figures.spend) {
    for (const row of cut.rows) {
      const value = row.others ? OTHER_VALUE : String(row[cut.dimension])
      const labels = { period: cut.period, by: cut.dimension, [cut.dimension]: value }
      // A cost no event of the group knows is unknown, not 0: it is left out (see spendlens_unpriced_requests).
      if (typeof row.cost_usd === 'number') cost.set(labels, row.cost_usd)
      requests.set(labels, row.requests ?? 0)
      unpriced.set(labels, row.unpriced_count ?? 0)
      for (const [kind, metric] of Object.entries(TOKEN_KINDS))
        tokens.set({ ...labels, kind }, row[metric] ?? 0)
    }
  }

  const budgetLabels = ['budget', 'name', 'period']
  const spent = gauge(
    'spendlens_budget_spent_usd',
    "Spend in the budget's current period, USD.",
    budgetLabels,
  )
  const amount = gauge('spendlens_budget_amount_usd', "The budget's amount per period, USD.", budgetLabels)
  const used = gauge('spendlens_budget_used_ratio', 'Spent over amount (1 or more: spent).', budgetLabels)
  for (const budget of figures.budgets) {
    const labels = { budget: budget.id, name: budget.name, period: budget.period }
    spent.set(labels, budget.status.spent_usd)
    amount.set(labels, budget.amountUsd)
    used.set(labels, budget.status.used)
  }

  const anomalies = gauge('spendlens_anomalies_open', 'Open anomalies by kind and severity.', [
    'kind',
    'severity',
  ])
  const open = new Map<string, { kind: string; severity: string; count: number }>()
  for (const anomaly of figures.openAnomalies) {
    const key = `${anomaly.kind}\u0000${anomaly.severity}`
    const entry = open.get(key) ?? { kind: anomaly.kind, severity: anomaly.severity, count: 0 }
    entry.count++
    open.set(key, entry)
  }
  for (const { kind, severity, count } of open.values()) anomalies.set({ kind, severity }, count)

  const lastSuccess = gauge(
    'spendlens_invoice_last_success_timestamp_seconds',
    "When the provider's usage and cost reports last synced without error (Unix seconds).",
    ['provider'],
  )
  const syncFailing = gauge(
    'spendlens_invoice_sync_failing',
    "1 when the provider's last sync run failed, else 0.",
    ['provider'],
  )
  for (const status of figures.invoiceSync) {
    if (status.last_success_at)
      lastSuccess.set({ provider: status.provider }, Date.parse(status.last_success_at) / 1000)
    if (status.last_run_at) syncFailing.set({ provider: status.provider }, status.last_error ? 1 : 0)
  }
  gauge(
    'spendlens_figures_read_timestamp_seconds',
    'When the figures read from the store were read (Unix seconds).',
    [],
  ).set(figures.readAt / 1000)

  const ingestCounter = (name: string, help: string, value: number) =>
    new Counter({ name, help, registers: [registry] }).inc(value)
  ingestCounter(
    'spendlens_ingest_events_accepted_total',
    'Events POST /v1/events accepted (stored) since the server started.',
    counts?.accepted ?? 0,
  )
  ingestCounter(
    'spendlens_ingest_events_duplicate_total',
    'Events POST /v1/events received again (an event_id already stored) since the server started.',
    counts?.duplicates ?? 0,
  )
  ingestCounter(
    'spendlens_ingest_events_rejected_total',
    'Events POST /v1/events rejected (invalid, too old) since the server started.',
    counts?.rejected ?? 0,
  )
  return registry
}
