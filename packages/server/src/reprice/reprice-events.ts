import type { PriceBook } from 'spendlens/internal'
import { NANOS_PER_USD } from 'spendlens/internal'
import type { AnalyticsQuery, Filter, LoggedEvent } from '../api/api-types.js'
import type { PriceChange, Store } from '../store/store.js'
import { type KeptReason, newPrice } from './new-price.js'

/** Which stored events a reprice looks at. */
export interface RepriceScope {
  /** Inclusive start, exclusive end (the event's `ts`); all of history when absent. */
  from?: Date
  to?: Date
  /** Only events of these models (as stored: `model`, the response's). */
  models?: string[]
  /** Only this project's events; every project's when absent. */
  project?: string
}

export interface RepriceOptions extends RepriceScope {
  /** The prices to apply: the catalog, the supplement and a price file's (price-file.ts). */
  book: PriceBook
  /** Work out and report what would change, and write nothing. */
  dryRun?: boolean
  /** Events read, priced and written at once. Default 1000. */
  batchSize?: number
  /** After every batch: events looked at so far, of the total in scope. */
  onProgress?: (done: number, total: number) => void
}

/** What a reprice changed on one UTC day for one model. */
export interface RepriceLine {
  day: string
  provider: string
  model: string
  /** Events that had a cost and got another (or the same cost from other rules). */
  repriced: number
  before_nanos: number
  after_nanos: number
  /** Events unpriced before (cost unknown) that now have a cost, and that cost. */
  newly_priced: number
  newly_priced_nanos: number
}

export interface RepriceReport {
  dryRun: boolean
  /** Events looked at. */
  examined: number
  /** By day and model, in day order, then model. */
  lines: RepriceLine[]
  /** Events the book would price otherwise, left as they are, by reason. */
  kept: Record<KeptReason, number>
  /** Events that changed between being read and being written (left alone: a newer version, or repriced meanwhile). */
  changedMeanwhile: number
}

const nanos = (usd: number | null) => (usd === null ? 0 : Math.round(usd * NANOS_PER_USD))

/** The scope as a query's range and filters (models through the `model` dimension). */
function scopeQuery(scope: RepriceScope): Pick<AnalyticsQuery, 'from' | 'to' | 'filters'> {
  const filters: Filter[] =
    scope.models === undefined ? [] : [{ dimension: 'model', op: 'in', values: scope.models }]
  return { from: scope.from, to: scope.to, filters }
}

/**
 * Recomputes the price of every stored event in scope from its token counts at its own time with
 * `book` (new-price.ts) and sets the ones that changed (Store.reprice, a batch at a time; the
 * rollups follow), project by project. Reads the events newest first through the event log, so a
 * reprice cut short leaves the batches it finished repriced; run again, it finds them `same`.
 * Answers what changed by day and model.
 */
export async function repriceEvents(store: Store, options: RepriceOptions): Promise<RepriceReport> {
  const batchSize = options.batchSize ?? 1000
  const scope = scopeQuery(options)
  const [counted] = await store.query({
    ...scope,
    timeZone: 'UTC',
    groupBy: [],
    metrics: ['requests'],
    ...(options.project === undefined ? {} : { project: options.project }),
  })
  const total = Number(counted?.requests ?? 0)
  const report: RepriceReport = {
    dryRun: options.dryRun ?? false,
    examined: 0,
    lines: [],
    kept: { client: 0, rules: 0, unknown: 0 },
    changedMeanwhile: 0,
  }
  const lines = new Map<string, RepriceLine>()
  const account = (event: LoggedEvent, change: PriceChange) => {
    const day = event.ts.slice(0, 10)
    const key = JSON.stringify([day, event.provider, event.model])
    let line = lines.get(key)
    if (!line) {
      line = {
        day,
        provider: event.provider,
        model: event.model,
        repriced: 0,
        before_nanos: 0,
        after_nanos: 0,
        newly_priced: 0,
        newly_priced_nanos: 0,
      }
      lines.set(key, line)
    }
    if (change.from.cost_usd === null) {
      line.newly_priced++
      line.newly_priced_nanos += nanos(change.to.cost_usd)
    } else {
      line.repriced++
      line.before_nanos += nanos(change.from.cost_usd)
      line.after_nanos += nanos(change.to.cost_usd)
    }
  }

  options.onProgress?.(0, total)
  const projects = options.project === undefined ? await store.projects() : [options.project]
  for (const project of projects) {
    let cursor: string | undefined
    do {
      const page = await store.listEvents({ scope: { ...scope, project }, cursor, limit: batchSize })
      const changes: PriceChange[] = []
      const changed: LoggedEvent[] = []
      for (const event of page.events) {
        const decided = newPrice(options.book, event)
        if (decided.kind === 'keep') report.kept[decided.reason]++
        if (decided.kind !== 'change') continue
        changes.push({
          event_id: event.event_id,
          ts: event.ts,
          from: {
            cost_usd: event.cost_usd,
            pricing_status: event.pricing_status,
            price_source: event.price_source,
          },
          to: decided.to,
        })
        changed.push(event)
      }
      const statuses =
        report.dryRun || changes.length === 0
          ? changes.map(() => 'repriced' as const)
          : (await store.reprice(changes, project)).statuses
      statuses.forEach((status, index) => {
        if (status === 'changed') report.changedMeanwhile++
        else account(changed[index] as LoggedEvent, changes[index] as PriceChange)
      })
      report.examined += page.events.length
      options.onProgress?.(report.examined, Math.max(total, report.examined))
      cursor = page.next_cursor ?? undefined
    } while (cursor !== undefined)
  }
  report.lines = [...lines.values()].sort(
    (a, b) =>
      a.day.localeCompare(b.day) || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model),
  )
  return report
}
