import type OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { tagCall } from '../src/index.js'
import { type FakeProvider, startFakeProvider } from './fake-provider.js'
import { collect, onlyEvent, openaiClient, recordingTracker } from './harness.js'

/*
 * Catalog prices used below (per million tokens), checked against calcPrice from
 * @pydantic/genai-prices 0.1.8 and OpenAI's published price list:
 *   gpt-4o-mini             $0.15 input, $0.075 cached input, $0.60 output
 *   o4-mini                 $1.10 input, $0.275 cached input, $4.40 output
 *   gpt-4.1-mini            $0.40 input, $0.10 cached input,  $1.60 output
 *   text-embedding-3-small  $0.02 input
 */

/*
 * gpt-4o-mini fixture: prompt_tokens 1,200 (cached_tokens 1,024), completion_tokens 300.
 *   uncached input (1,200 − 1,024) = 176 × $0.15 / 1M = $0.0000264
 *   cached input             1,024 × $0.075 / 1M     = $0.0000768
 *   output                     300 × $0.60 / 1M      = $0.000180
 *   total                                            = $0.0002832
 * (Pricing the cached tokens at the full rate would give 1,200 × 0.15/1M + 0.00018 = $0.00036.)
 */
const GPT_4O_MINI_COST = 0.0002832

/*
 * o4-mini fixture: prompt_tokens 500, completion_tokens 2,000 of which reasoning_tokens 1,600.
 * completion_tokens already includes the reasoning, so output = 2,000:
 *   input   500 × $1.10 / 1M = $0.00055
 *   output 2,000 × $4.40 / 1M = $0.0088
 *   total                     = $0.00935
 * (Adding reasoning on top, 3,600 output tokens, would give $0.01639.)
 */
const O4_MINI_COST = 0.00935

/*
 * The same o4-mini call answered on the flex tier (response `service_tier: 'flex'`), billed at half:
 *   $0.00935 / 2 = $0.004675
 */
const O4_MINI_FLEX_COST = 0.004675

/*
 * gpt-4.1-mini Responses fixture: input_tokens 2,048 (cached 1,536), output_tokens 512.
 *   uncached input (2,048 − 1,536) = 512 × $0.40 / 1M = $0.0002048
 *   cached input             1,536 × $0.10 / 1M     = $0.0001536
 *   output                     512 × $1.60 / 1M     = $0.0008192
 *   total                                           = $0.0011776
 */
const GPT_41_MINI_COST = 0.0011776

/*
 * text-embedding-3-small fixture: prompt_tokens 1,250.
 *   1,250 × $0.02 / 1M = $0.000025
 */
const EMBEDDING_COST = 0.000025

let fake: FakeProvider
let openai: OpenAI

beforeAll(async () => {
  fake = await startFakeProvider()
  openai = openaiClient(fake)
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const chatBody = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'How long do refunds take?' }],
}

