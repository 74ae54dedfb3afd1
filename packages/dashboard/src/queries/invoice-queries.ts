import type { ReconcileAnswer } from '@spendlens/server/api-types'
import { INVOICE_SYNC_URL, type ReconcileRequest, reconcileUrl } from '../lib/invoice-api'
import { invoiceDays } from '../lib/invoice-period'
import { hasInvoice } from '../lib/reconcile-days'
import type { Scope } from '../lib/scope'
import type { ViewState } from '../lib/view-state'
import type { ViewContext, ViewRequests } from './view-requests'

/** The reconciliations the invoice view asks: by day (the headline, the day charts), and its table's cut. */
export function invoiceReconciles(
  scope: Scope,
  view: Pick<ViewState, 'period' | 'estimate' | 'invoiceTable'>,
) {
  const days = invoiceDays(view.period, scope.now)
  const by = view.invoiceTable === 'line_item' ? undefined : view.invoiceTable
  return {
    days,
    daily: { days, by: 'day', estimate: view.estimate } satisfies ReconcileRequest,
    /** None for the invoice's own line items, which the daily answer holds. */
    table: by ? ({ days, by } satisfies ReconcileRequest) : undefined,
  }
}

/** The invoice view: the daily reconciliation and the sync's status, then the table's cut when there is an invoice. */
export function invoiceRequests({ scope, view }: ViewContext): ViewRequests {
  const reconciles = invoiceReconciles(scope, view)
  return {
    first: [
      { name: 'reconcile by day', url: reconcileUrl(reconciles.daily) },
      { name: 'invoice sync', url: INVOICE_SYNC_URL },
    ],
    after: (answers) => {
      const daily = answers.get('reconcile by day') as ReconcileAnswer | undefined
      return daily && hasInvoice(daily) && reconciles.table
        ? [{ name: `reconcile by ${reconciles.table.by}`, url: reconcileUrl(reconciles.table) }]
        : []
    },
  }
}
