import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Anthropic from '@anthropic-ai/sdk'
import { GoogleGenAI } from '@google/genai'
import * as ai from 'ai-v6'
import { createOpenAI } from 'ai-v6-openai'
import type { FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import {
  BudgetExceededError,
  type BudgetOptions,
  BudgetUnavailableError,
  type CostEvent,
  createTracker,
  SpendlensError,
  spendlensMiddleware,
  type Tracker,
  withTags,
} from 'spendlens'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeGemini, startFakeGemini } from '../../sdk/test/fake-gemini.js'
import { type FakeProvider, startFakeProvider } from '../../sdk/test/fake-provider.js'
import { Credentials } from '../src/auth/credentials.js'
import { createBudgetService } from '../src/budgets/budget-service.js'
import { createApp } from '../src/http/create-app.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { freePort } from './alerts-fixtures.js'
import { costEvent } from './store-contract.js'

/**
 * Budgets enforced in the app's process, end to end: the real spendlens server (its budgets, its
 * /v1/budgets, its ingest), the SDK's tracker with budgets on, and the official OpenAI, Anthropic
 * and Google clients (and the AI SDK) against local fake providers over HTTP. A blocked call must
 * never reach the fake.
 */

// gpt-4o-mini fixture: $0.0002832 a call (packages/sdk/test/openai.test.ts works it out).
const GPT_4O_MINI_COST = 0.0002832

interface BudgetServer {
  url: string
  store: Store
  ingestKey: string
  define(id: string, definition: Record<string, unknown>): Promise<void>
  /** Spend stored as if another process had sent it. */
  spend(customer: string, usd: number, ts?: string): Promise<void>
  close(): Promise<void>
}

