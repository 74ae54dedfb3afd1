import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostEvent } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WhatIfAnswer } from '../src/api/api-types.js'
import { costEvent } from '../src/demo/cost-event.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { type WhatIfQuestion, whatIf } from '../src/what-if/what-if.js'
import { FIXED_DATES, startTestServer } from './server-helpers.js'

/*
 * Prices from the catalog spendlens prices with (@pydantic/genai-prices 0.1.8, per 1M tokens):
 * - openai/gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output; no cache-write price, no
 *   audio price (so cache writes are billed as plain input, and audio calls cannot be compared);
 * - anthropic/claude-sonnet-4-0 (claude-sonnet-4-20250514): $3 input, $3.75 cache write (5 minutes),
 *   $0.30 cache read, $15 output;
 * - google/gemini-2.5-pro: $1.25 input and $10 output, $2.50 and $15 for a call of more than
 *   200,000 input tokens.
 * Batch calls are billed at half (spendlens' rule, the SDK's tierAdjustment).
 */
const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString()

const EVENTS: CostEvent[] = [
  // gpt-4o-mini: 600 × 0.15 + 400 × 0.075 + 200 × 0.60 = 90 + 30 + 120 = $240 per 1M → $0.00024
  costEvent({
    event_id: 'chat-1',
    ts: at(1),
    model: 'gpt-4o-2024-08-06',
    feature: 'chat',
    customer_id: 'acme',
    input_tokens: 1000,
    cache_read_tokens: 400,
    output_tokens: 200,
    cost_usd: 0.01,
  }),
  // gpt-4o-mini: 2,000 × 0.15 + 500 × 0.60 = 300 + 300 → $0.0006
  costEvent({
    event_id: 'chat-2',
    ts: at(2),
    model: 'gpt-4o-2024-08-06',
    feature: 'chat',
    customer_id: 'globex',
    input_tokens: 2000,
    output_tokens: 500,
    cost_usd: 0.02,
  }),
  // A failed call without usage: $0 recorded, $0 at any model.
  costEvent({
    event_id: 'chat-failed',
    ts: at(3),
    model: 'gpt-4o-2024-08-06',
    feature: 'chat',
    status: 'error',
    http_status: 429,
    cost_usd: 0,
  }),
  // gpt-4o-mini, cache writes as plain input: (10,000 − 2,000) × 0.15 + 2,000 × 0.075 + 800 × 0.60
  //   = 1,200 + 150 + 480 → $0.00183
  // claude-sonnet-4 at batch: ((10,000 − 2,000 − 3,000) × 3 + 3,000 × 3.75 + 2,000 × 0.30 + 800 × 15) / 2
  //   = (15,000 + 11,250 + 600 + 12,000) / 2 → $0.019425
  costEvent({
    event_id: 'summary-1',
    ts: at(4),
    provider: 'anthropic',
    operation: 'messages',
    model: 'claude-sonnet-4-20250514',
    feature: 'summarize',
    customer_id: 'acme',
    input_tokens: 10_000,
    cache_read_tokens: 2000,
    cache_write_tokens: 3000,
    output_tokens: 800,
    cost_usd: 0.05,
  }),
  // Audio in: gpt-4o-mini has no audio price, so this call is left out (with its cost).
  costEvent({
    event_id: 'voice-1',
    ts: at(5),
    model: 'gpt-4o-audio-preview',
    feature: 'chat',
    input_tokens: 600,
    input_audio_tokens: 500,
    output_tokens: 100,
    cost_usd: 0.004,
  }),
  // A private model: its cost is unknown, so there is nothing to compare.
  costEvent({
    event_id: 'private-1',
    ts: at(6),
    model: 'acme-private-ft',
    feature: 'chat',
    input_tokens: 4000,
    output_tokens: 1000,
    cost_usd: null,
    pricing_status: 'unpriced',
  }),
]

