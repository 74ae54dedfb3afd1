import OpenAI, { AzureOpenAI } from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { CostEvent } from '../src/index.js'
import { drain, responseObject } from './cost-vectors.js'
import { onlyEvent, recordingTracker } from './harness.js'
import { type ScriptedProvider, startScriptedProvider } from './scripted-provider.js'

/*
 * The OpenAI-compatible providers that offer the Responses API, each counted by its own rules there
 * as on Chat Completions: through the official `openai` client, its baseURL at a local fake
 * answering in the provider's Responses shape (field names from each provider's API reference; ids
 * and texts made up). The fake listens on 127.0.0.1, so each client is named with wrap's `provider`
 * option, except Azure, which the AzureOpenAI class tells.
 *
 * Catalog prices used below (per million tokens), from @pydantic/genai-prices 0.1.8:
 *   x-ai        grok-4 (grok-4-0709)          $3 input, $0.75 cached, $15 output
 *   openrouter  openai/gpt-4o-mini            $0.15 input, $0.075 cached, $0.60 output
 *   azure       gpt-4o (gpt-4o-2024-11-20)    $2.50 input, $1.25 cached, $10 output
 *   groq        llama-3.3-70b-versatile       $0.59 input, $0.79 output
 *   mistral     mistral-large-latest          $2 input, $6 output
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

type Json = Record<string, unknown>

/** The same response streamed: created (no usage yet), then completed with the usage. */
function streamed(response: Json) {
  return {
    events: [
      {
        event: 'response.created',
        data: {
          type: 'response.created',
          sequence_number: 0,
          response: { ...response, status: 'in_progress', output: [], usage: null },
        },
      },
      {
        event: 'response.completed',
        data: { type: 'response.completed', sequence_number: 1, response },
      },
    ],
  }
}

/** Calls `responses.create` once without and once with streaming on a wrapped client. */
async function callBoth(provider: string, model: string): Promise<CostEvent[]> {
  const { tracker, events } = recordingTracker()
  const client = tracker.wrap(openaiAt(), {}, { provider })
  await client.responses.create({ model, input: 'How long do refunds take?' })
  await drain(await client.responses.create({ model, input: 'How long do refunds take?', stream: true }))
  await tracker.flush()
  expect(events).toHaveLength(2)
  return events
}

describe('xAI Responses', () => {
  /*
   * grok-4: input 1,000 of which 600 cached; output 200 and reasoning 800 beside it
   * (total_tokens 2,000 = 1,000 + 200 + 800), so output = 200 + 800 = 1,000:
   *   400 × 3/1M + 600 × 0.75/1M + 1,000 × 15/1M = 0.0012 + 0.00045 + 0.015 = $0.01665
   * (OpenAI's rules, output_tokens alone: 0.0012 + 0.00045 + 200 × 15/1M = $0.00465.)
   */
  const usage = {
    input_tokens: 1000,
    input_tokens_details: { cached_tokens: 600 },
    output_tokens: 200,
    output_tokens_details: { reasoning_tokens: 800 },
    total_tokens: 2000,
    num_sources_used: 0,
    num_server_side_tools_used: 0,
    cost_in_usd_ticks: 166_500_000,
  }

  it('bills the reasoning tokens it reports outside output_tokens as output, streamed or not', async () => {
    const response = responseObject('grok-4-0709', usage)
    fake.reply({ json: response }, streamed(response))
    for (const event of await callBoth('x-ai', 'grok-4')) {
      expect(event).toMatchObject({
        provider: 'x-ai',
        operation: 'responses',
        input_tokens: 1000,
        cache_read_tokens: 600,
        output_tokens: 1000,
        reasoning_tokens: 800,
        pricing_status: 'priced',
      })
      expect(event.cost_usd).toBeCloseTo(0.01665, 12)
    }
  })

  /* total = input + output (1,000 + 1,000): the reasoning is inside output already, 600 + 400 = 1,000:
   *   400 × 3/1M + 600 × 0.75/1M + 1,000 × 15/1M = $0.01665, not 1,800 output tokens ($0.02865) */
  it('does not add reasoning a total shows to be inside output_tokens', async () => {
    fake.reply({
      json: responseObject('grok-4-0709', {
        ...usage,
        output_tokens: 1000,
        output_tokens_details: { reasoning_tokens: 800 },
        total_tokens: 2000,
      }),
    })
    const { tracker, events } = recordingTracker()
    await tracker
      .wrap(openaiAt(), {}, { provider: 'x-ai' })
      .responses.create({ model: 'grok-4', input: 'Hi' })
    await tracker.flush()
    expect(onlyEvent(events).output_tokens).toBe(1000)
    expect(onlyEvent(events).cost_usd).toBeCloseTo(0.01665, 12)
  })
})

