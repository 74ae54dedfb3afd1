import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import {
  catalogProviders,
  catalogVersion,
  createPriceBook,
  isFreeProvider,
  type ModelPrice,
  type PriceBook,
  SUPPLEMENT,
  type SupplementEntry,
} from 'spendlens/internal'
import type { Store } from '../store/store.js'

/**
 * The catalog's prices at a release, committed in the repo (packages/sdk/release-prices.json) so
 * that `npm run check:prices` can say which prices changed since: refreshed at each release with
 * `npm run check:prices -- --write-snapshot` (docs/pricing.md).
 */
export interface PriceSnapshot {
  catalog_version: string
  /** The UTC day it was taken; each model's prices are those in force at noon UTC that day. */
  taken: string
  /** `provider/model` → the catalog's prices for it. */
  prices: Record<string, ModelPrice>
}

/** A model some store or test uses that nothing prices: its events are stored unpriced. */
export interface UnpricedModel {
  provider: string
  model: string
  /** Where it was seen: the store's location, or a fixture file. */
  seen_in: string
  /** In a store: its calls and tokens, whose cost is unknown. */
  requests?: number
  input_tokens?: number
  output_tokens?: number
}

export interface ChangedPrice {
  provider: string
  model: string
  /** Prices at the release (absent: the model was not in the catalog then). */
  before?: ModelPrice
  /** Prices now (absent: the model left the catalog). */
  after?: ModelPrice
}

/** A supplement entry the catalog now prices itself: remove it from supplement.json. */
export interface CoveredEntry {
  provider: string
  model: string
  label: string
  supplement: Record<string, number>
  catalog_source: string
  catalog: ModelPrice
}

export interface PriceCheck {
  catalog_version: string
  snapshot: { catalog_version: string; taken: string }
  unpriced: UnpricedModel[]
  changed: ChangedPrice[]
  covered: CoveredEntry[]
}

const noonOf = (day: string) => new Date(`${day}T12:00:00Z`)
const today = () => new Date().toISOString().slice(0, 10)
const probeModel = (model: string | { startsWith: string }) =>
  typeof model === 'string' ? model : `${model.startsWith}probe`

/** The catalog's prices for every model, in force at noon UTC of `day` (default today). */
export async function takePriceSnapshot(day = today()): Promise<PriceSnapshot> {
  const book = createPriceBook()
  const prices: Record<string, ModelPrice> = {}
  for (const provider of await catalogProviders())
    for (const model of provider.models) {
      const found = book.find(provider.id, model.id, noonOf(day), { catalogOnly: true })
      if (found?.origin === 'catalog') prices[`${provider.id}/${model.id}`] = found.prices
    }
  return { catalog_version: catalogVersion(), taken: day, prices }
}

/** Every `provider/model` of the JSON files under `folder`: objects with a `model` string. */
async function fixtureModels(folder: string): Promise<{ provider: string; model: string; file: string }[]> {
  const found: { provider: string; model: string; file: string }[] = []
  let names: string[]
  try {
    names = (await readdir(folder, { recursive: true })).filter((name) => name.endsWith('.json'))
  } catch {
    return found
  }
  for (const name of names) {
    const file = join(folder, name)
    // A fixture folder is named after its provider (`openai-admin`): the provider of objects that
    // do not name their own.
    const folderProvider = basename(join(folder, name, '..')).split('-')[0] as string
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit)
      else if (typeof value === 'object' && value !== null) {
        const record = value as Record<string, unknown>
        if (typeof record.model === 'string' && record.model.length > 0)
          found.push({
            provider: typeof record.provider === 'string' ? record.provider : folderProvider,
            model: record.model,
            file,
          })
        Object.values(record).forEach(visit)
      }
    }
    try {
      visit(JSON.parse(await readFile(file, 'utf8')))
    } catch {
      // not JSON after all: nothing to read
    }
  }
  return found
}

/**
 * Compares every model spendlens can be asked to price against the catalog and the supplement:
 * models seen in `store` or in the fixtures with no price, prices changed since `snapshot`, and
 * supplement entries the catalog now covers. `at` (default now) is the time prices are looked up.
 */
export async function checkPrices(options: {
  store?: Store
  fixtures?: string[]
  snapshot: PriceSnapshot
  at?: Date
  book?: PriceBook
  /** The supplement to check (default the SDK's: a candidate file can be checked before it ships). */
  supplement?: readonly SupplementEntry[]
}): Promise<PriceCheck> {
  const book = options.book ?? createPriceBook()
  const at = options.at ?? new Date()
  const unpriced: UnpricedModel[] = []
  const seen = new Set<string>()
  if (options.store) {
    const rows = await options.store.query({
      timeZone: 'UTC',
      filters: [],
      groupBy: ['provider', 'model'],
      metrics: ['requests', 'input_tokens', 'output_tokens'],
    })
    for (const row of rows) {
      const provider = String(row.provider)
      const model = String(row.model)
      // A local server's models (Ollama, vLLM) are a known $0, not missing from the catalog.
      if (isFreeProvider(provider) || book.find(provider, model, at)) continue
      seen.add(`${provider}/${model}`)
      unpriced.push({
        provider,
        model,
        seen_in: options.store.location,
        requests: Number(row.requests ?? 0),
        input_tokens: Number(row.input_tokens ?? 0),
        output_tokens: Number(row.output_tokens ?? 0),
      })
    }
  }
  for (const folder of options.fixtures ?? [])
    for (const { provider, model, file } of await fixtureModels(folder)) {
      if (seen.has(`${provider}/${model}`) || isFreeProvider(provider) || book.find(provider, model, at))
        continue
      seen.add(`${provider}/${model}`)
      unpriced.push({ provider, model, seen_in: file })
    }

  unpriced.sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model))

  const now = await takePriceSnapshot(at.toISOString().slice(0, 10))
  const changed: ChangedPrice[] = []
  for (const key of [
    ...new Set([...Object.keys(options.snapshot.prices), ...Object.keys(now.prices)]),
  ].sort()) {
    const before = options.snapshot.prices[key]
    const after = now.prices[key]
    if (JSON.stringify(before) === JSON.stringify(after)) continue
    const [provider, ...model] = key.split('/')
    changed.push({
      provider: provider as string,
      model: model.join('/'),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    })
  }

  const covered: CoveredEntry[] = []
  const catalog = createPriceBook()
  for (const entry of options.supplement ?? SUPPLEMENT) {
    // A service tier's price is one the catalog cannot hold (it has no tiers): never covered.
    if (entry.service_tier !== undefined) continue
    // The catalog comes before the supplement in every lookup (an entry with `fills` only while
    // the catalog's entry lacks one of them): a model it prices is found there.
    const found = catalog.find(entry.provider, probeModel(entry.model), at)
    if (found?.origin !== 'catalog') continue
    covered.push({
      provider: entry.provider,
      model: typeof entry.model === 'string' ? entry.model : `${entry.model.startsWith}*`,
      label: entry.label,
      supplement: entry.prices,
      catalog_source: found.source,
      catalog: found.prices,
    })
  }
  return {
    catalog_version: catalogVersion(),
    snapshot: { catalog_version: options.snapshot.catalog_version, taken: options.snapshot.taken },
    unpriced,
    changed,
    covered,
  }
}

/** Whether the check found anything to act on (`--strict` exits non-zero then). */
export const hasFindings = (check: PriceCheck) =>
  check.unpriced.length + check.changed.length + check.covered.length > 0
