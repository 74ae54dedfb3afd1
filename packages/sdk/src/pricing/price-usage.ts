import {
  type Usage as CatalogUsage,
  type ConditionalPrice,
  calcPrice,
  type MatchLogic,
  type ModelInfo,
  type ModelPrice,
  type Provider,
} from '@pydantic/genai-prices'
import { type CostEvent, USAGE_FIELDS, type Usage } from '../cost-event.js'
import { NANOS_PER_USD } from '../store-row.js'
import type { CustomModelPrice } from './custom-model-price.js'
import { SUPPLEMENT } from './supplement.js'
import { pricesAt, type TokenPrice, tokenPrice } from './token-price.js'

export type { CustomModelPrice }

export interface PriceInput {
  provider: string
  model: string
  usage: Usage
  /** The call's start: prices change over time and history is priced at the price of its day. */
  ts: Date
  service_tier: string | null
  batch: boolean
  /** With `http_status`, tells a refused call (not billed) from one whose usage never arrived (unknown). */
  status?: CostEvent['status']
  http_status?: number | null
  /** The operation is free by the provider's terms (OpenAI moderations): a known $0. */
  free?: boolean
  /**
   * How many calls `usage` adds up to (default 1): the price of that many calls of the average
   * usage. A long-context tier is chosen by each call's input, so summed usage priced as one call
   * would pass a tier's threshold its calls never passed; the caller keeps the calls of one sum on
   * one side of every threshold (the what-if does: server/src/what-if/).
   */
  requests?: number
  /**
   * Price every long-context tier at its base rate: what the call would have cost had its input
   * stayed under the tier's threshold (the server's long-context warning sets the two apart).
   */
  atBaseRate?: boolean
}

export type Price = Pick<CostEvent, 'cost_usd' | 'pricing_status' | 'price_source'>

/** A multiplier on list prices, e.g. an enterprise discount: `{ provider: 'anthropic', factor: 0.85 }`. */
export interface PriceDiscount {
  provider: string
  /** Only these models (exact id or prefix); every model of the provider when absent. */
  model?: string | { startsWith: string }
  factor: number
  /** Recorded in `price_source` as `+<label>`; default `discount<percent>%`. */
  label?: string
}

export interface PricingConfig {
  models?: CustomModelPrice[]
  discounts?: PriceDiscount[]
}

/** Prices a call; created once per tracker from its config. Never throws. */
export type Pricer = (input: PriceInput) => Price

const UNPRICED: Price = { cost_usd: null, pricing_status: 'unpriced', price_source: null }
const NOT_BILLED: Price = { cost_usd: 0, pricing_status: 'priced', price_source: 'not-billed:provider-error' }

/** Dollars rounded to whole nano-dollars, the store's unit, so the SDK and the store agree exactly. */
export function roundToNanos(usd: number): number {
  return Math.round(usd * NANOS_PER_USD) / NANOS_PER_USD
}

function catalogUsage(usage: Usage): CatalogUsage {
  // The catalog wants input_tokens as the TOTAL with cache reads/writes and image tokens as parts of
  // it: the same convention as Usage, so no arithmetic here. Reasoning is a subset of output billed
  // at the output rate, so it is not passed (passing it is where other tools double-count).
  const result: CatalogUsage = {}
  const put = (key: string, value: number | null) => {
    if (value !== null) result[key] = value
  }
  put('input_tokens', usage.input_tokens)
  put('cache_read_tokens', usage.cache_read_tokens)
  put('cache_write_tokens', usage.cache_write_tokens)
  put('cache_write_1h_tokens', usage.cache_write_1h_tokens)
  put('output_tokens', usage.output_tokens)
  put('input_audio_tokens', usage.input_audio_tokens)
  put('output_audio_tokens', usage.output_audio_tokens)
  put('input_image_tokens', usage.input_image_tokens)
  put('input_characters', usage.input_characters)
  put('audio_seconds', usage.audio_seconds)
  put('web_searches', usage.web_search_requests)
  return result
}

function matches(rule: string | { startsWith: string } | undefined, model: string): boolean {
  if (rule === undefined) return true
  return typeof rule === 'string' ? rule === model : model.startsWith(rule.startsWith)
}

