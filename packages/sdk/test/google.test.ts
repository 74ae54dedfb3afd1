import { GoogleGenAI } from '@google/genai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeGemini, startFakeGemini } from './fake-gemini.js'
import { collect, onlyEvent, recordingTracker, rejection } from './harness.js'

/*
 * Catalog prices used below (per million tokens), from calcPrice of @pydantic/genai-prices 0.1.8
 * with provider id `google` (the catalog also resolves `gemini`, `google-gla` and `google-vertex`
 * to it):
 *   gemini-2.5-flash   $0.30 input, $0.03 cached input, $2.50 output
 *   gemini-2.5-pro     $1.25 input, $0.125 cached input, $10 output; when the prompt is over
 *                      200,000 tokens EVERY rate switches: $2.50 input, $0.25 cached, $15 output
 *   gemini-2.0-flash   $0.10 input, $0.025 cached input, $0.40 output
 */

/*
 * gemini-2.5-flash fixture: promptTokenCount 12,000 (cachedContentTokenCount 8,000 of them),
 * candidatesTokenCount 350, thoughtsTokenCount 1,200. Thoughts are not in the candidates count, so
 * output = 350 + 1,200 = 1,550:
 *   uncached input (12,000 − 8,000) = 4,000 × $0.30 / 1M = $0.0012
 *   cached input              8,000 × $0.03 / 1M  = $0.00024
 *   output                    1,550 × $2.50 / 1M  = $0.003875
 *   total                                         = $0.005315
 */
const FLASH_COST = 0.005315
/* Thoughts left unpriced (output 350): 0.0012 + 0.00024 + 350 × 2.50/1M = $0.002315. */
const FLASH_COST_WITHOUT_THOUGHTS = 0.002315
/* All 12,000 prompt tokens at the full rate: 12,000 × 0.30/1M + 0.003875 = $0.007475. */
const FLASH_COST_CACHE_AT_FULL_RATE = 0.007475
/* Cached tokens added on top of the prompt (20,000 input): 0.0036 + 0.00024 + 0.003875 = $0.007715. */
const FLASH_COST_CACHE_COUNTED_TWICE = 0.007715

/*
 * The streamed gemini-2.5-flash call abandoned after its first chunk, whose running usage is
 * promptTokenCount 12,000 (8,000 cached), candidatesTokenCount 120, thoughtsTokenCount 1,200:
 *   0.0012 + 0.00024 + (120 + 1,200) = 1,320 × $2.50 / 1M = $0.0033  →  $0.00474 (a lower bound)
 */
const FLASH_FIRST_CHUNK_COST = 0.00474

/*
 * gemini-2.5-pro fixture: promptTokenCount 250,000 (> 200,000, so the long-context rates apply),
 * cachedContentTokenCount 100,000, candidatesTokenCount 800, thoughtsTokenCount 1,200 (output 2,000):
 *   uncached input 150,000 × $2.50 / 1M = $0.375
 *   cached input   100,000 × $0.25 / 1M = $0.025
 *   output           2,000 × $15 / 1M   = $0.03
 *   total                               = $0.43
 * (At the base rates it would be 0.1875 + 0.0125 + 0.02 = $0.22.)
 */
const PRO_LONG_CONTEXT_COST = 0.43
const PRO_BASE_RATE_COST = 0.22

/*
 * gemini-2.0-flash grounded with Search: promptTokenCount 500 + toolUsePromptTokenCount 1,500 = 2,000
 * input, candidatesTokenCount 200, two search queries:
 *   input  2,000 × $0.10 / 1M = $0.0002
 *   output   200 × $0.40 / 1M = $0.00008
 *   tokens                    = $0.00028
 *   grounded prompt: Gemini 2.x bills it once ($35 / 1,000 = $0.035), not per query
 *   total    0.00028 + 0.035  = $0.03528   (per query it would be 0.00028 + 2 × 0.035 = $0.07028)
 */
const GROUNDED_TOKENS_COST = 0.00028
const GROUNDED_COST = 0.03528
const GROUNDED_PER_QUERY_COST = 0.07028

