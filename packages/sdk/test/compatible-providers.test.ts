import OpenAI, { AzureOpenAI } from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  AZURE_FILTER_CHUNK,
  AZURE_PROMPT_FILTER,
  AZURE_USAGE,
  CEREBRAS_TIME_INFO,
  CEREBRAS_USAGE,
  chunk,
  completion,
  DEEPSEEK_USAGE,
  deepseekReasonerCost,
  FIREWORKS_USAGE,
  GROQ_USAGE,
  MISTRAL_USAGE,
  OLLAMA_USAGE,
  OPENROUTER_BYOK_USAGE,
  OPENROUTER_USAGE,
  PERPLEXITY_DEEP_RESEARCH_USAGE,
  PERPLEXITY_USAGE,
  stream,
  TOGETHER_USAGE,
  usageChunk,
  XAI_USAGE,
} from './compatible-fixtures.js'
import { collect, onlyEvent, recordingTracker } from './harness.js'
import { type ScriptedProvider, startScriptedProvider } from './scripted-provider.js'

/*
 * Every OpenAI-compatible provider through the official `openai` client, its baseURL at a local
 * fake answering in the provider's own shape. The fake listens on 127.0.0.1, so each client is
 * named with wrap's `provider` option (detection from the real hosts: compatible-providers.test.ts),
 * except Azure, which the AzureOpenAI class tells.
 *
 * Catalog prices used below (per million tokens), from calcPrice of @pydantic/genai-prices 0.1.8:
 *   x-ai        grok-4 (grok-4-0709)                      $3 input, $0.75 cached, $15 output
 *   deepseek    deepseek-reasoner   00:30–16:30 UTC       $0.55 input, $0.14 cache hit, $2.19 output
 *                                   off-peak (the rest)   $0.135 input, $0.035 cache hit, $0.55 output
 *   groq        llama-3.3-70b-versatile                   $0.59 input, $0.79 output
 *   mistral     mistral-large-latest (mistral-large)      $2 input, $6 output
 *   together    meta-llama/Llama-3.3-70B-Instruct-Turbo   $0.88 input, $0.88 output
 *   fireworks   accounts/fireworks/models/deepseek-v3p2   $0.56 input, $0.28 cached, $1.68 output
 *   openrouter  openai/gpt-4o-mini                        $0.15 input, $0.075 cached, $0.60 output
 *   azure       gpt-4o (gpt-4o-2024-11-20)                $2.50 input, $1.25 cached, $10 output
 *   perplexity  sonar                                     $1 input, $1 output, $12 per 1,000 requests
 *   cerebras    gpt-oss-120b                              $0.35 input, $0.75 output
 */

let fake: ScriptedProvider