describe('chat.completions.create', () => {
  it('records a plain call with its usage, ids, tags and cost', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(openai, { feature: 'support-answer', team: 'care' })

    await wrapped.chat.completions.create(chatBody)
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      schema_version: 1,
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-mini-2024-07-18',
      requested_model: 'gpt-4o-mini',
      provider_request_id: fake.requests[0]?.requestId,
      feature: 'support-answer',
      tags: { team: 'care' },
      input_tokens: 1200,
      cache_read_tokens: 1024,
      cache_write_tokens: null,
      output_tokens: 300,
      reasoning_tokens: 0,
      service_tier: 'default',
      batch: false,
      pricing_status: 'priced',
      status: 'ok',
      error_type: null,
      http_status: 200,
      streamed: false,
      ttft_ms: null,
    })
    expect(event.cost_usd).toBeCloseTo(GPT_4O_MINI_COST, 12)
    expect(event.price_source).toContain('openai/gpt-4o-mini')
    expect(event.sdk).toMatch(/^spendlens-js\//)
    expect(event.latency_ms).toBeGreaterThanOrEqual(0)
  })

  it('returns the same data as the unwrapped client', async () => {
    const { tracker } = recordingTracker()
    const wrapped = tracker.wrap(openai)

    const plain = await openai.chat.completions.create(chatBody)
    const tracked = await wrapped.chat.completions.create(chatBody)

    expect(tracked).toStrictEqual(plain)
    expect(tracked._request_id).toBe(fake.requests[1]?.requestId)
    expect(fake.requests[1]?.body).toStrictEqual(fake.requests[0]?.body)
  })

  it("delivers a call's event to the sink without a flush()", async () => {
    const { tracker, events } = recordingTracker()

    await tracker.wrap(openai).chat.completions.create(chatBody)

    // Built off the caller's path with the calls of the next few milliseconds: polled, not timed.
    await vi.waitFor(() => expect(events).toHaveLength(1), { timeout: 10_000, interval: 5 })
    expect(onlyEvent(events).cost_usd).toBeCloseTo(GPT_4O_MINI_COST, 12)
  })

  it('keeps .withResponse() working on the wrapped call', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(openai)

    const plain = await openai.chat.completions.create(chatBody)
    const { data, response, request_id } = await wrapped.chat.completions.create(chatBody).withResponse()
    await tracker.flush()

    expect(data).toStrictEqual(plain)
    expect(response.status).toBe(200)
    expect(request_id).toBe(fake.requests[1]?.requestId)
    expect(onlyEvent(events).cost_usd).toBeCloseTo(GPT_4O_MINI_COST, 12)
  })

  it('prices cached prompt tokens at the cached rate, not the full input rate', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(openai).chat.completions.create(chatBody)
    await tracker.flush()

    const event = onlyEvent(events)
    // Full-rate pricing would be $0.00036 (see GPT_4O_MINI_COST).
    expect(event.cost_usd).not.toBeCloseTo(0.00036, 9)
    expect(event.cost_usd).toBeCloseTo(GPT_4O_MINI_COST, 12)
  })

  it('does not add reasoning tokens on top of completion tokens', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(openai).chat.completions.create({ ...chatBody, model: 'o4-mini' })
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      model: 'o4-mini-2025-04-16',
      input_tokens: 500,
      output_tokens: 2000,
      reasoning_tokens: 1600,
    })
    expect(event.cost_usd).toBeCloseTo(O4_MINI_COST, 12)
  })

  it('prices a call the API served on the flex tier at half', async () => {
    const { tracker, events } = recordingTracker()
    const result = await tracker
      .wrap(openai)
      .chat.completions.create({ ...chatBody, model: 'o4-mini', service_tier: 'flex' })
    await tracker.flush()

    expect(result.service_tier).toBe('flex')
    const event = onlyEvent(events)
    expect(event.service_tier).toBe('flex')
    expect(event.cost_usd).toBeCloseTo(O4_MINI_FLEX_COST, 12)
    expect(event.price_source).toContain('flex')
  })

  it('records an unknown model as unpriced with a null cost, never 0', async () => {
    const { tracker, events, warnings } = recordingTracker()
    await tracker.wrap(openai).chat.completions.create({ ...chatBody, model: 'acme-unreleased-1' })
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      model: 'acme-unreleased-1',
      input_tokens: 100,
      output_tokens: 20,
      pricing_status: 'unpriced',
      cost_usd: null,
      price_source: null,
      status: 'ok',
    })
    expect(warnings.some((warning) => warning.includes('acme-unreleased-1'))).toBe(true)
  })
})

