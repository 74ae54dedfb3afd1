import {
  catalogProviders,
  catalogVersion,
  createPriceBook,
  type FoundPrice,
  type MatchLogic,
  type ModelPrice,
  type PriceBook,
  tierAdjustment,
} from 'spendlens/internal'
import { nearMatches } from './near-matches.js'

const DAY_MS = 86_400_000

/** One stretch of time over which one price applies to a model, and where the price comes from. */
export interface PricePeriod {
  /** First UTC day it applies (YYYY-MM-DD); null: from the beginning. */
  from: string | null
  /** First UTC day it no longer applies; null: for ever. */
  until: string | null
  /** As recorded in `price_source` (before tier and discount notes); null when nothing prices the model then. */
  source: string | null
  origin: FoundPrice['origin'] | null
  /** Per price key (`input_mtok`: dollars per million input tokens, …). */
  prices: ModelPrice
}

/** A service tier or the Batch API, as spendlens prices it on top of the list price. */
export interface TierRule {
  tier: 'batch' | 'flex' | 'priority'
  factor: number
  note: string
  estimated: boolean
}

/** What `spendlens prices MODEL` shows. */
export interface ModelPrices {
  provider: string
  model: string
  catalogVersion: string
  periods: PricePeriod[]
  /** The catalog's prices that apply at certain hours of every day (UTC), over the periods. */
  dailyWindows: { start: string; end: string; prices: ModelPrice }[]
  tiers: TierRule[]
  discount: { label: string; factor: number } | null
  /** With `at`: that instant and the period it falls in. */
  at: { ts: string; period: number } | null
}

export type ModelPricesAnswer = { found: ModelPrices[] } | { found: []; nearMatches: string[] }

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const startOf = (day: string) => Date.parse(`${day}T00:00:00Z`)

/**
 * The days on which some price of `model` may change: every custom price's start and end for the
 * provider, and the catalog's start dates for the model. Between two of them, one lookup answers.
 */
function boundaries(book: PriceBook, provider: string, model: string): number[] {
  const bounds = new Set<number>()
  for (const { entry } of book.customEntries())
    if (entry.provider === provider)
      for (const day of [entry.from, entry.until]) if (day !== undefined) bounds.add(startOf(day))
  const listed = createPriceBook().find(provider, model, new Date())
  for (const price of Array.isArray(listed?.model.prices) ? listed.model.prices : [])
    if (price.constraint?.type === 'start_date') bounds.add(startOf(price.constraint.start_date))
  return [...bounds].sort((a, b) => a - b)
}

/**
 * Which price applies to `provider`/`model` when, asked of the same lookup that prices calls
 * (PriceBook.find) once per stretch between two boundaries, stretches with the same answer joined.
 */
function pricePeriods(book: PriceBook, provider: string, model: string): PricePeriod[] {
  const bounds = boundaries(book, provider, model)
  const starts = [Number.NEGATIVE_INFINITY, ...bounds]
  const periods: PricePeriod[] = []
  starts.forEach((start, index) => {
    const end = bounds[index] ?? Number.POSITIVE_INFINITY
    // The first stretch is asked at its last day (or today, when nothing changes).
    const probe = Number.isFinite(start) ? start : Number.isFinite(end) ? end - DAY_MS : Date.now()
    const found = book.find(provider, model, new Date(probe))
    const period: PricePeriod = {
      from: Number.isFinite(start) ? dayOf(start) : null,
      until: Number.isFinite(end) ? dayOf(end) : null,
      source: found?.source ?? null,
      origin: found?.origin ?? null,
      prices: found?.prices ?? {},
    }
    const last = periods[periods.length - 1]
    if (
      last &&
      last.source === period.source &&
      JSON.stringify(last.prices) === JSON.stringify(period.prices)
    )
      last.until = period.until
    else periods.push(period)
  })
  // Stretches before the first price and after the last are not periods of it.
  while (periods[0]?.source === null) periods.shift()
  while (periods[periods.length - 1]?.source === null) periods.pop()
  return periods
}

const TIERS: [TierRule['tier'], string | null, boolean][] = [
  ['batch', null, true],
  ['flex', 'flex', false],
  ['priority', 'priority', false],
]