beforeAll(async () => {
  fake = await startScriptedProvider()
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

function openaiAt(): OpenAI {
  return new OpenAI({ apiKey: 'sk-test-fake', baseURL: `${fake.url}/v1`, maxRetries: 0 })
}

const messages = [{ role: 'user' as const, content: 'How long do refunds take?' }]

/** Calls `provider` once without and once with streaming; answers the two events. */
async function callBoth(provider: string, model: string) {
  const { tracker, events } = recordingTracker()
  const client = tracker.wrap(openaiAt(), {}, { provider })
  await client.chat.completions.create({ model, messages })
  const chunks = await collect(await client.chat.completions.create({ model, messages, stream: true }))
  await tracker.flush()
  return { events, chunks, streamRequest: fake.requests[1]?.body }
}

describe('xAI', () => {
  /*
   * grok-4: prompt 1,000 of which 600 cached; completion 200 and reasoning 800 beside it
   * (total_tokens 2,000 = 1,000 + 200 + 800), so output = 200 + 800 = 1,000:
   *   400 × 3/1M + 600 × 0.75/1M + 1,000 × 15/1M = 0.0012 + 0.00045 + 0.015 = $0.01665
   * (Taking completion_tokens alone as output would give 0.0012 + 0.00045 + 0.003 = $0.00465.)
   */
  const GROK_4_COST = 0.01665

  it('bills the reasoning tokens it reports outside completion_tokens as output, streamed or not', async () => {
    fake.reply(
      completion('grok-4-0709', XAI_USAGE),
      // xAI sends the running usage on every chunk.
      stream(
        chunk('grok-4-0709', 'Refunds', {
          usage: { ...XAI_USAGE, completion_tokens: 1, total_tokens: 1801 },
        }),
        chunk('grok-4-0709', ' take 5 days.', { usage: XAI_USAGE }, true),
      ),
    )
    const { events, chunks, streamRequest } = await callBoth('xai', 'grok-4')

    expect(streamRequest?.stream_options).toStrictEqual({ include_usage: true })
    expect(chunks).toHaveLength(2)
    for (const event of events) {
      expect(event).toMatchObject({
        provider: 'x-ai',
        model: 'grok-4-0709',
        input_tokens: 1000,
        cache_read_tokens: 600,
        output_tokens: 1000,
        reasoning_tokens: 800,
        pricing_status: 'priced',
        price_source: 'genai-prices:x-ai/grok-4-0709',
      })
      expect(event.cost_usd).toBeCloseTo(GROK_4_COST, 12)
    }
  })
})

describe('DeepSeek', () => {
  // deepseekReasonerCost (compatible-fixtures.ts) works the price out by hand, peak and off-peak.
  it('prices prompt_cache_hit_tokens at the cache-hit rate and hides the usage chunk it asked for', async () => {
    const model = 'deepseek-reasoner'
    fake.reply(
      completion(model, DEEPSEEK_USAGE),
      stream(
        chunk(model, 'Refunds', { usage: null }),
        chunk(model, ' take 5 days.', { usage: null }, true),
        usageChunk(model, DEEPSEEK_USAGE),
      ),
    )
    const { events, chunks, streamRequest } = await callBoth('deepseek', model)

    expect(streamRequest?.stream_options).toStrictEqual({ include_usage: true })
    // The caller sees the stream it asked for: no usage chunk, no `usage: null`.
    expect(chunks).toHaveLength(2)
    expect(chunks.every((part) => !('usage' in part))).toBe(true)
    for (const event of events) {
      expect(event).toMatchObject({
        provider: 'deepseek',
        input_tokens: 2000,
        cache_read_tokens: 1500,
        output_tokens: 300,
        reasoning_tokens: 200,
        pricing_status: 'priced',
      })
      expect(event.cost_usd).toBeCloseTo(deepseekReasonerCost(event.ts), 12)
    }
  })
})

describe('Groq', () => {
  /*
   * llama-3.3-70b-versatile: prompt 1,500, completion 250 (queue_time and the other timings are
   * seconds, not money):
   *   1,500 × 0.59/1M + 250 × 0.79/1M = 0.000885 + 0.0001975 = $0.0010825
   */
  const GROQ_COST = 0.0010825

  it('reads a stream’s usage from x_groq.usage without sending stream_options', async () => {
    const model = 'llama-3.3-70b-versatile'
    fake.reply(
      completion(model, GROQ_USAGE, { usage_breakdown: null, x_groq: { id: 'req_01groq' } }),
      stream(
        chunk(model, 'Refunds', { x_groq: { id: 'req_01groq' } }),
        chunk(model, null, { x_groq: { id: 'req_01groq', usage: GROQ_USAGE } }, true),
      ),
    )
    const { events, chunks, streamRequest } = await callBoth('groq', model)

    expect(streamRequest).not.toHaveProperty('stream_options')
    expect(chunks).toHaveLength(2)
    for (const event of events) {
      expect(event).toMatchObject({
        provider: 'groq',
        input_tokens: 1500,
        output_tokens: 250,
        pricing_status: 'priced',
      })
      expect(event.cost_usd).toBeCloseTo(GROQ_COST, 12)
    }
  })
})

describe('Mistral', () => {
  /* mistral-large-latest: 800 × 2/1M + 150 × 6/1M = 0.0016 + 0.0009 = $0.0025 */
  const MISTRAL_COST = 0.0025

  it('never sends stream_options (Mistral answers 422) and reads the usage of the last chunk', async () => {
    const model = 'mistral-large-latest'
    fake.reply(
      completion(model, MISTRAL_USAGE),
      stream(chunk(model, 'Refunds take 5 days.'), chunk(model, '', { usage: MISTRAL_USAGE }, true)),
    )
    const { events, streamRequest } = await callBoth('mistral', model)

    expect(streamRequest).not.toHaveProperty('stream_options')
    for (const event of events) {
      expect(event).toMatchObject({ provider: 'mistral', model, input_tokens: 800, output_tokens: 150 })
      expect(event.price_source).toBe('genai-prices:mistral/mistral-large')
      expect(event.cost_usd).toBeCloseTo(MISTRAL_COST, 12)
    }
  })
})

describe('Together', () => {
  /* meta-llama/Llama-3.3-70B-Instruct-Turbo: (1,000 + 500) × 0.88/1M = $0.00132 */
  const TOGETHER_COST = 0.00132

  it('prices the repository-named model from the last chunk’s usage', async () => {
    const model = 'meta-llama/Llama-3.3-70B-Instruct-Turbo'
    fake.reply(
      completion(model, TOGETHER_USAGE, { prompt: [] }),
      stream(chunk(model, 'Refunds take 5 days.'), chunk(model, '', { usage: TOGETHER_USAGE }, true)),
    )
    const { events, streamRequest } = await callBoth('together', model)

    expect(streamRequest).not.toHaveProperty('stream_options')
    for (const event of events) {
      expect(event).toMatchObject({ provider: 'together', input_tokens: 1000, output_tokens: 500 })
      expect(event.cost_usd).toBeCloseTo(TOGETHER_COST, 12)
    }
  })
})

describe('Fireworks', () => {
  /*
   * accounts/fireworks/models/deepseek-v3p2: prompt 3,000 of which 2,000 cached, completion 400:
   *   1,000 × 0.56/1M + 2,000 × 0.28/1M + 400 × 1.68/1M = 0.00056 + 0.00056 + 0.000672 = $0.001792
   */
  const FIREWORKS_COST = 0.001792

  it('prices accounts/fireworks/models/… ids, cache hits at the cached rate', async () => {
    const model = 'accounts/fireworks/models/deepseek-v3p2'
    fake.reply(
      completion(model, FIREWORKS_USAGE),
      stream(chunk(model, 'Refunds take 5 days.'), chunk(model, null, { usage: FIREWORKS_USAGE }, true)),
    )
    const { events } = await callBoth('fireworks', model)

    for (const event of events) {
      expect(event).toMatchObject({ provider: 'fireworks', input_tokens: 3000, cache_read_tokens: 2000 })
      expect(event.cost_usd).toBeCloseTo(FIREWORKS_COST, 12)
    }
  })

  it('leaves a model the catalog lacks visibly unpriced', async () => {
    const model = 'accounts/fireworks/models/my-fine-tune'
    fake.reply(completion(model, FIREWORKS_USAGE))
    const { tracker, events } = recordingTracker()
    await tracker.wrap(openaiAt(), {}, { provider: 'fireworks' }).chat.completions.create({ model, messages })
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      cost_usd: null,
      pricing_status: 'unpriced',
      input_tokens: 3000,
    })
  })
})