function toMatchLogic(rule: string | { startsWith: string }): MatchLogic {
  return typeof rule === 'string' ? { equals: rule } : { starts_with: rule.startsWith }
}

/**
 * One provider's custom models as catalog-shaped providers, one per period between the days on
 * which one of them starts or stops applying: the catalog's engine then matches the model in the
 * period of the call, among the entries in force, in their order.
 */
interface CustomTable {
  /** Epoch ms at which some entry starts or stops applying, ascending. */
  bounds: number[]
  /** The provider of each period: `periods[i]` covers [bounds[i - 1], bounds[i]). */
  periods: Provider[]
  /** Model id (`custom-<n>`) → the label recorded in price_source, and its entry. */
  labels: Map<string, string>
  entries: Map<string, CustomModelPrice>
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** A `YYYY-MM-DD` day as epoch ms of its start (UTC); throws on anything else. */
function dayStart(day: string, what: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`)
  if (!DAY.test(day) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day)
    throw new Error(`spendlens: ${what} must be a day as YYYY-MM-DD (got ${JSON.stringify(day)})`)
  return ms
}

/** The period [from, until) of a custom price, in epoch ms (infinite ends when not given). */
function periodOf(custom: CustomModelPrice): [number, number] {
  const name = `the custom price for ${custom.provider}/${labelModel(custom.model)}`
  const from = custom.from === undefined ? -Infinity : dayStart(custom.from, `${name}: from`)
  const until = custom.until === undefined ? Infinity : dayStart(custom.until, `${name}: until`)
  if (!(from < until)) throw new Error(`spendlens: ${name}: until must be after from`)
  return [from, until]
}

const labelModel = (model: CustomModelPrice['model']) =>
  typeof model === 'string' ? model : `${model.startsWith}*`

function customProviders(models: CustomModelPrice[]): Map<string, CustomTable> {
  const byProvider = new Map<string, { models: [ModelInfo, number, number][]; table: CustomTable }>()
  models.forEach((custom, index) => {
    let entry = byProvider.get(custom.provider)
    if (!entry) {
      entry = { models: [], table: { bounds: [], periods: [], labels: new Map(), entries: new Map() } }
      byProvider.set(custom.provider, entry)
    }
    const model: ModelInfo = {
      id: `custom-${index}`,
      match: toMatchLogic(custom.model),
      prices: custom.prices,
    }
    const [from, until] = periodOf(custom)
    entry.models.push([model, from, until])
    entry.table.labels.set(model.id, custom.label ?? `${custom.provider}/${labelModel(custom.model)}`)
    entry.table.entries.set(model.id, custom)
  })
  const tables = new Map<string, CustomTable>()
  for (const [id, { models: entries, table }] of byProvider) {
    table.bounds = [...new Set(entries.flatMap(([, from, until]) => [from, until]))]
      .filter(Number.isFinite)
      .sort((a, b) => a - b)
    for (const start of [-Infinity, ...table.bounds])
      table.periods.push({
        id,
        name: id,
        api_pattern: '.*',
        models: entries.filter(([, from, until]) => from <= start && start < until).map(([model]) => model),
      })
    tables.set(id, table)
  }
  return tables
}

/** The index of the period `tsMs` falls in. */
function periodIndex(table: CustomTable, tsMs: number): number {
  let index = 0
  while (index < table.bounds.length && (table.bounds[index] as number) <= tsMs) index++
  return index
}

/** The provider of the period `tsMs` falls in. */
function periodAt(table: CustomTable, tsMs: number): Provider {
  return table.periods[periodIndex(table, tsMs)] as Provider
}

/** What a service tier or the Batch API does to a list price, and the note it adds to `price_source`. */
export interface TierAdjustment {
  factor: number
  note: string
  /** Priced at a rate spendlens could not confirm (`pricing_status: estimated`). */
  estimated: boolean
}

const TIER_NOTES = { batch: '+batch50%', flex: '+flex50%', priority: '+priority-at-standard-rate' }

/**
 * Discounts the catalog does not model. OpenAI flex and every provider's Batch API are billed at
 * half the standard rate. A priority tier the catalog has no price for is priced at the standard
 * rate and marked `estimated` (its real price is higher and varies by model).
 */
export function tierAdjustment(provider: string, serviceTier: string | null, batch: boolean): TierAdjustment {
  if (batch) return { factor: 0.5, note: TIER_NOTES.batch, estimated: false }
  if (provider === 'openai' && serviceTier === 'flex')
    return { factor: 0.5, note: TIER_NOTES.flex, estimated: false }
  if (serviceTier === 'priority') return { factor: 1, note: TIER_NOTES.priority, estimated: true }
  return { factor: 1, note: '', estimated: false }
}

const LIST_PRICE_SOURCE = new RegExp(
  `^(?:(?:genai-prices|spendlens-supplement):[^+]*(?:${Object.values(TIER_NOTES)
    .map((note) => note.replace(/[+]/g, '\\+'))
    .join('|')})?|free:[^+]*|not-billed:provider-error)$`,
)

/**
 * Whether a `price_source` names a price any pricer reproduces from the event alone: the catalog
 * or the supplement (with a tier note at most), a free operation, a refused call. Not a custom
 * price or a discount (`custom:…`, `+<label>`), which only a pricer with the same config gives.
 */
export function isListPriceSource(source: string): boolean {
  return LIST_PRICE_SOURCE.test(source)
}

/** Where a model's price comes from at a given time: what {@link PriceBook.find} answers. */
export interface FoundPrice {
  /** As recorded in `price_source`, before tier and discount notes: `custom:<label>`, `genai-prices:<provider>/<model>`, `spendlens-supplement:<label>`. */
  source: string
  origin: 'custom' | 'catalog' | 'supplement'
  /** The catalog's provider (a custom or supplement price: a provider of its own entries). */
  provider: Provider
  /** The model's entry: the catalog's with every one of its price periods, or the custom one. */
  model: ModelInfo
  /** The prices in force at the time asked (`_mtok`: per million tokens). */
  prices: ModelPrice
  /** The custom or supplement entry, with its period. */
  custom?: CustomModelPrice
}

/** The prices a pricer applies, and the pricer: one config, one lookup for both. */
export interface PriceBook {
  price: Pricer
  /** Where the price of `model` at `ts` comes from, as `price` looks it up; undefined when unknown. */
  find(provider: string, model: string, ts: Date): FoundPrice | undefined
  /** The discount that applies to `model`, if any. */
  discount(provider: string, model: string): PriceDiscount | undefined
  /** Every custom entry (the config's, then the supplement's), with where each is recorded from. */
  customEntries(): { origin: 'custom' | 'supplement'; entry: CustomModelPrice; label: string }[]
  /**
   * Whether a recorded `price_source` names rules this book has: a list price (isListPriceSource),
   * or one of its custom prices or discounts, by label. A price this book cannot have given (a
   * custom price or discount of another config) answers false.
   */
  knows(source: string): boolean
}

/**
 * Builds the function that prices calls: custom prices first, then the catalog
 * (@pydantic/genai-prices) at the call's timestamp, then spendlens' small supplement; discounts and
 * tier multipliers on top. An unknown model is `unpriced` with a null cost, never zero.
 * Throws at creation (fail fast) when a custom price cannot price a simple call.
 */
export function createPricer(config: PricingConfig = {}): Pricer {
  return createPriceBook(config).price
}

/**
 * The {@link PriceBook} of `config` (see {@link createPricer}, which is its `price`). `cache: false`
 * looks every call up in full, as the cache must agree with (its tests compare the two).
 */
export function createPriceBook(config: PricingConfig = {}, { cache = true } = {}): PriceBook {
  const custom = customProviders(config.models ?? [])
  const supplement = customProviders([...SUPPLEMENT])
  const discounts = config.discounts ?? []
  for (const discount of discounts) {
    if (!(discount.factor > 0))
      throw new Error(`spendlens: discount factor for ${discount.provider} must be > 0`)
  }
  // Price a call that uses every unit once, so a price the catalog's engine rejects (e.g. a 1-hour
  // cache write price without the plain cache write price) fails here, not on a live call.
  const probeUsage = catalogUsage({
    input_tokens: 100,
    cache_read_tokens: 10,
    cache_write_tokens: 10,
    cache_write_1h_tokens: 5,
    output_tokens: 10,
    reasoning_tokens: null,
    input_audio_tokens: 10,
    output_audio_tokens: 5,
    input_image_tokens: 10,
    input_characters: 10,
    images: null,
    audio_seconds: 1,
    web_search_requests: 1,
  })
  ;(config.models ?? []).forEach((model) => {
    const probeModel = typeof model.model === 'string' ? model.model : `${model.model.startsWith}probe`
    const only = customProviders([{ ...model, from: undefined, until: undefined }]).get(
      model.provider,
    ) as CustomTable
    try {
      calcPrice(probeUsage, probeModel, { provider: only.periods[0] as Provider })
    } catch (error) {
      throw new Error(
        `spendlens: the custom price for ${model.provider}/${probeModel} is invalid: ${(error as Error).message}`,
      )
    }
  })

  function lookUp(input: Pick<PriceInput, 'provider' | 'model' | 'ts' | 'atBaseRate'>, usage: CatalogUsage) {
    for (const [table, origin] of [
      [custom, 'custom'],
      [undefined, 'catalog'],
      [supplement, 'supplement'],
    ] as const) {
      const entry = table?.get(input.provider)
      if (table && !entry) continue
      const provider = entry && periodAt(entry, input.ts.getTime())
      if (provider?.models.length === 0) continue
      const result = calcPrice(
        usage,
        input.model,
        provider ? { provider, timestamp: input.ts } : { providerId: input.provider, timestamp: input.ts },
      )
      if (!result) continue
      if (input.atBaseRate && longContextThresholds(result.model).length > 0) {
        const base = calcPrice(usage, input.model, {
          provider: { ...result.provider, models: [atBaseRate(result.model)] },
          timestamp: input.ts,
        })
        if (base) {
          result.total_price = base.total_price
          result.model_price = base.model_price
        }
      }
      const name = entry ? entry.labels.get(result.model.id) : `${result.provider.id}/${result.model.id}`
      return {
        result,
        origin,
        entry: entry?.entries.get(result.model.id),
        source: `${SOURCE_PREFIX[origin]}${name}`,
      }
    }
    return undefined
  }
  const discountOf = (provider: string, model: string) =>
    discounts.find((rule) => rule.provider === provider && matches(rule.model, model))
  const discountNote = (discount: PriceDiscount) =>
    `+${discount.label ?? `discount${Math.round((1 - discount.factor) * 100)}%`}`
  const customLabels = new Set([...custom.values()].flatMap((table) => [...table.labels.values()]))

  /**
   * What a call's model resolves to, found once per provider, model and custom (and supplement)
   * price period: which table has it and which of its entries matches, the catalog's scan of the
   * provider's models being the costly part of a lookup. A call is then priced by the catalog's
   * engine against that one entry, at the call's time (the entry's own price periods are picked
   * there), so the price is the one the full lookup gives. `null`: no table knows the model.
   */
  const resolutions = new Map<string, Resolution | null>()
  function resolve(input: PriceInput): Resolution | null | undefined {
    const tsMs = input.ts.getTime()
    const customTable = custom.get(input.provider)
    const supplementTable = supplement.get(input.provider)
    const key = `${input.provider}\u0000${input.model}\u0000${customTable ? periodIndex(customTable, tsMs) : ''}\u0000${supplementTable ? periodIndex(supplementTable, tsMs) : ''}`
    let resolution = resolutions.get(key)
    if (resolution !== undefined) return resolution
    let found: ReturnType<typeof lookUp>
    try {
      // Empty usage: the match does not depend on the counts (find() looks up the same way).
      found = lookUp(input, {})
    } catch {
      return undefined
    }
    resolution = found
      ? {
          only: { ...found.result.provider, models: [found.result.model] },
          model: found.result.model,
          // The engine bills Groq's Whisper models by a minimum duration of its own.
          engineOnly: found.result.provider.id === 'groq',

          source: found.source,
          discount: discountOf(input.provider, input.model),
          notes: new Map(),
        }
      : null
    // Bounded: a caller inventing model ids cannot grow it without end.
    if (resolutions.size >= MAX_RESOLUTIONS) resolutions.clear()
    resolutions.set(key, resolution)
    return resolution
  }

  /** `price_source`, factor and status of a price under the call's tier and the discount. */
  function notesFor(source: string, discount: PriceDiscount | undefined, input: PriceInput): Notes {
    const tier = tierAdjustment(input.provider, input.service_tier, input.batch)
    let factor = tier.factor
    let noted = `${source}${tier.note}`
    if (discount) {
      factor *= discount.factor
      noted += discountNote(discount)
    }
    return { factor, source: noted, status: tier.estimated ? 'estimated' : 'priced' }
  }

  /** {@link notesFor} a resolution, made once per tier. */
  function notesOf(resolution: Resolution, input: PriceInput): Notes {
    const key = `${input.service_tier}\u0000${input.batch}`
    let notes = resolution.notes.get(key)
    if (notes === undefined) {
      notes = notesFor(resolution.source, resolution.discount, input)
      resolution.notes.set(key, notes)
    }
    return notes
  }

  /** The full lookup, for what the cache does not cover (atBaseRate, a model whose match threw). */
  function priceUncached(input: PriceInput, usage: CatalogUsage, requests: number): Price {
    let found: ReturnType<typeof lookUp>
    try {
      found = lookUp(input, usage)
    } catch {
      return UNPRICED
    }
    if (!found) return UNPRICED
    // A model the catalog knows, but not in the unit the call was billed in (a speech model priced
    // per token called without token usage): $0 would be a silent guess.
    const hasPrices = Object.keys(found.result.model_price).length > 0
    if (
      found.result.total_price === 0 &&
      hasPrices &&
      Object.values(usage).some((value) => (value ?? 0) > 0)
    ) {
      return UNPRICED
    }
    const notes = notesFor(found.source, discountOf(input.provider, input.model), input)
    return {
      cost_usd: roundToNanos(found.result.total_price * notes.factor * requests),
      pricing_status: notes.status,
      price_source: notes.source,
    }
  }

  const price: Pricer = (input) => {
    if (input.free) return { cost_usd: 0, pricing_status: 'priced', price_source: `free:${input.provider}` }
    if (USAGE_FIELDS.every((key) => (input.usage[key] ?? null) === null)) {
      // The provider answered with an HTTP error: such calls are not billed, so $0 is known.
      if (input.status === 'error' && (input.http_status ?? 0) >= 400) return NOT_BILLED
      // No count at all otherwise (a stream abandoned before its usage arrived, a timeout): the
      // catalog would answer $0, which is a guess, not a price. Unknown stays unknown.
      return UNPRICED
    }
    const requests = input.requests ?? 1
    if (!(requests >= 1)) return UNPRICED
    const usage = catalogUsage(requests === 1 ? input.usage : perCall(input.usage, requests))
    const resolution = input.atBaseRate || !cache ? undefined : resolve(input)
    if (resolution === null) return UNPRICED
    if (resolution === undefined) return priceUncached(input, usage, requests)
    // The entry's prices at the call's time, priced without the engine's per-call checks where
    // token-price.ts can (the same arithmetic), by the engine otherwise.
    const prices = resolution.engineOnly ? undefined : pricesAt(resolution.model, input.ts)
    let result: TokenPrice & { model_price: ModelPrice }
    const computed = prices && tokenPrice(prices, usage)
    if (prices && computed) result = { ...computed, model_price: prices }
    else {
      let engine: ReturnType<typeof calcPrice>
      try {
        engine = calcPrice(usage, input.model, { provider: resolution.only, timestamp: input.ts })
      } catch {
        return UNPRICED
      }
      if (!engine) return priceUncached(input, usage, requests)
      result = engine
    }
    // A model the catalog knows, but not in the unit the call was billed in (a speech model priced
    // per token called without token usage): $0 would be a silent guess.
    if (result.total_price === 0 && hasKeys(result.model_price) && hasPositive(usage)) return UNPRICED
    const notes = notesOf(resolution, input)
    return {
      cost_usd: roundToNanos(result.total_price * notes.factor * requests),
      pricing_status: notes.status,
      price_source: notes.source,
    }
  }

  return {
    price,
    find(provider, model, ts) {
      let found: ReturnType<typeof lookUp>
      try {
        found = lookUp({ provider, model, ts }, {})
      } catch {
        return undefined
      }
      if (!found) return undefined
      return {
        source: found.source,
        origin: found.origin,
        provider: found.result.provider,
        model: found.result.model,
        prices: found.result.model_price,
        ...(found.entry ? { custom: found.entry } : {}),
      }
    },
    discount: discountOf,
    knows(source) {
      let rest = source
      const discount = discounts.map(discountNote).find((note) => rest.endsWith(note))
      if (discount) rest = rest.slice(0, -discount.length)
      if (isListPriceSource(rest)) return true
      if (!rest.startsWith(SOURCE_PREFIX.custom)) return false
      const tier = Object.values(TIER_NOTES).find((note) => rest.endsWith(note))
      if (tier) rest = rest.slice(0, -tier.length)
      return customLabels.has(rest.slice(SOURCE_PREFIX.custom.length))
    },
    customEntries: () =>
      (
        [
          [custom, 'custom'],
          [supplement, 'supplement'],
        ] as const
      ).flatMap(([tables, origin]) =>
        [...tables.values()].flatMap((table) =>
          [...table.entries].map(([id, entry]) => ({ origin, entry, label: table.labels.get(id) as string })),
        ),
      ),
  }
}

/**
 * The input-token thresholds of a catalog entry's long-context tiers, over every price period it
 * has had, ascending: a call whose input passes one (`>`, as the catalog prices them) is billed at
 * the tier's rate for the whole call. Empty for a model without such tiers.
 */
export function longContextThresholds(model: ModelInfo): number[] {
  const thresholds = new Set<number>()
  for (const conditional of pricePeriods(model))
    for (const price of Object.values(conditional.prices))
      if (typeof price === 'object' && price !== null)
        for (const tier of price.tiers) thresholds.add(tier.start)
  return [...thresholds].sort((a, b) => a - b)
}

/** Every price a catalog entry has had or has, each with the constraint that selects it. */
export function pricePeriods(model: ModelInfo): ConditionalPrice[] {
  return Array.isArray(model.prices) ? model.prices : [{ prices: model.prices as ModelPrice }]
}

/** The entry with every tiered price replaced by its base rate. */
function atBaseRate(model: ModelInfo): ModelInfo {
  const flatten = (prices: ModelPrice): ModelPrice =>
    Object.fromEntries(
      Object.entries(prices).map(([key, price]) => [
        key,
        typeof price === 'object' && price !== null ? price.base : price,
      ]),
    ) as ModelPrice
  return {
    ...model,
    prices: Array.isArray(model.prices)
      ? model.prices.map((conditional) => ({ ...conditional, prices: flatten(conditional.prices) }))
      : flatten(model.prices as ModelPrice),
  }
}

/** One provider, model and price period resolved (see `resolve` in createPriceBook). */
interface Resolution {
  /** The provider found, with only the model's entry: the catalog's engine matches it at once. */
  only: Provider
  model: ModelInfo
  /** Priced by the engine on every call (a provider it has rules of its own for). */
  engineOnly: boolean
  source: string
  discount: PriceDiscount | undefined
  /** By service tier and batch. */
  notes: Map<string, Notes>
}

interface Notes {
  factor: number
  source: string
  status: 'priced' | 'estimated'
}

const MAX_RESOLUTIONS = 10_000

function hasKeys(object: object): boolean {
  for (const _ in object) return true
  return false
}

function hasPositive(usage: CatalogUsage): boolean {
  for (const key in usage) if ((usage[key] ?? 0) > 0) return true
  return false
}

const SOURCE_PREFIX = { custom: 'custom:', catalog: 'genai-prices:', supplement: 'spendlens-supplement:' }

/** One call's share of usage that adds up over `requests` calls (counts become averages). */
function perCall(usage: Usage, requests: number): Usage {
  const average = { ...usage }
  for (const key of USAGE_FIELDS) {
    const value = usage[key]
    if (value !== null) average[key] = value / requests
  }
  return average
}

const defaultPricer = createPricer()

/** Prices a call with the catalog and no custom prices (what the server does for unpriced events). */
export function priceUsage(input: PriceInput): Price {
  return defaultPricer(input)
}
