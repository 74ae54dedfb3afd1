import type Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeProvider, startFakeProvider } from './fake-provider.js'
import { anthropicClient, collect, onlyEvent, recordingTracker } from './harness.js'

/*
 * claude-sonnet-4 catalog prices (per million tokens), checked against calcPrice from
 * @pydantic/genai-prices 0.1.8 and Anthropic's published price list:
 *   $3 input, $3.75 5-minute cache write, $6 1-hour cache write, $0.30 cache read, $15 output.
 *
 * Fixture usage: input_tokens 50 (uncached only), cache_read_input_tokens 10,000,
 * cache_creation_input_tokens 3,000 = 2,000 (5m) + 1,000 (1h), output_tokens 400.
 *   uncached input   50 × $3    / 1M = $0.00015
 *   cache read   10,000 × $0.30 / 1M = $0.003
 *   5m write      2,000 × $3.75 / 1M = $0.0075
 *   1h write      1,000 × $6    / 1M = $0.006
 *   output          400 × $15   / 1M = $0.006
 *   total                            = $0.02265
 * Total input = 50 + 10,000 + 3,000 = 13,050 (Anthropic's input_tokens excludes the cache).
 */
const SONNET_COST = 0.02265

let fake: FakeProvider
let anthropic: Anthropic

beforeAll(async () => {
  fake = await startFakeProvider()
  anthropic = anthropicClient(fake)
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const messagesBody = {
  model: 'claude-sonnet-4-0',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'When does the contract renew?' }],
}

const expectedUsage = {
  input_tokens: 13050,
  cache_read_tokens: 10000,
  cache_write_tokens: 3000,
  cache_write_1h_tokens: 1000,
  output_tokens: 400,
  reasoning_tokens: null,
}

describe('messages.create', () => {
  it('records a plain call with cache reads and both cache-write TTLs', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(anthropic, { feature: 'contract-qa', customer_id: 'acme' })

    await wrapped.messages.create(messagesBody)
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      provider: 'anthropic',
      operation: 'messages',
      model: 'claude-sonnet-4-20250514',
      requested_model: 'claude-sonnet-4-0',
      provider_request_id: fake.requests[0]?.requestId,
      // Anthropic's client has no workspace of its own (its API key picks one).
      provider_project: null,
      feature: 'contract-qa',
      customer_id: 'acme',
      tags: {},
      ...expectedUsage,
      service_tier: 'default',
      batch: false,
      pricing_status: 'priced',
      status: 'ok',
      http_status: 200,
      streamed: false,
    })
    expect(event.cost_usd).toBeCloseTo(SONNET_COST, 12)
    expect(event.price_source).toContain('anthropic/claude-sonnet-4')
  })

  it('records the workspace the wrap options name', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(anthropic, {}, { providerProject: 'wrkspc_support' })

    await wrapped.messages.create(messagesBody)
    await tracker.flush()

    expect(onlyEvent(events).provider_project).toBe('wrkspc_support')
  })

  it('returns the same message as the unwrapped client', async () => {
    const { tracker } = recordingTracker()
    const plain = await anthropic.messages.create(messagesBody)
    const tracked = await tracker.wrap(anthropic).messages.create(messagesBody)

    expect(tracked).toStrictEqual(plain)
    expect(tracked._request_id).toBe(fake.requests[1]?.requestId)
    expect(fake.requests[1]?.body).toStrictEqual(fake.requests[0]?.body)
  })

  it('keeps .withResponse() working on the wrapped call', async () => {
    const { tracker, events } = recordingTracker()
    const plain = await anthropic.messages.create(messagesBody)
    const { data, response, request_id } = await tracker
      .wrap(anthropic)
      .messages.create(messagesBody)
      .withResponse()
    await tracker.flush()

    expect(data).toStrictEqual(plain)
    expect(response.status).toBe(200)
    expect(request_id).toBe(fake.requests[1]?.requestId)
    expect(onlyEvent(events).cost_usd).toBeCloseTo(SONNET_COST, 12)
  })
})

describe('messages.create streamed', () => {
  const streamBody = { ...messagesBody, stream: true as const }

  it('shows the caller the same events as an unwrapped client and sends the same request', async () => {
    const { tracker } = recordingTracker()
    const plain = await collect(await anthropic.messages.create(streamBody))
    const tracked = await collect(await tracker.wrap(anthropic).messages.create(streamBody))

    expect(tracked).toStrictEqual(plain)
    expect(tracked.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    expect(fake.requests[1]?.body).toStrictEqual(streamBody)
  })

  it('takes input and cache counts from message_start and the cumulative output from message_delta', async () => {
    const { tracker, events } = recordingTracker()
    await collect(await tracker.wrap(anthropic, { feature: 'contract-qa' }).messages.create(streamBody))
    await tracker.flush()

    const event = onlyEvent(events)
    // Adding message_delta's cumulative counts to message_start's would give 401 output tokens
    // (the placeholder 1 + 400) and 26,100 input tokens.
    expect(event).toMatchObject({
      provider: 'anthropic',
      operation: 'messages',
      model: 'claude-sonnet-4-20250514',
      requested_model: 'claude-sonnet-4-0',
      provider_request_id: fake.requests[0]?.requestId,
      feature: 'contract-qa',
      ...expectedUsage,
      service_tier: 'default',
      status: 'ok',
      streamed: true,
    })
    expect(event.cost_usd).toBeCloseTo(SONNET_COST, 12)
    expect(event.ttft_ms).toBeGreaterThanOrEqual(0)
  })

  it('keeps .withResponse() working on a wrapped stream', async () => {
    const { tracker, events } = recordingTracker()
    const plain = await collect(await anthropic.messages.create(streamBody))
    const { data, request_id } = await tracker.wrap(anthropic).messages.create(streamBody).withResponse()
    const streamed = await collect(data)
    await tracker.flush()

    expect(streamed).toStrictEqual(plain)
    expect(request_id).toBe(fake.requests[1]?.requestId)
    expect(onlyEvent(events).cost_usd).toBeCloseTo(SONNET_COST, 12)
  })
})