describe('OpenRouter', () => {
  /*
   * The cost OpenRouter charged is the event's cost; the catalog's OpenRouter price of the same
   * usage is kept beside it (uncached 1,200 − 1,024 = 176):
   *   176 × 0.15/1M + 1,024 × 0.075/1M + 300 × 0.60/1M = 0.0000264 + 0.0000768 + 0.00018 = $0.0002832
   */
  it('keeps the cost OpenRouter charged as the event’s cost, and the catalog’s beside it, streamed or not', async () => {
    const model = 'openai/gpt-4o-mini'
    fake.reply(
      completion(model, OPENROUTER_USAGE, { provider: 'OpenAI' }),
      stream(
        chunk(model, 'Refunds take 5 days.', {}, true),
        usageChunk(model, OPENROUTER_USAGE, { provider: 'OpenAI' }),
      ),
    )
    const { events, chunks, streamRequest } = await callBoth('openrouter', model)

    expect(streamRequest).not.toHaveProperty('stream_options')
    // Nothing was asked for, so nothing is hidden: the caller sees OpenRouter's usage chunk too.
    expect(chunks).toHaveLength(2)
    for (const event of events) {
      expect(event).toMatchObject({
        provider: 'openrouter',
        input_tokens: 1200,
        cache_read_tokens: 1024,
        output_tokens: 300,
        cost_usd: 0.0002935,
        pricing_status: 'client',
        price_source: 'charged:openrouter',
      })
      expect(event.computed_cost_usd).toBeCloseTo(0.0002832, 12)
    }
  })

  /* BYOK: OpenRouter's fee 0.00001416 + OpenAI's bill on the caller's key 0.0002832 = $0.00029736 */
  it('adds the upstream cost of a BYOK call to OpenRouter’s fee', async () => {
    fake.reply(completion('openai/gpt-4o-mini', OPENROUTER_BYOK_USAGE))
    const { tracker, events } = recordingTracker()
    await tracker
      .wrap(openaiAt(), {}, { provider: 'openrouter' })
      .chat.completions.create({ model: 'openai/gpt-4o-mini', messages })
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event.cost_usd).toBeCloseTo(0.00029736, 12)
    // The catalog's price of the same usage (as above): $0.0002832, OpenAI's part alone.
    expect(event.computed_cost_usd).toBeCloseTo(0.0002832, 12)
  })

  /*
   * Without `cost` (an older answer), the catalog's OpenRouter price of the same usage:
   *   176 × 0.15/1M + 1,024 × 0.075/1M + 300 × 0.60/1M = 0.0000264 + 0.0000768 + 0.00018 = $0.0002832
   */
  it('prices the vendor/model id from the catalog when no cost came back', async () => {
    const { cost: _cost, ...withoutCost } = OPENROUTER_USAGE
    fake.reply(completion('openai/gpt-4o-mini', withoutCost))
    const { tracker, events } = recordingTracker()
    await tracker
      .wrap(openaiAt(), {}, { provider: 'openrouter' })
      .chat.completions.create({ model: 'openai/gpt-4o-mini', messages })
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      pricing_status: 'priced',
      price_source: 'genai-prices:openrouter/openai/gpt-4o-mini',
    })
    expect(event.cost_usd).toBeCloseTo(0.0002832, 12)
    // cost_usd is the catalog's already: nothing is kept beside it.
    expect(event.computed_cost_usd).toBeNull()
  })
})

