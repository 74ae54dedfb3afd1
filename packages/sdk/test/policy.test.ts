import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MissingTagsError, SpendlensError, tagCall, withTags } from '../src/index.js'
import { onlyEvent, recordingTracker } from './harness.js'
import { type ScriptedProvider, startScriptedProvider } from './scripted-provider.js'

let provider: ScriptedProvider
beforeAll(async () => {
  provider = await startScriptedProvider()
})
afterAll(() => provider.close())

const user = [{ role: 'user' as const, content: 'Hello' }]

function answerChat(model = 'gpt-4o-mini-2024-07-18', prompt = 1000, completion = 100) {
  provider.reply({
    json: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1741569952,
      model,
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop', logprobs: null },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    },
  })
}

function openai() {
  return new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.url}/v1`, maxRetries: 0 })
}

describe('required tags', () => {
  it('throws a MissingTagsError at the call site, before anything is sent, when asked to', async () => {
    const { tracker, events } = recordingTracker({
      requiredTags: ['feature', 'customer_id'],
      onMissingTags: 'throw',
    })
    const client = tracker.wrap(openai(), { feature: 'chat' })
    const sentBefore = provider.requests.length

    let thrown: unknown
    try {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(MissingTagsError)
    expect(SpendlensError.isInstance(thrown)).toBe(true)
    expect((thrown as MissingTagsError).missing).toEqual(['customer_id'])
    expect(provider.requests.length).toBe(sentBefore)
    await tracker.flush()
    expect(events).toEqual([])
  })

  it('passes when the tags come from the context or the call', async () => {
    const { tracker, events } = recordingTracker({
      requiredTags: ['feature', 'customer_id'],
      onMissingTags: 'throw',
    })
    const client = tracker.wrap(openai())
    answerChat()
    await withTags({ customer_id: 'acme' }, () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: user }, tagCall({ feature: 'chat' })),
    )
    await tracker.flush()
    expect(onlyEvent(events)).toMatchObject({ feature: 'chat', customer_id: 'acme' })
  })

  it('records unattributed and warns once per call site by default', async () => {
    const { tracker, events, warnings } = recordingTracker({ requiredTags: ['customer_id', 'team'] })
    const client = tracker.wrap(openai(), { feature: 'chat' })
    for (let index = 0; index < 3; index++) {
      answerChat()
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user })
    }
    await tracker.flush()
    expect(events).toHaveLength(3)
    expect(events[0]).toMatchObject({ customer_id: 'unattributed', tags: { team: 'unattributed' } })
    const missingWarnings = warnings.filter((warning) => warning.includes('missing required tags'))
    // The recording tracker keeps every warning; the messages name one call site, this file.
    expect(new Set(missingWarnings).size).toBe(1)
    expect(missingWarnings[0]).toMatch(/policy\.test\.ts:\d+:\d+/)
  })
})

describe('prompt templates', () => {
  it('derives a stable prompt_id from the system prompt when asked, without keeping the text', async () => {
    const { tracker, events } = recordingTracker({ hashPrompts: true })
    const client = tracker.wrap(openai())
    const system = { role: 'system' as const, content: 'You are a refund assistant.' }
    const messages = [system, ...user]
    answerChat()
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages })
    answerChat()
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [system, { role: 'user', content: 'Other' }],
    })
    answerChat()
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'system', content: 'Another' }, ...user],
    })
    answerChat()
    await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages },
      tagCall({ prompt_id: 'refunds-v2' }),
    )
    await tracker.flush()

    const ids = events.map((event) => event.prompt_id)
    expect(ids[0]).toMatch(/^sha256:[0-9a-f]{16}$/)
    expect(ids[1]).toBe(ids[0])
    expect(ids[2]).not.toBe(ids[0])
    expect(ids[3]).toBe('refunds-v2')
    expect(JSON.stringify(events)).not.toContain('refund assistant')
  })

  it('hashes Anthropic system prompts too, and not at all when off', async () => {
    const { tracker, events } = recordingTracker({ hashPrompts: true })
    const off = recordingTracker()
    const answer = {
      json: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5-20251001',
        content: [{ type: 'text', text: 'Hi' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 5 },
      },
    }
    const anthropic = new Anthropic({ apiKey: 'sk-ant', baseURL: provider.url, maxRetries: 0 })
    const body = { model: 'claude-haiku-4-5', max_tokens: 100, system: 'Be brief.', messages: user }
    provider.reply(answer)
    await tracker.wrap(anthropic).messages.create(body)
    provider.reply(answer)
    await off.tracker.wrap(anthropic).messages.create(body)
    await tracker.flush()
    await off.tracker.flush()
    expect(onlyEvent(events).prompt_id).toMatch(/^sha256:/)
    expect(onlyEvent(off.events).prompt_id).toBeNull()
  })
})

describe('one logical request, one event_id', () => {
  it('uses the caller idempotency key for the event_id across the caller retries', async () => {
    const { tracker, events } = recordingTracker()
    const client = tracker.wrap(openai())
    provider.reply({ status: 500, json: { error: { message: 'boom', type: 'server_error' } } })
    await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: user }, { idempotencyKey: 'order-42' })
      .catch(() => undefined)
    answerChat()
    await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: user },
      { idempotencyKey: 'order-42' },
    )
    await tracker.flush()
    expect(events.map((event) => [event.event_id, event.status])).toEqual([
      ['idem:order-42', 'error'],
      ['idem:order-42', 'ok'],
    ])
  })

  it("does not add events for the client's own automatic retries", async () => {
    const { tracker, events } = recordingTracker()
    const client = tracker.wrap(
      new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.url}/v1`, maxRetries: 2 }),
    )
    provider.reply({
      status: 500,
      json: { error: { message: 'boom' } },
      headers: { 'retry-after-ms': '1' },
    })
    answerChat()
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user })
    await tracker.flush()
    expect(onlyEvent(events)).toMatchObject({ status: 'ok' })
  })
})