let fake: FakeGemini
let google: GoogleGenAI

beforeAll(async () => {
  fake = await startFakeGemini()
  google = new GoogleGenAI({ apiKey: 'AIza-test-fake', httpOptions: { baseUrl: fake.baseUrl } })
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const request = { model: 'gemini-2.5-flash', contents: 'When does the contract renew?' }

/*
 * Grounding with Google Search (ai.google.dev/gemini-api/docs/pricing, checked 2026-12-08):
 *   Gemini 3:   $14 / 1,000 search queries (each unique non-empty query), after 5,000 free a month
 *   Gemini 2.x: $35 / 1,000 grounded prompts (once per call), after 1,500 free a day
 * The free allowance is the account's and unseen here: the fee is priced as owed, `estimated`.
 *
 * gemini-3-flash-preview ($0.50 input, $3 output): prompt 300 + tool-use prompt 2,700 = 3,000 input,
 * candidates 500 + thoughts 500 = 1,000 output, queries ['next full moon', '', 'full moon december
 * 2026', 'next full moon', 'moon phases'] → 3 unique non-empty:
 *   input  3,000 × $0.50 / 1M = $0.0015
 *   output 1,000 × $3 / 1M    = $0.003
 *   search 3 × $14 / 1,000    = $0.042
 *   total                     = $0.0465
 */
const GEMINI3_GROUNDED_COST = 0.0465
const GROUNDING_SOURCE = '+tool-fees+tool-fees-allowance-unknown'

describe('Grounding with Google Search', () => {
  it('bills Gemini 3 per unique non-empty search query, streamed or not', async () => {
    const { tracker, events } = recordingTracker()
    const client = tracker.wrap(google)
    await client.models.generateContent({ ...request, model: 'gemini-3-flash-preview' })
    await collect(await client.models.generateContentStream({ ...request, model: 'gemini-3-flash-preview' }))
    await tracker.flush()

    expect(events).toHaveLength(2)
    for (const event of events) {
      expect(event).toMatchObject({
        model: 'gemini-3-flash-preview',
        input_tokens: 3000,
        output_tokens: 1000,
        web_search_requests: 3,
        pricing_status: 'estimated',
        price_source: `genai-prices:google/gemini-3-flash-preview${GROUNDING_SOURCE}`,
      })
      expect(event.cost_usd).toBeCloseTo(GEMINI3_GROUNDED_COST, 12)
    }
  })

  it('bills a Gemini 2.x grounded prompt once, however many queries it ran', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(google).models.generateContent({ ...request, model: 'gemini-2.0-flash' })
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      web_search_requests: 2,
      pricing_status: 'estimated',
      price_source: `genai-prices:google/gemini-2.0-flash${GROUNDING_SOURCE}`,
    })
    expect(event.cost_usd).not.toBeCloseTo(GROUNDED_PER_QUERY_COST, 9)
    expect(event.cost_usd).toBeCloseTo(GROUNDED_COST, 12)
  })
})

/*
 * Cached audio (gemini-2.5-flash: $0.30 text input, $1 audio input, $0.03 cached text, $0.10 cached
 * audio, $2.50 output). Prompt 10,000 = TEXT 2,000 + AUDIO 8,000; cached 6,000 = TEXT 1,000 +
 * AUDIO 5,000; output 400:
 *   uncached text  (2,000 − 1,000) = 1,000 × $0.30 / 1M = $0.0003
 *   uncached audio (8,000 − 5,000) = 3,000 × $1 / 1M    = $0.003
 *   cached text                      1,000 × $0.03 / 1M = $0.00003
 *   cached audio                     5,000 × $0.10 / 1M = $0.0005
 *   output                             400 × $2.50 / 1M = $0.001
 *   total                                               = $0.00483
 * Cached audio at the text cache rate: 0.0003 + 0.003 + 6,000 × 0.03/1M + 0.001 = $0.00448.
 * All audio at the text rates (before): 4,000 × 0.30/1M + 6,000 × 0.03/1M + 0.001 = $0.00238.
 */