describe('Azure OpenAI', () => {
  /*
   * gpt-4o-2024-11-20 behind the deployment "support-prod": prompt 1,000, completion 100:
   *   1,000 × 2.50/1M + 100 × 10/1M = 0.0025 + 0.001 = $0.0035
   */
  const AZURE_COST = 0.0035

  it('is told by the AzureOpenAI client and prices the response’s model, not the deployment', async () => {
    const model = 'gpt-4o-2024-11-20'
    fake.reply(
      completion(model, AZURE_USAGE, AZURE_PROMPT_FILTER),
      stream(
        AZURE_FILTER_CHUNK,
        chunk(model, 'Refunds take 5 days.', { usage: null }, true),
        usageChunk(model, AZURE_USAGE),
      ),
    )
    const { tracker, events } = recordingTracker()
    const azure = tracker.wrap(
      new AzureOpenAI({
        endpoint: fake.url,
        apiKey: 'fake-azure-key',
        apiVersion: '2024-10-21',
        deployment: 'support-prod',
        maxRetries: 0,
      }),
    )
    await azure.chat.completions.create({ model: 'support-prod', messages })
    const chunks = await collect(
      await azure.chat.completions.create({ model: 'support-prod', messages, stream: true }),
    )
    await tracker.flush()

    expect(fake.requests[0]?.path).toBe('/openai/deployments/support-prod/chat/completions')
    expect(fake.requests[1]?.body.stream_options).toStrictEqual({ include_usage: true })
    expect(chunks).toHaveLength(2)
    expect(events).toHaveLength(2)
    for (const event of events) {
      expect(event).toMatchObject({
        provider: 'azure',
        model,
        requested_model: 'support-prod',
        pricing_status: 'priced',
      })
      expect(event.price_source).toBe('genai-prices:azure/gpt-4o')
      expect(event.cost_usd).toBeCloseTo(AZURE_COST, 12)
    }
  })
  /*
   * The catalog's Azure prices are Global Standard's. Microsoft lists Data Zone and Regional
   * (Standard) deployments per model, about 10% above Global: the supplement's multiplier 1.1,
   * marked `estimated` (azure.microsoft.com/…/openai-service, checked 2026-12-08):
   *   0.0035 × 1.1 = $0.00385
   */
  const AZURE_DATA_ZONE_COST = 0.00385

  it.each([
    ['data-zone', 'azure-data-zone10%'],
    ['regional', 'azure-regional10%'],
  ])(
    'prices a %s deployment named in wrap() at the supplement’s multiplier, as an estimate',
    async (deployment, label) => {
      const model = 'gpt-4o-2024-11-20'
      fake.reply(completion(model, AZURE_USAGE, AZURE_PROMPT_FILTER), completion(model, AZURE_USAGE))
      const { tracker, events } = recordingTracker()
      // The AzureOpenAI class, and the plain client at Azure's v1 API (a local fake: named `azure`).
      await tracker
        .wrap(
          new AzureOpenAI({
            endpoint: fake.url,
            apiKey: 'fake-azure-key',
            apiVersion: '2024-10-21',
            deployment: 'support-eu',
            maxRetries: 0,
          }),
          {},
          { deployment },
        )
        .chat.completions.create({ model: 'support-eu', messages })
      await tracker
        .wrap(
          new OpenAI({ apiKey: 'fake-azure-key', baseURL: `${fake.url}/openai/v1`, maxRetries: 0 }),
          {},
          { provider: 'azure', deployment },
        )
        .chat.completions.create({ model: 'support-eu', messages })
      await tracker.flush()

      expect(events).toHaveLength(2)
      for (const event of events) {
        expect(event).toMatchObject({
          provider: 'azure',
          model,
          pricing_status: 'estimated',
          price_source: `genai-prices:azure/gpt-4o+${label}`,
        })
        expect(event.cost_usd).not.toBeCloseTo(AZURE_COST, 9)
        expect(event.cost_usd).toBeCloseTo(AZURE_DATA_ZONE_COST, 12)
      }
    },
  )

  it('refuses a deployment type the provider does not price, naming the ones it does', () => {
    const { tracker } = recordingTracker()
    const client = () => new OpenAI({ apiKey: 'fake', baseURL: `${fake.url}/openai/v1`, maxRetries: 0 })
    expect(() => tracker.wrap(client(), {}, { provider: 'azure', deployment: 'datazone' })).toThrow(
      'spendlens: wrap(): deployment "datazone" is not one of azure\'s: global, data-zone, regional',
    )
    expect(() => tracker.wrap(client(), {}, { provider: 'groq', deployment: 'regional' })).toThrow(
      'prices no deployment types (azure and vertex do)',
    )
    // Global is the catalog's own price: accepted, nothing added.
    expect(() => tracker.wrap(client(), {}, { provider: 'azure', deployment: 'global' })).not.toThrow()
  })
})

