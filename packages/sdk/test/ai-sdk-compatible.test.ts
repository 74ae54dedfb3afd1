import { generateText, streamText, wrapLanguageModel } from 'ai-v6'
import { createDeepSeek } from 'ai-v6-deepseek'
import { createXai } from 'ai-v6-xai'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type CostEvent, spendlensMiddleware, USAGE_FIELDS } from '../src/index.js'
import {
  chunk,
  completion,
  DEEPSEEK_USAGE,
  deepseekReasonerCost,
  stream,
  usageChunk,
  XAI_USAGE,
} from './compatible-fixtures.js'
import { drain, responseObject } from './cost-vectors.js'
import { collect, onlyEvent, recordingTracker } from './harness.js'
import { type ScriptedProvider, type ScriptedReply, startScriptedProvider } from './scripted-provider.js'

/*
 * The same answers of an OpenAI-compatible provider, once through wrap() on the official `openai`
 * client and once through the AI SDK's own provider package with spendlensMiddleware: both must
 * count and price them alike (the provider's converter reads the AI SDK's `usage.raw`).
 *
 * The expected figures are compatible-providers.test.ts's, worked by hand there:
 *   xAI grok-4, 1,000 prompt (600 cached), 200 completion + 800 reasoning: $0.01665
 *   DeepSeek deepseek-reasoner, 2,000 prompt (1,500 hits), 300 completion: deepseekReasonerCost
 *   (compatible-fixtures.ts), $0.001142 from 00:30 to 16:30 UTC, $0.000285 off-peak
 */
const GROK_4_COST = 0.01665

let fake: ScriptedProvider

