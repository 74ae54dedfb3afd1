import type { PriceBook } from 'spendlens/internal'
import type { Store } from '../store/store.js'
import { nearMatches } from './near-matches.js'
import { type RepriceReport, type RepriceScope, repriceEvents } from './reprice-events.js'

/** A `--model` pattern that names no stored model. */
export class UnknownModelError extends Error {
  override name = 'UnknownModelError'
}

/**
 * The stored model ids `patterns` name: each an exact id or, ending in `*`, a prefix. A pattern
 * that names no stored model is an error that says which models are near.
 */
async function storedModels(store: Store, patterns: string[], scope: RepriceScope): Promise<string[]> {
  const rows = await store.query({
    from: scope.from,
    to: scope.to,
    timeZone: 'UTC',
    filters: [],
    groupBy: ['model'],
    metrics: ['requests'],
    ...(scope.project === undefined ? {} : { project: scope.project }),
  })
  const stored = rows.map((row) => String(row.model))
  const chosen = new Set<string>()
  for (const pattern of patterns) {
    const matched = pattern.endsWith('*')
      ? stored.filter((model) => model.startsWith(pattern.slice(0, -1)))
      : stored.filter((model) => model === pattern)
    if (matched.length === 0) {
      const near = nearMatches(pattern.replace(/\*$/, ''), stored)
      throw new UnknownModelError(
        `no stored events of model ${pattern}${scope.from || scope.to ? ' in that range' : ''}${near.length > 0 ? `; stored models near it: ${near.join(', ')}` : ''} (a trailing * matches every model that starts with what precedes it)`,
      )
    }
    for (const model of matched) chosen.add(model)
  }
  return [...chosen]
}

export interface RepriceMatchingOptions {
  /** From/to and project (models come from `patterns`). */
  scope: Omit<RepriceScope, 'models'>
  /** `--model` patterns: exact stored ids or prefixes ending in `*`; none for every model. */
  patterns: string[]
  book: PriceBook
  dryRun: boolean
  batchSize?: number
  onProgress?: (done: number, total: number) => void
}

/** `spendlens reprice` on an open store, in the CLI's process or in a server's (POST /api/admin/reprice). */
export async function repriceMatching(store: Store, options: RepriceMatchingOptions): Promise<RepriceReport> {
  const scope: RepriceScope = { ...options.scope }
  if (options.patterns.length > 0) scope.models = await storedModels(store, options.patterns, scope)
  return repriceEvents(store, {
    ...scope,
    book: options.book,
    dryRun: options.dryRun,
    batchSize: options.batchSize,
    onProgress: options.onProgress,
  })
}
