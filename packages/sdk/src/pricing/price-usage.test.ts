import { describe, expect, it } from 'vitest'
import { emptyUsage, type Usage } from '../cost-event.js'
import { catalogProviders, catalogVersion } from './catalog.js'
import {
  createPriceBook,
  createPricer,
  isListPriceSource,
  longContextThresholds,
  type PriceInput,
  priceUsage,
  roundToNanos,
} from './price-usage.js'

const ts = new Date('2026-01-15T12:00:00Z')

function input(overrides: Partial<Omit<PriceInput, 'usage'>> & { usage: Partial<Usage> }): PriceInput {
  return {
    provider: 'openai',
    model: 'gpt-4o-mini',
    ts,
    service_tier: null,
    batch: false,
    ...overrides,
    usage: { ...emptyUsage(), ...overrides.usage },
  }
}

/*
 * gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per 1M tokens.
 * 1,200 input of which 1,024 cached, 300 output:
 *   176 × 0.15/1M + 1,024 × 0.075/1M + 300 × 0.60/1M = 0.0000264 + 0.0000768 + 0.00018 = $0.0002832
 */
const cachedChat = { input_tokens: 1200, cache_read_tokens: 1024, output_tokens: 300 }
const CACHED_CHAT_COST = 0.0002832

describe('priceUsage', () => {
  it('prices cached input at the cached rate', () => {
    const price = priceUsage(input({ usage: cachedChat }))

    expect(price.pricing_status).toBe('priced')
    expect(price.cost_usd).toBeCloseTo(CACHED_CHAT_COST, 12)
    expect(price.price_source).toBe('genai-prices:openai/gpt-4o-mini')
  })

  it('prices a dated snapshot like its model', () => {
    expect(priceUsage(input({ model: 'gpt-4o-mini-2024-07-18', usage: cachedChat })).cost_usd).toBeCloseTo(
      CACHED_CHAT_COST,
      12,
    )
  })

  it('halves an OpenAI flex call', () => {
    // $0.0002832 / 2 = $0.0001416
    const price = priceUsage(input({ usage: cachedChat, service_tier: 'flex' }))

    expect(price.cost_usd).toBeCloseTo(0.0001416, 12)
    expect(price.price_source).toBe('genai-prices:openai/gpt-4o-mini+flex50%')
  })

  it('halves a Batch API call', () => {
    // $0.0002832 / 2 = $0.0001416
    expect(priceUsage(input({ usage: cachedChat, batch: true })).cost_usd).toBeCloseTo(0.0001416, 12)
  })

  it('does not discount the default or priority tier', () => {
    expect(priceUsage(input({ usage: cachedChat, service_tier: 'default' })).cost_usd).toBeCloseTo(
      CACHED_CHAT_COST,
      12,
    )
  })

  it('prices Anthropic 5-minute and 1-hour cache writes at their own rates', () => {
    /*
     * claude-sonnet-4: $3 input, $3.75 5m write, $6 1h write, $0.30 read, $15 output per 1M.
     * 13,050 input = 50 uncached + 10,000 read + 3,000 written (1,000 of them 1h), 400 output:
     *   50 × 3 + 10,000 × 0.30 + 2,000 × 3.75 + 1,000 × 6 + 400 × 15 = 150 + 3,000 + 7,500 + 6,000 + 6,000
     *   = 22,650 / 1M = $0.02265
     */
    const price = priceUsage(
      input({
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        usage: {
          input_tokens: 13050,
          cache_read_tokens: 10000,
          cache_write_tokens: 3000,
          cache_write_1h_tokens: 1000,
          output_tokens: 400,
        },
      }),
    )

    expect(price.cost_usd).toBeCloseTo(0.02265, 12)
    expect(price.price_source).toBe('genai-prices:anthropic/claude-sonnet-4-0')
  })

  it('charges Anthropic web searches per request', () => {
    // claude-sonnet-4: 1,000 input × $3/1M = $0.003, plus 2 searches × $10/1,000 = $0.02 → $0.023
    const price = priceUsage(
      input({
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        usage: { input_tokens: 1000, output_tokens: 0, web_search_requests: 2 },
      }),
    )

    expect(price.cost_usd).toBeCloseTo(0.023, 12)
  })

  it('does not charge reasoning tokens on top of output', () => {
    // o4-mini: 500 × $1.10/1M + 2,000 × $4.40/1M = $0.00055 + $0.0088 = $0.00935
    const price = priceUsage(
      input({ model: 'o4-mini', usage: { input_tokens: 500, output_tokens: 2000, reasoning_tokens: 1600 } }),
    )

    expect(price.cost_usd).toBeCloseTo(0.00935, 12)
  })

  it('leaves an unknown model unpriced with a null cost', () => {
    expect(priceUsage(input({ model: 'acme-unreleased-1', usage: cachedChat }))).toStrictEqual({
      cost_usd: null,
      pricing_status: 'unpriced',
      price_source: null,
    })
  })

  it('leaves a call without any usage unpriced instead of $0', () => {
    expect(priceUsage(input({ usage: {} }))).toStrictEqual({
      cost_usd: null,
      pricing_status: 'unpriced',
      price_source: null,
    })
  })

  it('prices a call that reported zero tokens at $0', () => {
    expect(priceUsage(input({ usage: { input_tokens: 0, output_tokens: 0 } }))).toMatchObject({
      cost_usd: 0,
      pricing_status: 'priced',
    })
  })

  it('returns unpriced instead of throwing when the catalog rejects the usage', () => {
    // More cache reads than input tokens: the catalog throws on this inconsistent usage.
    const price = priceUsage(
      input({ usage: { input_tokens: 10, cache_read_tokens: 1000, output_tokens: 1 } }),
    )

    expect(price).toMatchObject({ cost_usd: null, pricing_status: 'unpriced' })
  })
})