describe('OpenRouter Responses', () => {
  /*
   * The cost OpenRouter charged (usage.cost) is the event's cost; the catalog's OpenRouter price of
   * the same usage is kept beside it (uncached 1,200 − 1,024 = 176):
   *   176 × 0.15/1M + 1,024 × 0.075/1M + 300 × 0.60/1M = 0.0000264 + 0.0000768 + 0.00018 = $0.0002832
   */
  it('keeps the cost OpenRouter charged as the event’s cost, and the catalog’s beside it', async () => {
    const response = responseObject('openai/gpt-4o-mini', {
      input_tokens: 1200,
      input_tokens_details: { cached_tokens: 1024 },
      output_tokens: 300,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 1500,
      cost: 0.0002935,
      is_byok: false,
      cost_details: { upstream_inference_cost: null },
    })
    fake.reply({ json: response }, streamed(response))
    for (const event of await callBoth('openrouter', 'openai/gpt-4o-mini')) {
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
})

describe('Azure OpenAI Responses', () => {
  /*
   * gpt-4o-2024-11-20 behind the deployment "support-prod": input 1,000 of which 512 cached,
   * output 100:  488 × 2.50/1M + 512 × 1.25/1M + 100 × 10/1M = 0.00122 + 0.00064 + 0.001 = $0.00286
   */
  it('counts OpenAI’s shape under azure, priced by the response’s model', async () => {
    fake.reply({
      json: responseObject('gpt-4o-2024-11-20', {
        input_tokens: 1000,
        input_tokens_details: { cached_tokens: 512 },
        output_tokens: 100,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 1100,
      }),
    })
    const { tracker, events } = recordingTracker()
    const azure = tracker.wrap(
      new AzureOpenAI({
        endpoint: fake.url,
        apiKey: 'fake-azure-key',
        apiVersion: '2025-04-01-preview',
        maxRetries: 0,
      }),
    )
    await azure.responses.create({ model: 'support-prod', input: 'How long do refunds take?' })
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      provider: 'azure',
      model: 'gpt-4o-2024-11-20',
      requested_model: 'support-prod',
      cache_read_tokens: 512,
      price_source: 'genai-prices:azure/gpt-4o',
    })
    expect(onlyEvent(events).cost_usd).toBeCloseTo(0.00286, 12)
  })
})

describe('Groq Responses', () => {
  /* llama-3.3-70b-versatile: 1,000 × 0.59/1M + 500 × 0.79/1M = 0.00059 + 0.000395 = $0.000985 */
  it('reads the usage of response.completed, not x_groq', async () => {
    const response = responseObject('llama-3.3-70b-versatile', {
      input_tokens: 1000,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 500,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 1500,
    })
    fake.reply({ json: response }, streamed(response))
    for (const event of await callBoth('groq', 'llama-3.3-70b-versatile')) {
      expect(event).toMatchObject({ provider: 'groq', input_tokens: 1000, output_tokens: 500 })
      expect(event.cost_usd).toBeCloseTo(0.000985, 12)
    }
  })
})

describe('Mistral Responses', () => {
  /* mistral-large-latest: 2,000 × 2/1M + 500 × 6/1M = 0.004 + 0.003 = $0.007 */
  it('counts OpenAI’s Responses shape, streamed or not', async () => {
    const response = responseObject('mistral-large-latest', {
      input_tokens: 2000,
      output_tokens: 500,
      total_tokens: 2500,
    })
    fake.reply({ json: response }, streamed(response))
    for (const event of await callBoth('mistral', 'mistral-large-latest')) {
      expect(event).toMatchObject({ provider: 'mistral', price_source: 'genai-prices:mistral/mistral-large' })
      expect(event.cost_usd).toBeCloseTo(0.007, 12)
    }
  })
})

describe('Perplexity Responses (Agent API)', () => {
  /*
   * What Perplexity charged is the event's cost: its parts add up to the total,
   *   input 0.00075 + cache read 0.0000625 + output 0.0075 + tool calls 0.005 = $0.0133125
   * (a price from the catalog for the tokens alone would miss the searches' $0.005).
   */
  it('keeps the cost Perplexity charged, searches included, and reads its cache counts', async () => {
    const response = responseObject('perplexity/sonar', {
      input_tokens: 1500,
      input_tokens_details: { cache_read_input_tokens: 500, cache_creation_input_tokens: 0 },
      output_tokens: 600,
      total_tokens: 2100,
      tool_calls_details: { search_web: { invocation: 2 } },
      cost: {
        currency: 'USD',
        input_cost: 0.00075,
        cache_read_cost: 0.0000625,
        cache_creation_cost: 0,
        output_cost: 0.0075,
        tool_calls_cost: 0.005,
        total_cost: 0.0133125,
      },
    })
    fake.reply({ json: response }, streamed(response))
    for (const event of await callBoth('perplexity', 'perplexity/sonar')) {
      expect(event).toMatchObject({
        provider: 'perplexity',
        input_tokens: 1500,
        cache_read_tokens: 500,
        cache_write_tokens: 0,
        output_tokens: 600,
        pricing_status: 'client',
        price_source: 'charged:perplexity',
      })
      expect(event.cost_usd).toBeCloseTo(0.0133125, 12)
    }
  })
})

describe('local servers’ Responses', () => {
  it('records an Ollama response with its tokens as a known $0, not unpriced', async () => {
    fake.reply({
      json: responseObject('llama3.2', { input_tokens: 26, output_tokens: 298, total_tokens: 324 }),
    })
    const { tracker, events } = recordingTracker()
    await tracker
      .wrap(openaiAt(), {}, { provider: 'ollama' })
      .responses.create({ model: 'llama3.2', input: 'Hi' })
    await tracker.flush()
    expect(onlyEvent(events)).toMatchObject({
      provider: 'ollama',
      input_tokens: 26,
      output_tokens: 298,
      cost_usd: 0,
      price_source: 'free:ollama',
    })
  })
})
