import Anthropic from '@anthropic-ai/sdk'
import * as aiV5 from 'ai-v5'
import { createAnthropic as createAnthropicV5 } from 'ai-v5-anthropic'
import { createOpenAI as createOpenAIV5 } from 'ai-v5-openai'
import * as aiV6 from 'ai-v6'
import { createAnthropic as createAnthropicV6 } from 'ai-v6-anthropic'
import { createOpenAI as createOpenAIV6 } from 'ai-v6-openai'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type CostEvent, spendlensMiddleware, type Tracker } from '../src/index.js'
import {
  ANTHROPIC_CODE_EXECUTION,
  ANTHROPIC_WEB_SEARCH,
  type BilledUnitAnswer,
  OPENAI_CODE_INTERPRETER,
  OPENAI_WEB_SEARCH,
} from './billed-unit-answers.js'
import { collect, recordingTracker } from './harness.js'
import { type ScriptedProvider, startScriptedProvider } from './scripted-provider.js'

/*
 * The same answers, served by a local provider over HTTP, called once through wrap() on the official
 * client and once through the AI SDK (v5 and v6, generate and stream) with spendlensMiddleware: both
 * events must count the same billed units and cost the same. Prices (per million tokens unless
 * said), from @pydantic/genai-prices and the supplement's `units`:
 *   gpt-5              $1.25 in · $10 out; web search $10 per 1,000 calls (catalog)
 *   gpt-4.1            $2 in · $8 out; code interpreter $0.03 per container session (supplement)
 *   claude-sonnet-4-5  $3 in · $15 out; web search $10 per 1,000 requests; code execution billed
 *                      by container hour, which no price per call covers
 * Arithmetic in millionths of a dollar (µ$): tokens × $/M = µ$.
 */

type Tool =
  | 'openai-web-search'
  | 'openai-code-interpreter'
  | 'anthropic-web-search'
  | 'anthropic-code-execution'

interface Scenario {
  name: string
  tool: Tool
  model: string
  answer: BilledUnitAnswer
  expected: Partial<CostEvent> & { cost_usd: number }
}

const SCENARIOS: Scenario[] = [
  {
    name: 'OpenAI Responses web searches',
    tool: 'openai-web-search',
    model: 'gpt-5',
    answer: OPENAI_WEB_SEARCH,
    // 1,000 × 1.25 + 500 × 10 = 1,250 + 5,000 = 6,250 µ$, + 2 searches × 10,000 µ$ = 26,250 µ$
    // (the opened page has no fee; without the searches: 6,250 µ$)
    expected: {
      web_search_requests: 2,
      file_search_requests: null,
      code_interpreter_sessions: null,
      cost_usd: 0.02625,
      pricing_status: 'priced',
    },
  },
  {
    name: 'OpenAI Responses code interpreter sessions',
    tool: 'openai-code-interpreter',
    model: 'gpt-4.1',
    answer: OPENAI_CODE_INTERPRETER,
    // 1,000 × 2 + 200 × 8 = 2,000 + 1,600 = 3,600 µ$, + 2 containers × 30,000 µ$ = 63,600 µ$
    // (three calls, two containers: per call it would be 93,600 µ$; without the sessions 3,600 µ$)
    expected: {
      code_interpreter_sessions: 2,
      web_search_requests: null,
      cost_usd: 0.0636,
      pricing_status: 'priced',
    },
  },
  {
    name: 'Anthropic web searches',
    tool: 'anthropic-web-search',
    model: 'claude-sonnet-4-5',
    answer: ANTHROPIC_WEB_SEARCH,
    // 2,000 × 3 + 500 × 15 = 6,000 + 7,500 = 13,500 µ$, + 2 requests × 10,000 µ$ = 33,500 µ$
    expected: { web_search_requests: 2, cost_usd: 0.0335, pricing_status: 'priced' },
  },
  {
    name: 'Anthropic code execution container',
    tool: 'anthropic-code-execution',
    model: 'claude-sonnet-4-5',
    answer: ANTHROPIC_CODE_EXECUTION,
    // 1,000 × 3 + 200 × 15 = 3,000 + 3,000 = 6,000 µ$ of tokens; the container's hours are billed
    // across calls, priced by nothing per call: the cost is a lower bound, estimated
    expected: { code_interpreter_sessions: 1, cost_usd: 0.006, pricing_status: 'estimated' },
  },
]

const prompt = 'What does spendlens cost?'
const apiKey = 'test-fake-key'
let scripted: ScriptedProvider

beforeAll(async () => {
  scripted = await startScriptedProvider()
})
afterAll(() => scripted.close())
beforeEach(() => scripted.reset())

/** The call through wrap() on the official client, streamed or not; the stream read to its end. */
async function callWrapped(tracker: Tracker, tool: Tool, model: string, streamed: boolean) {
  if (tool.startsWith('openai')) {
    const client = tracker.wrap(new OpenAI({ apiKey, baseURL: `${scripted.url}/v1`, maxRetries: 0 }))
    const tools =
      tool === 'openai-web-search'
        ? [{ type: 'web_search' as const }]
        : [{ type: 'code_interpreter' as const, container: { type: 'auto' as const } }]
    if (streamed) await collect(await client.responses.create({ model, input: prompt, tools, stream: true }))
    else await client.responses.create({ model, input: prompt, tools })
    return
  }
  const client = tracker.wrap(new Anthropic({ apiKey, baseURL: scripted.url, maxRetries: 0 }))
  const tools =
    tool === 'anthropic-web-search'
      ? [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 5 }]
      : [{ type: 'code_execution_20250522' as const, name: 'code_execution' as const }]
  const body = { model, max_tokens: 1024, messages: [{ role: 'user' as const, content: prompt }], tools }
  if (streamed) await collect(await client.messages.create({ ...body, stream: true }))
  else await client.messages.create(body)
}

