import AnthropicBedrock from '@anthropic-ai/bedrock-sdk'
import AnthropicVertex from '@anthropic-ai/vertex-sdk'
import { GoogleGenAI } from '@google/genai'
import { EventStreamCodec } from '@smithy/core/event-streams'
import { OAuth2Client } from 'google-auth-library'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { collect, onlyEvent, recordingTracker } from './harness.js'
import { type ScriptedProvider, startScriptedProvider } from './scripted-provider.js'

/*
 * Anthropic and Google models on Amazon Bedrock and Google Cloud Vertex AI, through their official
 * clients (fake credentials, baseURL at a local fake). Recorded as `bedrock` and `vertex`, priced
 * by the model id the request names.
 *
 * Catalog prices used below (per million tokens), from calcPrice of @pydantic/genai-prices 0.1.8:
 *   aws     us.anthropic.claude-sonnet-4-5-20250929-v1:0 (regional)  $3.30 input, $4.125 cache write,
 *                                                                    $0.33 cache read, $16.50 output
 *   aws     global.anthropic.claude-sonnet-4-5-20250929-v1:0         $3 input, $3.75 cache write,
 *                                                                    $0.30 cache read, $15 output
 *   google  claude-sonnet-4-5 (Vertex)                               $3, $3.75, $0.30, $15 as global
 *   google  gemini-2.5-flash                                         $0.30 input, $2.50 output
 */

/** Anthropic's usage as Bedrock and Vertex pass it through: 100 uncached, 2,000 written, 10,000 read, 500 out. */
const SONNET_USAGE = {
  input_tokens: 100,
  cache_creation_input_tokens: 2000,
  cache_read_input_tokens: 10000,
  output_tokens: 500,
}

function message(model: string) {
  return {
    id: 'msg_bdrk_01fake',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: 'Refunds take 5 days.' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: SONNET_USAGE,
  }
}

/*
 * Regional (a `us.` profile): 100 × 3.30/1M + 2,000 × 4.125/1M + 10,000 × 0.33/1M + 500 × 16.50/1M
 *   = 0.00033 + 0.00825 + 0.0033 + 0.00825 = $0.02013
 * Global: 100 × 3/1M + 2,000 × 3.75/1M + 10,000 × 0.30/1M + 500 × 15/1M
 *   = 0.0003 + 0.0075 + 0.003 + 0.0075 = $0.0183
 * (Priced by the response's `claude-sonnet-4-5-20250929`, a global call would cost the regional $0.02013.)
 */
const SONNET_REGIONAL_COST = 0.02013
const SONNET_GLOBAL_COST = 0.0183

let fake: ScriptedProvider

