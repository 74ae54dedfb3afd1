import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { emptyUsage, type Usage } from '../cost-event.js'
import { buildCostEvent, type CallRecord } from '../record/build-cost-event.js'
import { createPriceBook, type PricingConfig } from './price-usage.js'

/**
 * The pricer caches what a model resolves to (per provider, model and price period) and prices the
 * usual token units without the engine's per-call checks. Its events must be the ones the full
 * lookup gives, to the last bit: one cached pricer (warm from every earlier call, on both sides of
 * each boundary) against the uncached path, on random usage.
 */
const config: PricingConfig = {
  models: [
    // A negotiated price that changes on 2026-06-01: the cache must not carry one period into the next.
    {
      provider: 'openai',
      model: 'ft:acme-support',
      prices: { input_mtok: 1.1, output_mtok: 4.4 },
      until: '2026-06-01',
    },
    {
      provider: 'openai',
      model: 'ft:acme-support',
      prices: { input_mtok: 0.9, cache_read_mtok: 0.3, output_mtok: 3.3 },
      from: '2026-06-01',
    },
    // A self-hosted model priced by prefix.
    { provider: 'acme-cloud', model: { startsWith: 'acme-' }, prices: { input_mtok: 0.5, output_mtok: 2 } },
  ],
  discounts: [{ provider: 'anthropic', factor: 0.85, label: 'enterprise' }],
}

/** Calls whose time crosses a price period: catalog ones (start dates, a time of day) and the custom one. */
const MODELS: { provider: string; model: string; around: string }[] = [
  { provider: 'openai', model: 'gpt-4o-mini', around: '2026-01-15T12:00:00Z' },
  // catalog price periods: a new price from 2026-07-30 (OpenAI) and 2026-03-13 (Anthropic)
  { provider: 'openai', model: 'gpt-5.6-luna', around: '2026-07-30T00:00:00Z' },
  { provider: 'anthropic', model: 'claude-sonnet-4-6', around: '2026-03-13T00:00:00Z' },
  // off-peak prices from 00:30 UTC: left to the engine, still through the cache's lookup
  { provider: 'deepseek', model: 'deepseek-chat', around: '2026-02-02T00:30:00Z' },
  // long-context tiers
  { provider: 'google', model: 'gemini-2.5-pro', around: '2026-01-15T12:00:00Z' },
  { provider: 'openai', model: 'ft:acme-support', around: '2026-06-01T00:00:00Z' },
  { provider: 'acme-cloud', model: 'acme-large', around: '2026-01-15T12:00:00Z' },
  // the supplement's own tier prices (OpenAI priority) and an entry filling the catalog's audio gap
  { provider: 'openai', model: 'gpt-4.1', around: '2026-01-15T12:00:00Z' },
  { provider: 'openai', model: 'gpt-4o-audio-preview', around: '2026-01-15T12:00:00Z' },
  // per-call tool fees the catalog does not price (Anthropic web fetch, OpenAI code interpreter)
  { provider: 'anthropic', model: 'claude-sonnet-4-5', around: '2026-01-15T12:00:00Z' },
  // the supplement, and a model nobody prices
  { provider: 'openai', model: 'tts-1', around: '2026-01-15T12:00:00Z' },
  { provider: 'openai', model: 'no-such-model', around: '2026-01-15T12:00:00Z' },
]

const count = fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: null, freq: 4 })
const usage: fc.Arbitrary<Usage> = fc
  .record({
    input_tokens: count,
    cache_read_tokens: count,
    cache_write_tokens: count,
    cache_write_1h_tokens: count,
    output_tokens: count,
    reasoning_tokens: count,
    web_search_requests: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null, freq: 2 }),
    input_characters: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null, freq: 1 }),
    input_audio_tokens: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null, freq: 2 }),
    output_audio_tokens: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null, freq: 2 }),
    file_search_requests: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 2 }),
    web_fetch_requests: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 2 }),
    code_interpreter_sessions: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null, freq: 2 }),
  })
  .map((counts) => ({ ...emptyUsage(), ...counts }))

function record(
  model: (typeof MODELS)[number],
  offsetMs: number,
  usage: Usage,
  tier: string | null,
  batch: boolean,
) {
  return {
    event_id: 'fixed',
    started_at: Date.parse(model.around) + offsetMs,
    latency_ms: 100,
    ttft_ms: null,
    provider: model.provider,
    operation: 'chat',
    requested_model: model.model,
    model: model.model,
    provider_request_id: null,
    tags: { feature: 'pricing' },
    usage,
    service_tier: tier,
    batch,
    status: 'ok',
    error_type: null,
    http_status: 200,
    streamed: false,
  } satisfies CallRecord
}

describe('the price cache', () => {
  it('gives the events of the full lookup, across price periods, tiers, custom prices and discounts', () => {
    const cached = createPriceBook(config).price
    const uncached = createPriceBook(config, { cache: false }).price
    let priced = 0
    fc.assert(
      fc.property(
        fc.constantFrom(...MODELS),
        // within two days either side of the boundary
        fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }),
        usage,
        fc.constantFrom(null, 'default', 'flex', 'priority'),
        fc.boolean(),
        (model, offset, callUsage, tier, batch) => {
          const call = record(model, offset, callUsage, tier, batch)
          const expected = buildCostEvent(call, uncached)
          expect(buildCostEvent(call, cached)).toStrictEqual(expected)
          if (expected.cost_usd !== null && expected.cost_usd > 0) priced++
        },
      ),
      { numRuns: 3000, seed: 15 },
    )
    // The comparison covered priced calls, not only unknown ones.
    expect(priced).toBeGreaterThan(500)
  })

  it('prices each side of a custom price period at its own rate, the cache warm from the other side', () => {
    const cached = createPriceBook(config).price
    const call = (at: string) =>
      cached({
        provider: 'openai',
        model: 'ft:acme-support',
        ts: new Date(at),
        service_tier: null,
        batch: false,
        usage: { ...emptyUsage(), input_tokens: 1_000_000, output_tokens: 1_000_000 },
      })
    // before 2026-06-01: 1M × $1.10/1M + 1M × $4.40/1M = $5.50; from it: $0.90 + $3.30 = $4.20
    expect(call('2026-05-31T23:59:59.999Z').cost_usd).toBe(5.5)
    expect(call('2026-06-01T00:00:00.000Z').cost_usd).toBe(4.2)
    expect(call('2026-05-31T12:00:00.000Z').cost_usd).toBe(5.5)
  })
})