describe('priceUsage of summed usage', () => {
  /*
   * gemini-2.5-pro: $1.25 input and $10 output per 1M tokens, $2.50 and $15 for a call of more than
   * 200,000 input tokens (the catalog's tier, chosen by the call's input).
   */
  const twoCalls = { input_tokens: 300_000, output_tokens: 2_000 }

  it('chooses the long-context tier by each call, not by the sum', () => {
    // Two calls of 150,000 input and 1,000 output: 300,000 × 1.25/1M + 2,000 × 10/1M = $0.375 + $0.02
    const price = priceUsage(
      input({ provider: 'google', model: 'gemini-2.5-pro', usage: twoCalls, requests: 2 }),
    )

    expect(price.cost_usd).toBe(0.395)
  })

  it('prices the sum as one call when not told how many calls it holds', () => {
    // One call of 300,000 input: 300,000 × 2.50/1M + 2,000 × 15/1M = $0.75 + $0.03
    expect(priceUsage(input({ provider: 'google', model: 'gemini-2.5-pro', usage: twoCalls })).cost_usd).toBe(
      0.78,
    )
  })

  it('prices a call past the tier at the base rate when asked (what the tier added)', () => {
    // One call of 300,000 input at the base rate: 300,000 × 1.25/1M + 2,000 × 10/1M = $0.375 + $0.02
    const call = input({ provider: 'google', model: 'gemini-2.5-pro', usage: twoCalls })

    expect(priceUsage({ ...call, atBaseRate: true }).cost_usd).toBe(0.395)
    expect(priceUsage({ ...call, atBaseRate: true, batch: true }).cost_usd).toBe(0.1975)
  })

  it('reads the long-context thresholds from the catalog entry, none for a model without a tier', () => {
    const book = createPriceBook()
    const gemini = book.find('google', 'gemini-2.5-pro', ts)
    const mini = book.find('openai', 'gpt-4o-mini', ts)

    expect(gemini && longContextThresholds(gemini.model)).toEqual([200_000])
    expect(mini && longContextThresholds(mini.model)).toEqual([])
  })

  it('gives the sum of the calls priced one by one when no tier applies', () => {
    const single = priceUsage(input({ usage: cachedChat })).cost_usd as number
    const tripled = { input_tokens: 3600, cache_read_tokens: 3072, output_tokens: 900 }

    expect(priceUsage(input({ usage: tripled, requests: 3 })).cost_usd).toBe(roundToNanos(single * 3))
  })
})

describe('roundToNanos', () => {
  it('rounds dollars to whole nano-dollars', () => {
    expect(roundToNanos(0.1 + 0.2)).toBe(0.3)
    expect(roundToNanos(0.0000000014)).toBe(0.000000001)
    expect(roundToNanos(0.0000000016)).toBe(0.000000002)
  })
})

describe('custom prices with a period', () => {
  // A negotiated gpt-4o-mini rate from 2026-02-01, raised on 2026-03-01: $0.10 / $0.40, then $0.12 / $0.48 per 1M.
  const pricer = createPricer({
    models: [
      {
        provider: 'openai',
        model: 'gpt-4o-mini',
        prices: { input_mtok: 0.1, output_mtok: 0.4 },
        from: '2026-02-01',
        until: '2026-03-01',
        label: 'acme-2026-02',
      },
      {
        provider: 'openai',
        model: 'gpt-4o-mini',
        prices: { input_mtok: 0.12, output_mtok: 0.48 },
        from: '2026-03-01',
        label: 'acme-2026-03',
      },
    ],
  })
  const plain = { input_tokens: 1_000_000, output_tokens: 1_000_000 }
  const at = (day: string) => pricer(input({ ts: new Date(day), usage: plain }))

  it('prices a call before the first period from the catalog', () => {
    // The catalog's $0.15 + $0.60.
    expect(at('2026-01-31T23:59:59.999Z')).toEqual({
      cost_usd: 0.75,
      pricing_status: 'priced',
      price_source: 'genai-prices:openai/gpt-4o-mini',
    })
  })

  it("prices a call in each period at that period's price, from the first millisecond of its day", () => {
    expect(at('2026-02-01T00:00:00.000Z')).toMatchObject({
      cost_usd: 0.5,
      price_source: 'custom:acme-2026-02',
    })
    expect(at('2026-02-28T23:59:59.999Z')).toMatchObject({ cost_usd: 0.5 })
    expect(at('2026-03-01T00:00:00.000Z')).toMatchObject({
      cost_usd: 0.6,
      price_source: 'custom:acme-2026-03',
    })
    expect(at('2030-01-01T00:00:00.000Z')).toMatchObject({ cost_usd: 0.6 })
  })

  it('refuses a period that is not one', () => {
    const model = { provider: 'openai', model: 'x', prices: { input_mtok: 1 } }
    expect(() => createPricer({ models: [{ ...model, from: '2026-3-1' }] })).toThrow(/from must be a day/)
    expect(() => createPricer({ models: [{ ...model, from: '2026-02-30' }] })).toThrow(/from must be a day/)
    expect(() => createPricer({ models: [{ ...model, from: '2026-03-01', until: '2026-03-01' }] })).toThrow(
      /until must be after from/,
    )
  })
})