/* Three calls for the long-context tier: one of 250,000 input tokens, two of 100,000. */
const LONG = [
  costEvent({
    event_id: 'long-1',
    ts: at(7),
    feature: 'research',
    input_tokens: 250_000,
    output_tokens: 1000,
    cost_usd: 0.1,
  }),
  costEvent({
    event_id: 'long-2',
    ts: at(8),
    feature: 'research',
    input_tokens: 100_000,
    output_tokens: 1000,
    cost_usd: 0.05,
  }),
  costEvent({
    event_id: 'long-3',
    ts: at(9),
    feature: 'research',
    input_tokens: 100_000,
    output_tokens: 1000,
    cost_usd: 0.05,
  }),
]

const DAY = { from: new Date(Date.UTC(2026, 10, 20)), to: new Date(Date.UTC(2026, 10, 21)) }

const question = (target: WhatIfQuestion['target'], extra: Partial<WhatIfQuestion> = {}): WhatIfQuestion => ({
  project: 'default',
  ...DAY,
  filters: [{ dimension: 'feature', op: 'in', values: ['chat', 'summarize'] }],
  target,
  ...extra,
})

describe.each([
  ['duckdb', (folder: string) => openStore(join(folder, 'events.duckdb'))],
  ['clickhouse (chDB)', (folder: string) => openStore(`chdb://${join(folder, 'chdb')}`)],
])('what if, on %s', (_engine, open) => {
  let folder: string
  let store: Store

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-what-if-'))
    store = await open(folder)
    await store.append([...EVENTS, ...LONG])
  })
  afterAll(async () => {
    await store.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('prices the same token counts at another model, per feature and in total, as by hand', async () => {
    const answer = await whatIf(store, question({ provider: 'openai', model: 'gpt-4o-mini' }))

    expect(answer.requests).toBe(4)
    expect(answer.current_usd).toBe(0.08)
    expect(answer.target_usd).toBe(0.00267)
    expect(answer.difference_usd).toBe(-0.07733)
    expect(answer.by_feature).toEqual([
      {
        feature: 'summarize',
        models: ['claude-sonnet-4-20250514'],
        requests: 1,
        current_usd: 0.05,
        target_usd: 0.00183,
        difference_usd: -0.04817,
        difference_ratio: expect.closeTo(-0.9634, 10),
      },
      {
        feature: 'chat',
        models: ['gpt-4o-2024-08-06'],
        requests: 3,
        current_usd: 0.03,
        target_usd: 0.00084,
        difference_usd: -0.02916,
        difference_ratio: expect.closeTo(-0.972, 10),
      },
    ])
    expect(answer.target).toMatchObject({ priced_as: 'genai-prices:openai/gpt-4o-mini', tier: 'as_recorded' })
  })

  it('leaves out calls the target cannot price, and calls of unknown cost, each with its reason', async () => {
    const { unpriced } = await whatIf(store, question({ provider: 'openai', model: 'gpt-4o-mini' }))

    expect(unpriced.requests).toBe(2)
    expect(unpriced.current_usd).toBe(0.004)
    expect(unpriced.reasons).toEqual([
      {
        reason: 'their recorded cost is unknown (an unpriced model): nothing to compare with',
        requests: 1,
        current_usd: null,
      },
      {
        reason: 'they used audio input tokens, which openai/gpt-4o-mini has no price for',
        requests: 1,
        current_usd: 0.004,
      },
    ])
  })

  it('states the tokenizer caveat for the other family only, and how cache writes were priced', async () => {
    const { caveats } = await whatIf(store, question({ provider: 'openai', model: 'gpt-4o-mini' }))

    expect(caveats[0]).toMatch(/^Tokenizers differ between model families/)
    expect(caveats[0]).toContain('anthropic/claude-sonnet-4-20250514')
    expect(caveats[0]).not.toContain('gpt-4o-2024-08-06')
    expect(caveats).toContain(
      '3,000 cache writes are priced as plain input: openai/gpt-4o-mini has no price of its own for them.',
    )
  })

  it('says nothing of tokenizers when every call is of the target’s family', async () => {
    const only = [{ dimension: 'feature' as const, op: 'in' as const, values: ['chat'] }]
    const { caveats } = await whatIf(
      store,
      question({ provider: 'openai', model: 'gpt-4o-mini' }, { filters: only }),
    )

    expect(caveats.some((caveat) => caveat.startsWith('Tokenizers differ'))).toBe(false)
  })

  it('prices a tier: the same model at batch, half of its standard price', async () => {
    const only = [{ dimension: 'feature' as const, op: 'in' as const, values: ['summarize'] }]
    const answer = await whatIf(
      store,
      question(
        { provider: 'anthropic', model: 'claude-sonnet-4-20250514', tier: 'batch' },
        { filters: only },
      ),
    )

    expect(answer.target_usd).toBe(0.019425)
    expect(answer.difference_usd).toBe(-0.030575)
  })

  it('prices a cache share: that share of the input at the cached rate, at least what was recorded', async () => {
    const only = [{ dimension: 'feature' as const, op: 'in' as const, values: ['chat'] }]
    const answer = await whatIf(
      store,
      question({ provider: 'openai', model: 'gpt-4o-mini', cache_read_share: 0.5 }, { filters: only }),
    )

    // chat's calls on gpt-4o: 3,000 input, 400 of them cached, 700 output; half cached is 1,500:
    // 1,500 × 0.15 + 1,500 × 0.075 + 700 × 0.60 = 225 + 112.5 + 420 → $0.0007575
    expect(answer.target_usd).toBe(0.0007575)
  })

  it('prices each call at the long-context rate its own input reaches, not its sum’s', async () => {
    const only = [{ dimension: 'feature' as const, op: 'in' as const, values: ['research'] }]
    const answer = await whatIf(
      store,
      question({ provider: 'google', model: 'gemini-2.5-pro' }, { filters: only }),
    )

    // 250,000 × 2.50 + 1,000 × 15 = $0.64; two of 100,000 × 1.25 + 1,000 × 10 = 2 × $0.135
    expect(answer.target_usd).toBe(0.91)
    expect(answer.current_usd).toBe(0.2)
    expect(answer.caveats).toContain(
      "1 call passed 200,000 input tokens: priced at google/gemini-2.5-pro's long-context rate.",
    )
  })

  it('refuses a model the catalog does not know, naming it', async () => {
    await expect(whatIf(store, question({ provider: 'openai', model: 'gpt-9-turbo' }))).rejects.toThrow(
      /openai\/gpt-9-turbo is not in the price catalog/,
    )
  })
})