const CACHED_AUDIO_COST = 0.00483
const CACHED_AUDIO_AT_TEXT_CACHE_RATE = 0.00448
const AUDIO_AT_TEXT_RATES = 0.00238

describe('cached audio', () => {
  it('prices audio read from a context cache at the cached-audio rate', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(google).models.generateContent({ ...request, model: 'gemini-2.5-flash-cached-audio' })
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      model: 'gemini-2.5-flash',
      input_tokens: 10000,
      cache_read_tokens: 6000,
      input_audio_tokens: 8000,
      cache_read_audio_tokens: 5000,
      output_tokens: 400,
      pricing_status: 'priced',
      price_source: 'genai-prices:google/gemini-2.5-flash',
    })
    expect(event.cost_usd).not.toBeCloseTo(CACHED_AUDIO_AT_TEXT_CACHE_RATE, 9)
    expect(event.cost_usd).not.toBeCloseTo(AUDIO_AT_TEXT_RATES, 9)
    expect(event.cost_usd).toBeCloseTo(CACHED_AUDIO_COST, 12)
  })
})

describe('chat sessions', () => {
  it('records each sendMessage of a chat created from the wrapped client, once', async () => {
    const { tracker, events } = recordingTracker()
    const chat = tracker
      .wrap(google, { feature: 'contract-chat' })
      .chats.create({ model: 'gemini-2.5-flash' })

    await chat.sendMessage({ message: 'When does the contract renew?' })
    await chat.sendMessage({ message: 'And the notice period?' })
    await tracker.flush()

    expect(fake.requests).toHaveLength(2)
    expect(events).toHaveLength(2)
    expect(events[0]).toMatchObject({
      feature: 'contract-chat',
      operation: 'generate_content',
      output_tokens: 1550,
    })
    expect(events[0]?.cost_usd).toBeCloseTo(FLASH_COST, 12)
  })
})

