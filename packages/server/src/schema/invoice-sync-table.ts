import type { InvoiceProvider } from './invoice-table.js'
import { asNumber, asText, recordColumn, recordTable } from './record-table.js'

/**
 * Where the sync of one provider's reports into one project stands (invoice/sync-invoice.ts):
 * what has been synced, when, and the last error. The next run starts from `syncedUntil` less the
 * days the provider still revises.
 */
export interface InvoiceSyncState {
  /** `<project>/<provider>`: a provider's organization is synced into one project. */
  id: string
  project: string
  provider: InvoiceProvider
  /** The provider's organization, once a report has named it (OpenAI does; '' until then). */
  organization: string
  /** The first bucket synced (epoch ms), null before the first complete run. */
  syncedFrom: number | null
  /** The end of the last complete bucket synced: the next run starts here, less the revised days. */
  syncedUntil: number | null
  lastRunAt: number | null
  lastSuccessAt: number | null
  /** The last run's error in one line, '' when it succeeded. */
  lastError: string
  /** Lines the last successful run stored. */
  lines: number
}

export const syncStateId = (project: string, provider: InvoiceProvider) => `${project}/${provider}`

export const INVOICE_SYNC_TABLE = recordTable<InvoiceSyncState>(
  'spendlens_invoice_sync',
  'id',
  [
    recordColumn.text('id', (state) => state.id),
    recordColumn.text('project', (state) => state.project, 'low'),
    recordColumn.text('provider', (state) => state.provider, 'low'),
    recordColumn.text('organization', (state) => state.organization),
    recordColumn.time('synced_from', (state) => state.syncedFrom),
    recordColumn.time('synced_until', (state) => state.syncedUntil),
    recordColumn.time('last_run_at', (state) => state.lastRunAt),
    recordColumn.time('last_success_at', (state) => state.lastSuccessAt),
    recordColumn.text('last_error', (state) => state.lastError),
    recordColumn.time('lines', (state) => state.lines, false),
  ],
  (row) => ({
    id: asText(row.id),
    project: asText(row.project),
    provider: asText(row.provider) as InvoiceProvider,
    organization: asText(row.organization),
    syncedFrom: asNumber(row.synced_from),
    syncedUntil: asNumber(row.synced_until),
    lastRunAt: asNumber(row.last_run_at),
    lastSuccessAt: asNumber(row.last_success_at),
    lastError: asText(row.last_error),
    lines: asNumber(row.lines) ?? 0,
  }),
)
