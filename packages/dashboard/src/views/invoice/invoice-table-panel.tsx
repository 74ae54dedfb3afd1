import type { ReconcileAnswer, ReconcileRow } from '@spendlens/server/api-types'
import { type Column, DataTable } from '../../components/data-table'
import { Panel, QueryBody } from '../../components/panel'
import { Segmented } from '../../components/segmented'
import { useDashboard } from '../../hooks/dashboard-context'
import { useReconcile } from '../../hooks/use-invoice'
import { viewHref } from '../../hooks/use-view-state'
import { modelDrillDown, projectDrillDown } from '../../lib/invoice-drill-down'
import type { InvoiceDays } from '../../lib/invoice-period'
import { INVOICE_TABLES, type ViewState } from '../../lib/view-state'
import { invoiceReconciles } from '../../queries/invoice-queries'
import { figureColumns, keyColumn, lineItemColumns } from './invoice-columns'

const MODEL_COLUMNS: Column<ReconcileRow>[] = [
  keyColumn<ReconcileRow>('model', 'Model', (row) => row.model, 'no model (other lines)'),
  keyColumn<ReconcileRow>('provider', 'Provider', (row) => row.provider, '—'),
  {
    key: 'snapshots',
    label: 'Snapshots',
    value: (row) => row.snapshots?.join(' ') ?? '',
    format: (value) => String(value).split(' ').join(', ') || '—',
    cellClass: () => 'is-wrapping',
  },
  ...figureColumns<ReconcileRow>(),
]

const PROJECT_COLUMNS: Column<ReconcileRow>[] = [
  keyColumn<ReconcileRow>('project', 'Project', (row) => row.project, 'none given'),
  keyColumn<ReconcileRow>('provider', 'Provider', (row) => row.provider, '—'),
  ...figureColumns<ReconcileRow>(),
]

const rowKey = (row: ReconcileRow) => `${row.provider}\u0000${row.model ?? row.project ?? ''}`

/**
 * The reconciliation in a table, cut by model (snapshots folded into the catalog's model), by the
 * invoice's own line items, or by provider project. A model row opens the Models view filtered to
 * it; a project row the Requests view of its provider, over the same UTC days.
 */
export function InvoiceTablePanel({ days, answer }: { days: InvoiceDays; answer: ReconcileAnswer }) {
  const { view, scope, update, setView } = useDashboard()
  const table = invoiceReconciles(scope, view).table
  const by = table?.by
  const cut = useReconcile(table)
  const drillDown = view.invoiceTable === 'project' ? projectDrillDown : modelDrillDown
  const target = (row: ReconcileRow) => drillDown(view, row, days)
  const open = (row: ReconcileRow) => {
    const next = target(row)
    if (next) setView(next)
  }
  return (
    <Panel
      title="Invoiced and tracked"
      subtitle={
        view.invoiceTable === 'line_item'
          ? 'What the providers billed, as they name it'
          : view.invoiceTable === 'model'
            ? "By model, the provider's snapshots folded into the catalog's name · click a model to see its calls"
            : "By the provider's project or workspace · click one to see its provider's requests"
      }
      actions={
        <Segmented
          label="Rows"
          small
          options={INVOICE_TABLES}
          value={view.invoiceTable}
          onChange={(invoiceTable) => update({ invoiceTable })}
          testIdPrefix="invoice-table-"
        />
      }
      wide
      stale={cut.stale}
      testId="invoice-table-panel"
    >
      <div className="invoice-table">
        {view.invoiceTable === 'line_item' ? (
          <DataTable
            title="Invoice line items"
            columns={lineItemColumns(answer.totals.invoiced_usd)}
            rows={answer.line_items}
            rowKey={(row) => `${row.provider}\u0000${row.line_item}\u0000${row.project}`}
            testId="invoice-line-items"
            caption={`${answer.line_items.length} line items of the reconciled days, largest first`}
          />
        ) : (
          <QueryBody state={cut} what={`the invoice by ${by}`}>
            {(data) => (
              <DataTable
                title={`Invoice by ${by}`}
                columns={by === 'project' ? PROJECT_COLUMNS : MODEL_COLUMNS}
                rows={data.rows}
                rowKey={rowKey}
                testId={`invoice-by-${by}`}
                footer={{ ...data.totals, model: 'Total', project: 'Total' }}
                onRowClick={open}
                rowHref={(row) => viewHref(target(row) as ViewState)}
                isRowClickable={(row) => target(row) !== undefined}
                rowActionLabel={(row) =>
                  by === 'project'
                    ? `Requests of ${row.provider} over these days`
                    : `Model ${row.model} of ${row.provider} over these days`
                }
                caption="Coverage is tracked ÷ invoiced; the four parts add up to the gap (invoiced − tracked)"
              />
            )}
          </QueryBody>
        )}
      </div>
    </Panel>
  )
}
