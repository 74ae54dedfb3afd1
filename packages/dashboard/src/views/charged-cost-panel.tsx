import type { Dimension, QueryRow } from '@spendlens/server/api-types'
import { type Column, DataTable } from '../components/data-table'
import { Panel, QueryBody } from '../components/panel'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { chargedChange, chargedDifference, chargedRows } from '../lib/charged-costs'
import { formatChange, formatInteger, formatUsd } from '../lib/format'
import { chargedModelsRequest, chargedTotalRequest } from '../queries/models-queries'
import { rowName, totalRow } from './breakdown-columns'

const number = (value: unknown) => (typeof value === 'number' ? value : null)
const precise = (value: unknown) => (typeof value === 'number' ? `$${value}` : undefined)

/** The columns of the charged costs table, models named by `model` (the view's model dimension). */
function chargedColumns(model: Dimension, label: string): Column<QueryRow>[] {
  return [
    { key: 'name', label, value: (row) => rowName(row, model) },
    { key: 'provider', label: 'Provider', value: (row) => (row.total ? '' : String(row.provider ?? '')) },
    {
      key: 'charged_requests',
      label: 'Charged calls',
      numeric: true,
      value: (row) => row.charged_requests ?? 0,
      format: (value) => formatInteger(number(value)),
    },
    {
      key: 'charged_cost_usd',
      label: 'Charged',
      numeric: true,
      value: (row) => row.charged_cost_usd ?? null,
      format: (value) => formatUsd(number(value)),
      title: (row) => precise(row.charged_cost_usd),
    },
    {
      key: 'computed_cost_usd',
      label: 'Catalog price',
      numeric: true,
      value: (row) => row.computed_cost_usd ?? null,
      // Unknown, never $0: the catalog has no price for any of these calls.
      format: (value) => (value === null ? 'not in catalog' : formatUsd(number(value))),
      title: (row) =>
        row.charged_unpriced_count
          ? `${formatInteger(row.charged_unpriced_count)} of ${formatInteger(row.charged_requests)} charged calls have no catalog price`
          : precise(row.computed_cost_usd),
      cellClass: (row) => (row.charged_unpriced_count ? 'has-unpriced' : undefined),
    },
    {
      key: 'difference',
      label: 'Difference',
      numeric: true,
      value: chargedDifference,
      format: (value) => {
        const difference = number(value)
        if (difference === null) return '—'
        // Signed as a change reads: "+$0.000045", "−$0.001".
        return difference > 0 ? `+${formatUsd(difference)}` : `−${formatUsd(-difference)}`
      },
      title: (row) =>
        chargedDifference(row) === null
          ? 'The catalog cannot price every charged call: the two do not cover the same calls'
          : precise(chargedDifference(row)),
      cellClass: (row) => tone(chargedDifference(row)),
    },
    {
      key: 'change',
      label: 'vs catalog',
      numeric: true,
      value: chargedChange,
      format: (value) => (typeof value === 'number' ? formatChange(value) : '—'),
      cellClass: (row) => tone(chargedDifference(row)),
    },
  ]
}

/** Charged above the catalog reads as bad, below as good; a nano-dollar apart is no difference. */
function tone(difference: number | null): string | undefined {
  if (difference === null || difference === 0) return undefined
  return difference > 0 ? 'tone-bad' : 'tone-good'
}

/**
 * Models whose provider charged the calls itself (OpenRouter, Perplexity): what it charged, the
 * catalog's price of the same calls, and the difference. Shown only when the scope holds any such
 * call: most teams never see it.
 */
export function ChargedCostPanel({ model, label }: { model: Dimension; label: string }) {
  const { scope } = useDashboard()
  const models = useAnalyticsQuery(chargedModelsRequest(scope, model))
  const total = useAnalyticsQuery(chargedTotalRequest(scope))
  const rows = models.data ? chargedRows(models.data) : undefined
  // Nothing to say until an answer holds charged calls; a failure is still shown.
  if (!models.error && (rows === undefined || rows.length === 0)) return null
  return (
    <Panel
      title="Charged by the provider"
      subtitle="Calls whose provider charged them itself, against what the price catalog says they cost · the difference only where the catalog prices every call"
      testId="charged-cost-panel"
      wide
      stale={models.stale || total.stale}
    >
      <QueryBody state={{ ...models, data: rows }} what="charged costs">
        {(data) => (
          <DataTable
            key={model}
            title="Charged costs"
            columns={chargedColumns(model, label)}
            rows={data}
            rowKey={(row) => `${row.provider}\u0000${row[model]}`}
            testId="charged-cost-table"
            footer={totalRow(total.data?.[0])}
          />
        )}
      </QueryBody>
    </Panel>
  )
}
