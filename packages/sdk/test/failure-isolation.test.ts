import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type CostEvent, callbackSink, createTracker, type Sink } from '../src/index.js'
import { recorderOf } from '../src/internal.js'
import { type FakeProvider, startFakeProvider } from './fake-provider.js'
import { anthropicClient, collect, onlyEvent, openaiClient, recordingTracker, rejection } from './harness.js'

let fake: FakeProvider
let openai: OpenAI
let anthropic: Anthropic

beforeAll(async () => {
  fake = await startFakeProvider()
  openai = openaiClient(fake)
  anthropic = anthropicClient(fake)
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const chatBody = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'How long do refunds take?' }],
}
const messagesBody = {
  model: 'claude-sonnet-4-0',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'When does the contract renew?' }],
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('a broken sink never reaches the caller', () => {
  it('returns the unwrapped result and lets flush() resolve when the spendlens server is down', async () => {
    const warnings: string[] = []
    const spoolDir = mkdtempSync(join(tmpdir(), 'spendlens-isolation-'))
    const tracker = createTracker({
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      spool: { dir: spoolDir },
      onWarning: (message) => warnings.push(message),
    })
    const wrapped = tracker.wrap(openai)

    const plain = await openai.chat.completions.create(chatBody)
    const tracked = await wrapped.chat.completions.create(chatBody)
    const streamed = await collect(await wrapped.chat.completions.create({ ...chatBody, stream: true }))
    await expect(tracker.flush()).resolves.toBeUndefined()

    expect(tracked).toStrictEqual(plain)
    expect(streamed).toHaveLength(5)
    // Kept on disk for when the server is back, not dropped.
    expect(recorderOf(tracker)?.sinks[0]?.stats?.()).toMatchObject({
      sent: 0,
      pending: 2,
      dropped: 0,
      spooled: 2,
    })
    expect(warnings.some((warning) => warning.includes('could not deliver'))).toBe(true)
    rmSync(spoolDir, { recursive: true, force: true })
  })

  it('returns the unwrapped result when a callback sink throws', async () => {
    const sink = callbackSink(() => {
      throw new Error('sink exploded')
    })
    const tracker = createTracker({ sinks: [sink], onWarning: () => undefined })

    const plain = await anthropic.messages.create(messagesBody)
    const tracked = await tracker.wrap(anthropic).messages.create(messagesBody)
    await expect(tracker.flush()).resolves.toBeUndefined()

    expect(tracked).toStrictEqual(plain)
    expect(sink.stats?.()).toMatchObject({ sent: 0, dropped: 1 })
  })

  it('keeps delivering to the other sinks when one sink’s write and flush throw', async () => {
    const events: CostEvent[] = []
    const warnings: string[] = []
    const broken: Sink = {
      write() {
        throw new Error('write exploded')
      },
      flush: () => Promise.reject(new Error('flush exploded')),
    }
    const tracker = createTracker({
      sinks: [broken, callbackSink((event) => events.push(event))],
      onWarning: (message) => warnings.push(message),
    })

    const plain = await openai.chat.completions.create(chatBody)
    const tracked = await tracker.wrap(openai).chat.completions.create(chatBody)
    await expect(tracker.flush()).resolves.toBeUndefined()

    expect(tracked).toStrictEqual(plain)
    expect(events).toHaveLength(1)
    expect(warnings.some((warning) => warning.includes('write exploded'))).toBe(true)
  })
})

describe('provider errors', () => {
  for (const status of [429, 500]) {
    it(`gives the caller the same OpenAI error for HTTP ${status} and records it`, async () => {
      const { tracker, events } = recordingTracker()
      fake.failNext({ status }, { status })

      const plainError = await rejection(openai.chat.completions.create(chatBody))
      const trackedError = await rejection(tracker.wrap(openai).chat.completions.create(chatBody))
      await tracker.flush()

      expect(trackedError.constructor).toBe(plainError.constructor)
      expect(trackedError).toBeInstanceOf(OpenAI.APIError)
      expect(trackedError.status).toBe(status)
      expect(trackedError.message).toBe(plainError.message)
      expect(onlyEvent(events)).toMatchObject({
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4o-mini',
        requested_model: 'gpt-4o-mini',
        status: 'error',
        error_type: plainError.constructor.name,
        http_status: status,
        provider_request_id: fake.requests[1]?.requestId,
        input_tokens: null,
        output_tokens: null,
      })
    })

    it(`gives the caller the same Anthropic error for HTTP ${status} and records it`, async () => {
      const { tracker, events } = recordingTracker()
      fake.failNext({ status }, { status })

      const plainError = await rejection(anthropic.messages.create(messagesBody))
      const trackedError = await rejection(tracker.wrap(anthropic).messages.create(messagesBody))
      await tracker.flush()

      expect(trackedError.constructor).toBe(plainError.constructor)
      expect(trackedError).toBeInstanceOf(Anthropic.APIError)
      expect(trackedError.status).toBe(status)
      expect(onlyEvent(events)).toMatchObject({
        provider: 'anthropic',
        status: 'error',
        error_type: plainError.constructor.name,
        http_status: status,
        provider_request_id: fake.requests[1]?.requestId,
      })
    })
  }

  it('names the SDK’s error class in error_type', async () => {
    const { tracker, events } = recordingTracker()
    fake.failNext({ status: 429 }, { status: 500 })

    await rejection(tracker.wrap(openai).chat.completions.create(chatBody))
    await rejection(tracker.wrap(anthropic).messages.create(messagesBody))
    await tracker.flush()

    expect(events.map((event) => event.error_type)).toEqual(['RateLimitError', 'InternalServerError'])
  })

  it('records an error for a streamed call the provider refused', async () => {
    const { tracker, events } = recordingTracker()
    fake.failNext({ status: 429 })

    const error = await rejection(tracker.wrap(openai).chat.completions.create({ ...chatBody, stream: true }))
    await tracker.flush()

    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect(onlyEvent(events)).toMatchObject({ status: 'error', http_status: 429, streamed: true })
  })

  it('records a call the provider refused with an HTTP error as a known $0 (not billed), without a catalog warning', async () => {
    const { tracker, events, warnings } = recordingTracker()
    fake.failNext({ status: 500 })

    await rejection(tracker.wrap(openai).chat.completions.create(chatBody))
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      cost_usd: 0,
      pricing_status: 'priced',
      price_source: 'not-billed:provider-error',
    })
    expect(warnings).toEqual([])
  })

  it('records a connection failure with no HTTP status', async () => {
    const { tracker, events } = recordingTracker()
    const unreachable = new OpenAI({
      apiKey: 'sk-test-fake',
      baseURL: `http://127.0.0.1:${await closedPort()}/v1`,
      maxRetries: 0,
    })

    const error = await rejection(tracker.wrap(unreachable).chat.completions.create(chatBody))
    await tracker.flush()

    expect(error).toBeInstanceOf(OpenAI.APIConnectionError)
    expect(onlyEvent(events)).toMatchObject({
      status: 'error',
      error_type: 'APIConnectionError',
      http_status: null,
      provider_request_id: null,
      // No answer came back, so whether the provider billed anything is unknown.
      cost_usd: null,
      pricing_status: 'unpriced',
    })
  })

  it('records a call the caller aborted before it was answered as cancelled', async () => {
    const { tracker, events } = recordingTracker()
    const controller = new AbortController()
    controller.abort()

    const error = await rejection(
      tracker.wrap(openai).chat.completions.create(chatBody, { signal: controller.signal }),
    )
    await tracker.flush()

    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError)
    expect(onlyEvent(events)).toMatchObject({ status: 'cancelled', error_type: 'APIUserAbortError' })
  })
})