function describe(book: PriceBook, provider: string, model: string, at: Date | undefined): ModelPrices {
  const periods = pricePeriods(book, provider, model)
  const listed = createPriceBook().find(provider, model, new Date())
  const dailyWindows = (Array.isArray(listed?.model.prices) ? listed.model.prices : []).flatMap((price) =>
    price.constraint?.type === 'time_of_date'
      ? [{ start: price.constraint.start_time, end: price.constraint.end_time, prices: price.prices }]
      : [],
  )
  const discount = book.discount(provider, model)
  let atPeriod: ModelPrices['at'] = null
  if (at) {
    const ms = at.getTime()
    atPeriod = {
      ts: at.toISOString(),
      period: periods.findIndex(
        (period) =>
          (period.from === null || startOf(period.from) <= ms) &&
          (period.until === null || ms < startOf(period.until)),
      ),
    }
  }
  return {
    provider,
    model,
    catalogVersion: catalogVersion(),
    periods,
    dailyWindows,
    tiers: TIERS.map(([tier, serviceTier, batch]) => ({
      tier,
      ...tierAdjustment(provider, serviceTier, batch),
    })).filter((rule) => rule.factor !== 1 || rule.estimated),
    discount: discount
      ? {
          label: discount.label ?? `discount${Math.round((1 - discount.factor) * 100)}%`,
          factor: discount.factor,
        }
      : null,
    at: atPeriod,
  }
}

/** The strings a match rule accepts as they are (equals) or starts with: names a person may mean. */
function matchNames(match: MatchLogic): string[] {
  if ('or' in match) return match.or.flatMap(matchNames)
  if ('and' in match) return match.and.flatMap(matchNames)
  if ('equals' in match) return [match.equals]
  if ('starts_with' in match) return [match.starts_with]
  return []
}

/**
 * Which price applies to `model` when, and from where (`spendlens prices MODEL`): for the given
 * provider, or for every provider whose own models (or custom prices) have it. An unknown model
 * answers the names nearest to it instead.
 */
export async function modelPrices(
  book: PriceBook,
  model: string,
  options: { provider?: string; at?: Date } = {},
): Promise<ModelPricesAnswer> {
  const providers = await catalogProviders()
  const candidates =
    options.provider !== undefined
      ? [options.provider]
      : [
          ...new Set([
            ...book.customEntries().map(({ entry }) => entry.provider),
            ...providers.map((p) => p.id),
          ]),
        ]
  const found: ModelPrices[] = []
  for (const provider of candidates) {
    const periods = pricePeriods(book, provider, model)
    if (periods.length === 0) continue
    // Without --provider, a model that another provider resells (the catalog's fallbacks) is shown
    // under its own provider only.
    if (options.provider === undefined && !periods.some((period) => period.origin !== 'catalog')) {
      const listed = createPriceBook().find(provider, model, new Date())
      const own = providers.find((entry) => entry.id === provider)?.models ?? []
      if (!listed || !own.includes(listed.model)) continue
    }
    found.push(describe(book, provider, model, options.at))
  }
  if (found.length > 0) return { found }
  const names: string[] = []
  for (const provider of providers) {
    if (options.provider !== undefined && provider.id !== options.provider) continue
    for (const entry of provider.models)
      for (const name of [entry.id, ...matchNames(entry.match)]) names.push(`${provider.id}/${name}`)
  }
  for (const { entry } of book.customEntries())
    if (options.provider === undefined || entry.provider === options.provider)
      names.push(
        `${entry.provider}/${typeof entry.model === 'string' ? entry.model : entry.model.startsWith}`,
      )
  const byModel = new Map<string, Set<string>>()
  for (const name of names) {
    const slash = name.indexOf('/')
    const key = name.slice(slash + 1)
    byModel.set(key, (byModel.get(key) ?? new Set()).add(name.slice(0, slash)))
  }
  const near = nearMatches(model, byModel.keys(), 5).map((key) => {
    const sellers = [...(byModel.get(key) ?? [])].sort()
    return `${key} (${sellers.slice(0, 3).join(', ')}${sellers.length > 3 ? ', …' : ''})`
  })
  return { found: [], nearMatches: near }
}
