import { type Usage as CatalogUsage, calcPrice } from '@pydantic/genai-prices'
import { type CostEvent, type PricingStatus, USAGE_FIELDS, type Usage } from '../cost-event.js'
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
}

export type Price = Pick<CostEvent, 'cost_usd' | 'pricing_status' | 'price_source'>

/**
 * Discounts the catalog does not model, applied on top of its list price.
 * OpenAI flex and every provider's Batch API are billed at half the standard rate.
 */
function tierMultiplier(
  provider: string,
  serviceTier: string | null,
  batch: boolean,
): { factor: number; note: string } {
  if (batch) return { factor: 0.5, note: '+batch50%' }
  if (provider === 'openai' && serviceTier === 'flex') return { factor: 0.5, note: '+flex50%' }
  return { factor: 1, note: '' }
}

/** Dollars rounded to whole nano-dollars, the store's unit, so the SDK and the store agree exactly. */
export function roundToNanos(usd: number): number {
  return Math.round(usd * NANOS_PER_USD) / NANOS_PER_USD
}

function catalogUsage(usage: Usage): CatalogUsage {
  // The catalog wants input_tokens as the TOTAL with cache reads/writes as parts of it: the same
  // convention as Usage, so no arithmetic here. Reasoning is a subset of output billed at the output
  // rate, so it is not passed (passing it is where other tools double-count).
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

const UNPRICED: Price = { cost_usd: null, pricing_status: 'unpriced', price_source: null }
const NOT_BILLED: Price = { cost_usd: 0, pricing_status: 'priced', price_source: 'not-billed:provider-error' }

/**
 * The cost of one call from the price catalog (@pydantic/genai-prices) at the call's timestamp.
 * An unknown model is `unpriced` with a null cost, never zero. Never throws.
 */
export function priceUsage(input: PriceInput): Price {
  if (USAGE_FIELDS.every((key) => (input.usage[key] ?? null) === null)) {
    // The provider answered with an HTTP error: such calls are not billed, so $0 is known.
    if (input.status === 'error' && (input.http_status ?? 0) >= 400) return NOT_BILLED
    // No count at all otherwise (a stream abandoned before its usage arrived, a timeout): the
    // catalog would answer $0, which is a guess, not a price. Unknown stays unknown.
    return UNPRICED
  }
  let result: ReturnType<typeof calcPrice>
  try {
    result = calcPrice(catalogUsage(input.usage), input.model, {
      providerId: input.provider,
      timestamp: input.ts,
    })
  } catch {
    return UNPRICED
  }
  if (!result) return UNPRICED
  const { factor, note } = tierMultiplier(input.provider, input.service_tier, input.batch)
  return {
    cost_usd: roundToNanos(result.total_price * factor),
    pricing_status: 'priced' satisfies PricingStatus,
    price_source: `genai-prices:${result.provider.id}/${result.model.id}${note}`,
  }
}