describe('PriceBook.find: where a price comes from, by the lookup that prices calls', () => {
  const book = createPriceBook({
    models: [{ provider: 'openai', model: 'ft:acme', prices: { input_mtok: 1 }, until: '2026-06-01' }],
  })

  it('finds a catalog model with its price periods and the prices in force', () => {
    const found = book.find('openai', 'gpt-4o-mini-2024-07-18', ts)
    expect(found).toMatchObject({
      source: 'genai-prices:openai/gpt-4o-mini',
      origin: 'catalog',
      prices: { input_mtok: 0.15, cache_read_mtok: 0.075, output_mtok: 0.6 },
    })
    expect(found?.model.id).toBe('gpt-4o-mini')
  })

  it('finds a custom price in its period only, and the supplement', () => {
    expect(book.find('openai', 'ft:acme', ts)).toMatchObject({
      source: 'custom:openai/ft:acme',
      origin: 'custom',
      prices: { input_mtok: 1 },
      custom: { until: '2026-06-01' },
    })
    expect(book.find('openai', 'ft:acme', new Date('2026-06-01T00:00:00Z'))).toBeUndefined()
    expect(book.find('openai', 'tts-1', ts)).toMatchObject({
      source: 'spendlens-supplement:openai/tts-1',
      origin: 'supplement',
      prices: { input_mchars: 15 },
    })
  })

  it('finds nothing for an unknown model', () => {
    expect(book.find('openai', 'acme-unreleased-1', ts)).toBeUndefined()
  })
})

describe('isListPriceSource', () => {
  it("tells the catalog's and the supplement's prices from custom prices and discounts", () => {
    for (const source of [
      'genai-prices:openai/gpt-4o-mini',
      'genai-prices:openai/gpt-4o-mini+flex50%',
      'genai-prices:anthropic/claude-haiku-4-5+batch50%',
      'genai-prices:openai/gpt-5+priority-at-standard-rate',
      'spendlens-supplement:openai/tts-1',
      'free:openai',
      'not-billed:provider-error',
    ])
      expect(isListPriceSource(source), source).toBe(true)
    for (const source of [
      'custom:acme',
      'genai-prices:anthropic/claude-haiku-4-5+enterprise',
      'genai-prices:openai/gpt-4o-mini+batch50%+discount15%',
      'a-client-of-its-own',
    ])
      expect(isListPriceSource(source), source).toBe(false)
  })
})

describe('PriceBook.knows: a recorded price this book could have given', () => {
  const book = createPriceBook({
    models: [{ provider: 'openai', model: 'ft:acme', prices: { input_mtok: 1 }, label: 'acme' }],
    discounts: [{ provider: 'anthropic', factor: 0.85, label: 'enterprise' }],
  })

  it('knows list prices, its own custom prices and discounts, with tier notes', () => {
    for (const source of [
      'genai-prices:openai/gpt-4o-mini+flex50%',
      'custom:acme',
      'custom:acme+batch50%',
      'genai-prices:anthropic/claude-haiku-4-5+enterprise',
      'genai-prices:anthropic/claude-haiku-4-5+batch50%+enterprise',
    ])
      expect(book.knows(source), source).toBe(true)
  })

  it("does not know another config's custom prices and discounts", () => {
    for (const source of ['custom:globex', 'genai-prices:anthropic/claude-haiku-4-5+discount15%', 'whatever'])
      expect(book.knows(source), source).toBe(false)
    expect(createPriceBook().knows('custom:acme')).toBe(false)
  })
})

describe('the catalog', () => {
  it('lists its providers and says its version', async () => {
    const providers = await catalogProviders()
    expect(providers.map((provider) => provider.id)).toEqual(expect.arrayContaining(['openai', 'anthropic']))
    expect(catalogVersion()).toMatch(/^\d+\.\d+\.\d+/)
  })
})
