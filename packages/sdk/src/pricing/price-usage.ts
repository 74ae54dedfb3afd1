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
}

export type Price = Pick<CostEvent, 'cost_usd' | 'pricing_status' | 'price_source'>

/** A model to price yourself: one the catalog lacks, or a negotiated rate that replaces its price. */
export interface CustomModelPrice {
  /** Provider id as in events: `openai`, `anthropic`, `google`, `deepseek`, … */
  provider: string
  /** The model as the response reports it: an exact id, or every id that starts with a prefix. */
  model: string | { startsWith: string }
  /**
   * The catalog's price keys: `input_mtok`, `output_mtok`, `cache_read_mtok`, `cache_write_mtok`,
   * `cache_write_1h_mtok`, `input_audio_mtok`, `output_audio_mtok`, `input_image_mtok`,
   * `input_mchars`, `audio_hours`, `web_searches_kcount`… (`_mtok` is per million tokens).
   */
  prices: Record<string, number>
  /** Recorded in `price_source` as `custom:<label>`; default `<provider>/<model>`. */
  label?: string
}

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

/**
 * Published prices the catalog lacks, priced the same way as custom prices.
 * tts-1 and tts-1-hd are billed per character: $15 and $30 per million characters.
 */
const SUPPLEMENT: CustomModelPrice[] = [
  { provider: 'openai', model: 'tts-1-hd', prices: { input_mchars: 30 }, label: 'openai/tts-1-hd' },
  {
    provider: 'openai',
    model: { startsWith: 'tts-1-hd-' },
    prices: { input_mchars: 30 },
    label: 'openai/tts-1-hd',
  },
  { provider: 'openai', model: 'tts-1', prices: { input_mchars: 15 }, label: 'openai/tts-1' },
  {
    provider: 'openai',
    model: { startsWith: 'tts-1-' },
    prices: { input_mchars: 15 },
    label: 'openai/tts-1',
  },
]

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

/** One catalog-shaped provider per provider id, holding that provider's custom models in order. */
interface CustomTable {
  provider: Provider
  /** Model id (`custom-<n>`) → the label recorded in price_source. */
  labels: Map<string, string>
}

function customProviders(models: CustomModelPrice[]): Map<string, CustomTable> {
  const byProvider = new Map<string, CustomTable>()
  models.forEach((custom, index) => {
    let entry = byProvider.get(custom.provider)
    if (!entry) {
      entry = {
        provider: { id: custom.provider, name: custom.provider, api_pattern: '.*', models: [] },
        labels: new Map(),
      }
      byProvider.set(custom.provider, entry)
    }
    const label =
      custom.label ??
      `${custom.provider}/${typeof custom.model === 'string' ? custom.model : `${custom.model.startsWith}*`}`
    const model: ModelInfo = {
      id: `custom-${index}`,
      match: toMatchLogic(custom.model),
      prices: custom.prices,
    }
    entry.provider.models.push(model)
    entry.labels.set(model.id, label)
  })
  return byProvider
}

/** Custom tables of a pricer, in the order they are tried: custom prices, the catalog (undefined), the supplement. */
type PriceTables = readonly (readonly [Map<string, CustomTable> | undefined, string])[]

/** The model `provider`'s `model` is priced as, from the first table that knows it, with its price at `ts`. */
function lookUp(tables: PriceTables, provider: string, model: string, ts: Date, usage: CatalogUsage) {
  for (const [table, prefix] of tables) {
    const entry = table?.get(provider)
    if (table && !entry) continue
    const result = calcPrice(
      usage,
      model,
      entry ? { provider: entry.provider, timestamp: ts } : { providerId: provider, timestamp: ts },
    )
    if (!result) continue
    const name = entry ? entry.labels.get(result.model.id) : `${result.provider.id}/${result.model.id}`
    return { result, source: `${prefix}${name}` }
  }
  return undefined
}

/**
 * Discounts the catalog does not model. OpenAI flex and every provider's Batch API are billed at
 * half the standard rate. A priority tier the catalog has no price for is priced at the standard
 * rate and marked `estimated` (its real price is higher and varies by model).
 */