describe('models.generateContent', () => {
  it('records a call with its usage, ids, tags and cost', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(google, { feature: 'contract-qa', team: 'legal' })

    await wrapped.models.generateContent(request)
    await tracker.flush()

    expect(fake.requests[0]?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent')
    const event = onlyEvent(events)
    expect(event).toMatchObject({
      provider: 'google',
      operation: 'generate_content',
      model: 'gemini-2.5-flash',
      requested_model: 'gemini-2.5-flash',
      provider_request_id: 'mFvUaOOvNrCtz7IP0ZPa6Ao',
      provider_project: null,
      feature: 'contract-qa',
      tags: { team: 'legal' },
      input_tokens: 12000,
      cache_read_tokens: 8000,
      cache_write_tokens: null,
      output_tokens: 1550,
      reasoning_tokens: 1200,
      pricing_status: 'priced',
      status: 'ok',
      http_status: 200,
      streamed: false,
      ttft_ms: null,
    })
    expect(event.cost_usd).toBeCloseTo(FLASH_COST, 12)
    expect(event.price_source).toContain('google/gemini-2.5-flash')
  })

  it('returns the same response as the unwrapped client and sends the same request', async () => {
    const { tracker } = recordingTracker()
    const wrapped = tracker.wrap(google)

    const plain = await google.models.generateContent(request)
    const tracked = await wrapped.models.generateContent(request)

    expect(tracked).toStrictEqual(plain)
    expect(tracked.text).toBe(plain.text)
    expect(fake.requests[1]?.body).toStrictEqual(fake.requests[0]?.body)
  })

  it('bills thinking tokens, which the candidates count leaves out, as output', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(google).models.generateContent(request)
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event.output_tokens).toBe(350 + 1200)
    expect(event.cost_usd).not.toBeCloseTo(FLASH_COST_WITHOUT_THOUGHTS, 9)
    expect(event.cost_usd).toBeCloseTo(FLASH_COST, 12)
  })

  it('prices cached tokens once, at the cached rate', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(google).models.generateContent(request)
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({ input_tokens: 12000, cache_read_tokens: 8000 })
    expect(event.cost_usd).not.toBeCloseTo(FLASH_COST_CACHE_AT_FULL_RATE, 9)
    expect(event.cost_usd).not.toBeCloseTo(FLASH_COST_CACHE_COUNTED_TWICE, 9)
    expect(event.cost_usd).toBeCloseTo(FLASH_COST, 12)
  })

  it('prices a prompt over 200K tokens at the long-context rates', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(google).models.generateContent({ ...request, model: 'gemini-2.5-pro' })
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      model: 'gemini-2.5-pro',
      input_tokens: 250000,
      cache_read_tokens: 100000,
      output_tokens: 2000,
      reasoning_tokens: 1200,
    })
    expect(event.cost_usd).not.toBeCloseTo(PRO_BASE_RATE_COST, 6)
    expect(event.cost_usd).toBeCloseTo(PRO_LONG_CONTEXT_COST, 12)
  })

  it('bills tool-use prompt tokens (search results fed back) as input', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(google).models.generateContent({ ...request, model: 'gemini-2.0-flash' })
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({ input_tokens: 2000, output_tokens: 200, reasoning_tokens: null })
    // The tokens, with the one grounded-prompt fee on top (next block).
    expect(event.cost_usd).toBeCloseTo(GROUNDED_TOKENS_COST + 0.035, 12)
  })

  it('records an unknown model as unpriced with a null cost, never 0', async () => {
    const { tracker, events, warnings } = recordingTracker()
    await tracker.wrap(google).models.generateContent({ ...request, model: 'gemini-acme-experimental' })
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      model: 'gemini-acme-experimental',
      input_tokens: 100,
      output_tokens: 20,
      pricing_status: 'unpriced',
      cost_usd: null,
      status: 'ok',
    })
    expect(warnings.some((warning) => warning.includes('gemini-acme-experimental'))).toBe(true)
  })

  it('keeps the requested model as given and prices the model that answered', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(google).models.generateContent({ ...request, model: 'models/gemini-2.5-flash' })
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      requested_model: 'models/gemini-2.5-flash',
      model: 'gemini-2.5-flash',
    })
    expect(onlyEvent(events).cost_usd).toBeCloseTo(FLASH_COST, 12)
  })

  it('derives the prompt id from the system instruction when asked to hash prompts', async () => {
    const { tracker, events } = recordingTracker({ hashPrompts: true })
    const wrapped = tracker.wrap(google)
    const instruction = 'You answer questions about contracts.'

    await wrapped.models.generateContent({ ...request, config: { systemInstruction: instruction } })
    await wrapped.models.generateContent({
      ...request,
      config: { systemInstruction: { role: 'system', parts: [{ text: instruction }] } },
    })
    await wrapped.models.generateContent({ ...request, config: { systemInstruction: 'Something else.' } })
    await tracker.flush()

    expect(events).toHaveLength(3)
    expect(events[0]?.prompt_id).toMatch(/\S/)
    expect(events[1]?.prompt_id).toBe(events[0]?.prompt_id)
    expect(events[2]?.prompt_id).not.toBe(events[0]?.prompt_id)
  })

  it('records a refused call as an error the provider did not bill, and rethrows it unchanged', async () => {
    const { tracker, events } = recordingTracker()
    fake.failNext({ status: 429 })
    const plainError = await rejection(google.models.generateContent(request))
    fake.failNext({ status: 429 })
    const error = await rejection(tracker.wrap(google).models.generateContent(request))
    await tracker.flush()

    expect(error.constructor).toBe(plainError.constructor)
    expect(error.message).toBe(plainError.message)
    expect(onlyEvent(events)).toMatchObject({
      status: 'error',
      error_type: 'ApiError',
      http_status: 429,
      model: 'gemini-2.5-flash',
      cost_usd: 0,
      price_source: 'not-billed:provider-error',
    })
  })
})

