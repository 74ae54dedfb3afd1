import { INVOICE_SYNC_TABLE, type InvoiceSyncState, syncStateId } from '../schema/invoice-sync-table.js'
import type { InvoiceProvider } from '../schema/invoice-table.js'
import type { Store } from '../store/store.js'
import type { ReportSource } from './report-source.js'

const DAY_MS = 86_400_000

/**
 * Days the providers still revise after the fact (late usage, credits, repricing): every run fetches
 * them again and replaces what it stored for them. OpenAI's costs settle within a day or two.
 */
export const DEFAULT_REVISE_DAYS = 3

export interface SyncRequest {
  store: Store
  project: string
  provider: InvoiceProvider
  sources: ReportSource[]
  /** Epoch ms; default: where the last complete run ended, less the revised days; the first run: the start of last month. */
  since?: number
  /** Epoch ms, exclusive; default the end of the current UTC day. */
  until?: number
  reviseDays?: number
  now?: () => number
  /** Told after each page: days done of the days to fetch (over every report). */
  onProgress?: (progress: SyncProgress) => void
}

export interface SyncProgress {
  source: string
  daysDone: number
  daysTotal: number
  lines: number
}

export interface SyncResult {
  provider: InvoiceProvider
  /** The range fetched, epoch ms. */
  from: number
  to: number
  lines: number
  pages: number
}

const startOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS

/**
 * One sync run: every report of a provider over a range of whole UTC days, page by page, each page
 * replacing what was stored for its range (Store.replaceInvoiceLines), so a run repeated, or cut
 * short and run again, never counts a bucket twice. The sync state moves forward only once every
 * report has been read to the end, so a run cut short is redone from where the last complete run
 * ended. The state records each run's outcome for the API and the dashboard.
 */
export async function syncInvoice(request: SyncRequest): Promise<SyncResult> {
  const now = (request.now ?? Date.now)()
  const { store, project, provider } = request
  const id = syncStateId(project, provider)
  const stored = (await store.readRecords(INVOICE_SYNC_TABLE)).find((state) => state.id === id)
  const state: InvoiceSyncState = stored ?? {
    id,
    project,
    provider,
    organization: '',
    syncedFrom: null,
    syncedUntil: null,
    lastRunAt: null,
    lastSuccessAt: null,
    lastError: '',
    lines: 0,
  }
  const today = startOfDay(now)
  const to = request.until === undefined ? today + DAY_MS : Math.ceil(request.until / DAY_MS) * DAY_MS
  const reviseDays = request.reviseDays ?? DEFAULT_REVISE_DAYS
  const from = startOfDay(
    request.since ??
      (state.syncedUntil !== null ? state.syncedUntil - reviseDays * DAY_MS : startOfLastMonth(today)),
  )
  if (!(from < to)) throw new Error(`nothing to sync: --since must be before --until`)

  const daysPerSource = (to - from) / DAY_MS
  const daysTotal = daysPerSource * request.sources.length
  let lines = 0
  let pages = 0
  let daysBefore = 0
  state.lastRunAt = now
  try {
    for (const source of request.sources) {
      await source.fetch(from, to, async (page) => {
        if (page.organization) checkOrganization(state, page.organization)
        await store.replaceInvoiceLines(
          { project, provider, source: source.source, from: page.from, to: page.to },
          page.lines,
        )
        lines += page.lines.length
        pages++
        request.onProgress?.({
          source: source.source,
          daysDone: daysBefore + (Math.min(page.to, to) - from) / DAY_MS,
          daysTotal,
          lines,
        })
      })
      daysBefore += daysPerSource
    }
  } catch (error) {
    state.lastError = oneLine(error)
    await store.writeRecords(INVOICE_SYNC_TABLE, [state])
    throw error
  }
  // Complete buckets only: the current UTC day is fetched (month to date) but counts as synced once over.
  // The synced days are one interval (what reconciliation trusts): a run that leaves a hole beside
  // it starts a new one.
  const completeUntil = Math.min(to, today)
  const joins =
    state.syncedFrom !== null &&
    state.syncedUntil !== null &&
    from <= state.syncedUntil &&
    completeUntil >= state.syncedFrom
  state.syncedFrom = joins ? Math.min(state.syncedFrom as number, from) : from
  state.syncedUntil = joins ? Math.max(state.syncedUntil as number, completeUntil) : completeUntil
  state.lastSuccessAt = (request.now ?? Date.now)()
  state.lastError = ''
  state.lines = lines
  await store.writeRecords(INVOICE_SYNC_TABLE, [state])
  return { provider, from, to, lines, pages }
}

function startOfLastMonth(today: number): number {
  const date = new Date(today)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1)
}

/** A provider organization is synced into one project: another organization's reports would mix with its figures. */
function checkOrganization(state: InvoiceSyncState, organization: string) {
  if (state.organization && state.organization !== organization)
    throw new Error(
      `project ${state.project} holds ${state.provider} organization ${state.organization}, and this key reads ${organization}: sync each organization into a project of its own (--project)`,
    )
  state.organization = organization
}

const oneLine = (error: unknown) => String((error as Error)?.message ?? error).split('\n')[0] as string
