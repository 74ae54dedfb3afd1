import { SpanStatusCode } from '@opentelemetry/api'
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'
import type { CostEvent } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventIdOf, exportSpans, type OtlpServer, recordingTracer, startOtlpServer } from './otlp-harness.js'

/*
 * Hand-built GenAI spans, one per mapping rule, sent by the real OTLP exporters (OTLP/JSON gzipped,
 * and protobuf) to the real server. Catalog prices used (per million tokens):
 *   openai    gpt-4o-mini        $0.15 input, $0.075 cached input, $0.60 output
 *   anthropic claude-sonnet-4    $3 input, $0.30 cache read, $3.75 5-minute cache write, $15 output
 *   google    gemini-2.5-flash   $0.30 input, $0.03 cached input, $2.50 output
 */

let server: OtlpServer
beforeAll(async () => {
  server = await startOtlpServer()
})
afterAll(async () => {
  await server?.close()
})

type ExporterOptions = ConstructorParameters<typeof JsonExporter>[0]
const exporters: [string, () => SpanExporter][] = [
  [
    'OTLP/JSON, gzipped (exporter-trace-otlp-http)',
    () =>
      new JsonExporter({
        url: server.tracesUrl,
        headers: { authorization: `Bearer ${server.keys.ingest}` },
        compression: 'gzip',
      } as ExporterOptions),
  ],
  [
    'protobuf (exporter-trace-otlp-proto)',
    () =>
      new ProtobufExporter({
        url: server.tracesUrl,
        headers: { authorization: `Bearer ${server.keys.ingest}` },
      }),
  ],
]

const SECRET = 'THE PROMPT NOBODY MAY STORE'