describe('models.generateContentStream', () => {
  it('records the usage of the last chunk (running totals, never summed) with ttft', async () => {
    const { tracker, events } = recordingTracker()
    await collect(
      await tracker.wrap(google, { feature: 'contract-qa' }).models.generateContentStream(request),
    )
    await tracker.flush()

    expect(fake.requests[0]?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent')
    expect(fake.requests[0]?.query).toBe('alt=sse')
    const event = onlyEvent(events)
    expect(event).toMatchObject({
      provider: 'google',
      operation: 'generate_content',
      model: 'gemini-2.5-flash',
      provider_request_id: 'nFvUaKGXC8Ktz7IPm_7ZgQk',
      feature: 'contract-qa',
      input_tokens: 12000,
      cache_read_tokens: 8000,
      output_tokens: 1550,
      reasoning_tokens: 1200,
      status: 'ok',
      cost_partial: false,
      streamed: true,
      http_status: 200,
    })
    // A stream recorded at $0 (or at three chunks' usage added up) is the bug this guards against.
    expect(event.cost_usd).toBeCloseTo(FLASH_COST, 12)
    expect(event.ttft_ms).toBeGreaterThanOrEqual(0)
    expect(event.latency_ms).toBeGreaterThanOrEqual(event.ttft_ms ?? 0)
  })

  it('shows a for-await loop exactly the chunks of the unwrapped client', async () => {
    const { tracker } = recordingTracker()

    const plain = await collect(await google.models.generateContentStream(request))
    const tracked = await collect(await tracker.wrap(google).models.generateContentStream(request))

    expect(plain).toHaveLength(3)
    expect(tracked).toStrictEqual(plain)
    expect(tracked.map((chunk) => chunk.text).join('')).toBe(plain.map((chunk) => chunk.text).join(''))
  })

  it('behaves as unwrapped when the caller calls next() itself', async () => {
    const { tracker, events } = recordingTracker()
    const plainStream = await google.models.generateContentStream(request)
    const trackedStream = await tracker.wrap(google).models.generateContentStream(request)

    const plain: unknown[] = []
    const tracked: unknown[] = []
    for (let step = 0; step < 5; step++) {
      const [plainResult, trackedResult] = await Promise.all([plainStream.next(), trackedStream.next()])
      expect(trackedResult.done).toBe(plainResult.done)
      plain.push(plainResult.value)
      tracked.push(trackedResult.value)
    }
    await tracker.flush()

    expect(tracked).toStrictEqual(plain)
    expect(Object.keys(trackedStream)).toStrictEqual(Object.keys(plainStream))
    expect(trackedStream[Symbol.asyncIterator]()).toBe(trackedStream)
    expect(onlyEvent(events)).toMatchObject({ status: 'ok', output_tokens: 1550 })
    expect(onlyEvent(events).cost_usd).toBeCloseTo(FLASH_COST, 12)
  })

  it('records a stream the caller leaves early as cancelled, priced as a lower bound', async () => {
    const { tracker, events } = recordingTracker()
    const stream = await tracker.wrap(google).models.generateContentStream(request)
    for await (const _chunk of stream) break
    await tracker.flush()

    const event = onlyEvent(events)
    expect(event).toMatchObject({
      status: 'cancelled',
      cost_partial: true,
      input_tokens: 12000,
      output_tokens: 120 + 1200,
      streamed: true,
    })
    expect(event.cost_usd).toBeCloseTo(FLASH_FIRST_CHUNK_COST, 12)
    expect(await stream.next()).toStrictEqual({ done: true, value: undefined })
  })

  it('records a stream closed before its first chunk as cancelled with an unknown cost', async () => {
    const { tracker, events } = recordingTracker()
    const stream = await tracker.wrap(google).models.generateContentStream(request)
    await stream.return(undefined)
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({
      status: 'cancelled',
      cost_partial: false,
      pricing_status: 'unpriced',
      cost_usd: null,
      ttft_ms: null,
    })
  })

  it('records a stream that breaks mid-way as an error with the usage known so far', async () => {
    const { tracker, events } = recordingTracker()
    fake.failNext({ breakStreamAfter: 1, code: 503 })
    const plainError = await rejection(collect(await google.models.generateContentStream(request)))
    fake.failNext({ breakStreamAfter: 1, code: 503 })
    const stream = await tracker.wrap(google).models.generateContentStream(request)
    const error = await rejection(collect(stream))
    await tracker.flush()

    expect(error.constructor).toBe(plainError.constructor)
    expect(error.message).toBe(plainError.message)
    const event = onlyEvent(events)
    expect(event).toMatchObject({
      status: 'error',
      error_type: 'ApiError',
      http_status: 503,
      cost_partial: true,
      output_tokens: 1320,
    })
    expect(event.cost_usd).toBeCloseTo(FLASH_FIRST_CHUNK_COST, 12)
  })

  it('records a stream the caller aborts as cancelled', async () => {
    const { tracker, events } = recordingTracker()
    const controller = new AbortController()
    const stream = await tracker
      .wrap(google)
      .models.generateContentStream({ ...request, config: { abortSignal: controller.signal } })
    await stream.next()
    controller.abort()
    const error = await rejection(collect(stream))
    await tracker.flush()

    expect(error.name).toBe('AbortError')

    expect(onlyEvent(events)).toMatchObject({ status: 'cancelled', cost_partial: true })
  })
})

describe('wrap() of a GoogleGenAI client', () => {
  it('keeps the client’s class and passes other methods through', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(google)

    expect(wrapped).toBeInstanceOf(GoogleGenAI)
    expect(wrapped.vertexai).toBe(false)
    expect(typeof wrapped.models.countTokens).toBe('function')
    await tracker.flush()
    expect(events).toHaveLength(0)
  })
})