async function startBudgetServer(now?: () => number): Promise<BudgetServer> {
  const folder = await mkdtemp(join(tmpdir(), 'spendlens-enforce-'))
  const store = await openStore(join(folder, 'events.duckdb'))
  const credentials = await Credentials.open(store, { refresh: false })
  const ingestKey = (await credentials.createKey({ role: 'ingest', name: 'app' })).key
  const adminKey = (await credentials.createKey({ role: 'admin', name: 'ops' })).key
  const app: FastifyInstance = await createApp({
    store,
    credentials,
    rateLimits: { ingestPerMinute: 0, queryPerMinute: 0 },
    maxEventAgeDays: Number.POSITIVE_INFINITY,
    budgets: createBudgetService({ store, now, stateTtlMs: 0 }),
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  let spent = 0
  let closed = false
  return {
    url,
    store,
    ingestKey,
    async define(id, definition) {
      const response = await fetch(`${url}/api/budgets/${id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(definition),
      })
      if (response.status >= 300) throw new Error(`PUT ${id}: ${response.status} ${await response.text()}`)
    },
    async spend(customer, usd, ts = new Date((now ?? Date.now)()).toISOString()) {
      await store.append([
        costEvent({ event_id: `elsewhere-${spent++}`, ts, customer_id: customer, cost_usd: usd }),
      ])
    },
    async close() {
      if (closed) return
      closed = true
      await app.close()
      await store.close()
      await rm(folder, { recursive: true, force: true })
    },
  }
}

const customerBudget = (customer: string, amountUsd: number, extra: Record<string, unknown> = {}) => ({
  filters: [{ dimension: 'customer_id', op: 'eq', values: [customer] }],
  period: 'month',
  amountUsd,
  action: 'block',
  ...extra,
})

/** Lets the tracker price what was just recorded (it does so on the next turn of the event loop). */
const settle = () => new Promise((resolve) => setImmediate(resolve))

const chat = (openai: OpenAI, model = 'gpt-4o-mini') =>
  openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] })

let fake: FakeProvider
let gemini: FakeGemini
beforeAll(async () => {
  fake = await startFakeProvider()
  gemini = await startFakeGemini()
})
afterAll(async () => {
  await fake.close()
  await gemini.close()
})

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
beforeEach(() => {
  fake.reset()
  gemini.reset()
})

async function setUp(budgetOptions: BudgetOptions = {}, now?: () => number) {
  const server = await startBudgetServer(now)
  cleanups.push(() => server.close())
  const warnings: string[] = []
  const events: CostEvent[] = []
  const tracker = createTracker({
    endpoint: server.url,
    apiKey: server.ingestKey,
    spool: false,
    // Fetched when the test says (refreshBudgets), never behind its back.
    budgets: { intervalMs: 3_600_000, ...budgetOptions },
    onWarning: (message) => warnings.push(message),
  })
  cleanups.push(() => tracker.flush())
  const openai = tracker.wrap(new OpenAI({ apiKey: 'sk-test', baseURL: fake.openaiBaseURL, maxRetries: 0 }))
  const anthropic = tracker.wrap(
    new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.anthropicBaseURL, maxRetries: 0 }),
  )
  const google = tracker.wrap(
    new GoogleGenAI({ apiKey: 'AIza-test', httpOptions: { baseUrl: gemini.baseUrl } }),
  )
  return { server, tracker, openai, anthropic, google, warnings, events }
}

async function thrown(action: () => unknown): Promise<unknown> {
  try {
    await action()
  } catch (error) {
    return error
  }
  throw new Error('expected the call to be refused; it went ahead')
}

describe('a customer over a block budget', () => {
  it('is blocked before any request reaches the fake provider, through every official client, streamed or not', async () => {
    const { server, tracker, openai, anthropic, google } = await setUp()
    await server.define('acme-monthly', customerBudget('acme', 1))
    await server.spend('acme', 1.5)
    await tracker.refreshBudgets()

    const calls: [string, () => unknown][] = [
      ['openai chat', () => chat(openai)],
      [
        'openai chat stream',
        () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [], stream: true }),
      ],
      ['openai responses', () => openai.responses.create({ model: 'gpt-4.1-mini', input: 'Hi' })],
      ['openai parse helper', () => openai.chat.completions.parse({ model: 'gpt-4o-mini', messages: [] })],
      [
        'anthropic messages',
        () => anthropic.messages.create({ model: 'claude-sonnet-4-0', max_tokens: 10, messages: [] }),
      ],
      [
        'anthropic stream helper',
        () =>
          anthropic.messages
            .stream({ model: 'claude-sonnet-4-0', max_tokens: 10, messages: [] })
            .finalMessage(),
      ],
      ['google', () => google.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })],
      [
        'google stream',
        () => google.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Hi' }),
      ],
      [
        'google chat',
        () => google.chats.create({ model: 'gemini-2.5-flash' }).sendMessage({ message: 'Hi' }),
      ],
    ]
    for (const [name, call] of calls) {
      const error = (await thrown(() => withTags({ customer_id: 'acme' }, call))) as Error
      // Anthropic's stream helper wraps whatever stops it in an AnthropicError, ours as its cause.
      expect(name === 'anthropic stream helper' ? error.cause : error, name).toBeInstanceOf(
        BudgetExceededError,
      )
    }
    expect(fake.requests).toEqual([])
    expect(gemini.requests).toEqual([])

    // Another customer's calls go ahead.
    await withTags({ customer_id: 'globex' }, async () => {
      await chat(openai)
      await google.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })
    })
    expect(fake.requests).toHaveLength(1)
    expect(gemini.requests).toHaveLength(1)
  })

  it('gets a typed error with the budget, its scope, what is spent of what, and when it resets', async () => {
    const { server, tracker, openai } = await setUp()
    await server.define('acme-monthly', customerBudget('acme', 1, { name: 'Acme monthly' }))
    await server.spend('acme', 1.25)
    await tracker.refreshBudgets()
    const error = (await thrown(() =>
      withTags({ customer_id: 'acme' }, () => chat(openai)),
    )) as BudgetExceededError
    expect(SpendlensError.isInstance(error)).toBe(true)
    expect(error.name).toBe('BudgetExceededError')
    expect({
      budgetId: error.budgetId,
      budgetName: error.budgetName,
      scope: error.scope,
      spentUsd: error.spentUsd,
      limitUsd: error.limitUsd,
    }).toEqual({
      budgetId: 'acme-monthly',
      budgetName: 'Acme monthly',
      scope: [{ dimension: 'customer_id', op: 'eq', values: ['acme'] }],
      spentUsd: 1.25,
      limitUsd: 1,
    })
    const now = new Date()
    const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)
    // The server's clock is this machine's: the reset is the first of next month, UTC, within the
    // precision of the clock offset the SDK estimates.
    expect(Math.abs(error.resetsAt.getTime() - nextMonth)).toBeLessThan(1000)
    expect(error.message).toContain('"Acme monthly" (customer_id = acme) is spent: $1.25 of $1.00')
  })

  it('is blocked by this process’s own spend before the server has counted it', async () => {
    const { server, tracker, openai } = await setUp()
    // Room for two and a half calls; the server is never asked again during the test.
    await server.define('acme', customerBudget('acme', GPT_4O_MINI_COST * 2.5))
    await tracker.refreshBudgets()
    await withTags({ customer_id: 'acme' }, async () => {
      for (let call = 0; call < 3; call++) {
        await chat(openai)
        await settle()
      }
      // $0.000850 spent of $0.000708.
      expect(await thrown(() => chat(openai))).toBeInstanceOf(BudgetExceededError)
    })
    expect(fake.requests).toHaveLength(3)
  })

  it('counts a call once: once the server has it, the process no longer adds it', async () => {
    // Counting alone: no estimate of other processes' spend, which on a loaded machine once took a
    // part of this process's own acknowledged spend for theirs (blocking early; noted in the issue).
    const { server, tracker, openai } = await setUp({ estimateOthers: false })
    await server.define('acme', customerBudget('acme', GPT_4O_MINI_COST * 2.5))
    await tracker.refreshBudgets()
    await withTags({ customer_id: 'acme' }, async () => {
      await chat(openai)
      await chat(openai)
      // Delivered and acknowledged, then the server's count fetched: $0.000566 of $0.000708.
      await tracker.flush()
      await tracker.refreshBudgets()
      await chat(openai)
      await settle()
      expect(await thrown(() => chat(openai))).toBeInstanceOf(BudgetExceededError)
    })
    expect(fake.requests).toHaveLength(3)
  })

  it('cannot pass with a burst of concurrent calls: each call in flight holds the cost such calls have had', async () => {
    const { server, tracker, openai } = await setUp()
    await server.define('acme', customerBudget('acme', GPT_4O_MINI_COST * 1.5))
    await tracker.refreshBudgets()
    await withTags({ customer_id: 'acme' }, async () => {
      await chat(openai)
      await settle()
      // $0.000283 spent of $0.000425: one call fits; the second, started while the first is in
      // flight, finds the first's expected cost held.
      // (A refused call throws at the call site, synchronously: each call is made in a function of its own.)
      const burst = await Promise.allSettled([1, 2, 3].map(async () => chat(openai)))
      expect(burst.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected'])
    })
    expect(fake.requests).toHaveLength(2)
  })

  it('a handler may switch the call to a cheaper model, and the call goes on with it', async () => {
    const switched: string[] = []
    const { server, tracker, openai, google } = await setUp({
      onExceeded: (error, call) => {
        switched.push(`${error.budgetId}: ${call.provider}/${call.model}`)
        return { model: call.provider === 'google' ? 'gemini-2.5-flash' : 'gpt-4o-mini' }
      },
    })
    await server.define('acme', customerBudget('acme', 1))
    await server.spend('acme', 2)
    await tracker.refreshBudgets()
    await withTags({ customer_id: 'acme' }, async () => {
      const completion = await chat(openai, 'o4-mini')
      expect(completion.model).toBe('gpt-4o-mini-2024-07-18')
      await google.models.generateContent({ model: 'gemini-2.5-pro', contents: 'Hi' })
    })
    expect(fake.requests.map((request) => request.body.model)).toEqual(['gpt-4o-mini'])
    expect(gemini.requests.map((request) => request.path)).toEqual([
      '/v1beta/models/gemini-2.5-flash:generateContent',
    ])
    expect(switched).toEqual(['acme: openai/o4-mini', 'acme: google/gemini-2.5-pro'])
  })

  it('with onExceeded: warn, goes ahead and is warned about once', async () => {
    const { server, tracker, openai, warnings } = await setUp({ onExceeded: 'warn' })
    await server.define('acme', customerBudget('acme', 1))
    await server.spend('acme', 2)
    await tracker.refreshBudgets()
    await withTags({ customer_id: 'acme' }, async () => {
      await chat(openai)
      await chat(openai)
    })
    expect(fake.requests).toHaveLength(2)
    expect(warnings.filter((warning) => warning.includes('budget "acme" is spent'))).toHaveLength(1)
  })

  it('an alert-only budget never blocks', async () => {
    const { server, tracker, openai } = await setUp()
    await server.define('acme', customerBudget('acme', 1, { action: 'alert' }))
    await server.spend('acme', 2)
    await tracker.refreshBudgets()
    await withTags({ customer_id: 'acme' }, () => chat(openai))
    expect(fake.requests).toHaveLength(1)
  })
})

describe('the Vercel AI SDK middleware', () => {
  it('blocks generateText and streamText before the model is called, or calls the model a handler gives', async () => {
    const { server, tracker } = await setUp({
      onExceeded: (_error, call) =>
        call.tags.feature === 'cheap' ? { model: provider.chat('gpt-4o-mini') } : undefined,
    })
    const provider = createOpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1` })
    await server.define('acme', customerBudget('acme', 1))
    await server.spend('acme', 2)
    await tracker.refreshBudgets()
    const model = ai.wrapLanguageModel({
      model: provider.chat('o4-mini'),
      middleware: spendlensMiddleware({ tracker }),
    })
    await withTags({ customer_id: 'acme' }, async () => {
      const generated = await thrown(() => ai.generateText({ model, prompt: 'Hi', maxRetries: 0 }))
      expect(generated).toBeInstanceOf(BudgetExceededError)
      const streamError: unknown[] = []
      const streamed = ai.streamText({
        model,
        prompt: 'Hi',
        maxRetries: 0,
        onError: ({ error }) => void streamError.push(error),
      })
      await streamed.consumeStream()
      expect(streamError[0]).toBeInstanceOf(BudgetExceededError)
      expect(fake.requests).toEqual([])
      const cheaper = await withTags({ feature: 'cheap' }, () =>
        ai.generateText({ model, prompt: 'Hi', maxRetries: 0 }),
      )
      expect(cheaper.response.modelId).toBe('gpt-4o-mini-2024-07-18')
    })
    expect(fake.requests.map((request) => request.body.model)).toEqual(['gpt-4o-mini'])
  })
})