beforeAll(async () => {
  fake = await startScriptedProvider()
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const prompt = 'How long do refunds take?'

const usageOf = (event: CostEvent) => Object.fromEntries(USAGE_FIELDS.map((key) => [key, event[key]]))

/** One event through wrap() and one through the middleware, for the same scripted answer. */
async function bothPaths(
  provider: 'xai' | 'deepseek',
  model: string,
  reply: () => ScriptedReply,
  streamed: boolean,
): Promise<{ wrapped: CostEvent; middleware: CostEvent }> {
  const viaWrap = recordingTracker()
  fake.reply(reply())
  const client = viaWrap.tracker.wrap(
    new OpenAI({ apiKey: 'sk-test-fake', baseURL: `${fake.url}/v1`, maxRetries: 0 }),
    {},
    { provider },
  )
  const messages = [{ role: 'user' as const, content: prompt }]
  if (streamed) await collect(await client.chat.completions.create({ model, messages, stream: true }))
  else await client.chat.completions.create({ model, messages })
  await viaWrap.tracker.flush()

  const viaMiddleware = recordingTracker()
  fake.reply(reply())
  const settings = { apiKey: 'fake-key', baseURL: `${fake.url}/v1` }
  const base = provider === 'xai' ? createXai(settings).chat(model) : createDeepSeek(settings).chat(model)
  const wrappedModel = wrapLanguageModel({
    model: base,
    middleware: spendlensMiddleware({ tracker: viaMiddleware.tracker }),
  })
  if (streamed) await streamText({ model: wrappedModel, prompt, maxRetries: 0 }).consumeStream()
  else await generateText({ model: wrappedModel, prompt, maxRetries: 0 })
  await viaMiddleware.tracker.flush()

  return { wrapped: onlyEvent(viaWrap.events), middleware: onlyEvent(viaMiddleware.events) }
}

describe('the AI SDK middleware prices OpenAI-compatible providers as wrap() does', () => {
  it.each([false, true])(
    'xAI grok-4 (streamed: %s): reasoning billed beside completion',
    async (streamed) => {
      const model = 'grok-4-0709'
      const reply = () =>
        streamed
          ? stream(chunk(model, 'Refunds take 5 days.', { usage: XAI_USAGE }, true))
          : completion(model, XAI_USAGE)
      const { wrapped, middleware } = await bothPaths('xai', 'grok-4', reply, streamed)

      expect(middleware.provider).toBe('x-ai')
      expect(usageOf(middleware)).toStrictEqual(usageOf(wrapped))
      expect(middleware.output_tokens).toBe(1000)
      expect(wrapped.cost_usd).toBeCloseTo(GROK_4_COST, 12)
      expect(middleware.cost_usd).toBe(wrapped.cost_usd)
      expect(middleware.price_source).toBe(wrapped.price_source)
    },
  )

  it.each([false, true])(
    'DeepSeek deepseek-reasoner (streamed: %s): cache hits at their rate',
    async (streamed) => {
      const model = 'deepseek-reasoner'
      const reply = () =>
        streamed
          ? stream(
              chunk(model, 'Refunds take 5 days.', { usage: null }, true),
              usageChunk(model, DEEPSEEK_USAGE),
            )
          : completion(model, DEEPSEEK_USAGE)
      const { wrapped, middleware } = await bothPaths('deepseek', model, reply, streamed)

      expect(middleware.provider).toBe('deepseek')
      expect(usageOf(middleware)).toStrictEqual(usageOf(wrapped))
      expect(middleware.cache_read_tokens).toBe(1500)
      expect(wrapped.cost_usd).toBeCloseTo(deepseekReasonerCost(wrapped.ts), 12)
      expect(middleware.cost_usd).toBeCloseTo(deepseekReasonerCost(middleware.ts), 12)
      expect(middleware.price_source).toBe(wrapped.price_source)
    },
  )

  /*
   * xAI's Responses API: the same counts under its Responses names (input 1,000 of which 600 cached,
   * output 200 and reasoning 800 beside it, total 2,000): $0.01665 as above. The AI SDK's own
   * conversion takes output_tokens alone as the output (200: $0.00465).
   */
  it.each([false, true])(
    'xAI grok-4 on the Responses API (streamed: %s): reasoning billed beside output',
    async (streamed) => {
      const response = responseObject('grok-4-0709', {
        input_tokens: 1000,
        input_tokens_details: { cached_tokens: 600 },
        output_tokens: 200,
        output_tokens_details: { reasoning_tokens: 800 },
        total_tokens: 2000,
        num_sources_used: 0,
      })
      const reply = (): ScriptedReply =>
        streamed
          ? {
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
          : { json: response }

      const viaWrap = recordingTracker()
      fake.reply(reply())
      const client = viaWrap.tracker.wrap(
        new OpenAI({ apiKey: 'sk-test-fake', baseURL: `${fake.url}/v1`, maxRetries: 0 }),
        {},
        { provider: 'xai' },
      )
      if (streamed)
        await drain(await client.responses.create({ model: 'grok-4', input: prompt, stream: true }))
      else await client.responses.create({ model: 'grok-4', input: prompt })
      await viaWrap.tracker.flush()

      const viaMiddleware = recordingTracker()
      fake.reply(reply())
      const model = wrapLanguageModel({
        model: createXai({ apiKey: 'fake-key', baseURL: `${fake.url}/v1` }).responses('grok-4'),
        middleware: spendlensMiddleware({ tracker: viaMiddleware.tracker }),
      })
      if (streamed) await streamText({ model, prompt, maxRetries: 0 }).consumeStream()
      else await generateText({ model, prompt, maxRetries: 0 })
      await viaMiddleware.tracker.flush()

      const wrapped = onlyEvent(viaWrap.events)
      const middleware = onlyEvent(viaMiddleware.events)
      expect(middleware.provider).toBe('x-ai')
      expect(wrapped.output_tokens).toBe(1000)
      expect(usageOf(middleware)).toStrictEqual(usageOf(wrapped))
      expect(wrapped.cost_usd).toBeCloseTo(GROK_4_COST, 12)
      expect(middleware.cost_usd).toBe(wrapped.cost_usd)
    },
  )
})
