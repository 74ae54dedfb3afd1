import type Anthropic from '@anthropic-ai/sdk'
import type OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type CostEvent, callbackSink, flush, init, tagCall, withTags, wrap } from '../src/index.js'
import { type FakeProvider, startFakeProvider } from './fake-provider.js'
import { anthropicClient, collect, onlyEvent, openaiClient, recordingTracker } from './harness.js'

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

function attributionOf(event: CostEvent) {
  const { feature, route, customer_id, user_id, session_id, environment, prompt_id, tags } = event
  return { feature, route, customer_id, user_id, session_id, environment, prompt_id, tags }
}

describe('tag precedence', () => {
  it('records a call once when a wrapped client is wrapped again, with both sets of tags', async () => {
    const { tracker, events } = recordingTracker()
    const twice = tracker.wrap(tracker.wrap(openai, { feature: 'inner', route: '/inner' }), {
      feature: 'outer',
    })

    await twice.chat.completions.create(chatBody)
    await tracker.flush()

    expect(events).toHaveLength(1)
    expect(onlyEvent(events)).toMatchObject({ feature: 'outer', route: '/inner' })
  })

  it('ranks tracker tags < wrap tags < withTags context < tagCall per call', async () => {
    const { tracker, events } = recordingTracker({
      tags: { environment: 'test', team: 'platform', level: 'tracker' },
    })
    const wrapped = tracker.wrap(openai, {
      feature: 'wrap-feature',
      route: '/wrap',
      level: 'wrap',
      source: 'wrap',
    })

    await withTags({ feature: 'context-feature', customer_id: 'ctx-customer', level: 'context' }, () =>
      wrapped.chat.completions.create(
        chatBody,
        tagCall({ feature: 'call-feature', user_id: 'u-1', level: 'call' }),
      ),
    )
    await tracker.flush()

    expect(attributionOf(onlyEvent(events))).toStrictEqual({
      feature: 'call-feature',
      route: '/wrap',
      customer_id: 'ctx-customer',
      user_id: 'u-1',
      session_id: null,
      environment: 'test',
      prompt_id: null,
      tags: { team: 'platform', level: 'call', source: 'wrap' },
    })
  })

  it('lets withTags override wrap tags when no per-call tags are given', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(openai, { feature: 'wrap-feature' })

    await withTags({ feature: 'context-feature' }, () => wrapped.chat.completions.create(chatBody))
    await wrapped.chat.completions.create(chatBody)
    await tracker.flush()

    expect(events.map((event) => event.feature)).toEqual(['context-feature', 'wrap-feature'])
  })

  it('merges nested withTags, the inner value winning, across awaits', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(openai)

    await withTags({ customer_id: 'outer-customer', feature: 'outer' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      await withTags({ feature: 'inner' }, async () => {
        await Promise.resolve()
        await wrapped.chat.completions.create(chatBody)
      })
    })
    await tracker.flush()

    expect(onlyEvent(events)).toMatchObject({ customer_id: 'outer-customer', feature: 'inner' })
  })

  it('keeps concurrent contexts apart', async () => {
    const { tracker, events } = recordingTracker()
    const wrapped = tracker.wrap(openai)

    await Promise.all(
      ['a', 'b', 'c'].map((customer) =>
        withTags({ customer_id: customer }, async () => {
          await new Promise((resolve) => setTimeout(resolve, customer === 'a' ? 5 : 0))
          const result = await wrapped.chat.completions.create(chatBody)
          return result
        }),
      ),
    )
    await tracker.flush()

    expect(events.map((event) => event.customer_id).sort()).toEqual(['a', 'b', 'c'])
  })

  it('applies per-call tags to streamed and Anthropic calls too', async () => {
    const { tracker, events } = recordingTracker()
    await collect(
      await tracker
        .wrap(openai, { feature: 'wrap' })
        .chat.completions.create({ ...chatBody, stream: true }, tagCall({ feature: 'openai-stream' })),
    )
    await tracker
      .wrap(anthropic, { feature: 'wrap' })
      .messages.create(
        { model: 'claude-sonnet-4-0', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] },
        tagCall({ feature: 'anthropic-call' }),
      )
    await tracker.flush()

    expect(events.map((event) => event.feature)).toEqual(['openai-stream', 'anthropic-call'])
  })
})

describe('attribution fields', () => {
  it('puts the seven attribution keys in their own fields and every other key in tags', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(openai).chat.completions.create(
      chatBody,
      tagCall({
        feature: 'f',
        route: '/r',
        customer_id: 'c',
        user_id: 'u',
        session_id: 's',
        environment: 'e',
        prompt_id: 'p',
        experiment: 'x1',
        region: 'eu',
      }),
    )
    await tracker.flush()

    expect(attributionOf(onlyEvent(events))).toStrictEqual({
      feature: 'f',
      route: '/r',
      customer_id: 'c',
      user_id: 'u',
      session_id: 's',
      environment: 'e',
      prompt_id: 'p',
      tags: { experiment: 'x1', region: 'eu' },
    })
  })

  it('leaves missing attribution null, not an empty string', async () => {
    const { tracker, events } = recordingTracker()
    await tracker.wrap(openai).chat.completions.create(chatBody)
    await tracker.flush()

    expect(attributionOf(onlyEvent(events))).toStrictEqual({
      feature: null,
      route: null,
      customer_id: null,
      user_id: null,
      session_id: null,
      environment: null,
      prompt_id: null,
      tags: {},
    })
  })
})

describe('what the provider receives', () => {
  it('gets the caller’s body unchanged and the caller’s request options, with nothing from spendlens', async () => {
    const { tracker } = recordingTracker()
    await tracker
      .wrap(openai, { feature: 'wrap' })
      .chat.completions.create(
        chatBody,
        tagCall(
          { feature: 'tag-value-feature', customer_id: 'tag-value-customer' },
          { headers: { 'x-app': 'demo' } },
        ),
      )

    const received = fake.requests[0]
    expect(received?.body).toStrictEqual(chatBody)
    expect(received?.headers['x-app']).toBe('demo')
    const everything = JSON.stringify({ body: received?.body, headers: received?.headers }).toLowerCase()
    for (const word of ['spendlens', 'tag-value', 'customer_id']) expect(everything).not.toContain(word)
  })

  it('gets the same Anthropic request as from an unwrapped client', async () => {
    const { tracker } = recordingTracker()
    const body = {
      model: 'claude-sonnet-4-0',
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: 'Hi' }],
    }
    await anthropic.messages.create(body)
    await tracker.wrap(anthropic).messages.create(body, tagCall({ feature: 'tag-value-feature' }))

    expect(fake.requests[1]?.body).toStrictEqual(fake.requests[0]?.body)
    const headers = JSON.stringify(fake.requests[1]?.headers).toLowerCase()
    expect(headers).not.toContain('spendlens')
    expect(headers).not.toContain('tag-value')
  })
})

describe('module-level wrap() and flush()', () => {
  it('use the tracker configured by init()', async () => {
    const events: CostEvent[] = []
    init({ sinks: [callbackSink((event) => events.push(event))], tags: { environment: 'ci' } })

    await wrap(openai, { feature: 'default-tracker' }).chat.completions.create(chatBody)
    await flush()

    expect(onlyEvent(events)).toMatchObject({
      feature: 'default-tracker',
      environment: 'ci',
      provider: 'openai',
    })
  })
})
