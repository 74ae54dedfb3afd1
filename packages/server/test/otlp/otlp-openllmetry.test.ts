import * as anthropicModule from '@anthropic-ai/sdk'
import * as traceloop from '@traceloop/node-server-sdk'
import OpenAI from 'openai'
import type { CostEvent } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeProvider, startFakeProvider } from '../../../sdk/test/fake-provider.js'
import { anthropicClient, openaiClient, recordingTracker } from '../../../sdk/test/harness.js'
import { type OtlpServer, startOtlpServer } from './otlp-harness.js'

/*
 * OpenLLMetry (@traceloop/node-server-sdk) instrumenting the official OpenAI and Anthropic clients
 * against the local fake provider, exporting to the real server with its own protobuf exporter
 * (baseUrl + apiKey: POST {baseUrl}/v1/traces with the key as a bearer token), inside a workflow
 * whose span must not count. Beside it, the same answers through tracker.wrap().
 *
 * Catalog prices (per million tokens): o4-mini $1.10 input, $4.40 output; gpt-4o-mini $0.15 input,
 * $0.075 cached input, $0.60 output; claude-sonnet-4 $3 input, $0.30 cache read, $3.75 5-minute
 * and $6 1-hour cache write, $15 output.
 */

const USAGE = [
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'output_tokens',
] as const
const PROMPT = 'Summarise the ticket from the customer who wrote about their invoice'

/**
 * OpenLLMetry 0.27 patches `Anthropic.Completions.prototype` beside `Messages` and `Beta.Messages`,
 * and @anthropic-ai/sdk 1.x no longer has the legacy Completions API, so its manual instrumentation
 * throws on the real module. It gets the real Messages classes (the ones the clients below use) and
 * an empty stand-in for the class that is gone.
 */
function anthropicForOpenLLMetry(): typeof anthropicModule {
  const { Anthropic } = anthropicModule
  return {
    ...anthropicModule,
    Anthropic: { Messages: Anthropic.Messages, Beta: Anthropic.Beta, Completions: class {} },
  } as unknown as typeof anthropicModule
}

let server: OtlpServer
let fake: FakeProvider

beforeAll(async () => {
  ;[server, fake] = await Promise.all([startOtlpServer(), startFakeProvider()])
  traceloop.initialize({
    appName: 'ticket-service',
    baseUrl: server.base,
    apiKey: server.keys.ingest,
    // Batched, as OpenLLMetry exports by default: a call's nested spans leave in one export.
    disableBatch: false,
    traceloopSyncEnabled: false,
    silenceInitializationMessage: true,
    // Prompts and completions are sent (OpenLLMetry's default): the server must drop them.
    traceContent: true,
    // OpenLLMetry's types name the clients' CommonJS declarations; these are the ES module's, the same classes.
    instrumentModules: { openAI: OpenAI as never, anthropic: anthropicForOpenLLMetry() as never },
  })
})
afterAll(async () => {
  await Promise.all([server?.close(), fake?.close()])
})

async function storedOf(workflow: string): Promise<CostEvent[]> {
  await traceloop.forceFlush()
  const response = await fetch(`${server.base}/api/events?limit=1000`, {
    headers: { authorization: `Bearer ${server.keys.read}` },
  })
  const { events } = (await response.json()) as { events: CostEvent[] }
  return events.filter((event) => event.tags.workflow === workflow)
}

/** The calls of one test, inside an OpenLLMetry workflow with association properties. */
function inWorkflow(name: string, calls: () => Promise<unknown>) {
  return traceloop.withWorkflow(
    { name, associationProperties: { customer_id: 'acme', workflow: name } },
    calls,
  )
}

const openaiCall = (client: OpenAI, model: string) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: PROMPT }] })
const anthropicCall = (client: ReturnType<typeof anthropicClient>) =>
  client.messages.create({
    model: 'claude-sonnet-4-0',
    max_tokens: 1024,
    messages: [{ role: 'user', content: PROMPT }],
  })

