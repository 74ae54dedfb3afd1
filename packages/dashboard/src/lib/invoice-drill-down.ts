// Where a row of the Invoice view leads: the same UTC days in another view, filtered to the row.
// The time zone is set to UTC so that view's days are the invoice's days and its figures match.

import type { ReconcileRow } from '@spendlens/server/api-types'
import type { InvoiceDays } from './invoice-period'
import type { ViewState } from './view-state'

function sameDays(view: ViewState, days: InvoiceDays): ViewState {
  return {
    ...view,
    customer: undefined,
    preset: 'custom',
    first: days.first,
    last: days.last,
    timeZone: 'UTC',
  }
}

/**
 * A model row → the Models view filtered to its provider and every name the model went by (the
 * catalog's name and the snapshots the invoice and the events used). Undefined for lines of no model.
 */
export function modelDrillDown(view: ViewState, row: ReconcileRow, days: InvoiceDays): ViewState | undefined {
  if (!row.model || !row.provider) return undefined
  const names = [...new Set([row.model, ...(row.snapshots ?? [])])]
  return {
    ...sameDays(view, days),
    view: 'models',
    filters: [
      { dimension: 'provider', op: 'in', values: [row.provider] },
      { dimension: 'model', op: 'in', values: names },
    ],
  }
}

/**
 * A project row → the Requests view of its provider. Events carry the provider's project only where
 * the client knew it, and it is not a dimension the dashboard filters on, so the provider is the
 * closest cut: the calls behind the row are among those listed.
 */
export function projectDrillDown(
  view: ViewState,
  row: ReconcileRow,
  days: InvoiceDays,
): ViewState | undefined {
  if (!row.provider) return undefined
  return {
    ...sameDays(view, days),
    view: 'requests',
    filters: [{ dimension: 'provider', op: 'in', values: [row.provider] }],
  }
}