describe('client retries', () => {
  it('records a single event for a call that succeeded after the client retried a 429', async () => {
    const { tracker, events } = recordingTracker()
    const retrying = openaiClient(fake, 2)
    fake.failNext({ status: 429, headers: { 'retry-after-ms': '1' } })

    const result = await tracker.wrap(retrying).chat.completions.create(chatBody)
    await tracker.flush()

    expect(result.choices[0]?.message.content).toBe('Refunds are processed within 5 business days.')
    expect(fake.requests).toHaveLength(2)
    expect(onlyEvent(events)).toMatchObject({
      status: 'ok',
      http_status: 200,
      input_tokens: 1200,
      provider_request_id: fake.requests[1]?.requestId,
    })
  })

  it('records a single error event when every retry of an Anthropic call fails', async () => {
    const { tracker, events } = recordingTracker()
    const retrying = anthropicClient(fake, 2)
    const failure = { status: 500, headers: { 'retry-after-ms': '1' } }
    fake.failNext(failure, failure, failure)

    const error = await rejection(tracker.wrap(retrying).messages.create(messagesBody))
    await tracker.flush()

    expect(error).toBeInstanceOf(Anthropic.InternalServerError)
    expect(fake.requests).toHaveLength(3)
    expect(onlyEvent(events)).toMatchObject({
      status: 'error',
      http_status: 500,
      provider_request_id: fake.requests[2]?.requestId,
    })
  })
})

describe('abandoned streams', () => {
  it('records an OpenAI stream the caller leaves with break as cancelled', async () => {
    const { tracker, events } = recordingTracker()
    const stream = await tracker.wrap(openai).chat.completions.create({ ...chatBody, stream: true })
    for await (const chunk of stream) {
      expect(chunk.choices).toHaveLength(1)
      break
    }
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      status: 'cancelled',
      streamed: true,
      error_type: null,
      cost_partial: true,
    })
  })

  it('does not price an abandoned stream whose usage never arrived at $0', async () => {
    const { tracker, events } = recordingTracker()
    const stream = await tracker.wrap(openai).chat.completions.create({ ...chatBody, stream: true })
    for await (const _chunk of stream) break
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      status: 'cancelled',
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
      pricing_status: 'unpriced',
    })
  })

  it('records an Anthropic stream the caller leaves with break as cancelled', async () => {
    const { tracker, events } = recordingTracker()
    const stream = await tracker.wrap(anthropic).messages.create({ ...messagesBody, stream: true })
    let seen = 0
    for await (const event of stream) {
      seen += 1
      if (event.type === 'content_block_delta') break
    }
    await tracker.flush()

    expect(seen).toBe(3)
    // message_start had already told the input and cache counts; the output was never counted, so
    // the cost is the input's alone and flagged as partial (a lower bound), not the placeholder's.
    expect(onlyEvent(events)).toMatchObject({
      status: 'cancelled',
      streamed: true,
      input_tokens: 13050,
      output_tokens: null,
      cost_partial: true,
      pricing_status: 'priced',
    })
  })

  it('records a stream aborted through its controller as cancelled', async () => {
    const { tracker, events } = recordingTracker()
    const stream = await tracker.wrap(openai).chat.completions.create({ ...chatBody, stream: true })
    const seen = []
    for await (const chunk of stream) {
      seen.push(chunk)
      stream.controller.abort()
    }
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({ status: 'cancelled', streamed: true })
  })

  it('records the one event a completed stream produces, not a second one on a later break', async () => {
    const { tracker, events } = recordingTracker()
    const stream = await tracker.wrap(openai).chat.completions.create({ ...chatBody, stream: true })
    await collect(stream)
    await tracker.flush()

    expect(onlyEvent(events).status).toBe('ok')
  })
})
