import type { ModelMigration } from '@spendlens/server/api-types'
import type { Column } from '../components/data-table'
import { DataTable } from '../components/data-table'
import { Panel, QueryBody } from '../components/panel'
import { useDashboard } from '../hooks/dashboard-context'
import { useModelMigrations } from '../hooks/use-decisions'
import {
  formatChange,
  formatDayLabel,
  formatInteger,
  formatLatency,
  formatPercent,
  formatUsd,
} from '../lib/format'

const change = (value: unknown) => (typeof value === 'number' ? formatChange(value) : '—')
/** Less is better for every figure compared here: cost, tokens, latency, errors. */
const tone = (value: number | null, threshold = 0.005) =>
  value === null ? undefined : value < -threshold ? 'tone-good' : value > threshold ? 'tone-bad' : undefined

const COLUMNS: Column<ModelMigration>[] = [
  {
    key: 'day',
    label: 'Switched',
    value: (row) => row.day,
    format: (value) => formatDayLabel(String(value)),
  },
  { key: 'feature', label: 'Feature', value: (row) => row.feature },
  {
    key: 'model',
    label: 'Model',
    value: (row) => `${row.before.model} → ${row.after.model}`,
    title: (row) =>
      `${row.before.model}: ${formatPercent(row.before.share)} of the calls the week before; ${row.after.model}: ${formatPercent(row.after.share)} the week after`,
    cellClass: () => 'is-changed',
  },
  {
    key: 'requests',
    label: 'Calls',
    numeric: true,
    value: (row) => row.after.requests,
    format: (_, row) => `${formatInteger(row.before.requests)} / ${formatInteger(row.after.requests)}`,
  },
  {
    key: 'cost_per_request',
    label: 'Cost / call',
    numeric: true,
    value: (row) => row.after.cost_per_request,
    format: (_, row) =>
      `${formatUsd(row.before.cost_per_request)} → ${formatUsd(row.after.cost_per_request)}`,
  },
  {
    key: 'cost_change',
    label: 'Change',
    numeric: true,
    value: (row) => row.change.cost_per_request,
    format: change,
    cellClass: (row) => tone(row.change.cost_per_request),
  },
  {
    key: 'tokens_change',
    label: 'Tokens',
    numeric: true,
    value: (row) => row.change.tokens_per_request,
    format: change,
    cellClass: (row) => tone(row.change.tokens_per_request),
  },
  {
    key: 'p95',
    label: 'p95',
    numeric: true,
    value: (row) => row.change.p95_latency_ms,
    format: (_, row) =>
      `${formatLatency(row.before.p95_latency_ms)} → ${formatLatency(row.after.p95_latency_ms)}`,
    cellClass: (row) => tone(row.change.p95_latency_ms),
  },
  {
    key: 'errors',
    label: 'Errors',
    numeric: true,
    value: (row) => row.change.error_rate,
    format: (_, row) => `${formatPercent(row.before.error_rate)} → ${formatPercent(row.after.error_rate)}`,
    cellClass: (row) => tone(row.change.error_rate, 0.001),
  },
]

/**
 * The features whose main model switched and stayed switched in the range (GET
 * /api/model-migrations), found without being told; a row sets the before / after panel's day.
 */
export function ModelMigrationsPanel() {
  const { update } = useDashboard()
  const migrations = useModelMigrations()
  return (
    <Panel
      title="Model migrations"
      subtitle="Features whose main model switched and stayed switched, found in the calls of each day · click one to compare before and after it"
      wide
      stale={migrations.stale}
      testId="model-migrations-panel"
    >
      <QueryBody
        state={{ ...migrations, data: migrations.data?.migrations }}
        what="model migrations"
        isEmpty={(rows) => rows.length === 0}
        empty={
          <p data-testid="model-migrations-empty">
            No model migration in this range: no feature’s main model switched and stayed switched.
          </p>
        }
      >
        {(rows) => (
          <DataTable
            title="Model migrations"
            caption="Before → after: each side runs from the previous switch (or the range’s start) to the next (or its end); Change and Tokens are per call."
            columns={COLUMNS}
            rows={rows}
            rowKey={(row) => `${row.feature}\u0000${row.day}`}
            testId="model-migrations-table"
            onRowClick={(row) => update({ split: row.day })}
            rowActionLabel={(row) => `Compare before and after ${row.day}`}
          />
        )}
      </QueryBody>
    </Panel>
  )
}
