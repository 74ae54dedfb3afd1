import type { Anomaly, BudgetAlert } from './api-types.js'

/**
 * Where an anomaly is seen in the dashboard, written once for the alerts (a link in a Slack post
 * or an email) and for the dashboard itself (a row of its Anomalies view opens the same view): the
 * dashboard keeps its whole view in the query string (packages/dashboard/src/lib/view-state.ts
 * and filters.ts), `?project=shop&view=overview&range=custom&from=…&to=…&tz=UTC&feature=search`.
 * Plain code, bundled into the dashboard as `@spendlens/server/dashboard-link`;
 * test/alerts-dashboard-link.test.ts reads a link back with the dashboard's own parser.
 */

/** Measures about errors and latency open the Latency & errors view; the rest the Overview. */
const LATENCY_MEASURES = new Set(['error_rate', 'errors', 'latency_ms', 'p95_latency_ms', 'p99_latency_ms'])

/**
 * The view an anomaly is seen in: an unpriced model the Unpriced models page (its calls, tokens and
 * features, and how to price it); error and latency measures Latency & errors; the rest the Overview.
 */
function anomalyView(anomaly: Anomaly): string {
  if (anomaly.kind === 'unpriced_model') return 'unpriced'
  return LATENCY_MEASURES.has(anomaly.measure) ? 'latency' : 'overview'
}

/**
 * The query string (with its "?") of the dashboard's view of `anomaly`: its scope as a filter, its
 * days as a custom range in UTC (the hours an anomaly has are UTC hours; `end` is exclusive, so
 * the range ends on the day of its last hour), and the project when one is given.
 *
 * @example dashboardSearch(anomaly, 'shop')
 * // ?project=shop&view=overview&range=custom&from=2026-12-01&to=2026-12-01&tz=UTC&feature=search
 */
export function dashboardSearch(anomaly: Anomaly, project?: string): string {
  const params = new URLSearchParams()
  if (project) params.set('project', project)
  params.set('view', anomalyView(anomaly))
  params.set('range', 'custom')
  const first = utcDay(Date.parse(anomaly.start))
  const last = utcDay(Math.max(Date.parse(anomaly.start), Date.parse(anomaly.end) - 1))
  if (first && last) {
    params.set('from', first)
    params.set('to', last)
  } else {
    // Times the detector got wrong: the last week rather than a broken link.
    params.set('range', '7d')
  }
  params.set('tz', 'UTC')
  if (anomaly.scope) params.append(anomaly.scope.dimension, anomaly.scope.value)
  return `?${params.toString()}`
}

/**
 * A link to the dashboard at `base` showing `anomaly` ({@link dashboardSearch}).
 *
 * @example dashboardLink('https://spend.example.com', anomaly, 'shop')
 * // https://spend.example.com/?project=shop&view=overview&range=custom&from=2026-12-01&to=2026-12-01&tz=UTC&feature=search
 */
export function dashboardLink(base: string, anomaly: Anomaly, project?: string): string {
  return `${base.replace(/\/+$/, '')}/${dashboardSearch(anomaly, project)}`
}

function utcDay(time: number): string | undefined {
  return Number.isFinite(time) ? new Date(time).toISOString().slice(0, 10) : undefined
}

/**
 * A link to the dashboard showing a budget's current period: its scope as filters (`not_in` as
 * `exclude.`), its days from the period's first to today as a custom range in the budget's zone.
 */
export function budgetDashboardLink(base: string, alert: BudgetAlert, now: number, project?: string): string {
  const params = new URLSearchParams()
  if (project) params.set('project', project)
  params.set('view', 'overview')
  params.set('range', 'custom')
  params.set('from', localDay(Date.parse(alert.period_start), alert.time_zone))
  params.set('to', localDay(Math.min(now, Date.parse(alert.resets_at) - 1), alert.time_zone))
  params.set('tz', alert.time_zone)
  for (const filter of alert.filters)
    for (const value of filter.values)
      params.append(filter.op === 'not_in' ? `exclude.${filter.dimension}` : filter.dimension, value)
  return `${base.replace(/\/+$/, '')}/?${params.toString()}`
}

/** `YYYY-MM-DD` of an instant in a zone (the Swedish locale writes dates that way). */
function localDay(time: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(time)
}
