import type { InvoiceSyncStatus } from '../api/api-types.js'
import { INVOICE_SYNC_TABLE } from '../schema/invoice-sync-table.js'
import { INVOICE_PROVIDERS, type InvoiceProvider } from '../schema/invoice-table.js'
import type { Store } from '../store/store.js'

/** What only a running server knows of a provider's sync: whether it has a key, runs now, runs next. */
export interface LiveSyncStatus {
  configured: boolean
  running: boolean
  nextRunAt: number | null
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** Where each provider's sync into `project` stands, from the stored sync state (and the job's, when one runs). */
export async function syncStatuses(
  store: Store,
  project: string,
  live: (provider: InvoiceProvider) => LiveSyncStatus = () => ({
    configured: false,
    running: false,
    nextRunAt: null,
  }),
): Promise<InvoiceSyncStatus[]> {
  const states = (await store.readRecords(INVOICE_SYNC_TABLE)).filter((state) => state.project === project)
  return INVOICE_PROVIDERS.map((provider) => {
    const state = states.find((current) => current.provider === provider)
    const now = live(provider)
    return {
      provider,
      configured: now.configured,
      running: now.running,
      organization: state?.organization || null,
      synced_from: iso(state?.syncedFrom ?? null),
      synced_until: iso(state?.syncedUntil ?? null),
      last_run_at: iso(state?.lastRunAt ?? null),
      last_success_at: iso(state?.lastSuccessAt ?? null),
      last_error: state?.lastError || null,
      lines: state?.lines ?? 0,
      next_run_at: iso(now.nextRunAt),
    }
  })
}