describe('OpenLLMetry through POST /v1/traces', () => {
  it('stores an OpenAI call once, at the cost tracker.wrap() records, without its prompt', async () => {
    const { tracker, events: recorded } = recordingTracker()
    await openaiCall(tracker.wrap(openaiClient(fake)), 'o4-mini')
    await tracker.flush()
    // The fake answers every call with the same response id: the workflow's call, made last, is the
    // version the store keeps (the wrapped call above is instrumented too).
    await inWorkflow('o4', () => openaiCall(openaiClient(fake), 'o4-mini'))

    const stored = await storedOf('o4')
    // One event: the workflow span around the call is not a model call.
    expect(stored).toHaveLength(1)
    const [event, expected] = [stored[0] as CostEvent, recorded[0] as CostEvent]
    expect(event).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      model: expected.model,
      input_tokens: 500,
      output_tokens: 2000,
      customer_id: 'acme',
      tags: { workflow: 'o4', 'service.name': 'ticket-service' },
      sdk: expect.stringContaining('@traceloop/instrumentation-openai'),
    })
    // 500 × 1.10/1M + 2,000 × 4.40/1M = 0.00055 + 0.0088 = $0.00935, reasoning inside the output.
    expect(event.cost_usd).toBeCloseTo(0.00935, 12)
    expect(event.cost_usd).toBeCloseTo(expected.cost_usd as number, 12)
    expect(JSON.stringify(stored)).not.toContain(PROMPT)
  })

  it("stores an Anthropic call once when OpenLLMetry's span wraps the Anthropic SDK's own, at the SDK's cost", async () => {
    const { tracker, events: recorded } = recordingTracker()
    await anthropicCall(tracker.wrap(anthropicClient(fake)))
    await tracker.flush()
    // @anthropic-ai/sdk 1.x traces its calls itself once a tracer provider is registered (as
    // OpenLLMetry's is): two nested spans of one call, of which the inner (the SDK's) counts.
    await inWorkflow('sonnet', () => anthropicCall(anthropicClient(fake)))

    const stored = await storedOf('sonnet')
    expect(stored).toHaveLength(1)
    const [event, expected] = [stored[0] as CostEvent, recorded[0] as CostEvent]
    expect(event.sdk).toContain('com.anthropic.sdk')
    for (const field of USAGE) expect([field, event[field]]).toEqual([field, expected[field]])
    // Its input is the total, and it tells the 1-hour cache writes apart:
    //   50 × 3/1M + 10,000 × 0.30/1M + 2,000 × 3.75/1M + 1,000 × 6/1M + 400 × 15/1M
    //   = 0.00015 + 0.003 + 0.0075 + 0.006 + 0.006 = $0.02265
    expect(event.cost_usd).toBeCloseTo(0.02265, 12)
    expect(event.cost_usd).toBeCloseTo(expected.cost_usd as number, 12)
    expect(event.provider_request_id).toMatch(/^req_fake/)
  })

  it("adds the cache to Anthropic's input from OpenLLMetry's span alone (the SDK's own tracing off)", async () => {
    const quiet = new anthropicModule.Anthropic({
      apiKey: 'sk-ant-test-fake',
      baseURL: fake.anthropicBaseURL,
      maxRetries: 0,
      openTelemetry: false,
    })
    await inWorkflow('sonnet-openllmetry', () => anthropicCall(quiet))

    const stored = await storedOf('sonnet-openllmetry')
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({
      sdk: expect.stringContaining('@traceloop/instrumentation-anthropic'),
      input_tokens: 13050,
      cache_read_tokens: 10000,
      cache_write_tokens: 3000,
      cache_write_1h_tokens: null,
      output_tokens: 400,
    })
    // OpenLLMetry records Anthropic's input (50) without the cache, and no 1-hour split: all 3,000
    // writes at the 5-minute rate. 50 × 3/1M + 10,000 × 0.30/1M + 3,000 × 3.75/1M + 400 × 15/1M
    //   = 0.00015 + 0.003 + 0.01125 + 0.006 = $0.0204 (the SDK, with the split: $0.02265).
    expect(stored[0]?.cost_usd).toBeCloseTo(0.0204, 12)
  })

  it('prices an OpenAI call with cached tokens at the full input rate: OpenLLMetry records no cached count', async () => {
    await inWorkflow('cached', () => openaiCall(openaiClient(fake), 'gpt-4o-mini'))
    const stored = await storedOf('cached')
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ input_tokens: 1200, cache_read_tokens: null, output_tokens: 300 })
    // 1,200 × 0.15/1M + 300 × 0.60/1M = 0.00018 + 0.00018 = $0.00036 (the SDK, knowing 1,024 cached: $0.0002832).
    expect(stored[0]?.cost_usd).toBeCloseTo(0.00036, 12)
  })
})