describe('billed units by modality', () => {
  it('prices audio input at its rate and video input at the text rate', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(google).models.generateContent({ ...request, model: 'gemini-2.5-flash-audio' })
    await tracker.flush()

    // gemini-2.5-flash: $0.30 text (and video) in · $1.00 audio in · $2.50 out, per million:
    // (9,000 − 6,400) × 0.30 + 6,400 × 1.00 + 300 × 2.50 = 780 + 6,400 + 750 = 7,930 µ$
    // (all input at the text rate would give 9,000 × 0.30 + 750 = 3,450 µ$)
    const event = onlyEvent(events)
    expect(event).toMatchObject({
      model: 'gemini-2.5-flash',
      input_tokens: 9000,
      input_audio_tokens: 6400,
      input_video_tokens: 2400,
      output_tokens: 300,
      output_image_tokens: null,
      pricing_status: 'priced',
    })
    expect(event.cost_usd).toBeCloseTo(0.00793, 12)
  })

  it('prices image output at the image rate', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(google).models.generateContent({ ...request, model: 'gemini-2.5-flash-image' })
    await tracker.flush()

    // gemini-2.5-flash-image: $0.30 in · $2.50 text out · $30 image out, per million:
    // 40 × 0.30 + 20 × 2.50 + 1,290 × 30 = 12 + 50 + 38,700 = 38,762 µ$
    // (the image at the text output rate would give 12 + 1,310 × 2.50 = 3,287 µ$)
    const event = onlyEvent(events)
    expect(event).toMatchObject({
      model: 'gemini-2.5-flash-image',
      output_tokens: 1310,
      output_image_tokens: 1290,
    })
    expect(event.cost_usd).toBeCloseTo(0.038762, 12)
  })
})

describe('models.embedContent', () => {
  it('records a Gemini API embedding, which counts no tokens, as unpriced: cost unknown, never $0', async () => {
    const { tracker, events } = recordingTracker()
    const answer = await tracker
      .wrap(google)
      .models.embedContent({ model: 'gemini-embedding-001', contents: ['refund policy', 'delivery times'] })
    await tracker.flush()

    expect(answer.embeddings).toHaveLength(2)
    expect(onlyEvent(events)).toMatchObject({
      provider: 'google',
      operation: 'embeddings',
      model: 'gemini-embedding-001',
      input_tokens: null,
      status: 'ok',
      cost_usd: null,
      pricing_status: 'unpriced',
    })
  })
})