describe('Perplexity', () => {
  /*
   * Perplexity's charged cost (its low search-context fee) is the event's; beside it the catalog's
   * sonar price of the same usage, tokens and one request fee at $12 per 1,000:
   *   (50 + 400) × 1/1M + 1 × 12/1,000 = 0.00045 + 0.012 = $0.01245
   */
  it('keeps the cost Perplexity charged, request fee by search context included, and the catalog’s beside it', async () => {
    fake.reply(completion('sonar', PERPLEXITY_USAGE, { citations: ['https://example.com/refunds'] }))
    const { tracker, events } = recordingTracker()
    await tracker
      .wrap(openaiAt(), {}, { provider: 'perplexity' })
      .chat.completions.create({ model: 'sonar', messages })
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      provider: 'perplexity',
      input_tokens: 50,
      output_tokens: 400,
      cost_usd: 0.00545,
      pricing_status: 'client',
      price_source: 'charged:perplexity',
    })
    expect(onlyEvent(events).computed_cost_usd).toBeCloseTo(0.01245, 12)
  })

  /*
   * Without `cost`, the catalog's sonar price: tokens and its one request fee ($12 per 1,000):
   *   (50 + 400) × 1/1M + 1 × 12/1,000 = 0.00045 + 0.012 = $0.01245
   */
  it('prices tokens and the request fee from the catalog when no cost came back', async () => {
    const { cost: _cost, ...withoutCost } = PERPLEXITY_USAGE
    fake.reply(
      stream(chunk('sonar', 'Refunds take 5 days.'), chunk('sonar', '', { usage: withoutCost }, true)),
    )
    const { tracker, events } = recordingTracker()
    await collect(
      await tracker
        .wrap(openaiAt(), {}, { provider: 'perplexity' })
        .chat.completions.create({ model: 'sonar', messages, stream: true }),
    )
    await tracker.flush()

    expect(fake.requests[0]?.body).not.toHaveProperty('stream_options')
    const event = onlyEvent(events)
    expect(event.pricing_status).toBe('priced')
    expect(event.cost_usd).toBeCloseTo(0.01245, 12)
  })

  it('counts deep research searches and leaves citation and reasoning tokens out of output', async () => {
    fake.reply(completion('sonar-deep-research', PERPLEXITY_DEEP_RESEARCH_USAGE))
    const { tracker, events } = recordingTracker()
    await tracker
      .wrap(openaiAt(), {}, { provider: 'perplexity' })
      .chat.completions.create({ model: 'sonar-deep-research', messages })
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      input_tokens: 20,
      output_tokens: 3000,
      reasoning_tokens: null,
      web_search_requests: 18,
    })
  })
})