describe('when the server is away', () => {
  it('fails open by default: the calls go ahead', async () => {
    const tracker: Tracker = createTracker({
      endpoint: `http://127.0.0.1:${await freePort()}`,
      spool: false,
      budgets: { intervalMs: 3_600_000, staleAfterMs: 0 },
      onWarning: () => undefined,
    })
    cleanups.push(() => tracker.flush())
    await tracker.refreshBudgets()
    const openai = tracker.wrap(new OpenAI({ apiKey: 'sk-test', baseURL: fake.openaiBaseURL, maxRetries: 0 }))
    await withTags({ customer_id: 'acme' }, () => chat(openai))
    expect(fake.requests).toHaveLength(1)
  })

  it('fails closed when configured: every call once the budgets were never fetched', async () => {
    const tracker = createTracker({
      endpoint: `http://127.0.0.1:${await freePort()}`,
      spool: false,
      budgets: { intervalMs: 3_600_000, failClosed: true, staleAfterMs: 0 },
      onWarning: () => undefined,
    })
    cleanups.push(() => tracker.flush())
    await tracker.refreshBudgets()
    const openai = tracker.wrap(new OpenAI({ apiKey: 'sk-test', baseURL: fake.openaiBaseURL, maxRetries: 0 }))
    const error = await thrown(() => chat(openai))
    expect(error).toBeInstanceOf(BudgetUnavailableError)
    expect((error as BudgetUnavailableError).lastFetchAt).toBeNull()
    expect(fake.requests).toEqual([])
  })

  it('fails closed after staleAfterMs for the calls a known block budget covers; a known spent budget blocks either way', async () => {
    let now = Date.now()
    const { server, tracker, openai } = await setUp({
      failClosed: true,
      staleAfterMs: 30_000,
      now: () => now,
    })
    await server.define('acme', customerBudget('acme', 1))
    await server.define('globex', customerBudget('globex', 100))
    await server.spend('acme', 2)
    await tracker.refreshBudgets()
    await server.close()
    await tracker.refreshBudgets()
    // Within staleAfterMs: globex goes ahead, acme stays blocked by what is known.
    await withTags({ customer_id: 'globex' }, () => chat(openai))
    expect(await thrown(() => withTags({ customer_id: 'acme' }, () => chat(openai)))).toBeInstanceOf(
      BudgetExceededError,
    )
    now += 30_001
    expect(await thrown(() => withTags({ customer_id: 'globex' }, () => chat(openai)))).toBeInstanceOf(
      BudgetUnavailableError,
    )
    // A call no block budget covers goes ahead.
    await withTags({ customer_id: 'initech' }, () => chat(openai))
    expect(fake.requests).toHaveLength(2)
  })
})

