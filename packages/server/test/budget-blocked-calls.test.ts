import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import { BLOCKED_CALLS_PATH, BudgetExceededError, createTracker, type Tracker, withTags } from 'spendlens'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeProvider, startFakeProvider } from '../../sdk/test/fake-provider.js'
import type { Budget } from '../src/api/api-types.js'
import { Credentials } from '../src/auth/credentials.js'
import { createBudgetService } from '../src/budgets/budget-service.js'
import { createApp } from '../src/http/create-app.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'

/**
 * The calls a budget refused reach the server (POST /v1/budgets/blocked) and come back in its
 * status (`blocked_calls`), on both engines: the official OpenAI client wrapped by the SDK against
 * a local fake provider, the budget spent by real calls, then refused ones that never reach it.
 */

// gpt-4o-mini fixture: $0.0002832 a call (packages/sdk/test/openai.test.ts works it out): two spend $0.0005.
const BUDGET = {
  name: 'Acme, monthly',
  filters: [{ dimension: 'customer_id', op: 'eq', values: ['acme'] }],
  period: 'month',
  amountUsd: 0.0005,
  action: 'block',
}

let fake: FakeProvider
beforeAll(async () => {
  fake = await startFakeProvider()
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const engines: [string, (folder: string) => Promise<Store>][] = [
  ['DuckDB', (folder) => openStore(join(folder, 'events.duckdb'))],
  ['ClickHouse (chDB)', (folder) => openStore(`chdb://${join(folder, 'chdb')}`)],
]

describe.each(engines)('blocked calls on %s', (_engine, open) => {
  let folder: string
  let store: Store
  let app: FastifyInstance
  let url: string
  const keys: Record<string, string> = {}

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-blocked-'))
    store = await open(folder)
    const credentials = await Credentials.open(store, { refresh: false })
    keys.ingest = (await credentials.createKey({ role: 'ingest', name: 'app' })).key
    keys.read = (await credentials.createKey({ role: 'read', name: 'viewer' })).key
    keys.admin = (await credentials.createKey({ role: 'admin', name: 'ops' })).key
    app = await createApp({
      store,
      credentials,
      rateLimits: { ingestPerMinute: 0, queryPerMinute: 0 },
      budgets: createBudgetService({ store, stateTtlMs: 0 }),
    })
    url = await app.listen({ port: 0, host: '127.0.0.1' })
    const response = await fetch(`${url}/api/budgets/acme-monthly`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(BUDGET),
    })
    expect(response.status).toBe(201)
  }, 60_000)

  afterAll(async () => {
    await app?.close()
    await store?.close()
    await rm(folder, { recursive: true, force: true })
  })

  const readBudget = async () => {
    const response = await fetch(`${url}/api/budgets/acme-monthly`, {
      headers: { authorization: `Bearer ${keys.read}` },
    })
    expect(response.status).toBe(200)
    return (await response.json()) as Budget
  }

  // Fetched and reported when the test says (refreshBudgets, flush), never behind its back, unless
  // the test sets the interval.
  const appProcess = (intervalMs = 3_600_000) => {
    const tracker = createTracker({
      endpoint: url,
      apiKey: keys.ingest,
      spool: false,
      budgets: { intervalMs },
      onWarning: () => undefined,
    })
    const openai = tracker.wrap(new OpenAI({ apiKey: 'sk-test', baseURL: fake.openaiBaseURL, maxRetries: 0 }))
    // The error is thrown by the client's method itself: an async function makes it a rejection.
    const chat = async () =>
      withTags({ customer_id: 'acme' }, () =>
        openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
      )
    return { tracker, chat }
  }

  async function refuse(chat: () => Promise<unknown>, times: number) {
    for (let call = 0; call < times; call++) await expect(chat()).rejects.toBeInstanceOf(BudgetExceededError)
  }

  let first: { tracker: Tracker; chat: () => Promise<unknown> }

  it('counts every call the SDK refused under the budget once the budget is spent, and reports none before', async () => {
    first = appProcess()
    await first.tracker.refreshBudgets()
    await first.chat()
    await first.chat()
    await first.tracker.flush()
    expect(fake.requests).toHaveLength(2)
    expect((await readBudget()).status.blocked_calls).toBe(0)

    await first.tracker.refreshBudgets()
    await refuse(first.chat, 5)
    expect(fake.requests).toHaveLength(2)
    await first.tracker.flush()

    const budget = await readBudget()
    expect(budget.status.spent_usd).toBeGreaterThanOrEqual(BUDGET.amountUsd)
    expect(budget.status.blocked_calls).toBe(5)
  })

  it('adds another process’s refusals to the first’s', async () => {
    const second = appProcess()
    await second.tracker.refreshBudgets()
    await refuse(second.chat, 3)
    await refuse(first.chat, 1)
    await Promise.all([first.tracker.flush(), second.tracker.flush()])
    expect(fake.requests).toEqual([])
    expect((await readBudget()).status.blocked_calls).toBe(9)
  })

  it('counts a report sent twice (a retry) once: each carries the whole count of its process', async () => {
    const { status } = await readBudget()
    const report = {
      reporter: 'a-retried-process',
      counts: [{ budget_id: 'acme-monthly', period_start: status.period_start, blocked: 4 }],
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(`${url}${BLOCKED_CALLS_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
        body: JSON.stringify(report),
      })
      expect(await response.json()).toEqual({ recorded: 1 })
    }
    expect((await readBudget()).status.blocked_calls).toBe(13)
  })

  it('answers a bad report with 400 naming the problem, and counts nothing of it', async () => {
    const response = await fetch(`${url}${BLOCKED_CALLS_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        reporter: 'a-process-id',
        counts: [{ budget_id: 'acme-monthly', period_start: 'yesterday', blocked: -1 }],
      }),
    })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('bad_request')
    expect(body.error.message).toContain('counts.0.period_start')
    expect(body.error.message).toContain('counts.0.blocked')
    expect((await readBudget()).status.blocked_calls).toBe(13)
  })

  it('takes reports from ingest keys only, not read keys', async () => {
    const response = await fetch(`${url}${BLOCKED_CALLS_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.read}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reporter: 'a-process-id', counts: [] }),
    })
    expect(response.status).toBe(403)
  })

  it('reports in the background after its fetches, without a flush', async () => {
    const background = appProcess(200)
    await background.tracker.refreshBudgets()
    await refuse(background.chat, 2)
    await expect.poll(async () => (await readBudget()).status.blocked_calls, { timeout: 10_000 }).toBe(15)
    expect(fake.requests).toEqual([])
  })
})
