import Anthropic from '@anthropic-ai/sdk'
import { GoogleGenAI } from '@google/genai'
import * as aiV5 from 'ai-v5'
import { createAnthropic as createAnthropicV5 } from 'ai-v5-anthropic'
import { createGoogleGenerativeAI as createGoogleV5 } from 'ai-v5-google'
import { createOpenAI as createOpenAIV5 } from 'ai-v5-openai'
import * as aiV6 from 'ai-v6'
import { createAnthropic as createAnthropicV6 } from 'ai-v6-anthropic'
import { createGoogleGenerativeAI as createGoogleV6 } from 'ai-v6-google'
import { createOpenAI as createOpenAIV6 } from 'ai-v6-openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type SpendlensMiddleware, spendlensMiddleware, type Tracker, withTags } from '../src/index.js'
import {
  ANTHROPIC_CACHED_REPLY,
  ANTHROPIC_CACHED_REPLY_STREAMED,
  AZURE_REPLY,
  OPENAI_RATE_LIMITED_REPLY,
  OPENAI_RESPONSES_REPLY,
  OPENAI_TOOL_RUN,
  OPENAI_TOOL_RUN_STREAMED,
  OPENAI_UNKNOWN_MODEL_REPLY,
} from './ai-sdk-fixtures.js'
import { BILLED_UNIT_VECTORS } from './billed-unit-vectors.js'
import { type FakeGemini, startFakeGemini } from './fake-gemini.js'
import { collect, onlyEvent, recordingTracker, rejection } from './harness.js'
import { type ScriptedProvider, type ScriptedReply, startScriptedProvider } from './scripted-provider.js'

/*
 * Catalog prices used below (per million tokens), from calcPrice of @pydantic/genai-prices 0.1.8:
 *   openai    gpt-4o-mini        $0.15 input, $0.075 cached input, $0.60 output
 *   openai    gpt-4.1-mini       $0.40 input, $0.10 cached input,  $1.60 output
 *   anthropic claude-sonnet-4    $3 input, $0.30 cache read, $3.75 5-minute cache write,
 *                                $6 1-hour cache write, $15 output
 *   google    gemini-2.5-flash   $0.30 input, $0.03 cached input, $2.50 output
 */

/*
 * Step 1 of the tool run (gpt-4o-mini calls getWeather): prompt 1,200 of which 1,024 cached, completion 20.
 *   176 × 0.15/1M + 1,024 × 0.075/1M + 20 × 0.60/1M = 0.0000264 + 0.0000768 + 0.000012 = $0.0001152
 * Step 2 (the answer): prompt 1,260 of which 1,024 cached, completion 40.
 *   236 × 0.15/1M + 1,024 × 0.075/1M + 40 × 0.60/1M = 0.0000354 + 0.0000768 + 0.000024 = $0.0001362
 */
const STEP_1_COST = 0.0001152
const STEP_2_COST = 0.0001362

/*
 * gpt-4.1-mini on the Responses API: input 2,048 of which 1,536 cached, output 512.
 *   512 × 0.40/1M + 1,536 × 0.10/1M + 512 × 1.60/1M = 0.0002048 + 0.0001536 + 0.0008192 = $0.0011776
 */
const RESPONSES_COST = 0.0011776

/*
 * claude-sonnet-4 with caching: 50 uncached input, 10,000 cache reads, 3,000 cache writes of which
 * 1,000 with the 1-hour TTL, 400 output. Anthropic's input_tokens (50) leaves the cache out.
 *   50 × 3/1M + 10,000 × 0.30/1M + 2,000 × 3.75/1M + 1,000 × 6/1M + 400 × 15/1M
 *   = 0.00015 + 0.003 + 0.0075 + 0.006 + 0.006 = $0.02265
 * (Pricing the AI SDK v5 inputTokens (50) alone as input would give 0.00015 + 0.006 = $0.00615.)
 */
const SONNET_COST = 0.02265