function tierAdjustment(provider: string, serviceTier: string | null, batch: boolean) {
  if (batch) return { factor: 0.5, note: '+batch50%', estimated: false }
  if (provider === 'openai' && serviceTier === 'flex')
    return { factor: 0.5, note: '+flex50%', estimated: false }
  if (serviceTier === 'priority') return { factor: 1, note: '+priority-at-standard-rate', estimated: true }
  return { factor: 1, note: '', estimated: false }
}

/**
 * Builds the function that prices calls: custom prices first, then the catalog
 * (@pydantic/genai-prices) at the call's timestamp, then spendlens' small supplement; discounts and
 * tier multipliers on top. An unknown model is `unpriced` with a null cost, never zero.
 * Throws at creation (fail fast) when a custom price cannot price a simple call.
 */
export function createPricer(config: PricingConfig = {}): Pricer {
  const custom = customProviders(config.models ?? [])
  const supplement = customProviders(SUPPLEMENT)
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
    const only = customProviders([model]).get(model.provider) as CustomTable
    try {
      calcPrice(probeUsage, probeModel, { provider: only.provider })
    } catch (error) {
      throw new Error(
        `spendlens: the custom price for ${model.provider}/${probeModel} is invalid: ${(error as Error).message}`,
      )
    }
  })

  const tables: PriceTables = [
    [custom, 'custom:'],
    [undefined, 'genai-prices:'],
    [supplement, 'spendlens-supplement:'],
  ]

  return (input) => {
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
    let found: ReturnType<typeof lookUp>
    try {
      found = lookUp(tables, input.provider, input.model, input.ts, usage)
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
    const tier = tierAdjustment(input.provider, input.service_tier, input.batch)
    let factor = tier.factor
    let source = `${found.source}${tier.note}`
    const discount = discounts.find(
      (rule) => rule.provider === input.provider && matches(rule.model, input.model),
    )
    if (discount) {
      factor *= discount.factor
      source += `+${discount.label ?? `discount${Math.round((1 - discount.factor) * 100)}%`}`
    }
    return {
      cost_usd: roundToNanos(found.result.total_price * factor * requests),
      pricing_status: tier.estimated ? 'estimated' : 'priced',
      price_source: source,
    }
  }
}

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

const DEFAULT_TABLES: PriceTables = [
  [undefined, 'genai-prices:'],
  [customProviders(SUPPLEMENT), 'spendlens-supplement:'],
]

/** A model as the default pricer finds it: the catalog's entry, or spendlens' supplement's. */
export interface PricedModel {
  /** Where its prices come from, as `price_source` names it: `genai-prices:openai/gpt-4o-mini`. */
  source: string
  /** The catalog's provider and model ids (a dated snapshot falls under its model). */
  provider: string
  id: string
  name: string | null
  /** Input and output tokens a call may hold, where the catalog says. */
  contextWindow: number | null
  /**
   * Every price the model has had or has, each with the constraint that selects it (a start date,
   * a time of day): the catalog's keys (`input_mtok`, `cache_read_mtok`, …), each a number per unit
   * or a tiered price chosen by a call's input tokens.
   */
  prices: readonly ConditionalPrice[]
}

/**
 * The model the default pricer (priceUsage) prices `provider`'s `model` as, looked up where it looks
 * (the catalog, then the supplement), or undefined when it knows no such model.
 */
export function findPricedModel(provider: string, model: string, ts = new Date()): PricedModel | undefined {
  let found: ReturnType<typeof lookUp>
  try {
    found = lookUp(DEFAULT_TABLES, provider, model, ts, { input_tokens: 1 })
  } catch {
    return undefined
  }
  if (!found) return undefined
  const info = found.result.model
  const prices: ConditionalPrice[] = Array.isArray(info.prices)
    ? info.prices
    : [{ prices: info.prices as ModelPrice }]
  return {
    source: found.source,
    provider: found.result.provider.id,
    id: info.id,
    name: info.name ?? null,
    contextWindow: info.context_window ?? null,
    prices,
  }
}

/** Prices a call with the catalog and no custom prices (what the server does for unpriced events). */
export function priceUsage(input: PriceInput): Price {
  return defaultPricer(input)
}