describe('chat.completions.create streamed', () => {
  const streamBody = { ...chatBody, stream: true as const }

  it('shows the caller exactly the chunks an unwrapped client sees when it did not ask for usage', async () => {
    const { tracker } = recordingTracker()
    const wrapped = tracker.wrap(openai)

    const plain = await collect(await openai.chat.completions.create(streamBody))
    const tracked = await collect(await wrapped.chat.completions.create(streamBody))

    expect(plain).toHaveLength(5)
    expect(tracked).toStrictEqual(plain)
    for (const chunk of tracked) {
      expect(chunk).not.toHaveProperty('usage')
      expect(chunk.choices).not.toHaveLength(0)
    }
  })

  it('asks the provider for usage without changing the caller’s request object', async () => {
    const { tracker } = recordingTracker()
    const body = { ...streamBody }
    const snapshot = structuredClone(body)

    await collect(await tracker.wrap(openai).chat.completions.create(body))

    expect(body).toStrictEqual(snapshot)
    expect(fake.requests[0]?.body).toStrictEqual({ ...snapshot, stream_options: { include_usage: true } })
  })

  it('records usage and cost for a stream whose caller did not ask for usage', async () => {
    const { tracker, events } = recordingTracker()
    await collect(await tracker.wrap(openai, { feature: 'chat-stream' }).chat.completions.create(streamBody))
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-mini-2024-07-18',
      requested_model: 'gpt-4o-mini',
      provider_request_id: fake.requests[0]?.requestId,
      feature: 'chat-stream',
      input_tokens: 1200,
      cache_read_tokens: 1024,
      output_tokens: 300,
      pricing_status: 'priced',
      status: 'ok',
      streamed: true,
    })
    // A stream recorded at $0 is the classic bug this guards against.
    expect(event.cost_usd).toBeCloseTo(GPT_4O_MINI_COST, 12)
    expect(event.ttft_ms).toBeGreaterThanOrEqual(0)
    expect(event.latency_ms).toBeGreaterThanOrEqual(event.ttft_ms ?? 0)
  })

  it('passes the usage chunk through when the caller asked for usage', async () => {
    const { tracker, events } = recordingTracker()
    const body = { ...streamBody, stream_options: { include_usage: true } }

    const plain = await collect(await openai.chat.completions.create(body))
    const tracked = await collect(await tracker.wrap(openai).chat.completions.create(body))
    await tracker.flush()

    expect(tracked).toStrictEqual(plain)
    expect(tracked).toHaveLength(6)
    const last = tracked.at(-1)
    expect(last?.choices).toEqual([])
    expect(last?.usage?.prompt_tokens).toBe(1200)
    for (const chunk of tracked.slice(0, -1)) expect(chunk.usage).toBeNull()
    expect(fake.requests[1]?.body).toStrictEqual(body)
    expect(onlyEvent(events).cost_usd).toBeCloseTo(GPT_4O_MINI_COST, 12)

    const { data, request_id } = await tracker.wrap(openai).chat.completions.create(body).withResponse()
    expect(await collect(data)).toStrictEqual(plain)
    expect(request_id).toBe(fake.requests[2]?.requestId)
  })

  it('keeps .withResponse() working on a wrapped stream', async () => {
    const { tracker, events } = recordingTracker()
    const { data, response, request_id } = await tracker
      .wrap(openai)
      .chat.completions.create(streamBody)
      .withResponse()
    const chunks = await collect(data)
    await tracker.flush()

    expect(response.headers.get('content-type')).toContain('text/event-stream')
    expect(request_id).toBe(fake.requests[0]?.requestId)
    expect(chunks).toHaveLength(5)
    expect(onlyEvent(events).cost_usd).toBeCloseTo(GPT_4O_MINI_COST, 12)
  })

  it('records a stream read through tee() once, with its usage', async () => {
    const { tracker, events } = recordingTracker()
    const stream = await tracker.wrap(openai).chat.completions.create(streamBody)
    const [left, right] = stream.tee()
    const [leftChunks, rightChunks] = await Promise.all([collect(left), collect(right)])
    await tracker.flush()

    expect(leftChunks).toStrictEqual(rightChunks)
    for (const chunk of leftChunks) expect(chunk).not.toHaveProperty('usage')
    expect(onlyEvent(events).cost_usd).toBeCloseTo(GPT_4O_MINI_COST, 12)
  })
})

