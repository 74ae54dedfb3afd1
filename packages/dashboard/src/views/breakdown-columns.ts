// The columns every "by dimension" table shares, so cost, share and latency read the same on
// every view.

import type { Dimension, QueryRow } from '@spendlens/server/api-types'
import type { Column } from '../components/data-table'
import {
  formatInteger,
  formatLatency,
  formatPercent,
  formatShare,
  formatUsd,
  latencyBand,
} from '../lib/format'

export { BREAKDOWN_METRICS } from '../queries/panel-queries'

/** A row's name: its value of the dimension, or "Others" / "Total". */
export function rowName(row: QueryRow, dimension: Dimension): string {
  if (row.others) return 'Others'
  if (row.total) return 'Total'
  return String(row[dimension] ?? '')
}

const number = (value: unknown) => (typeof value === 'number' ? value : null)

export function costColumn(label = 'Cost'): Column<QueryRow> {
  return {
    key: 'cost_usd',
    label,
    numeric: true,
    value: (row) => row.cost_usd ?? null,
    format: (value, row) => {
      if (value === null && (row.requests ?? 0) > 0) return 'unknown'
      return formatUsd(number(value) ?? 0)
    },
    title: (row) => (typeof row.cost_usd === 'number' ? `$${row.cost_usd}` : undefined),
    cellClass: (row) => (row.unpriced_count ? 'has-unpriced' : undefined),
  }
}

export function shareColumn(total: number | null | undefined): Column<QueryRow> {
  return {
    key: 'share',
    label: 'Share',
    numeric: true,
    value: (row) => (typeof row.cost_usd === 'number' && total ? row.cost_usd / total : null),
    format: (value) => (typeof value === 'number' ? formatShare(value, 1) : '—'),
  }
}

export const requestsColumn: Column<QueryRow> = {
  key: 'requests',
  label: 'Requests',
  numeric: true,
  value: (row) => row.requests ?? 0,
  format: (value) => formatInteger(number(value)),
}

export const costPerRequestColumn: Column<QueryRow> = {
  key: 'cost_per_request',
  label: 'Cost / request',
  numeric: true,
  value: (row) => row.cost_per_request ?? null,
  format: (value) => formatUsd(number(value)),
  title: (row) => (typeof row.cost_per_request === 'number' ? `$${row.cost_per_request}` : undefined),
}

export const avgTokensColumn: Column<QueryRow> = {
  key: 'avg_tokens_per_request',
  label: 'Avg tokens',
  numeric: true,
  value: (row) => row.avg_tokens_per_request ?? null,
  format: (value) => formatInteger(number(value)),
}

export function latencyColumn(
  metric: 'p50_latency_ms' | 'p95_latency_ms' | 'p99_latency_ms' | 'avg_latency_ms',
  label: string,
): Column<QueryRow> {
  return {
    key: metric,
    label,
    numeric: true,
    value: (row) => row[metric] ?? null,
    format: (value) => formatLatency(number(value)),
    cellClass: (row) => {
      const band = latencyBand(row[metric])
      return band ? `band-${band}` : undefined
    },
  }
}

export function rateColumn(metric: 'error_rate' | 'cache_hit_rate', label: string): Column<QueryRow> {
  return {
    key: metric,
    label,
    numeric: true,
    value: (row) => row[metric] ?? null,
    format: (value) => formatPercent(number(value)),
    cellClass:
      metric === 'error_rate' ? (row) => ((row.error_rate ?? 0) >= 0.05 ? 'tone-bad' : undefined) : undefined,
  }
}

export function nameColumn(dimension: Dimension, label: string): Column<QueryRow> {
  return { key: 'name', label, value: (row) => rowName(row, dimension) }
}

/** Name, cost, share, requests, cost per request, avg tokens, p95 latency, error and cache-hit rates. */
export function breakdownColumns(
  dimension: Dimension,
  label: string,
  total: number | null | undefined,
): Column<QueryRow>[] {
  return [
    nameColumn(dimension, label),
    costColumn(),
    shareColumn(total),
    requestsColumn,
    costPerRequestColumn,
    avgTokensColumn,
    latencyColumn('p95_latency_ms', 'p95 latency'),
    rateColumn('error_rate', 'Error rate'),
    rateColumn('cache_hit_rate', 'Cache hit rate'),
  ]
}

/** The tooltip lines a bar of a cost ranking starts with: its share of the total cost, its requests. */
export function costShareLines(row: QueryRow, totalCost: number | null | undefined): string[] {
  return [
    `Share: ${typeof row.cost_usd === 'number' && totalCost ? formatShare(row.cost_usd, totalCost) : '—'}`,
    `Requests: ${formatInteger(row.requests)}`,
  ]
}

/** A totals row for a table's footer: the scope's figures for every column. */
export function totalRow(row: QueryRow | undefined): QueryRow | undefined {
  return row ? { ...row, total: true } : undefined
}