beforeAll(async () => {
  fake = await startScriptedProvider()
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const messages = [{ role: 'user' as const, content: 'How long do refunds take?' }]

/** Anthropic's stream events of `message(model)`, in the order the Messages API sends them. */
function messageEvents(model: string): ({ type: string } & Record<string, unknown>)[] {
  return [
    {
      type: 'message_start',
      message: { ...message(model), content: [], usage: { ...SONNET_USAGE, output_tokens: 1 } },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Refunds take 5 days.' } },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 500 },
    },
    { type: 'message_stop' },
  ]
}

/**
 * Bedrock's `invoke-with-response-stream` answer: AWS event-stream frames (encoded by Smithy's
 * codec, as AWS's SDKs do), each a `chunk` event carrying one Anthropic event as base64 `bytes`.
 */
function bedrockEventStream(events: { type: string }[]) {
  const codec = new EventStreamCodec(
    (bytes) => new TextDecoder().decode(bytes),
    (text) => new TextEncoder().encode(text),
  )
  const frames = events.map((event) =>
    codec.encode({
      headers: {
        ':event-type': { type: 'string', value: 'chunk' },
        ':message-type': { type: 'string', value: 'event' },
        ':content-type': { type: 'string', value: 'application/json' },
      },
      body: new TextEncoder().encode(
        JSON.stringify({ bytes: Buffer.from(JSON.stringify(event)).toString('base64') }),
      ),
    }),
  )
  return { body: { text: Buffer.concat(frames), contentType: 'application/vnd.amazon.eventstream' } }
}

describe('Amazon Bedrock (AnthropicBedrock)', () => {
  function bedrock() {
    return new AnthropicBedrock({
      awsRegion: 'us-east-1',
      awsAccessKey: 'AKIAFAKEFAKEFAKEFAKE',
      awsSecretKey: 'fake-secret',
      baseURL: fake.url,
      maxRetries: 0,
    })
  }

  it.each([
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', SONNET_REGIONAL_COST, 'regional'],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', SONNET_GLOBAL_COST, 'global'],
  ])('records %s as bedrock, priced by the requested inference profile', async (model, cost, kind) => {
    fake.reply({ json: message('claude-sonnet-4-5-20250929') })
    const { tracker, events } = recordingTracker()
    await tracker.wrap(bedrock()).messages.create({ model, max_tokens: 1024, messages })
    await tracker.flush()

    expect(decodeURIComponent(fake.requests[0]?.path ?? '')).toBe(`/model/${model}/invoke`)
    const event = onlyEvent(events)
    expect(event).toMatchObject({
      provider: 'bedrock',
      model,
      input_tokens: 12100,
      cache_read_tokens: 10000,
      cache_write_tokens: 2000,
      output_tokens: 500,
      pricing_status: 'priced',
    })
    expect(event.price_source).toBe(`genai-prices:aws/${kind}.anthropic.claude-sonnet-4-5-20250929-v1:0`)
    expect(event.cost_usd).toBeCloseTo(cost, 12)
  })
})

function oauthWithFakeToken() {
  const client = new OAuth2Client()
  client.setCredentials({ access_token: 'fake-access-token', expiry_date: Date.now() + 3_600_000 })
  return client
}

describe('Amazon Bedrock streams', () => {
  it('reads a streamed call from the event-stream frames, priced by the requested profile', async () => {
    const model = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
    fake.reply(bedrockEventStream(messageEvents('claude-sonnet-4-5-20250929')))
    const { tracker, events } = recordingTracker()
    const client = tracker.wrap(
      new AnthropicBedrock({
        awsRegion: 'us-east-1',
        awsAccessKey: 'AKIAFAKEFAKEFAKEFAKE',
        awsSecretKey: 'fake-secret',
        baseURL: fake.url,
        maxRetries: 0,
      }),
    )
    const parts = await collect(
      await client.messages.create({ model, max_tokens: 1024, messages, stream: true }),
    )
    await tracker.flush()

    expect(decodeURIComponent(fake.requests[0]?.path ?? '')).toBe(
      `/model/${model}/invoke-with-response-stream`,
    )
    expect(parts.map((part) => part.type)).toContain('message_delta')
    const event = onlyEvent(events)
    expect(event).toMatchObject({
      provider: 'bedrock',
      model,
      streamed: true,
      output_tokens: 500,
      status: 'ok',
    })
    expect(event.cost_usd).toBeCloseTo(SONNET_REGIONAL_COST, 12)
  })
})

/*
 * Vertex AI's regional endpoints cost 10% more than the global one for Claude Sonnet 4.5 and later
 * (platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai, checked 2026-12-08); the
 * catalog's prices are the global endpoint's. Sonnet 4.5 at us-east5:
 *   0.0183 (the global price above) × 1.1 = $0.02013
 * Claude Sonnet 4 (`claude-sonnet-4@20250514`, the catalog's claude-4-sonnet: the same $3 / $3.75 /
 * $0.30 / $15) keeps its price at a regional endpoint: $0.0183.
 */
const SONNET_VERTEX_REGIONAL_COST = 0.02013

describe('Vertex AI (AnthropicVertex)', () => {
  function vertex(region = 'us-east5') {
    return new AnthropicVertex({
      region,
      projectId: 'fake-project',
      // A real Google auth client holding a fake token that never expires: no network, no ADC.
      authClient: oauthWithFakeToken(),
      baseURL: fake.url,
      maxRetries: 0,
    })
  }
  const model = 'claude-sonnet-4-5@20250929'

  it('records a Vertex model id as vertex at the catalog’s Claude price plus the regional endpoint’s 10%, streamed or not', async () => {
    fake.reply(
      { json: message('claude-sonnet-4-5-20250929') },
      {
        events: messageEvents('claude-sonnet-4-5-20250929').map((data) => ({ event: data.type, data })),
      },
    )
    const { tracker, events } = recordingTracker()
    const client = tracker.wrap(vertex())
    await client.messages.create({ model, max_tokens: 1024, messages })
    await collect(await client.messages.create({ model, max_tokens: 1024, messages, stream: true }))
    await tracker.flush()

    expect(fake.requests[0]?.path).toBe(
      `/projects/fake-project/locations/us-east5/publishers/anthropic/models/${model}:rawPredict`,
    )
    expect(events).toHaveLength(2)
    for (const event of events) {
      expect(event).toMatchObject({ provider: 'vertex', model, output_tokens: 500, pricing_status: 'priced' })
      expect(event.price_source).toBe('genai-prices:google/claude-sonnet-4-5+vertex-regional10%')
      expect(event.cost_usd).toBeCloseTo(SONNET_VERTEX_REGIONAL_COST, 12)
    }
  })

  it('prices the global endpoint at the catalog’s price, and a regional call of an older model without the premium', async () => {
    fake.reply({ json: message('claude-sonnet-4-5-20250929') }, { json: message('claude-sonnet-4-20250514') })
    const { tracker, events } = recordingTracker()
    await tracker.wrap(vertex('global')).messages.create({ model, max_tokens: 1024, messages })
    await tracker
      .wrap(vertex())
      .messages.create({ model: 'claude-sonnet-4@20250514', max_tokens: 1024, messages })
    await tracker.flush()

    expect(fake.requests[0]?.path).toBe(
      `/projects/fake-project/locations/global/publishers/anthropic/models/${model}:rawPredict`,
    )
    const [global, older] = events
    expect(global).toMatchObject({ model, price_source: 'genai-prices:google/claude-sonnet-4-5' })
    expect(global?.cost_usd).toBeCloseTo(SONNET_GLOBAL_COST, 12)
    expect(older).toMatchObject({
      model: 'claude-sonnet-4@20250514',
      pricing_status: 'priced',
      price_source: 'genai-prices:google/claude-4-sonnet',
    })
    expect(older?.cost_usd).toBeCloseTo(SONNET_GLOBAL_COST, 12)
  })
})

describe('Vertex AI (GoogleGenAI with vertexai)', () => {
  /*
   * gemini-2.5-flash: prompt 1,000, candidates 200 + thoughts 100 = 300 output:
   *   1,000 × 0.30/1M + 300 × 2.50/1M = 0.0003 + 0.00075 = $0.00105
   */
  const FLASH_COST = 0.00105

  it('records Gemini on Vertex as vertex with Gemini’s counting rules', async () => {
    fake.reply({
      json: {
        candidates: [
          { content: { role: 'model', parts: [{ text: 'Refunds take 5 days.' }] }, finishReason: 'STOP' },
        ],
        usageMetadata: {
          promptTokenCount: 1000,
          candidatesTokenCount: 200,
          thoughtsTokenCount: 100,
          totalTokenCount: 1300,
        },
        modelVersion: 'gemini-2.5-flash',
        responseId: 'vertex-response-1',
      },
    })
    const { tracker, events } = recordingTracker()
    const genai = tracker.wrap(
      new GoogleGenAI({ vertexai: true, apiKey: 'fake-key', httpOptions: { baseUrl: fake.url } }),
    )
    await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'How long do refunds take?' })
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      provider: 'vertex',
      model: 'gemini-2.5-flash',
      input_tokens: 1000,
      output_tokens: 300,
    })
    expect(event.price_source).toBe('genai-prices:google/gemini-2.5-flash')
    expect(event.cost_usd).toBeCloseTo(FLASH_COST, 12)
  })
})
