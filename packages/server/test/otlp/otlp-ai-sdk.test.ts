import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import * as aiV5 from 'ai-v5'
import { createAnthropic as createAnthropicV5 } from 'ai-v5-anthropic'
import { createGoogleGenerativeAI as createGoogleV5 } from 'ai-v5-google'
import { createOpenAI as createOpenAIV5 } from 'ai-v5-openai'
import * as aiV6 from 'ai-v6'
import { createAnthropic as createAnthropicV6 } from 'ai-v6-anthropic'
import { createGoogleGenerativeAI as createGoogleV6 } from 'ai-v6-google'
import { createOpenAI as createOpenAIV6 } from 'ai-v6-openai'
import type { CostEvent } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// The SDK's sources, as its test harness's tracker is made from them.
import { spendlensMiddleware } from '../../../sdk/src/index.js'
import {
  ANTHROPIC_CACHED_REPLY,
  ANTHROPIC_CACHED_REPLY_STREAMED,
  OPENAI_TOOL_RUN,
  OPENAI_TOOL_RUN_STREAMED,
} from '../../../sdk/test/ai-sdk-fixtures.js'
import { type FakeGemini, startFakeGemini } from '../../../sdk/test/fake-gemini.js'
import { recordingTracker } from '../../../sdk/test/harness.js'
import { type ScriptedProvider, startScriptedProvider } from '../../../sdk/test/scripted-provider.js'
import { type OtlpServer, startOtlpServer } from './otlp-harness.js'

/*
 * The Vercel AI SDK's own telemetry (`experimental_telemetry`), exported by the real OTLP protobuf
 * exporter to the real server, against local fake providers; beside it, the same answers through
 * spendlensMiddleware. Every model call must be stored once, at the cost the SDK records for it:
 * a two-step tool run (the generateText parent span repeats both steps' usage), Anthropic with cache
 * reads and 5-minute and 1-hour cache writes (generated and streamed), Gemini with thoughts.
 */

let server: OtlpServer
let scripted: ScriptedProvider
let gemini: FakeGemini
let provider: BasicTracerProvider

beforeAll(async () => {
  ;[server, scripted, gemini] = await Promise.all([
    startOtlpServer(),
    startScriptedProvider(),
    startFakeGemini(),
  ])
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'weather-app',
      'deployment.environment': 'production',
    }),
    spanProcessors: [
      new SimpleSpanProcessor(
        new OTLPTraceExporter({
          url: server.tracesUrl,
          headers: { authorization: `Bearer ${server.keys.ingest}` },
        }),
      ),
    ],
  })
})
afterAll(async () => {
  await provider?.shutdown()
  await Promise.all([server?.close(), scripted?.close(), gemini?.close()])
})

type Kind = 'openai-tools' | 'openai-tools-stream' | 'anthropic' | 'anthropic-stream' | 'google'

/** Runs one scenario with an AI SDK version, with telemetry on or through the middleware. */
interface Runner {
  name: string
  run(
    kind: Kind,
    how: { telemetry: string } | { middleware: ReturnType<typeof spendlensMiddleware> },
  ): Promise<void>
}

const prompt = 'What is the weather in Paris?'
const cityInput = {
  type: 'object' as const,
  properties: { city: { type: 'string' as const } },
  required: ['city'],
  additionalProperties: false,
}

function runner(
  name: string,
  ai: typeof aiV5 | typeof aiV6,
  make: { openai: typeof createOpenAIV5; anthropic: typeof createAnthropicV5; google: typeof createGoogleV5 },
): Runner {
  return {
    name,
    async run(kind, how) {
      const apiKey = 'test-fake-key'
      const baseURL = `${scripted.url}/v1`
      const base = kind.startsWith('openai')
        ? make.openai({ apiKey, baseURL }).chat('gpt-4o-mini')
        : kind === 'google'
          ? make.google({ apiKey, baseURL: gemini.aiSdkBaseURL })('gemini-2.5-flash')
          : make.anthropic({ apiKey, baseURL })('claude-sonnet-4-0')
      // The two AI SDK versions' types differ; the calls are the same.
      const model = (
        'middleware' in how
          ? (ai.wrapLanguageModel as typeof aiV5.wrapLanguageModel)({
              model: base as never,
              middleware: how.middleware as never,
            })
          : base
      ) as never
      const telemetry =
        'telemetry' in how
          ? {
              experimental_telemetry: {
                isEnabled: true,
                tracer: provider.getTracer('ai'),
                functionId: how.telemetry,
                metadata: { customer_id: 'acme', plan: 'pro' },
              },
            }
          : {}
      const tools = kind.startsWith('openai')
        ? {
            tools: {
              getWeather: (ai.tool as typeof aiV5.tool)({
                description: 'Current weather of a city',
                inputSchema: (ai.jsonSchema as typeof aiV5.jsonSchema)<{ city: string }>(cityInput),
                execute: async ({ city }) => ({ city, celsius: 18 }),
              }),
            },
            stopWhen: (ai.stepCountIs as typeof aiV5.stepCountIs)(2),
          }
        : {}
      const settings = { model, prompt, maxRetries: 0, ...tools, ...telemetry }
      if (kind.endsWith('-stream')) {
        const result = (ai.streamText as typeof aiV5.streamText)(settings)
        for await (const _part of result.fullStream) {
          // drained
        }
      } else {
        await (ai.generateText as typeof aiV5.generateText)(settings)
      }
    },
  }
}