/*
 * gemini-2.5-flash: prompt 12,000 of which 8,000 cached, candidates 350 + thoughts 1,200 = 1,550 output.
 *   4,000 × 0.30/1M + 8,000 × 0.03/1M + 1,550 × 2.50/1M = 0.0012 + 0.00024 + 0.003875 = $0.005315
 * (Candidates alone, as @ai-sdk/google v2 reports outputTokens: 0.0012 + 0.00024 + 0.000875 = $0.002315.)
 */
const GEMINI_FLASH_COST = 0.005315

/** `azure-chat`: the OpenAI provider named `azure` (its models' provider reads `azure.chat`). */
type ProviderKind = 'openai-chat' | 'azure-chat' | 'openai-responses' | 'anthropic' | 'google'

interface RunOptions {
  kind: ProviderKind
  modelId: string
  middleware?: SpendlensMiddleware
  /** Offer the getWeather tool and allow a second step to answer with its result. */
  tools?: boolean
  system?: string
}

/** What a test compares between a wrapped and an unwrapped run. */
interface RunSummary {
  text: string
  finishReason: unknown
  totalUsage: unknown
  steps: unknown[]
  /** Every part of `fullStream`, for streamed runs. */
  parts?: unknown[]
}

/** The same scenarios on `ai` v5 and v6, each with its own provider packages, typed for real. */
interface AiVersion {
  name: string
  generate(options: RunOptions): Promise<RunSummary>
  stream(options: RunOptions): Promise<RunSummary>
  /** Streams, aborting through `abortSignal` at the first text delta; returns the part types seen. */
  streamAborted(options: RunOptions): Promise<string[]>
}

async function partTypesUntilAborted(parts: AsyncIterable<{ type: string }>, controller: AbortController) {
  const types: string[] = []
  for await (const part of parts) {
    types.push(part.type)
    if (part.type === 'text-delta') controller.abort()
  }
  return types
}

let scripted: ScriptedProvider
let gemini: FakeGemini

const prompt = 'What is the weather in Paris?'
const weather = async ({ city }: { city: string }) => ({ city, temperatureC: 18, sky: 'sunny' })
const cityInput = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } as const

function stepSummary(step: {
  text: string
  finishReason: unknown
  usage: unknown
  toolCalls: unknown
  toolResults: unknown
  response: unknown
}) {
  const { text, finishReason, usage, toolCalls, toolResults, response } = step
  return { text, finishReason, usage, toolCalls, toolResults, response }
}

const v5: AiVersion = (() => {
  type Model = Parameters<typeof aiV5.wrapLanguageModel>[0]['model']
  const getWeather = aiV5.tool({
    description: 'Current weather of a city',
    inputSchema: aiV5.jsonSchema<{ city: string }>(cityInput),
    execute: weather,
  })
  function model({ kind, modelId, middleware }: RunOptions): Model {
    const apiKey = 'test-fake-key'
    const base: Model =
      kind === 'openai-chat'
        ? createOpenAIV5({ apiKey, baseURL: `${scripted.url}/v1` }).chat(modelId)
        : kind === 'azure-chat'
          ? createOpenAIV5({ apiKey, baseURL: `${scripted.url}/v1`, name: 'azure' }).chat(modelId)
          : kind === 'openai-responses'
            ? createOpenAIV5({ apiKey, baseURL: `${scripted.url}/v1` }).responses(modelId)
            : kind === 'anthropic'
              ? createAnthropicV5({ apiKey, baseURL: `${scripted.url}/v1` })(modelId)
              : createGoogleV5({ apiKey, baseURL: gemini.aiSdkBaseURL })(modelId)
    return middleware ? aiV5.wrapLanguageModel({ model: base, middleware }) : base
  }
  const settings = (options: RunOptions) => ({
    model: model(options),
    prompt,
    maxRetries: 0,
    ...(options.system ? { system: options.system } : {}),
    ...(options.tools ? { tools: { getWeather }, stopWhen: aiV5.stepCountIs(2) } : {}),
  })
  return {
    name: 'ai v5',
    async generate(options) {
      const result = await aiV5.generateText(settings(options))
      const { text, finishReason, totalUsage } = result
      return { text, finishReason, totalUsage, steps: result.steps.map(stepSummary) }
    },
    async stream(options) {
      const result = aiV5.streamText(settings(options))
      const parts = await collect(result.fullStream)
      return {
        parts,
        text: await result.text,
        finishReason: await result.finishReason,
        totalUsage: await result.totalUsage,
        steps: (await result.steps).map(stepSummary),
      }
    },
    streamAborted(options) {
      const controller = new AbortController()
      const result = aiV5.streamText({
        ...settings(options),
        abortSignal: controller.signal,
        onError: () => {},
      })
      return partTypesUntilAborted(result.fullStream, controller)
    },
  }
})()

