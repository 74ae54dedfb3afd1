import { QueryBody } from '../../components/panel'
import { useDashboard } from '../../hooks/dashboard-context'
import { useReconcile } from '../../hooks/use-invoice'
import { hasInvoice } from '../../lib/reconcile-days'
import { invoiceReconciles } from '../../queries/invoice-queries'
import { BeforeTrackingPanel } from './before-tracking-panel'
import { InvoiceDayPanels } from './invoice-day-panels'
import { InvoiceEmptyState } from './invoice-empty-state'
import { InvoiceHeadline, OutsideInvoiceNote } from './invoice-headline'
import { InvoiceSyncPanel } from './invoice-sync-panel'
import { InvoiceTablePanel } from './invoice-table-panel'

/**
 * The providers' invoice beside the tracked events (docs/invoice.md): how much of it spendlens
 * explains, the gap day by day in its parts, by model, line item or project, the invoice before
 * tracking began, and where each provider's sync stands. Whole UTC days, the providers' buckets.
 */
export function InvoiceView() {
  const { view, scope } = useDashboard()
  const { days, daily: request } = invoiceReconciles(scope, view)
  const daily = useReconcile(request)
  return (
    <QueryBody state={daily} what="the invoice">
      {(answer) =>
        hasInvoice(answer) ? (
          <>
            <InvoiceHeadline answer={answer} />
            <div className="grid">
              <InvoiceDayPanels days={days} answer={answer} stale={daily.stale} />
              <InvoiceTablePanel days={days} answer={answer} />
              {answer.before_tracking ? <BeforeTrackingPanel before={answer.before_tracking} /> : null}
              <InvoiceSyncPanel />
            </div>
          </>
        ) : (
          <div className="grid">
            <div className="panel-wide">
              <InvoiceEmptyState />
              <OutsideInvoiceNote usd={answer.tracked_outside_invoice_usd} />
            </div>
            <InvoiceSyncPanel />
          </div>
        )
      }
    </QueryBody>
  )
}
