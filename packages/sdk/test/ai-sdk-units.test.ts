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
import { field } from '../src/providers/count.js'
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
    // (three calls, two containers: per call it would be 93,600 µ$; without the sessions 3,600 µ$).
    // Estimated: a container is billed by the minute up to 30,000 µ$ (supplement `estimated`).
    expected: {
      code_interpreter_sessions: 2,
      web_search_requests: null,
      cost_usd: 0.0636,
      pricing_status: 'estimated',
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

interface CallOptions {
  middleware?: ReturnType<typeof spendlensMiddleware>
  tool: Tool
  model: string
  streamed: boolean
  /** The caller asks for the provider's raw events in the stream. */
  includeRawChunks?: boolean
}

/**
 * One `ai` major with its own provider packages: a call through the AI SDK (with the middleware
 * when given), resolving to the parts of its full stream (none for a generate call); `run` the same
 * with a model of one's own.
 */
interface AiVersion {
  name: string
  call(options: CallOptions): Promise<unknown[]>
  run(model: unknown, options: Omit<CallOptions, 'model'>): Promise<unknown[]>
}

function version<Model, Tools>(
  name: string,
  providers: (baseURL: string) => {
    openai: (model: string) => Model
    anthropic: (model: string) => Model
    tools: (tool: Tool) => Tools
  },
  text: (settings: {
    model: Model
    tools: Tools
    middleware: CallOptions['middleware']
    streamed: boolean
    includeRawChunks: boolean
  }) => Promise<{ type: string }[]>,
): AiVersion {
  async function run(model: Model, options: Omit<CallOptions, 'model'>) {
    const { tools } = providers(`${scripted.url}/v1`)
    const parts = await text({
      model,
      tools: tools(options.tool),
      middleware: options.middleware,
      streamed: options.streamed,
      includeRawChunks: options.includeRawChunks ?? false,
    })
    expect(parts.filter((part) => part.type === 'error')).toStrictEqual([])
    return parts
  }
  return {
    name,
    call(options) {
      const made = providers(`${scripted.url}/v1`)
      const base = options.tool.startsWith('openai')
        ? made.openai(options.model)
        : made.anthropic(options.model)
      return run(base, options)
    },
    run: (model, options) => run(model as Model, options),
  }
}

type V5Model = Parameters<typeof aiV5.wrapLanguageModel>[0]['model']
type V6Model = Parameters<typeof aiV6.wrapLanguageModel>[0]['model']

const v5 = version<V5Model, aiV5.ToolSet>(
  'ai v5',
  (baseURL) => {
    const openai = createOpenAIV5({ apiKey, baseURL })
    const anthropic = createAnthropicV5({ apiKey, baseURL })
    const tools = {
      'openai-web-search': { web_search: openai.tools.webSearch({}) },
      'openai-code-interpreter': { code_interpreter: openai.tools.codeInterpreter({}) },
      'anthropic-web-search': { web_search: anthropic.tools.webSearch_20250305({ maxUses: 5 }) },
      'anthropic-code-execution': { code_execution: anthropic.tools.codeExecution_20250522() },
    }
    return {
      openai: (model) => openai.responses(model),
      anthropic: (model) => anthropic(model),
      // The provider packages type their tools against their own copy of provider-utils.
      tools: (tool) => tools[tool] as unknown as aiV5.ToolSet,
    }
  },
  async ({ model, tools, middleware, streamed, includeRawChunks }) => {
    const settings = {
      model: middleware ? aiV5.wrapLanguageModel({ model, middleware }) : model,
      prompt,
      tools,
      maxRetries: 0,
    }
    if (!streamed) {
      await aiV5.generateText(settings)
      return []
    }
    return collect(aiV5.streamText({ ...settings, includeRawChunks }).fullStream)
  },
)

const v6 = version<V6Model, aiV6.ToolSet>(
  'ai v6',
  (baseURL) => {
    const openai = createOpenAIV6({ apiKey, baseURL })
    const anthropic = createAnthropicV6({ apiKey, baseURL })
    const tools = {
      'openai-web-search': { web_search: openai.tools.webSearch({}) },
      'openai-code-interpreter': { code_interpreter: openai.tools.codeInterpreter({}) },
      'anthropic-web-search': { web_search: anthropic.tools.webSearch_20250305({ maxUses: 5 }) },
      'anthropic-code-execution': { code_execution: anthropic.tools.codeExecution_20250522() },
    }
    return {
      openai: (model) => openai.responses(model),
      anthropic: (model) => anthropic(model),
      // The provider packages type their tools against their own copy of provider-utils.
      tools: (tool) => tools[tool] as unknown as aiV6.ToolSet,
    }
  },
  async ({ model, tools, middleware, streamed, includeRawChunks }) => {
    const settings = {
      model: middleware ? aiV6.wrapLanguageModel({ model, middleware }) : model,
      prompt,
      tools,
      maxRetries: 0,
    }
    if (!streamed) {
      await aiV6.generateText(settings)
      return []
    }
    return collect(aiV6.streamText({ ...settings, includeRawChunks }).fullStream)
  },
)

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
      await ai.call({ middleware: spendlensMiddleware({ tracker }), tool, model, streamed })
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

/**
 * Parts as compared between two calls: the AI SDK names Anthropic's search results with ids it
 * generates and stamps a response without a creation time with the time it read it.
 */
function comparable(parts: unknown[]): unknown[] {
  return parts.map((part) => {
    const copy = { ...(part as Record<string, unknown>) }
    if (copy.type === 'source') copy.id = 'generated'
    if (
      copy.type === 'finish-step' &&
      copy.response &&
      field(part, 'response', 'id') === 'msg_01XFDUDYJgAACzvnptvVoYEL'
    )
      copy.response = { ...(copy.response as object), timestamp: 'read-time' }
    return copy
  })
}

describe.each([v5, v6])('spendlensMiddleware with $name asking for the raw events', (ai) => {
  it.each(SCENARIOS)('leaves every part of the stream and the request unchanged: $name', async (scenario) => {
    const { tracker } = recordingTracker()
    const { tool, model, answer } = scenario
    scripted.reply(answer.streamed, answer.streamed)

    const plain = await ai.call({ tool, model, streamed: true })
    const tracked = await ai.call({
      middleware: spendlensMiddleware({ tracker }),
      tool,
      model,
      streamed: true,
    })

    expect(plain.length).toBeGreaterThan(5)
    expect(plain.filter((part) => field(part, 'type') === 'raw')).toStrictEqual([])
    expect(comparable(tracked)).toStrictEqual(comparable(plain))
    expect(scripted.requests[1]?.body).toStrictEqual(scripted.requests[0]?.body)
  })

  it.each(SCENARIOS)('passes them on to a caller who asked, and counts: $name', async (scenario) => {
    const { tracker, events } = recordingTracker()
    const { tool, model, answer, expected } = scenario
    scripted.reply(answer.streamed, answer.streamed)

    const plain = await ai.call({ tool, model, streamed: true, includeRawChunks: true })
    const tracked = await ai.call({
      middleware: spendlensMiddleware({ tracker }),
      tool,
      model,
      streamed: true,
      includeRawChunks: true,
    })
    await tracker.flush()

    // one raw part per server-sent event of the answer
    const raw = tracked.filter((part) => field(part, 'type') === 'raw')
    expect(raw).toHaveLength(answer.streamed.events?.length ?? Number.NaN)
    expect(comparable(tracked)).toStrictEqual(comparable(plain))
    const { cost_usd, ...units } = expected
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject(units)
    expect(Math.round((events[0]?.cost_usd ?? Number.NaN) * 1e9)).toBe(Math.round(cost_usd * 1e9))
  })
})

/**
 * A model of one's own (a custom provider's) that says the provider ran a web search but passes
 * neither the raw response nor raw events on: nothing tells how many searches were billed.
 */
function modelWithoutAnswer(specificationVersion: 'v2' | 'v3') {
  const v3 = specificationVersion === 'v3'
  const usage = v3
    ? {
        inputTokens: { total: 1000, noCache: 1000, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 500, text: 500, reasoning: 0 },
      }
    : { inputTokens: 1000, outputTokens: 500, totalTokens: 1500 }
  const finishReason = v3 ? { unified: 'stop', raw: 'completed' } : 'stop'
  const search = { toolCallId: 'ws_68af4a1b1', toolName: 'web_search', providerExecuted: true }
  const parts = [
    { type: 'tool-call', ...search, input: '{}' },
    { type: 'tool-result', ...search, result: { action: { type: 'search', query: 'spendlens pricing' } } },
  ]
  const text = 'Here is what I found.'
  return {
    specificationVersion,
    provider: 'openai.responses',
    modelId: 'gpt-5',
    supportedUrls: {},
    async doGenerate() {
      return { content: [...parts, { type: 'text', text }], finishReason, usage, warnings: [] }
    },
    async doStream() {
      const stream = [
        { type: 'stream-start', warnings: [] },
        ...parts,
        { type: 'text-start', id: 'msg_1' },
        { type: 'text-delta', id: 'msg_1', delta: text },
        { type: 'text-end', id: 'msg_1' },
        { type: 'finish', finishReason, usage },
      ]
      return {
        stream: new ReadableStream({
          start(controller) {
            for (const part of stream) controller.enqueue(part)
            controller.close()
          },
        }),
      }
    },
  }
}

describe.each([
  { ai: v5, spec: 'v2' as const },
  { ai: v6, spec: 'v3' as const },
])(
  'spendlensMiddleware with $ai.name, a tool the provider ran and nothing to count it from',
  ({ ai, spec }) => {
    it.each([false, true])(
      'prices the tokens as a lower bound, estimated (streamed: %s)',
      async (streamed) => {
        const { tracker, events } = recordingTracker()

        await ai.run(modelWithoutAnswer(spec), {
          middleware: spendlensMiddleware({ tracker }),
          tool: 'openai-web-search',
          streamed,
        })
        await tracker.flush()

        // 1,000 × 1.25 + 500 × 10 = 1,250 + 5,000 = 6,250 µ$ of tokens; the searches' fees unknown
        expect(events).toHaveLength(1)
        expect(events[0]).toMatchObject({
          web_search_requests: null,
          input_tokens: 1000,
          output_tokens: 500,
          pricing_status: 'estimated',
        })
        expect(Math.round((events[0]?.cost_usd ?? Number.NaN) * 1e9)).toBe(6_250_000)
      },
    )
  },
)

describe('spendlensMiddleware read by an AI SDK caller other than streamText', () => {
  it.each([
    { name: 'ai v5', wrapped: () => aiV5.wrapLanguageModel, provider: () => createOpenAIV5 },
    { name: 'ai v6', wrapped: () => aiV6.wrapLanguageModel, provider: () => createOpenAIV6 },
  ])('$name: the raw events it asked for do not reach a doStream caller who did not', async (each) => {
    const { tracker, events } = recordingTracker()
    scripted.reply(OPENAI_WEB_SEARCH.streamed, OPENAI_WEB_SEARCH.streamed)
    const base = each
      .provider()({ apiKey, baseURL: `${scripted.url}/v1` })
      .responses('gpt-5')
    const wrap = each.wrapped() as (options: { model: unknown; middleware: unknown }) => typeof base
    const params = {
      prompt: [{ role: 'user' as const, content: [{ type: 'text' as const, text: prompt }] }],
      includeRawChunks: false,
    }
    const read = async (model: typeof base) =>
      collect((await model.doStream(params)).stream as unknown as AsyncIterable<unknown>)

    const plain = await read(base)
    const tracked = await read(wrap({ model: base, middleware: spendlensMiddleware({ tracker }) }))
    await tracker.flush()

    expect(tracked.map((part) => field(part, 'type'))).toStrictEqual(plain.map((part) => field(part, 'type')))
    expect(tracked.filter((part) => field(part, 'type') === 'raw')).toStrictEqual([])
    // 2 searches counted from the raw response.completed, as in the scenarios above
    expect(events[0]).toMatchObject({ web_search_requests: 2, cost_usd: 0.02625 })
  })
})