const v6: AiVersion = (() => {
  type Model = Parameters<typeof aiV6.wrapLanguageModel>[0]['model']
  const getWeather = aiV6.tool({
    description: 'Current weather of a city',
    inputSchema: aiV6.jsonSchema<{ city: string }>(cityInput),
    execute: weather,
  })
  function model({ kind, modelId, middleware }: RunOptions): Model {
    const apiKey = 'test-fake-key'
    const base: Model =
      kind === 'openai-chat'
        ? createOpenAIV6({ apiKey, baseURL: `${scripted.url}/v1` }).chat(modelId)
        : kind === 'azure-chat'
          ? createOpenAIV6({ apiKey, baseURL: `${scripted.url}/v1`, name: 'azure' }).chat(modelId)
          : kind === 'openai-responses'
            ? createOpenAIV6({ apiKey, baseURL: `${scripted.url}/v1` }).responses(modelId)
            : kind === 'anthropic'
              ? createAnthropicV6({ apiKey, baseURL: `${scripted.url}/v1` })(modelId)
              : createGoogleV6({ apiKey, baseURL: gemini.aiSdkBaseURL })(modelId)
    return middleware ? aiV6.wrapLanguageModel({ model: base, middleware }) : base
  }
  const settings = (options: RunOptions) => ({
    model: model(options),
    prompt,
    maxRetries: 0,
    ...(options.system ? { system: options.system } : {}),
    ...(options.tools ? { tools: { getWeather }, stopWhen: aiV6.stepCountIs(2) } : {}),
  })
  return {
    name: 'ai v6',
    async generate(options) {
      const result = await aiV6.generateText(settings(options))
      const { text, finishReason, totalUsage } = result
      return { text, finishReason, totalUsage, steps: result.steps.map(stepSummary) }
    },
    async stream(options) {
      const result = aiV6.streamText(settings(options))
      const parts = await collect(result.fullStream)
      return {
        parts,
        text: await result.text,
        finishReason: await result.finishReason,
        totalUsage: await result.totalUsage,
        steps: (await result.steps).map(stepSummary),
      }
    },
    streamAborted(options) {
      const controller = new AbortController()
      const result = aiV6.streamText({
        ...settings(options),
        abortSignal: controller.signal,
        onError: () => {},
      })
      return partTypesUntilAborted(result.fullStream, controller)
    },
  }
})()

beforeAll(async () => {
  scripted = await startScriptedProvider()
  gemini = await startFakeGemini()
})
afterAll(async () => {
  await scripted.close()
  await gemini.close()
})
beforeEach(() => {
  scripted.reset()
  gemini.reset()
})

function middlewareOf(tracker: Tracker, tags?: Record<string, string>) {
  return spendlensMiddleware({ tracker, tags })
}