describe('the period boundary', () => {
  it('a spent daily budget in New York opens again at local midnight on the day DST starts, not 24 hours on', async () => {
    // Sunday 8 March 2026 in New York is 23 hours long: 05:00 UTC to 04:00 UTC the next day.
    let now = Date.parse('2026-03-08T15:00:00.000Z')
    // The server's clock and the app's, both moved by the test.
    const { server, tracker, openai } = await setUp({ now: () => now }, () => now)
    await server.define(
      'acme-daily',
      customerBudget('acme', 1, { period: 'day', timeZone: 'America/New_York' }),
    )
    await server.spend('acme', 2, '2026-03-08T14:00:00.000Z')
    await tracker.refreshBudgets()
    now = Date.parse('2026-03-09T03:59:59.000Z')
    const error = (await thrown(() =>
      withTags({ customer_id: 'acme' }, () => chat(openai)),
    )) as BudgetExceededError
    expect(error).toBeInstanceOf(BudgetExceededError)
    expect(error.resetsAt.toISOString()).toBe('2026-03-09T04:00:00.000Z')
    // At the reset, before any new answer from the server, the SDK opens the budget itself.
    now = Date.parse('2026-03-09T04:00:00.000Z')
    await withTags({ customer_id: 'acme' }, () => chat(openai))
    expect(fake.requests).toHaveLength(1)
    // And the server agrees: a new period, with nothing of the old one in it.
    await tracker.refreshBudgets()
    await withTags({ customer_id: 'acme' }, () => chat(openai))
    expect(fake.requests).toHaveLength(2)
  })
})

describe('fetching', () => {
  it('asks with If-None-Match and keeps its state on 304', async () => {
    const seen: number[] = []
    const { server, tracker, openai } = await setUp({
      fetch: async (input, init) => {
        const response = await fetch(input, init)
        seen.push(response.status)
        return response
      },
    })
    await server.define('acme', customerBudget('acme', 1))
    await server.spend('acme', 2)
    await tracker.refreshBudgets()
    await tracker.refreshBudgets()
    // The first answer may be the tracker's own first fetch, made before the budget existed.
    expect(seen.slice(-2)).toEqual([200, 304])
    expect(await thrown(() => withTags({ customer_id: 'acme' }, () => chat(openai)))).toBeInstanceOf(
      BudgetExceededError,
    )
  })
})
