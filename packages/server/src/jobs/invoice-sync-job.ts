import type { ReportSource } from '../invoice/report-source.js'
import { type SyncResult, syncInvoice } from '../invoice/sync-invoice.js'
import type { LiveSyncStatus } from '../invoice/sync-status.js'
import type { InvoiceProvider } from '../schema/invoice-table.js'
import type { Store } from '../store/store.js'

const HOUR_MS = 3_600_000

export interface InvoiceSyncJobOptions {
  store: Store
  /** The project the providers' organizations are synced into. */
  project: string
  /** The reports of each provider that has an admin key; the others are not synced. */
  sources: Partial<Record<InvoiceProvider, ReportSource[]>>
  /** Between runs. Default one hour. */
  intervalMs?: number
  onSynced?: (result: SyncResult) => void
  /** Told when a run fails (the error is also kept in the sync state); the next run tries again. */
  onError?: (provider: InvoiceProvider, error: unknown) => void
}

export interface InvoiceSyncJob {
  readonly project: string
  live(provider: InvoiceProvider): LiveSyncStatus
  /** Starts a run of `provider` now unless one is going on; answers when it ends (never throws). */
  runNow(provider: InvoiceProvider): Promise<void>
  /** Stops the timer and waits for the runs in progress. */
  stop(): Promise<void>
}

/**
 * The background sync of the providers' reports (`spendlens serve` with OPENAI_ADMIN_KEY or
 * ANTHROPIC_ADMIN_KEY): a first run right after start (not awaited: a slow provider must not hold
 * the server up), then every interval on an unref'd timer. One run per provider at a time.
 */
export function startInvoiceSyncJob(options: InvoiceSyncJobOptions): InvoiceSyncJob {
  const intervalMs = options.intervalMs ?? HOUR_MS
  const running = new Map<InvoiceProvider, Promise<void>>()
  let nextRunAt = Date.now() + intervalMs
  const runNow = (provider: InvoiceProvider) => {
    const sources = options.sources[provider]
    if (!sources) return Promise.resolve()
    let run = running.get(provider)
    if (!run) {
      run = syncInvoice({ store: options.store, project: options.project, provider, sources })
        .then((result) => options.onSynced?.(result))
        .catch((error: unknown) => options.onError?.(provider, error))
        .finally(() => running.delete(provider))
      running.set(provider, run)
    }
    return run
  }
  const runAll = () => {
    nextRunAt = Date.now() + intervalMs
    for (const provider of Object.keys(options.sources) as InvoiceProvider[]) void runNow(provider)
  }
  runAll()
  const timer = setInterval(runAll, intervalMs)
  timer.unref()
  return {
    project: options.project,
    live: (provider) => ({
      configured: options.sources[provider] !== undefined,
      running: running.has(provider),
      nextRunAt: options.sources[provider] ? nextRunAt : null,
    }),
    runNow,
    async stop() {
      clearInterval(timer)
      await Promise.all(running.values())
    },
  }
}