/** The spans of one app: every spelling the mapping knows, parents that repeat usage, a failed call. */
function buildSpans() {
  const app = recordingTracer({
    'service.name': 'support-api',
    'deployment.environment.name': 'staging',
  })
  const named: Record<string, ReadableSpan | undefined> = {}
  // A response id per run, as a provider gives one per call: the event's id where a span has it.
  const responseId = `chatcmpl-${Math.random().toString(36).slice(2)}`
  const finish = (key: string, span: ReturnType<typeof app.start>) => {
    span.end()
    named[key] = app.finished().find((done) => done.spanContext().spanId === span.spanContext().spanId)
  }

  // The current GenAI conventions, OpenAI, with OpenLLMetry's association properties and content.
  const chat = app.start('chat gpt-4o-mini', {
    'gen_ai.provider.name': 'openai',
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.response.id': responseId,
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.usage.cache_read.input_tokens': 1024,
    'gen_ai.usage.output_tokens': 300,
    'gen_ai.usage.reasoning.output_tokens': 0,
    'gen_ai.conversation.id': 'conv-42',
    'user.id': 'user-7',
    'traceloop.association.properties.feature': 'ticket-triage',
    'traceloop.association.properties.customer_id': 'acme',
    'traceloop.association.properties.team': 'blue',
    'gen_ai.prompt.0.content': SECRET,
    'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: SECRET }]),
  })
  chat.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': SECRET })
  finish('chat', chat)

  // The older spellings, Anthropic: prompt/completion tokens, cache counts beside an input that leaves them out.
  finish(
    'anthropic',
    app.start('anthropic.chat', {
      'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-20250514',
      'gen_ai.usage.prompt_tokens': 50,
      'gen_ai.usage.completion_tokens': 400,
      'gen_ai.usage.cache_read_input_tokens': 10000,
      'gen_ai.usage.cache_creation_input_tokens': 3000,
      'gen_ai.completion.0.content': SECRET,
    }),
  )

  // The AI SDK: the generateText parent repeats its doGenerate child's usage; only the child counts.
  const generate = app.start('ai.generateText', {
    'ai.operationId': 'ai.generateText',
    'ai.model.id': 'gpt-4o-mini',
    'ai.model.provider': 'openai.chat',
    'ai.usage.promptTokens': 1000,
    'ai.usage.completionTokens': 100,
    'ai.telemetry.functionId': 'summarize-thread',
    'ai.telemetry.metadata.customer_id': 'globex',
    'ai.prompt': SECRET,
  })
  finish(
    'doGenerate',
    app.start(
      'ai.generateText.doGenerate',
      {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.id': 'gpt-4o-mini',
        'ai.model.provider': 'openai.chat',
        'gen_ai.system': 'openai.chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'ai.usage.inputTokens': 1000,
        'ai.usage.outputTokens': 100,
        'ai.telemetry.functionId': 'summarize-thread',
        'ai.telemetry.metadata.customer_id': 'globex',
        'ai.telemetry.metadata.plan': 'enterprise',
        'ai.response.text': SECRET,
      },
      generate,
    ),
  )
  finish('generateText', generate)

  // ai v6 normalized usage on a stream's doStream span, Gemini with thoughts.
  finish(
    'doStream',
    app.start('ai.streamText.doStream', {
      'ai.operationId': 'ai.streamText.doStream',
      'ai.model.id': 'gemini-2.5-flash',
      'ai.model.provider': 'google.generative-ai',
      'gen_ai.system': 'google.generative-ai',
      'gen_ai.request.model': 'gemini-2.5-flash',
      'ai.usage.inputTokens': 12000,
      'ai.usage.inputTokenDetails.noCacheTokens': 4000,
      'ai.usage.inputTokenDetails.cacheReadTokens': 8000,
      'ai.usage.outputTokens': 1550,
      'ai.usage.outputTokenDetails.textTokens': 350,
      'ai.usage.outputTokenDetails.reasoningTokens': 1200,
      'ai.response.msToFirstChunk': 250,
    }),
  )

  // Wrappers that repeat their children's usage: an OpenLLMetry workflow, an OpenInference chain, an agent.
  const workflow = app.start('support.workflow', {
    'traceloop.span.kind': 'workflow',
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.prompt_tokens': 2000,
    'gen_ai.usage.completion_tokens': 50,
  })
  const chain = app.start(
    'RunnableSequence',
    {
      'openinference.span.kind': 'CHAIN',
      'llm.model_name': 'gpt-4o-mini',
      'llm.provider': 'openai',
      'llm.token_count.prompt': 2000,
      'llm.token_count.completion': 50,
    },
    workflow,
  )
  // OpenInference's LLM span: the one that counts. Its prompt count includes the cache reads.
  finish(
    'openinference',
    app.start(
      'ChatOpenAI',
      {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o-mini',
        'llm.provider': 'openai',
        'llm.token_count.prompt': 2000,
        'llm.token_count.prompt_details.cache_read': 1000,
        'llm.token_count.completion': 50,
        'session.id': 'session-9',
        'input.value': SECRET,
      },
      chain,
    ),
  )
  finish('chain', chain)
  finish('workflow', workflow)
  finish(
    'agent',
    app.start('invoke_agent triage', {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 5000,
      'gen_ai.usage.output_tokens': 500,
    }),
  )

  // A cost the instrumentation worked out itself (OpenLIT's gen_ai.usage.cost): kept as `client`.
  finish(
    'clientCost',
    app.start('chat gpt-4o-mini', {
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 100,
      'gen_ai.usage.cost': 0.5,
    }),
  )
  // A model the catalog does not know: stored unpriced, never at $0.
  finish(
    'unknown',
    app.start('chat acme', {
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'acme-unreleased-1',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 10,
    }),
  )
  // A failed call: an event with status error and no usage.
  const failed = app.start('chat gpt-4o-mini', {
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'error.type': 'RateLimitError',
  })
  failed.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' })
  finish('failed', failed)
  // Not a model call at all.
  finish(
    'http',
    app.start('GET /tickets', { 'http.request.method': 'GET', 'http.response.status_code': 200 }),
  )

  const spans = app.finished()
  const span = (key: string) => named[key] as ReadableSpan
  /** The event id of a named span: its response id's where it has one, else its trace and span ids'. */
  const eventId = (key: string) => (key === 'chat' ? `otlp:openai:${responseId}` : eventIdOf(span(key)))
  return { spans, span, eventId, responseId, shutdown: app.shutdown }
}