describe('Cerebras', () => {
  /* gpt-oss-120b: 2,000 × 0.35/1M + 800 × 0.75/1M (reasoning 300 inside) = 0.0007 + 0.0006 = $0.0013 */
  const CEREBRAS_COST = 0.0013

  it('prices the usage with reasoning inside completion_tokens, time_info ignored', async () => {
    const model = 'gpt-oss-120b'
    fake.reply(
      completion(model, CEREBRAS_USAGE, { time_info: CEREBRAS_TIME_INFO }),
      stream(
        chunk(model, 'Refunds take 5 days.'),
        chunk(model, null, { usage: CEREBRAS_USAGE, time_info: CEREBRAS_TIME_INFO }, true),
      ),
    )
    const { events, streamRequest } = await callBoth('cerebras', model)

    expect(streamRequest).not.toHaveProperty('stream_options')
    for (const event of events) {
      expect(event).toMatchObject({ provider: 'cerebras', output_tokens: 800, reasoning_tokens: 300 })
      expect(event.cost_usd).toBeCloseTo(CEREBRAS_COST, 12)
    }
  })
})

describe('local servers', () => {
  it('records an Ollama call with its tokens as a known $0, not unpriced', async () => {
    fake.reply(completion('llama3.2', OLLAMA_USAGE, { system_fingerprint: 'fp_ollama' }))
    const { tracker, events } = recordingTracker()
    await tracker
      .wrap(openaiAt(), {}, { provider: 'ollama' })
      .chat.completions.create({ model: 'llama3.2', messages })
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      provider: 'ollama',
      input_tokens: 26,
      output_tokens: 298,
      cost_usd: 0,
      pricing_status: 'priced',
      price_source: 'free:ollama',
    })
  })

  it('keeps a localhost URL at another port as the client’s provider (a proxy may bill)', async () => {
    fake.reply(completion('gpt-4o-mini', OLLAMA_USAGE))
    const { tracker, events } = recordingTracker()
    await tracker.wrap(openaiAt()).chat.completions.create({ model: 'gpt-4o-mini', messages })
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({ provider: 'openai', pricing_status: 'priced' })
    expect(onlyEvent(events).cost_usd).toBeGreaterThan(0)
  })
})