describe('custom prices', () => {
  it('prices a model the catalog lacks and records where the price came from', async () => {
    const { tracker, events } = recordingTracker({
      pricing: {
        models: [
          {
            provider: 'openai',
            model: 'ft:gpt-4o-mini:acme::x1',
            prices: { input_mtok: 0.3, output_mtok: 1.2 },
          },
        ],
      },
    })
    answerChat('ft:gpt-4o-mini:acme::x1', 1000, 100)
    await tracker.wrap(openai()).chat.completions.create({ model: 'ft:gpt-4o-mini:acme::x1', messages: user })
    await tracker.flush()
    // 1000 × 0.30 + 100 × 1.20 = 300 + 120 = 420 µ$
    expect(onlyEvent(events)).toMatchObject({
      cost_usd: 0.00042,
      pricing_status: 'priced',
      price_source: 'custom:openai/ft:gpt-4o-mini:acme::x1',
    })
  })

  it('applies a negotiated discount on top of the catalog price', async () => {
    const { tracker, events } = recordingTracker({
      pricing: {
        discounts: [
          { provider: 'openai', model: { startsWith: 'gpt-4o' }, factor: 0.8, label: 'enterprise' },
        ],
      },
    })
    answerChat('gpt-4o-mini-2024-07-18', 1000, 100)
    await tracker.wrap(openai()).chat.completions.create({ model: 'gpt-4o-mini', messages: user })
    await tracker.flush()
    // (1000 × 0.15 + 100 × 0.60) × 0.8 = 210 × 0.8 = 168 µ$
    expect(onlyEvent(events)).toMatchObject({
      cost_usd: 0.000168,
      price_source: 'genai-prices:openai/gpt-4o-mini+enterprise',
    })
  })

  it('rejects an invalid custom price when the tracker is created', () => {
    expect(() =>
      recordingTracker({
        pricing: { models: [{ provider: 'x', model: 'y', prices: { cache_write_1h_mtok: 1 } }] },
      }),
    ).toThrow(/custom price for x\/y is invalid/)
  })
})

describe('the wrapped client', () => {
  it('keeps tracking through withOptions()', async () => {
    const { tracker, events } = recordingTracker()
    const client = tracker.wrap(openai(), { feature: 'chat' }).withOptions({ timeout: 5000 })
    answerChat()
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user })
    await tracker.flush()
    expect(onlyEvent(events)).toMatchObject({ feature: 'chat' })
  })
})