const runners = [
  runner('ai v5', aiV5, { openai: createOpenAIV5, anthropic: createAnthropicV5, google: createGoogleV5 }),
  runner('ai v6', aiV6, {
    openai: createOpenAIV6 as unknown as typeof createOpenAIV5,
    anthropic: createAnthropicV6 as unknown as typeof createAnthropicV5,
    google: createGoogleV6 as unknown as typeof createGoogleV5,
  }),
]

function queue(kind: Kind) {
  if (kind === 'openai-tools') scripted.reply(...OPENAI_TOOL_RUN)
  if (kind === 'openai-tools-stream') scripted.reply(...OPENAI_TOOL_RUN_STREAMED)
  if (kind === 'anthropic') scripted.reply(ANTHROPIC_CACHED_REPLY)
  if (kind === 'anthropic-stream') scripted.reply(ANTHROPIC_CACHED_REPLY_STREAMED)
}

/** The server's events of one function id, oldest first. */
async function storedFor(functionId: string): Promise<CostEvent[]> {
  const response = await fetch(`${server.base}/api/events?limit=1000`, {
    headers: { authorization: `Bearer ${server.keys.read}` },
  })
  const { events } = (await response.json()) as { events: CostEvent[] }
  return events.filter((event) => event.feature === functionId).sort((a, b) => a.ts.localeCompare(b.ts))
}

const USAGE = [
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'output_tokens',
  'reasoning_tokens',
] as const

/** Runs a scenario both ways: telemetry to the server, and the middleware; answers both sets of events. */
async function bothWays(ai: Runner, kind: Kind, functionId: string) {
  queue(kind)
  await ai.run(kind, { telemetry: functionId })
  await provider.forceFlush()
  const { tracker, events: recorded } = recordingTracker()
  queue(kind)
  await ai.run(kind, { middleware: spendlensMiddleware({ tracker }) })
  await tracker.flush()
  return { stored: await storedFor(functionId), recorded }
}

describe.each(runners)('the AI SDK telemetry of $name through POST /v1/traces', (ai) => {
  const cases: [Kind, number][] = [
    // Two steps: the tool call and the answer; the generateText/streamText span above them is not counted.
    ['openai-tools-stream', 2],
    ['anthropic', 1],
    ['anthropic-stream', 1],
    ['google', 1],
  ]
  // ai v6 records cache reads on generateText's doGenerate spans too; ai v5 does not (below).
  if (ai.name === 'ai v6') cases.push(['openai-tools', 2])
  it.each<[Kind, number]>(cases)(
    'stores every %s call once, at the cost spendlensMiddleware records',
    async (kind, calls) => {
      const functionId = `${ai.name}-${kind}`.replaceAll(' ', '-')
      const { stored, recorded } = await bothWays(ai, kind, functionId)
      expect(stored).toHaveLength(calls)
      expect(recorded).toHaveLength(calls)
      for (const [index, event] of stored.entries()) {
        const expected = recorded[index] as CostEvent
        expect(event.cost_usd).not.toBeNull()
        expect(event.cost_usd).toBeCloseTo(expected.cost_usd as number, 12)
        for (const field of USAGE) expect([field, event[field]]).toEqual([field, expected[field]])
        expect(event).toMatchObject({
          provider: expected.provider,
          model: expected.model,
          customer_id: 'acme',
          environment: 'production',
          tags: { plan: 'pro', 'service.name': 'weather-app' },
          streamed: kind.endsWith('-stream'),
        })
      }
    },
  )
})

describe('the limit of ai v5 generateText telemetry', () => {
  it('records no cache reads for OpenAI on doGenerate spans, so those calls are priced at the full input rate', async () => {
    const ai = runners[0] as Runner
    const { stored, recorded } = await bothWays(ai, 'openai-tools', 'ai-v5-openai-tools')
    expect(stored).toHaveLength(2)
    expect(stored.map((event) => [event.input_tokens, event.cache_read_tokens])).toEqual([
      [1200, null],
      [1260, null],
    ])
    // Step 1: 1,200 × 0.15/1M + 20 × 0.60/1M = 0.00018 + 0.000012 = $0.000192 (the SDK: $0.0001152).
    // Step 2: 1,260 × 0.15/1M + 40 × 0.60/1M = 0.000189 + 0.000024 = $0.000213 (the SDK: $0.0001362).
    expect(stored.map((event) => event.cost_usd)).toEqual([0.000192, 0.000213])
    expect(recorded.map((event) => event.cache_read_tokens)).toEqual([1024, 1024])
  })
})
