import { emptyUsage, priceUsage } from 'spendlens/internal'

/**
 * What the catalog says about a model, for reconciliation: the catalog entry a provider's model name
 * (often a dated snapshot) falls under, and the relative price of each kind of token. Only relative:
 * the money of a reconciliation is always the invoice's (invoice/reconcile.ts); the catalog only
 * weighs an input token against an output token, so a catalog price that is wrong for every kind
 * alike (or a discount) does not move how a gap is split.
 */

/** Token counts as reports and rollups give them: input is ALL input, the others parts of it or of output. */
export interface TokenCounts {
  input_tokens: number
  cache_read_tokens: number
  cache_write_tokens: number
  output_tokens: number
  input_audio_tokens: number
  output_audio_tokens: number
}

export const NO_TOKENS: TokenCounts = {
  input_tokens: 0,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  output_tokens: 0,
  input_audio_tokens: 0,
  output_audio_tokens: 0,
}

export function addTokens(into: TokenCounts, counts: Partial<Record<keyof TokenCounts, number | null>>) {
  for (const key of Object.keys(NO_TOKENS) as (keyof TokenCounts)[]) into[key] += counts[key] ?? 0
}

export const totalTokens = (counts: TokenCounts) => counts.input_tokens + counts.output_tokens

/** Tokens per probe: small enough that no long-context tier applies, large enough that nano-dollar rounding is noise. */
const PROBE = 1000

interface Rates {
  uncachedInput: number
  cacheRead: number
  cacheWrite: number
  inputAudio: number
  textOutput: number
  outputAudio: number
}

interface CatalogEntry {
  /** `<provider>/<model id>` of the catalog entry; null when the catalog does not know the model. */
  id: string | null
  /** Dollars per token of each kind; null when the catalog has no price. */
  rates: Rates | null
}

const entries = new Map<string, CatalogEntry>()

/**
 * The catalog entry of `provider`'s `model`, priced at `day` (prices change over time), cached per
 * model, tier and month.
 */
export function catalogEntry(
  provider: string,
  model: string,
  day: number,
  batch = false,
  serviceTier: string | null = null,
): CatalogEntry {
  const month = new Date(day).toISOString().slice(0, 7)
  const key = `${provider}\u0000${model}\u0000${month}\u0000${batch}\u0000${serviceTier}`
  let entry = entries.get(key)
  if (!entry) {
    entry = lookUp(provider, model, new Date(day), batch, serviceTier)
    entries.set(key, entry)
  }
  return entry
}

function lookUp(provider: string, model: string, ts: Date, batch: boolean, serviceTier: string | null) {
  const price = (tokens: Partial<Record<string, number>>) => {
    const priced = priceUsage({
      provider,
      model,
      usage: { ...emptyUsage(), ...tokens },
      ts,
      service_tier: serviceTier,
      batch,
    })
    return priced
  }
  const input = price({ input_tokens: PROBE })
  const output = price({ output_tokens: PROBE })
  const id = catalogId(input.price_source ?? output.price_source)
  if (input.cost_usd === null || output.cost_usd === null) return { id, rates: null }
  const rate = (tokens: Partial<Record<string, number>>, fallback: number) =>
    (price(tokens).cost_usd ?? fallback * PROBE) / PROBE
  const uncachedInput = input.cost_usd / PROBE
  const textOutput = output.cost_usd / PROBE
  return {
    id,
    rates: {
      uncachedInput,
      cacheRead: rate({ input_tokens: PROBE, cache_read_tokens: PROBE }, uncachedInput),
      cacheWrite: rate({ input_tokens: PROBE, cache_write_tokens: PROBE }, uncachedInput),
      inputAudio: rate({ input_tokens: PROBE, input_audio_tokens: PROBE }, uncachedInput),
      textOutput,
      outputAudio: rate({ output_tokens: PROBE, output_audio_tokens: PROBE }, textOutput),
    },
  }
}

/** `openai/gpt-4o` from a price source such as `genai-prices:openai/gpt-4o+batch50%`. */
function catalogId(source: string | null): string | null {
  if (!source) return null
  const match = /^[a-z-]+:([^+]+)/.exec(source)
  return match?.[1] ?? null
}

/** The catalog's name for a model: its entry's model id, or the provider's own name when the catalog does not know it. */
export function catalogModel(provider: string, model: string, day: number): string {
  const id = catalogEntry(provider, model, day).id
  return id?.startsWith(`${provider}/`) ? id.slice(provider.length + 1) : (id ?? model)
}

/** What `counts` cost at the catalog's rates, in dollars (linear: no tier is applied to the sum); null when unpriced. */
export function catalogWeight(entry: CatalogEntry, counts: TokenCounts): number | null {
  const rates = entry.rates
  if (!rates) return null
  const uncached = Math.max(
    0,
    counts.input_tokens - counts.cache_read_tokens - counts.cache_write_tokens - counts.input_audio_tokens,
  )
  return (
    uncached * rates.uncachedInput +
    counts.cache_read_tokens * rates.cacheRead +
    counts.cache_write_tokens * rates.cacheWrite +
    counts.input_audio_tokens * rates.inputAudio +
    Math.max(0, counts.output_tokens - counts.output_audio_tokens) * rates.textOutput +
    counts.output_audio_tokens * rates.outputAudio
  )
}
