import { describe, expect, it } from 'vitest'
import { emptyUsage, type Usage } from '../cost-event.js'
import { type PriceInput, priceUsage, roundToNanos } from './price-usage.js'

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

describe('roundToNanos', () => {
  it('rounds dollars to whole nano-dollars', () => {
    expect(roundToNanos(0.1 + 0.2)).toBe(0.3)
    expect(roundToNanos(0.0000000014)).toBe(0.000000001)
    expect(roundToNanos(0.0000000016)).toBe(0.000000002)
  })
})
