import type { BeforeTracking } from '@spendlens/server/api-types'
import { type Column, DataTable } from '../../components/data-table'
import { Panel } from '../../components/panel'
import { useDashboard } from '../../hooks/dashboard-context'
import { formatDayLabel, formatUsd } from '../../lib/format'
import { keyColumn } from './invoice-columns'

type BeforeRow = BeforeTracking['rows'][number]
type Estimate = NonNullable<BeforeTracking['estimate']>

const BEFORE_COLUMNS: Column<BeforeRow>[] = [
  keyColumn<BeforeRow>('model', 'Model', (row) => row.model, 'no model (other lines)'),
  keyColumn<BeforeRow>('provider', 'Provider', (row) => row.provider, '—'),
  keyColumn<BeforeRow>('project', 'Project', (row) => row.project, 'none given'),
  {
    key: 'invoiced_usd',
    label: 'Invoiced',
    numeric: true,
    value: (row) => row.invoiced_usd,
    format: (value) => formatUsd(value as number),
    title: (row) => `$${row.invoiced_usd}`,
  },
]

const estimateColumn = <Row extends { estimated_usd: number }>(): Column<Row> => ({
  key: 'estimated_usd',
  label: 'Estimated cost (estimate)',
  numeric: true,
  value: (row) => row.estimated_usd,
  format: (value) => `≈ ${formatUsd(value as number)}`,
})

/**
 * Invoice days before the first tracked event: the provider's own totals, which no event can
 * attribute, kept out of every figure above. On request, the same money spread over features and
 * customers by their share of the first tracked weeks: always labelled an estimate.
 */
export function BeforeTrackingPanel({ before }: { before: BeforeTracking }) {
  const { view, update } = useDashboard()
  return (
    <Panel
      title="Before tracking, not attributed"
      subtitle={`Invoiced before the first tracked event (${formatDayLabel(before.until, 'long')}): ${formatUsd(before.invoiced_usd)}, the provider's own totals, not part of the figures above`}
      actions={
        <button
          type="button"
          className="button button-small"
          aria-pressed={view.estimate}
          onClick={() => update({ estimate: !view.estimate })}
          data-testid="estimate-toggle"
        >
          {view.estimate ? 'Hide the estimate' : 'Estimate by feature and customer'}
        </button>
      }
      wide
      testId="before-tracking-panel"
    >
      <DataTable
        title="Invoice before tracking"
        columns={BEFORE_COLUMNS}
        rows={before.rows}
        rowKey={(row) => `${row.provider}\u0000${row.model}\u0000${row.project}`}
        testId="before-tracking-table"
        caption="By provider, model and project, as the provider billed it"
      />
      {view.estimate ? (
        before.estimate ? (
          <EstimateTables estimate={before.estimate} />
        ) : (
          // Asked with estimate=true, the answer always carries one: until it arrives, say so.
          <p className="muted" aria-busy="true">
            Estimating…
          </p>
        )
      ) : null}
    </Panel>
  )
}

function EstimateTables({ estimate }: { estimate: Estimate }) {
  return (
    <section className="estimate" aria-label="Estimate" data-testid="before-tracking-estimate">
      <p className="estimate-note">
        <span className="estimate-badge">Estimate</span> The money above spread over features and customers by
        their share of tracked cost in the first {estimate.weeks} tracked weeks. A guess at where it went, not
        tracked cost: it is in no other figure.
      </p>
      <div className="grid">
        <DataTable
          title="Estimate by feature"
          columns={[
            keyColumn<Estimate['by_feature'][number]>('feature', 'Feature', (row) => row.feature, '—'),
            estimateColumn(),
          ]}
          rows={estimate.by_feature}
          rowKey={(row) => row.feature}
          testId="estimate-by-feature"
          caption="Estimate, by feature"
        />
        <DataTable
          title="Estimate by customer"
          columns={[
            keyColumn<Estimate['by_customer'][number]>(
              'customer_id',
              'Customer',
              (row) => row.customer_id,
              '—',
            ),
            estimateColumn(),
          ]}
          rows={estimate.by_customer}
          rowKey={(row) => row.customer_id}
          testId="estimate-by-customer"
          caption="Estimate, by customer"
        />
      </div>
    </section>
  )
}