describe('POST /api/what-if on a running server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>

  beforeAll(async () => {
    server = await startTestServer(FIXED_DATES)
    const response = await fetch(server.url('/v1/events'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(EVENTS),
    })
    expect(response.status).toBe(200)
  })
  afterAll(() => server.stop())

  const post = async (body: unknown) => {
    const response = await fetch(server.url('/api/what-if'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return {
      status: response.status,
      body: (await response.json()) as WhatIfAnswer & { error?: { code: string; message: string } },
    }
  }

  it('answers the figures for the filters and range of the query model', async () => {
    const answer = await post({
      from: '2026-11-20T00:00:00Z',
      to: '2026-11-21T00:00:00Z',
      filters: [{ dimension: 'customer_id', op: 'eq', values: ['acme'] }],
      target: { provider: 'openai', model: 'gpt-4o-mini' },
    })

    expect(answer.status).toBe(200)
    // acme: chat-1 ($0.01 → $0.00024) and summary-1 ($0.05 → $0.00183).
    expect(answer.body).toMatchObject({
      requests: 2,
      current_usd: 0.06,
      target_usd: 0.00207,
      difference_usd: -0.05793,
    })
  })

  it('refuses an unknown target model with a 400 that names it', async () => {
    const answer = await post({ target: { provider: 'anthropic', model: 'claude-9' } })

    expect(answer.status).toBe(400)
    expect(answer.body.error).toMatchObject({ code: 'unknown_model' })
    expect(answer.body.error?.message).toContain('anthropic/claude-9')
  })

  it('refuses a tier no catalog prices, and flex outside OpenAI', async () => {
    const priority = await post({ target: { provider: 'openai', model: 'gpt-4o-mini', tier: 'priority' } })
    const flex = await post({ target: { provider: 'anthropic', model: 'claude-haiku-4-5', tier: 'flex' } })

    expect(priority.status).toBe(400)
    expect(priority.body.error?.message).toContain('the catalog has no priority prices')
    expect(flex.status).toBe(400)
    expect(flex.body.error?.message).toBe('flex is an OpenAI tier; anthropic has no flex price')
  })
})