/** One `ai` major with its own provider packages: the call through the AI SDK and the middleware. */
interface AiVersion {
  name: string
  call(
    middleware: ReturnType<typeof spendlensMiddleware>,
    tool: Tool,
    model: string,
    streamed: boolean,
  ): Promise<void>
}

const v5: AiVersion = {
  name: 'ai v5',
  async call(middleware, tool, modelId, streamed) {
    const openai = createOpenAIV5({ apiKey, baseURL: `${scripted.url}/v1` })
    const anthropic = createAnthropicV5({ apiKey, baseURL: `${scripted.url}/v1` })
    const base = tool.startsWith('openai') ? openai.responses(modelId) : anthropic(modelId)
    const tools =
      tool === 'openai-web-search'
        ? { web_search: openai.tools.webSearch({}) }
        : tool === 'openai-code-interpreter'
          ? { code_interpreter: openai.tools.codeInterpreter({}) }
          : tool === 'anthropic-web-search'
            ? { web_search: anthropic.tools.webSearch_20250305({ maxUses: 5 }) }
            : { code_execution: anthropic.tools.codeExecution_20250522() }
    const settings = {
      model: aiV5.wrapLanguageModel({ model: base, middleware }),
      prompt,
      // The provider packages type their tools against their own copy of provider-utils.
      tools: tools as unknown as aiV5.ToolSet,
      maxRetries: 0,
    }
    if (!streamed) {
      await aiV5.generateText(settings)
      return
    }
    const result = aiV5.streamText(settings)
    const parts = await collect(result.fullStream)
    expect(parts.filter((part) => part.type === 'error')).toStrictEqual([])
  },
}

const v6: AiVersion = {
  name: 'ai v6',
  async call(middleware, tool, modelId, streamed) {
    const openai = createOpenAIV6({ apiKey, baseURL: `${scripted.url}/v1` })
    const anthropic = createAnthropicV6({ apiKey, baseURL: `${scripted.url}/v1` })
    const base = tool.startsWith('openai') ? openai.responses(modelId) : anthropic(modelId)
    const tools =
      tool === 'openai-web-search'
        ? { web_search: openai.tools.webSearch({}) }
        : tool === 'openai-code-interpreter'
          ? { code_interpreter: openai.tools.codeInterpreter({}) }
          : tool === 'anthropic-web-search'
            ? { web_search: anthropic.tools.webSearch_20250305({ maxUses: 5 }) }
            : { code_execution: anthropic.tools.codeExecution_20250522() }
    const settings = {
      model: aiV6.wrapLanguageModel({ model: base, middleware }),
      prompt,
      // The provider packages type their tools against their own copy of provider-utils.
      tools: tools as unknown as aiV6.ToolSet,
      maxRetries: 0,
    }
    if (!streamed) {
      await aiV6.generateText(settings)
      return
    }
    const result = aiV6.streamText(settings)
    const parts = await collect(result.fullStream)
    expect(parts.filter((part) => part.type === 'error')).toStrictEqual([])
  },
}

const UNIT_FIELDS = [
  'web_search_requests',
  'file_search_requests',
  'web_fetch_requests',
  'code_interpreter_sessions',
] as const

function priced(event: CostEvent | undefined) {
  if (!event) throw new Error('expected an event')
  return {
    ...Object.fromEntries(UNIT_FIELDS.map((unit) => [unit, event[unit]])),
    input_tokens: event.input_tokens,
    output_tokens: event.output_tokens,
    // Exact to the nano-dollar, the store's unit.
    cost_nanos: event.cost_usd === null ? null : Math.round(event.cost_usd * 1e9),
    pricing_status: event.pricing_status,
    price_source: event.price_source,
  }
}

describe.each([v5, v6])('spendlensMiddleware with $name prices billed units as wrap() does', (ai) => {
  describe.each([false, true])('streamed: %s', (streamed) => {
    it.each(SCENARIOS)('$name', async ({ tool, model, answer, expected }) => {
      const { tracker, events } = recordingTracker()
      const reply = streamed ? answer.streamed : answer.json
      scripted.reply(reply)
      await ai.call(spendlensMiddleware({ tracker }), tool, model, streamed)
      scripted.reply(reply)
      await callWrapped(tracker, tool, model, streamed)
      await tracker.flush()

      expect(events).toHaveLength(2)
      const [throughAiSdk, throughWrap] = events
      expect(throughAiSdk).toMatchObject({ streamed, status: 'ok' })
      const { cost_usd, ...units } = expected
      expect(throughWrap).toMatchObject(units)
      expect(Math.round((throughWrap?.cost_usd ?? Number.NaN) * 1e9)).toBe(Math.round(cost_usd * 1e9))
      expect(priced(throughAiSdk)).toStrictEqual(priced(throughWrap))
    })
  })
})
