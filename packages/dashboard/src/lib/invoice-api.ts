// The invoice endpoints (docs/invoice.md): the reconciliation of the providers' invoice with the
// tracked events, where each provider's sync stands, and a sync started now (admin).

import type {
  InvoiceProviderName,
  InvoiceSyncAnswer,
  ReconcileAnswer,
  ReconcileBy,
} from '@spendlens/server/api-types'
import { apiUrl, getJson, postJson, type RequestOptions } from './api-client'
import type { InvoiceDays } from './invoice-period'

export interface ReconcileRequest {
  days: InvoiceDays
  by: ReconcileBy
  /** Spread the invoice before tracking over features and customers (always shown as an estimate). */
  estimate?: boolean
}

/** GET /api/invoice/reconcile: `from` and `to` are UTC days, both included. */
export function reconcileUrl({ days, by, estimate }: ReconcileRequest): string {
  return apiUrl('api/invoice/reconcile', {
    from: days.first,
    to: days.last,
    by,
    estimate: estimate ? 'true' : undefined,
  })
}

export function fetchReconcile(
  request: ReconcileRequest,
  options?: RequestOptions,
): Promise<ReconcileAnswer> {
  return getJson<ReconcileAnswer>(reconcileUrl(request), options)
}

/** GET /api/invoice/sync: where each provider's sync stands. */
export const INVOICE_SYNC_URL = 'api/invoice/sync'

export function fetchInvoiceSync(options?: RequestOptions): Promise<InvoiceSyncAnswer> {
  return getJson<InvoiceSyncAnswer>(INVOICE_SYNC_URL, options)
}

/** POST /api/invoice/sync/run (admin): starts a run of the provider now; 409 when it is not configured. */
export function runInvoiceSync(
  provider: InvoiceProviderName,
  options?: RequestOptions,
): Promise<{ started: InvoiceProviderName[] }> {
  return postJson('api/invoice/sync/run', { provider }, options)
}
