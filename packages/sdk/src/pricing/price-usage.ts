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
import {
  DEPLOYMENT_PRICES,
  type DeploymentPrice,
  matchesModel,
  PER_CALL_UNITS,
  type PerCallUnit,
  SUPPLEMENT,
  UNIT_PRICES,
  type UnitPrice,
} from './supplement.js'
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
  /**
   * The deployment type or endpoint the call went to, where it changes the list price (Azure
   * `data-zone` or `regional`, Vertex `regional`): the supplement's `deployments` multiplier applies
   * and `price_source` names it. Absent or `global`: the catalog's list price.
   */
  deployment?: string | null
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
  put('cache_audio_read_tokens', usage.cache_read_audio_tokens)
  put('cache_write_tokens', usage.cache_write_tokens)
  put('cache_write_1h_tokens', usage.cache_write_1h_tokens)
  put('output_tokens', usage.output_tokens)
  put('input_audio_tokens', usage.input_audio_tokens)
  put('output_audio_tokens', usage.output_audio_tokens)
  put('input_image_tokens', usage.input_image_tokens)
  put('input_video_tokens', usage.input_video_tokens)
  put('output_image_tokens', usage.output_image_tokens)
  put('input_characters', usage.input_characters)
  put('audio_seconds', usage.audio_seconds)
  put('web_searches', usage.web_search_requests)
  put('storage_searches', usage.file_search_requests)
  return result
}