describe.each(exporters)('POST /v1/traces from the real exporter, %s', (_name, makeExporter) => {
  let stored: CostEvent[]
  let built: ReturnType<typeof buildSpans>
  const byId = (key: string) => stored.find((event) => event.event_id === built.eventId(key))

  beforeAll(async () => {
    built = buildSpans()
    const exporter = makeExporter()
    const first = await exportSpans(exporter, built.spans)
    expect(first).toEqual({ code: 0 })
    // The same spans again, as an exporter's retry sends them: stored once.
    expect(await exportSpans(exporter, built.spans)).toEqual({ code: 0 })
    await exporter.shutdown()
    await built.shutdown()
    stored = await server.events([...built.spans.map(eventIdOf), built.eventId('chat')])
  })

  it('stores one event per model call, once, and none for wrappers or other spans', () => {
    const expected = [
      'chat',
      'anthropic',
      'doGenerate',
      'doStream',
      'openinference',
      'clientCost',
      'unknown',
      'failed',
    ]
    expect(stored.map((event) => event.event_id).sort()).toEqual(expected.map(built.eventId).sort())
  })

  it('maps the current GenAI conventions: provider, models, every token kind, conversation, user, environment, tags', () => {
    const event = byId('chat')
    expect(event).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-mini-2024-07-18',
      requested_model: 'gpt-4o-mini',
      provider_request_id: built.responseId,
      input_tokens: 1200,
      cache_read_tokens: 1024,
      output_tokens: 300,
      reasoning_tokens: 0,
      session_id: 'conv-42',
      user_id: 'user-7',
      environment: 'staging',
      feature: 'ticket-triage',
      customer_id: 'acme',
      tags: { team: 'blue', 'service.name': 'support-api' },
      pricing_status: 'priced',
      status: 'ok',
    })
    // OpenAI's input includes the cached tokens: 176 × 0.15/1M + 1,024 × 0.075/1M + 300 × 0.60/1M
    //   = 0.0000264 + 0.0000768 + 0.00018 = $0.0002832
    expect(event?.cost_usd).toBeCloseTo(0.0002832, 10)
    expect(event?.latency_ms).toBeGreaterThanOrEqual(0)
  })

  it("adds Anthropic's cache reads and writes to its input (older spellings)", () => {
    const event = byId('anthropic')
    expect(event).toMatchObject({
      provider: 'anthropic',
      operation: 'messages',
      model: 'claude-sonnet-4-20250514',
      input_tokens: 13050,
      cache_read_tokens: 10000,
      cache_write_tokens: 3000,
      output_tokens: 400,
    })
    // 50 × 3/1M + 10,000 × 0.30/1M + 3,000 × 3.75/1M + 400 × 15/1M
    //   = 0.00015 + 0.003 + 0.01125 + 0.006 = $0.0204
    expect(event?.cost_usd).toBeCloseTo(0.0204, 10)
  })

  it("counts the AI SDK's doGenerate child, with telemetry metadata as attribution and tags", () => {
    const event = byId('doGenerate')
    expect(event).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-mini-2024-07-18',
      input_tokens: 1000,
      output_tokens: 100,
      feature: 'summarize-thread',
      customer_id: 'globex',
      tags: { plan: 'enterprise', 'service.name': 'support-api' },
    })
    // 1,000 × 0.15/1M + 100 × 0.60/1M = 0.00015 + 0.00006 = $0.00021
    expect(event?.cost_usd).toBeCloseTo(0.00021, 10)
    expect(byId('generateText')).toBeUndefined()
  })

  it("reads ai v6's normalized usage, reasoning inside the output, and the stream's first chunk", () => {
    const event = byId('doStream')
    expect(event).toMatchObject({
      provider: 'google',
      operation: 'generate_content',
      model: 'gemini-2.5-flash',
      input_tokens: 12000,
      cache_read_tokens: 8000,
      output_tokens: 1550,
      reasoning_tokens: 1200,
      streamed: true,
      ttft_ms: 250,
    })
    // 4,000 × 0.30/1M + 8,000 × 0.03/1M + 1,550 × 2.50/1M = 0.0012 + 0.00024 + 0.003875 = $0.005315
    expect(event?.cost_usd).toBeCloseTo(0.005315, 10)
  })

  it("counts OpenInference's LLM span, not the chain and workflow around it nor the agent", () => {
    const event = byId('openinference')
    expect(event).toMatchObject({
      input_tokens: 2000,
      cache_read_tokens: 1000,
      output_tokens: 50,
      session_id: 'session-9',
    })
    // Its prompt count is the total: 1,000 × 0.15/1M + 1,000 × 0.075/1M + 50 × 0.60/1M
    //   = 0.00015 + 0.000075 + 0.00003 = $0.000255
    expect(event?.cost_usd).toBeCloseTo(0.000255, 10)
    for (const wrapper of ['chain', 'workflow', 'agent']) expect(byId(wrapper)).toBeUndefined()
  })

  it('keeps a cost the instrumentation sent as client pricing', () => {
    expect(byId('clientCost')).toMatchObject({ cost_usd: 0.5, pricing_status: 'client' })
  })

  it('stores a model without a price as unpriced, and a failed call as an error', () => {
    expect(byId('unknown')).toMatchObject({ cost_usd: null, pricing_status: 'unpriced' })
    expect(byId('failed')).toMatchObject({
      status: 'error',
      error_type: 'RateLimitError',
      input_tokens: null,
    })
  })

  it('stores no prompt or completion', () => {
    expect(JSON.stringify(stored)).not.toContain(SECRET)
    expect(JSON.stringify(stored)).not.toContain('gen_ai.prompt')
  })
})

describe('POST /v1/traces and the ingest keys', () => {
  it('refuses an export without a key, or with a read key, as /v1/events does', async () => {
    const { spans, shutdown } = buildSpans()
    const anonymous = new ProtobufExporter({ url: server.tracesUrl })
    const reader = new ProtobufExporter({
      url: server.tracesUrl,
      headers: { authorization: `Bearer ${server.keys.read}` },
    })
    const [withoutKey, withReadKey] = [await exportSpans(anonymous, spans), await exportSpans(reader, spans)]
    await Promise.all([anonymous.shutdown(), reader.shutdown(), shutdown()])

    expect(withoutKey.code).toBe(1)
    expect(withReadKey.code).toBe(1)
    expect(await server.events(spans.map(eventIdOf))).toEqual([])
  })
})