describe('responses.create', () => {
  const responsesBody = { model: 'gpt-4.1-mini', input: 'How many tickets mention billing?' }

  it('records a plain call', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(openai, { feature: 'ticket-triage' })

    const plain = await openai.responses.create(responsesBody)
    const tracked = await wrapped.responses.create(responsesBody)
    await tracker.flush()

    expect(tracked).toStrictEqual(plain)
    expect(tracked.output_text).toBe('Three tickets mention billing.')
    const event = onlyEvent(events)
    expect(event).toMatchObject({
      provider: 'openai',
      operation: 'responses',
      model: 'gpt-4.1-mini-2025-04-14',
      requested_model: 'gpt-4.1-mini',
      provider_request_id: fake.requests[1]?.requestId,
      feature: 'ticket-triage',
      input_tokens: 2048,
      cache_read_tokens: 1536,
      output_tokens: 512,
      reasoning_tokens: 0,
      status: 'ok',
      streamed: false,
    })
    expect(event.cost_usd).toBeCloseTo(GPT_41_MINI_COST, 12)
  })

  it('keeps .withResponse() working', async () => {
    const { tracker } = recordingTracker()
    const plain = await openai.responses.create(responsesBody)
    const { data, request_id } = await tracker.wrap(openai).responses.create(responsesBody).withResponse()

    expect(data).toStrictEqual(plain)
    expect(request_id).toBe(fake.requests[1]?.requestId)
  })

  it('records a streamed call from its response.completed event', async () => {
    const { tracker, events } = recordingTracker()
    const body = { ...responsesBody, stream: true as const }

    const plain = await collect(await openai.responses.create(body))
    const tracked = await collect(await tracker.wrap(openai).responses.create(body))
    await tracker.flush()

    expect(tracked).toStrictEqual(plain)
    expect(tracked.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ])
    expect(fake.requests[1]?.body).toStrictEqual(body)
    const event = onlyEvent(events)
    expect(event).toMatchObject({
      operation: 'responses',
      model: 'gpt-4.1-mini-2025-04-14',
      provider_request_id: fake.requests[1]?.requestId,
      input_tokens: 2048,
      cache_read_tokens: 1536,
      output_tokens: 512,
      status: 'ok',
      streamed: true,
    })
    expect(event.cost_usd).toBeCloseTo(GPT_41_MINI_COST, 12)
  })

  it('keeps .withResponse() working on a wrapped stream', async () => {
    const { tracker, events } = recordingTracker()
    const body = { ...responsesBody, stream: true as const }

    const plain = await collect(await openai.responses.create(body))
    const { data, request_id } = await tracker.wrap(openai).responses.create(body).withResponse()
    const tracked = await collect(data)
    await tracker.flush()

    expect(tracked).toStrictEqual(plain)
    expect(request_id).toBe(fake.requests[1]?.requestId)
    expect(onlyEvent(events).cost_usd).toBeCloseTo(GPT_41_MINI_COST, 12)
  })
})

describe('embeddings.create', () => {
  const embeddingsBody = { model: 'text-embedding-3-small', input: ['first ticket', 'second ticket'] }

  it('records the call and returns the same vectors as the unwrapped client', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(openai, { feature: 'search-index' })

    const plain = await openai.embeddings.create(embeddingsBody)
    const tracked = await wrapped.embeddings.create(embeddingsBody)
    await tracker.flush()

    expect(tracked).toStrictEqual(plain)
    expect(tracked.data[0]?.embedding).toEqual([0.25, -0.5, 0.125, 0.0625])
    const event = onlyEvent(events)
    expect(event).toMatchObject({
      provider: 'openai',
      operation: 'embeddings',
      model: 'text-embedding-3-small',
      requested_model: 'text-embedding-3-small',
      provider_request_id: fake.requests[1]?.requestId,
      feature: 'search-index',
      input_tokens: 1250,
      output_tokens: 0,
      status: 'ok',
    })
    expect(event.cost_usd).toBeCloseTo(EMBEDDING_COST, 12)
  })

  it('keeps .withResponse() working', async () => {
    const { tracker } = recordingTracker()
    const plain = await openai.embeddings.create(embeddingsBody)
    const { data, response } = await tracker.wrap(openai).embeddings.create(embeddingsBody).withResponse()

    expect(data).toStrictEqual(plain)
    expect(response.status).toBe(200)
  })
})