describe.each([v5, v6])('spendlensMiddleware with $name', (ai) => {
  describe('generateText', () => {
    it('records one priced event per step of a tool-calling run', async () => {
      const { tracker, events } = recordingTracker()
      scripted.reply(...OPENAI_TOOL_RUN)

      const result = await ai.generate({
        kind: 'openai-chat',
        modelId: 'gpt-4o-mini',
        middleware: middlewareOf(tracker, { feature: 'weather-bot' }),
        tools: true,
      })
      await tracker.flush()

      expect(result.text).toBe('It is 18°C and sunny in Paris.')
      expect(events).toHaveLength(2)
      const common = {
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4o-mini-2024-07-18',
        requested_model: 'gpt-4o-mini',
        feature: 'weather-bot',
        pricing_status: 'priced',
        status: 'ok',
        http_status: 200,
        streamed: false,
      }
      expect(events[0]).toMatchObject({
        ...common,
        provider_request_id: 'req_step1toolcall',
        input_tokens: 1200,
        cache_read_tokens: 1024,
        output_tokens: 20,
        reasoning_tokens: 0,
      })
      expect(events[1]).toMatchObject({
        ...common,
        provider_request_id: 'req_step2answer',
        input_tokens: 1260,
        cache_read_tokens: 1024,
        output_tokens: 40,
      })
      expect(events[0]?.cost_usd).toBeCloseTo(STEP_1_COST, 12)
      expect(events[1]?.cost_usd).toBeCloseTo(STEP_2_COST, 12)
    })

    it('leaves the result and the requests unchanged', async () => {
      const { tracker } = recordingTracker()
      scripted.reply(...OPENAI_TOOL_RUN, ...OPENAI_TOOL_RUN)

      const plain = await ai.generate({ kind: 'openai-chat', modelId: 'gpt-4o-mini', tools: true })
      const tracked = await ai.generate({
        kind: 'openai-chat',
        modelId: 'gpt-4o-mini',
        middleware: middlewareOf(tracker),
        tools: true,
      })

      expect(tracked).toStrictEqual(plain)
      expect(scripted.requests.slice(2).map((request) => request.body)).toStrictEqual(
        scripted.requests.slice(0, 2).map((request) => request.body),
      )
    })

    it('records a Responses API model with its cached input', async () => {
      const { tracker, events } = recordingTracker()
      scripted.reply(OPENAI_RESPONSES_REPLY)

      await ai.generate({
        kind: 'openai-responses',
        modelId: 'gpt-4.1-mini',
        middleware: middlewareOf(tracker),
      })
      await tracker.flush()

      const event = onlyEvent(events)
      expect(event).toMatchObject({
        provider: 'openai',
        operation: 'responses',
        model: 'gpt-4.1-mini-2025-04-14',
        provider_request_id: 'req_responses1',
        input_tokens: 2048,
        cache_read_tokens: 1536,
        output_tokens: 512,
      })
      expect(event.cost_usd).toBeCloseTo(RESPONSES_COST, 12)
    })

    it('counts Anthropic cache reads and writes in the input, 1-hour writes at their own rate', async () => {
      const { tracker, events } = recordingTracker()
      scripted.reply(ANTHROPIC_CACHED_REPLY)

      await ai.generate({
        kind: 'anthropic',
        modelId: 'claude-sonnet-4-0',
        middleware: middlewareOf(tracker),
      })
      await tracker.flush()

      const event = onlyEvent(events)
      expect(event).toMatchObject({
        provider: 'anthropic',
        operation: 'messages',
        model: 'claude-sonnet-4-20250514',
        requested_model: 'claude-sonnet-4-0',
        provider_request_id: 'req_011CAnthropicCached1',
        input_tokens: 13050,
        cache_read_tokens: 10000,
        cache_write_tokens: 3000,
        cache_write_1h_tokens: 1000,
        output_tokens: 400,
      })
      expect(event.cost_usd).toBeCloseTo(SONNET_COST, 12)
    })

    it('bills Gemini thinking tokens as output', async () => {
      const { tracker, events } = recordingTracker()

      await ai.generate({ kind: 'google', modelId: 'gemini-2.5-flash', middleware: middlewareOf(tracker) })
      await tracker.flush()

      const event = onlyEvent(events)
      expect(event).toMatchObject({
        provider: 'google',
        operation: 'generate_content',
        model: 'gemini-2.5-flash',
        provider_request_id: 'mFvUaOOvNrCtz7IP0ZPa6Ao',
        input_tokens: 12000,
        cache_read_tokens: 8000,
        output_tokens: 1550,
        reasoning_tokens: 1200,
      })
      expect(event.cost_usd).toBeCloseTo(GEMINI_FLASH_COST, 12)
    })

    it('prices Anthropic web fetches as wrap() does, with the same count', async () => {
      const vector = BILLED_UNIT_VECTORS.find((each) => each.name.startsWith('messages: web fetches'))
      const answer = vector?.answer as ScriptedReply
      const { tracker, events } = recordingTracker()
      scripted.reply(answer)
      await ai.generate({
        kind: 'anthropic',
        modelId: 'claude-sonnet-4-5',
        middleware: middlewareOf(tracker),
      })
      scripted.reply(answer)
      const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: scripted.url, maxRetries: 0 })
      await tracker.wrap(client).messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        messages: [{ role: 'user', content: prompt }],
      })
      await tracker.flush()

      // 2000 × 3 + 500 × 15 = 13,500 µ$ both ways; the fetches have no fee of their own
      const [middleware, wrapped] = events
      expect(middleware).toMatchObject({ web_fetch_requests: 2, cost_usd: 0.0135, pricing_status: 'priced' })
      expect(wrapped).toMatchObject({ web_fetch_requests: 2, cost_usd: 0.0135, pricing_status: 'priced' })
    })

    it('prices Gemini image output at the image rate, as wrap() does', async () => {
      const { tracker, events } = recordingTracker()
      await ai.generate({
        kind: 'google',
        modelId: 'gemini-2.5-flash-image',
        middleware: middlewareOf(tracker),
      })
      const google = new GoogleGenAI({ apiKey: 'AIza-test-fake', httpOptions: { baseUrl: gemini.baseUrl } })
      await tracker.wrap(google).models.generateContent({ model: 'gemini-2.5-flash-image', contents: prompt })
      await tracker.flush()

      // 40 × 0.30 + 20 × 2.50 + 1,290 × 30 = 12 + 50 + 38,700 = 38,762 µ$ both ways
      const [middleware, wrapped] = events
      expect(middleware).toMatchObject({ output_tokens: 1310, output_image_tokens: 1290 })
      expect(wrapped).toMatchObject({ output_tokens: 1310, output_image_tokens: 1290 })
      expect(middleware?.cost_usd).toBeCloseTo(0.038762, 12)
      expect(wrapped?.cost_usd).toBeCloseTo(0.038762, 12)
    })

    it('counts Gemini 3’s search queries and prices them as wrap() does, streamed or not', async () => {
      const { tracker, events } = recordingTracker()
      await ai.generate({
        kind: 'google',
        modelId: 'gemini-3-flash-preview',
        middleware: middlewareOf(tracker),
      })
      await ai.stream({
        kind: 'google',
        modelId: 'gemini-3-flash-preview',
        middleware: middlewareOf(tracker),
      })
      const google = new GoogleGenAI({ apiKey: 'AIza-test-fake', httpOptions: { baseUrl: gemini.baseUrl } })
      await tracker.wrap(google).models.generateContent({ model: 'gemini-3-flash-preview', contents: prompt })
      await tracker.flush()

      // wrap(): 3,000 × 0.50 + 1,000 × 3 = 4,500 µ$ of tokens + 3 unique queries × 14,000 µ$ = 46,500 µ$.
      // @ai-sdk/google 2.x (ai v5) drops toolUsePromptTokenCount from the usageMetadata it passes on:
      // its input is the 300 prompt tokens, 300 × 0.50 + 3,000 + 42,000 = 45,150 µ$; the fee is the same.
      const middlewareCost = ai.name === 'ai v5' ? 0.04515 : 0.0465
      expect(events).toHaveLength(3)
      events.forEach((event, index) => {
        expect(event).toMatchObject({ web_search_requests: 3, pricing_status: 'estimated' })
        expect(event.cost_usd).toBeCloseTo(index < 2 ? middlewareCost : 0.0465, 12)
      })
    })

    it('prices an Azure Data Zone deployment named in the middleware as wrap() does', async () => {
      const { tracker, events } = recordingTracker()
      scripted.reply(AZURE_REPLY)
      await ai.generate({
        kind: 'azure-chat',
        modelId: 'support-eu',
        middleware: spendlensMiddleware({ tracker, deployment: 'data-zone' }),
      })
      await tracker.flush()

      // 1,000 × 2.50/1M + 100 × 10/1M = $0.0035 at the Global price; × 1.1 = $0.00385, an estimate
      expect(onlyEvent(events)).toMatchObject({
        provider: 'azure',
        model: 'gpt-4o-2024-11-20',
        pricing_status: 'estimated',
        price_source: 'genai-prices:azure/gpt-4o+azure-data-zone10%',
      })
      expect(onlyEvent(events).cost_usd).toBeCloseTo(0.00385, 12)
      expect(() => spendlensMiddleware({ tracker, deployment: 'zone' })).toThrow(
        'spendlens: spendlensMiddleware(): deployment "zone" is no deployment type spendlens prices',
      )
    })

    it('records an unknown model as unpriced with a null cost, never 0', async () => {
      const { tracker, events } = recordingTracker()
      scripted.reply(OPENAI_UNKNOWN_MODEL_REPLY)

      await ai.generate({
        kind: 'openai-chat',
        modelId: 'acme-unreleased-1',
        middleware: middlewareOf(tracker),
      })
      await tracker.flush()

      expect(onlyEvent(events)).toMatchObject({
        model: 'acme-unreleased-1',
        input_tokens: 100,
        output_tokens: 20,
        pricing_status: 'unpriced',
        cost_usd: null,
      })
    })

    it('records a refused call as a known $0 error and rethrows the error unchanged', async () => {
      const { tracker, events } = recordingTracker()
      scripted.reply(OPENAI_RATE_LIMITED_REPLY, OPENAI_RATE_LIMITED_REPLY)

      const plain = await rejection(ai.generate({ kind: 'openai-chat', modelId: 'gpt-4o-mini' }))
      const error = await rejection(
        ai.generate({ kind: 'openai-chat', modelId: 'gpt-4o-mini', middleware: middlewareOf(tracker) }),
      )
      await tracker.flush()

      expect(error.constructor).toBe(plain.constructor)
      expect(error.message).toBe(plain.message)
      expect(onlyEvent(events)).toMatchObject({
        status: 'error',
        http_status: 429,
        provider_request_id: 'req_ratelimited1',
        model: 'gpt-4o-mini',
        cost_usd: 0,
        price_source: 'not-billed:provider-error',
      })
    })

    it('derives the prompt id from the system prompt when asked to hash prompts', async () => {
      const { tracker, events } = recordingTracker({ hashPrompts: true })
      scripted.reply(OPENAI_RESPONSES_REPLY, OPENAI_RESPONSES_REPLY, OPENAI_RESPONSES_REPLY)
      const run = (system: string) =>
        ai.generate({
          kind: 'openai-responses',
          modelId: 'gpt-4.1-mini',
          middleware: middlewareOf(tracker),
          system,
        })

      await run('You are a weather bot.')
      await run('You are a weather bot.')
      await run('You are a travel agent.')
      await tracker.flush()

      expect(events).toHaveLength(3)
      expect(events[0]?.prompt_id).toMatch(/\S/)
      expect(events[1]?.prompt_id).toBe(events[0]?.prompt_id)
      expect(events[2]?.prompt_id).not.toBe(events[0]?.prompt_id)
    })

    it('ranks tracker tags < middleware tags < withTags context', async () => {
      const { tracker, events } = recordingTracker({ tags: { environment: 'test', level: 'tracker' } })
      scripted.reply(OPENAI_RESPONSES_REPLY)
      const middleware = middlewareOf(tracker, { feature: 'mw-feature', route: '/mw', level: 'middleware' })

      await withTags({ feature: 'context-feature', customer_id: 'c-42' }, () =>
        ai.generate({ kind: 'openai-responses', modelId: 'gpt-4.1-mini', middleware }),
      )
      await tracker.flush()

      expect(onlyEvent(events)).toMatchObject({
        feature: 'context-feature',
        route: '/mw',
        customer_id: 'c-42',
        environment: 'test',
        tags: { level: 'middleware' },
      })
    })
  })

  describe('streamText', () => {
    it('records one priced event per streamed step, from each finish part', async () => {
      const { tracker, events } = recordingTracker()
      scripted.reply(...OPENAI_TOOL_RUN_STREAMED)

      const result = await ai.stream({
        kind: 'openai-chat',
        modelId: 'gpt-4o-mini',
        middleware: middlewareOf(tracker),
        tools: true,
      })
      await tracker.flush()

      expect(result.text).toBe('It is 18°C and sunny in Paris.')
      expect(events).toHaveLength(2)
      expect(events[0]).toMatchObject({
        model: 'gpt-4o-mini-2024-07-18',
        provider_request_id: 'req_step1toolcall',
        input_tokens: 1200,
        output_tokens: 20,
        status: 'ok',
        streamed: true,
      })
      expect(events[1]).toMatchObject({ provider_request_id: 'req_step2answer', output_tokens: 40 })
      // A streamed call recorded at $0 is the bug this guards against.
      expect(events[0]?.cost_usd).toBeCloseTo(STEP_1_COST, 12)
      expect(events[1]?.cost_usd).toBeCloseTo(STEP_2_COST, 12)
      for (const event of events) {
        expect(event.ttft_ms).toBeGreaterThanOrEqual(0)
        expect(event.latency_ms).toBeGreaterThanOrEqual(event.ttft_ms ?? 0)
      }
    })

    it('leaves every stream part and the result unchanged', async () => {
      const { tracker } = recordingTracker()
      scripted.reply(...OPENAI_TOOL_RUN_STREAMED, ...OPENAI_TOOL_RUN_STREAMED)

      const plain = await ai.stream({ kind: 'openai-chat', modelId: 'gpt-4o-mini', tools: true })
      const tracked = await ai.stream({
        kind: 'openai-chat',
        modelId: 'gpt-4o-mini',
        middleware: middlewareOf(tracker),
        tools: true,
      })

      expect(plain.parts?.length).toBeGreaterThan(10)
      expect(tracked).toStrictEqual(plain)
    })

    it('records a stream aborted mid-way as cancelled, its cost unknown', async () => {
      const { tracker, events } = recordingTracker()
      scripted.reply(OPENAI_TOOL_RUN_STREAMED[1] as ScriptedReply)

      const types = await ai.streamAborted({
        kind: 'openai-chat',
        modelId: 'gpt-4o-mini',
        middleware: middlewareOf(tracker),
      })
      await tracker.flush()

      expect(types.at(-1)).toBe('abort')
      expect(onlyEvent(events)).toMatchObject({
        status: 'cancelled',
        cost_partial: true,
        output_tokens: null,
        pricing_status: 'unpriced',
        cost_usd: null,
        streamed: true,
      })
    })

    it('records a streamed Anthropic call with its cache counts', async () => {
      const { tracker, events } = recordingTracker()
      scripted.reply(ANTHROPIC_CACHED_REPLY_STREAMED)

      await ai.stream({ kind: 'anthropic', modelId: 'claude-sonnet-4-0', middleware: middlewareOf(tracker) })
      await tracker.flush()

      const event = onlyEvent(events)
      expect(event).toMatchObject({
        model: 'claude-sonnet-4-20250514',
        provider_request_id: 'req_011CAnthropicCached2',
        input_tokens: 13050,
        cache_write_1h_tokens: 1000,
        output_tokens: 400,
        streamed: true,
        status: 'ok',
      })
      expect(event.cost_usd).toBeCloseTo(SONNET_COST, 12)
    })

    it('records a streamed Gemini call with its thinking tokens', async () => {
      const { tracker, events } = recordingTracker()

      await ai.stream({ kind: 'google', modelId: 'gemini-2.5-flash', middleware: middlewareOf(tracker) })
      await tracker.flush()

      const event = onlyEvent(events)
      expect(event).toMatchObject({ provider: 'google', output_tokens: 1550, streamed: true, status: 'ok' })
      expect(event.cost_usd).toBeCloseTo(GEMINI_FLASH_COST, 12)
    })
  })
})
