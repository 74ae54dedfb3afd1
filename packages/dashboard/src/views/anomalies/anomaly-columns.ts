// The columns of the Anomalies view's tables: the anomalies, and the alert messages sent about them.

import {
  type AlertDeliveryEntry,
  ANOMALY_KIND_LABELS,
  type Anomaly,
  type Dimension,
} from '@spendlens/server/api-types'
import type { Column } from '../../components/data-table'
import { describeWindow } from '../../lib/describe-range'
import { formatInteger, formatTimestamp, formatUsd } from '../../lib/format'
import { dimensionLabel } from '../../lib/view-state'

const capitalized = (value: unknown) => {
  const text = String(value ?? '')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** "Feature chat", "Customer acme", or "All traffic" for an anomaly of the whole project. */
export function scopeText(scope: Anomaly['scope']): string {
  return scope ? `${dimensionLabel(scope.dimension as Dimension)} ${scope.value}` : 'All traffic'
}

/** The anomaly's sentence (a link into its view), what and where, when in `timeZone`, and the money. */
export function anomalyColumns(timeZone: string): Column<Anomaly>[] {
  return [
    {
      key: 'summary',
      label: 'Anomaly',
      value: (row) => row.summary,
      cellClass: () => 'is-summary',
    },
    {
      key: 'kind',
      label: 'Kind',
      value: (row) => row.kind,
      format: (_, row) => ANOMALY_KIND_LABELS[row.kind] ?? row.kind,
    },
    {
      key: 'scope',
      label: 'Scope',
      value: (row) => (row.scope ? `${row.scope.dimension}=${row.scope.value}` : ''),
      format: (_, row) => scopeText(row.scope),
      cellClass: () => 'is-wrapping',
    },
    {
      key: 'window',
      label: 'When',
      value: (row) => row.start,
      format: (_, row) => describeWindow(new Date(row.start), new Date(row.end), timeZone),
      title: (row) => `${row.start} – ${row.end} (UTC, the end excluded)`,
    },
    {
      key: 'severity',
      label: 'Severity',
      value: (row) => row.severity,
      format: capitalized,
      cellClass: (row) => `severity-${row.severity}`,
    },
    {
      key: 'state',
      label: 'State',
      value: (row) => row.state,
      format: capitalized,
      cellClass: (row) => `state-${row.state}`,
    },
    {
      key: 'money_at_stake_usd',
      label: 'At stake',
      numeric: true,
      value: (row) => row.money_at_stake_usd,
      format: (value) => formatUsd(typeof value === 'number' ? value : null),
      title: (row) => `$${row.money_at_stake_usd} above expected over its hours`,
    },
  ]
}

const MESSAGE_TYPES: Record<AlertDeliveryEntry['type'], string> = {
  'anomaly.opened': 'Opened',
  'anomaly.resolved': 'Resolved',
  'anomaly.group': 'Opened (group)',
  'alert.test': 'Test message',
  'budget.threshold': 'Budget threshold',
  'budget.forecast': 'Budget forecast',
  'report.weekly': 'Weekly digest',
}

/** When, where, what, how it went: one alert message to one channel. */
export function deliveryColumns(timeZone: string): Column<AlertDeliveryEntry>[] {
  return [
    {
      key: 'created_at',
      label: 'When',
      value: (row) => row.created_at,
      format: (_, row) => formatTimestamp(row.created_at, timeZone),
    },
    { key: 'channel', label: 'Channel', value: (row) => row.channel },
    {
      key: 'type',
      label: 'Message',
      value: (row) => row.type,
      format: (_, row) => MESSAGE_TYPES[row.type] ?? row.type,
    },
    {
      key: 'anomalies',
      label: 'Anomalies',
      numeric: true,
      value: (row) => row.anomaly_ids.length,
      format: (value) => formatInteger(typeof value === 'number' ? value : null),
    },
    {
      key: 'status',
      label: 'Status',
      value: (row) => row.status,
      format: capitalized,
      cellClass: (row) => `delivery-${row.status}`,
      title: (row) =>
        row.delivered_at ? `Delivered ${formatTimestamp(row.delivered_at, timeZone)}` : undefined,
    },
    { key: 'attempts', label: 'Attempts', numeric: true, value: (row) => row.attempts },
    {
      key: 'last_error',
      label: 'Last error',
      value: (row) => row.last_error,
      format: (value) => (typeof value === 'string' && value ? value : '—'),
      cellClass: () => 'is-truncated',
      title: (row) => row.last_error ?? undefined,
    },
  ]
}