describe('wrap()', () => {
  it('keeps the client’s class and its other methods', async () => {
    const { tracker } = recordingTracker()
    const wrapped = tracker.wrap(openai)

    expect(wrapped).toBeInstanceOf(openai.constructor)
    expect(wrapped.baseURL).toBe(openai.baseURL)
    expect(typeof wrapped.models.list).toBe('function')
  })

  it('returns a non-client object untouched, with a warning', () => {
    const { tracker, warnings } = recordingTracker()
    const notAClient = { hello: 'world' }

    expect(tracker.wrap(notAClient)).toBe(notAClient)
    expect(warnings).toHaveLength(1)
  })
})

describe('provider_project', () => {
  // The project OpenAI bills a call to (its Costs and Usage APIs group by it) is the `OpenAI-Project`
  // header the client sends: from its `project` option, or from the call's own headers.
  const sentProject = (index: number) => fake.requests[index]?.headers['openai-project'] ?? null

  it('records the client’s project option, the header it sends', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(openai.withOptions({ project: 'proj_client' }))

    await wrapped.chat.completions.create(chatBody)
    await tracker.flush()

    expect(sentProject(0)).toBe('proj_client')
    expect(onlyEvent(events).provider_project).toBe('proj_client')
  })

  it('records an OpenAI-Project header a call passes, over the client’s project', async () => {
    const { tracker, events } = recordingTracker()
    const plain = tracker.wrap(openai.withOptions({ project: null }))
    const withProject = tracker.wrap(openai.withOptions({ project: 'proj_client' }))

    await plain.chat.completions.create(chatBody, { headers: { 'OpenAI-Project': 'proj_call' } })
    await withProject.responses.create(
      { model: 'gpt-4.1-mini', input: 'Summarize the ticket.' },
      { headers: new Headers({ 'openai-project': 'proj_override' }) },
    )
    await withProject.embeddings.create(
      { model: 'text-embedding-3-small', input: 'refund policy' },
      tagCall({ feature: 'search' }, { headers: [['OpenAI-Project', 'proj_tagged']] }),
    )
    await tracker.flush()

    expect([0, 1, 2].map(sentProject)).toEqual(['proj_call', 'proj_override', 'proj_tagged'])
    expect(events.map((event) => event.provider_project)).toEqual([
      'proj_call',
      'proj_override',
      'proj_tagged',
    ])
  })

  it('is null when neither the client nor the call names a project, or the call removes it', async () => {
    const { tracker, events } = recordingTracker()
    const plain = tracker.wrap(openai.withOptions({ project: null }))
    const withProject = tracker.wrap(openai.withOptions({ project: 'proj_client' }))

    await plain.chat.completions.create(chatBody)
    await withProject.chat.completions.create(chatBody, { headers: { 'OpenAI-Project': null } })
    await tracker.flush()

    expect([0, 1].map(sentProject)).toEqual([null, null])
    expect(events.map((event) => event.provider_project)).toEqual([null, null])
  })

  it('takes the wrap option for a client without one, and keeps it on a withOptions() copy', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(openai.withOptions({ project: null }), {}, { providerProject: 'proj_given' })

    await wrapped.chat.completions.create(chatBody)
    await wrapped.withOptions({ timeout: 30_000 }).chat.completions.create(chatBody)
    await tracker.flush()

    expect(events.map((event) => event.provider_project)).toEqual(['proj_given', 'proj_given'])
  })

  it('is null when the client bills another provider, whose invoice has no OpenAI project', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(openai.withOptions({ project: 'proj_client' }), {}, { provider: 'groq' })

    await wrapped.chat.completions.create(chatBody, { headers: { 'OpenAI-Project': 'proj_call' } })
    await tracker.flush()

    expect(onlyEvent(events).provider_project).toBeNull()
  })
})