function matches(rule: string | { startsWith: string } | undefined, model: string): boolean {
  return rule === undefined || matchesModel(rule, model)
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
const STANDARD: TierAdjustment = { factor: 1, note: '', estimated: false }

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

/**
 * Notes on per-call fees: `fees`, a tool's call fees from the supplement's `units` were added (the
 * catalog's entry had no price for them); `unpriced`, a unit was used that no price covers (Anthropic
 * code-execution container hours): the cost leaves it out and is `estimated`.
 */
const UNIT_NOTES = {
  fees: '+tool-fees',
  allowance: '+tool-fees-allowance-unknown',
  unpriced: '+tool-fees-unpriced',
}
const escapeNotes = (notes: Record<string, string>): string =>
  Object.values(notes)
    .map((note) => note.replace(/[+]/g, '\\+'))
    .join('|')

/** The `price_source` note of each deployment multiplier (`+azure-data-zone10%`). */
const DEPLOYMENT_NOTES: Record<string, string> = Object.fromEntries(
  DEPLOYMENT_PRICES.map((price) => [price.label, `+${price.label}`]),
)

const LIST_PRICE_SOURCE = new RegExp(
  `^(?:(?:genai-prices|spendlens-supplement):[^+]*(?:${escapeNotes(TIER_NOTES)})?(?:${escapeNotes(DEPLOYMENT_NOTES)})?(?:\\+tool-fees)?(?:\\+tool-fees-allowance-unknown)?(?:\\+tool-fees-unpriced)?|free:[^+]*|not-billed:provider-error)$`,
)

/** The deployment multiplier that applies to a call of `model`, if any (none: the list price). */
export function deploymentPrice(
  provider: string,
  model: string,
  deployment: string | null | undefined,
): DeploymentPrice | undefined {
  if (!deployment) return undefined
  return DEPLOYMENT_PRICES.find(
    (price) =>
      price.provider === provider &&
      price.deployment === deployment &&
      matches(price.model, model) &&
      !(price.except ?? []).some((rule) => matchesModel(rule, model)),
  )
}

/**
 * The deployment a recorded `price_source` says the call was priced for (its `+<label>` note), so a
 * reprice applies the same multiplier: the event keeps no other trace of it. Undefined when none.
 */
export function deploymentOfPriceSource(provider: string, source: string | null): string | undefined {
  if (source === null) return undefined
  return DEPLOYMENT_PRICES.find((price) => price.provider === provider && source.includes(`+${price.label}`))
    ?.deployment
}

/** The catalog's price key of each per-call unit it knows (a model's own fee wins over `units`). */
const CATALOG_UNIT_KEYS: Record<PerCallUnit, string | undefined> = {
  web_search_requests: 'web_searches_kcount',
  file_search_requests: 'storage_searches_kcount',
  web_fetch_requests: undefined,
  code_interpreter_sessions: undefined,
}

/**
 * The per-call fees of a call the catalog's entry (`prices`) does not price itself, and their note.
 * `unitPrices`: by `provider/unit`, in the file's order (the first whose model matches applies).
 */
function unitFees(
  input: Pick<PriceInput, 'provider' | 'model' | 'usage'>,
  prices: ModelPrice,
  unitPrices: ReadonlyMap<string, UnitPrice[]>,
  requests: number,
): { usd: number; note: string; estimated: boolean } {
  let usd = 0
  let added = false
  let allowance = false
  let unpriced = false
  // A fee the provider bills by what no response says (supplement `estimated`): its most, estimated.
  let bounded = false
  for (const unit of PER_CALL_UNITS) {
    const calls = input.usage[unit]
    if (!calls) continue
    const key = CATALOG_UNIT_KEYS[unit]
    if (key !== undefined && prices[key] !== undefined) continue
    const price = unitPrices
      .get(`${input.provider}/${unit}`)
      ?.find((candidate) => matches(candidate.model, input.model))
    if (price === undefined) unpriced = true
    else if (price.usd > 0) {
      // A fee per request is owed once by each of the calls the usage adds up to.
      usd += (price.per === 'request' ? requests : calls) * price.usd
      added = true
      if (price.allowance !== undefined) allowance = true
      if (price.estimated) bounded = true
    }
  }
  const note = `${added ? UNIT_NOTES.fees : ''}${allowance ? UNIT_NOTES.allowance : ''}${unpriced ? UNIT_NOTES.unpriced : ''}`
  return { usd, note, estimated: unpriced || allowance || bounded }
}

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
  find(provider: string, model: string, ts: Date, options?: { catalogOnly?: boolean }): FoundPrice | undefined
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
  const plain = SUPPLEMENT.filter((entry) => entry.service_tier === undefined)
  const supplement = customProviders(plain)
  // A tier's own prices (OpenAI priority), by tier: looked up only for calls answered in that tier.
  const tierTables = new Map<string, Map<string, CustomTable>>()
  for (const tier of new Set(SUPPLEMENT.map((entry) => entry.service_tier)))
    if (tier !== undefined)
      tierTables.set(tier, customProviders(SUPPLEMENT.filter((entry) => entry.service_tier === tier)))
  const noTier = new Map<string, CustomTable>()
  // Entries that price a model the catalog knows while its entry lacks some of their prices.
  const fillers = plain.filter((entry) => entry.fills !== undefined)
  const catalogLacks = (input: Pick<PriceInput, 'provider' | 'model'>, prices: ModelPrice) =>
    fillers.some(
      (entry) =>
        entry.provider === input.provider &&
        matches(entry.model, input.model) &&
        (entry.fills as string[]).some((key) => prices[key] === undefined),
    )
  const unitPrices = new Map<string, UnitPrice[]>()
  for (const price of UNIT_PRICES) {
    const key = `${price.provider}/${price.unit}`
    unitPrices.set(key, [...(unitPrices.get(key) ?? []), price])
  }
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
    cache_read_audio_tokens: 5,
    output_audio_tokens: 5,
    input_image_tokens: 10,
    input_video_tokens: 10,
    output_image_tokens: 5,
    input_characters: 10,
    images: null,
    audio_seconds: 1,
    web_search_requests: 1,
    file_search_requests: 1,
    web_fetch_requests: 1,
    code_interpreter_sessions: 1,
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

  function lookUp(
    input: Pick<PriceInput, 'provider' | 'model' | 'ts' | 'atBaseRate'> & {
      service_tier?: string | null
      /** The catalog's own price, even where a supplement entry fills its gaps (check:prices' snapshot). */
      catalogOnly?: boolean
    },
    usage: CatalogUsage,
  ) {
    const tierTable = (input.service_tier && tierTables.get(input.service_tier)) || noTier
    for (const [table, origin, tiered] of [
      [custom, 'custom', false],
      [tierTable, 'supplement', true],
      [undefined, 'catalog', false],
      [supplement, 'supplement', false],
    ] as const) {
      if (input.catalogOnly && origin !== 'catalog') continue
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
      if (
        origin === 'catalog' &&
        !input.catalogOnly &&
        fillers.length > 0 &&
        catalogLacks(input, result.model_price)
      )
        continue
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
        tiered,
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
  /**
   * The last few resolutions with the span of time each holds for (where no custom, supplement or
   * tier period changes): a call repeating a recent provider, model and tier is answered by a few
   * comparisons, without building the map's key. Nearly every call of an app is such a call.
   */
  const recent: Recent[] = []
  let recentNext = 0
  function resolve(input: PriceInput): Resolution | null | undefined {
    const tsMs = input.ts.getTime()
    const tier = input.service_tier ?? null
    for (const hit of recent)
      if (
        hit.model === input.model &&
        hit.provider === input.provider &&
        hit.tier === tier &&
        hit.from <= tsMs &&
        tsMs < hit.until
      )
        return hit.resolution
    const found = resolveAt(input, tsMs)
    recent[recentNext] = { provider: input.provider, model: input.model, tier, ...found }
    recentNext = (recentNext + 1) % RECENT_RESOLUTIONS
    return found.resolution
  }

  /** {@link resolve} without the recent ones, and the span of time its answer holds for. */
  function resolveAt(
    input: PriceInput,
    tsMs: number,
  ): { resolution: Resolution | null | undefined; from: number; until: number } {
    const customTable = custom.get(input.provider)
    const supplementTable = supplement.get(input.provider)
    const tierTable = input.service_tier ? tierTables.get(input.service_tier)?.get(input.provider) : undefined
    // A filling entry's choice between it and the catalog depends on the catalog's prices at the
    // call's time: such models (a handful) are looked up in full.
    if (fillers.some((entry) => entry.provider === input.provider && matches(entry.model, input.model)))
      return { resolution: undefined, from: -Infinity, until: Infinity }
    let from = -Infinity
    let until = Infinity
    const periodOfTable = (table: CustomTable | undefined): number | '' => {
      if (!table) return ''
      const index = periodIndex(table, tsMs)
      from = Math.max(from, table.bounds[index - 1] ?? -Infinity)
      until = Math.min(until, table.bounds[index] ?? Infinity)
      return index
    }
    const key = `${input.provider}\u0000${input.model}\u0000${periodOfTable(customTable)}\u0000${periodOfTable(supplementTable)}\u0000${tierTable ? `${input.service_tier}:${periodOfTable(tierTable)}` : ''}`
    const held = (resolution: Resolution | null | undefined) => ({ resolution, from, until })
    let resolution = resolutions.get(key)
    if (resolution !== undefined) return held(resolution)
    let found: ReturnType<typeof lookUp>
    try {
      // Empty usage: the match does not depend on the counts (find() looks up the same way).
      found = lookUp(input, {})
    } catch {
      return held(undefined)
    }
    resolution = found
      ? {
          only: { ...found.result.provider, models: [found.result.model] },
          model: found.result.model,
          // The engine bills Groq's Whisper models by a minimum duration of its own.
          engineOnly: found.result.provider.id === 'groq',

          source: found.source,
          tiered: found.tiered,
          discount: discountOf(input.provider, input.model),
          notes: new Map(),
        }
      : null
    // Bounded: a caller inventing model ids cannot grow it without end.
    if (resolutions.size >= MAX_RESOLUTIONS) resolutions.clear()
    resolutions.set(key, resolution)
    return held(resolution)
  }

  /**
   * `price_source` (before and after where fee notes go), factor and status of a price under the
   * call's tier, deployment and the discount. A tier's own price (`tiered`) already is that tier's:
   * no tier multiplier, nothing estimated. A deployment multiplier applies on top of any tier.
   */
  function notesFor(
    source: string,
    tiered: boolean,
    discount: PriceDiscount | undefined,
    input: PriceInput,
  ): Notes {
    const tier = tiered ? STANDARD : tierAdjustment(input.provider, input.service_tier, input.batch)
    const deployment = deploymentPrice(input.provider, input.model, input.deployment)
    return {
      factor: tier.factor * (deployment ? deployment.factor : 1) * (discount ? discount.factor : 1),
      source: `${source}${tier.note}${deployment ? `+${deployment.label}` : ''}`,
      after: discount ? discountNote(discount) : '',
      whole: `${source}${tier.note}${deployment ? `+${deployment.label}` : ''}${discount ? discountNote(discount) : ''}`,
      status: tier.estimated || deployment?.estimated ? 'estimated' : 'priced',
    }
  }

  /** The price of a call whose catalog (or custom) price is `total` per request, with its per-call fees. */
  function finish(
    total: number,
    prices: ModelPrice,
    notes: Notes,
    input: PriceInput,
    requests: number,
  ): Price {
    const fees = usesPerCallUnits(input.usage) ? unitFees(input, prices, unitPrices, requests) : NO_FEES
    return {
      cost_usd: roundToNanos((total * requests + fees.usd) * notes.factor),
      pricing_status: notes.status === 'estimated' || fees.estimated ? 'estimated' : 'priced',
      price_source: fees.note === '' ? notes.whole : `${notes.source}${fees.note}${notes.after}`,
    }
  }

  /** {@link notesFor} a resolution, made once per tier. */
  function notesOf(resolution: Resolution, input: PriceInput): Notes {
    const key = `${input.service_tier}\u0000${input.batch}\u0000${input.deployment ?? ''}`
    let notes = resolution.notes.get(key)
    if (notes === undefined) {
      notes = notesFor(resolution.source, resolution.tiered, resolution.discount, input)
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
    const notes = notesFor(found.source, found.tiered, discountOf(input.provider, input.model), input)
    return finish(found.result.total_price, found.result.model_price, notes, input, requests)
  }

  const price: Pricer = (input) => {
    if (input.free) return { cost_usd: 0, pricing_status: 'priced', price_source: `free:${input.provider}` }
    if (!hasAnyCount(input.usage)) {
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
    let total: number
    let modelPrice: ModelPrice
    const computed = prices && tokenPrice(prices, usage)
    if (prices && computed) {
      total = computed.total_price
      modelPrice = prices
    } else {
      let engine: ReturnType<typeof calcPrice>
      try {
        engine = calcPrice(usage, input.model, { provider: resolution.only, timestamp: input.ts })
      } catch {
        return UNPRICED
      }
      if (!engine) return priceUncached(input, usage, requests)
      total = engine.total_price
      modelPrice = engine.model_price
    }
    // A model the catalog knows, but not in the unit the call was billed in (a speech model priced
    // per token called without token usage): $0 would be a silent guess.
    if (total === 0 && hasKeys(modelPrice) && hasPositive(usage)) return UNPRICED
    return finish(total, modelPrice, notesOf(resolution, input), input, requests)
  }

  return {
    price,
    find(provider, model, ts, options) {
      let found: ReturnType<typeof lookUp>
      try {
        found = lookUp({ provider, model, ts, catalogOnly: options?.catalogOnly }, {})
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
      for (const note of [UNIT_NOTES.unpriced, UNIT_NOTES.allowance, UNIT_NOTES.fees])
        if (rest.endsWith(note)) rest = rest.slice(0, -note.length)
      const deployment = Object.values(DEPLOYMENT_NOTES).find((note) => rest.endsWith(note))
      if (deployment) rest = rest.slice(0, -deployment.length)
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
  /** Found in a service tier's own prices. */
  tiered: boolean
  discount: PriceDiscount | undefined
  /** By service tier, batch and deployment. */
  notes: Map<string, Notes>
}

interface Notes {
  factor: number
  /** `price_source` up to the tier's note; `after`: the discount's note, after any fee notes. */
  source: string
  after: string
  /** `price_source` without fee notes: source and after. */
  whole: string
  status: 'priced' | 'estimated'
}

/** What {@link unitFees} answers for a call that used no per-call unit. */
const NO_FEES = { usd: 0, note: '', estimated: false }

/** Whether a call used a unit billed per call (a tool call): only then are its fees looked up. */
function usesPerCallUnits(usage: Usage): boolean {
  for (const unit of PER_CALL_UNITS) if (usage[unit]) return true
  return false
}

const MAX_RESOLUTIONS = 10_000
/** How many recent resolutions a pricer compares a call with before it builds a lookup key. */
const RECENT_RESOLUTIONS = 8

interface Recent {
  provider: string
  model: string
  tier: string | null
  /** The span of call times [from, until) the resolution holds for, in epoch ms. */
  from: number
  until: number
  resolution: Resolution | null | undefined
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true
  return false
}

function hasAnyCount(usage: Usage): boolean {
  for (const key of USAGE_FIELDS) if ((usage[key] ?? null) !== null) return true
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
