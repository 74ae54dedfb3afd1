import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import { type Context, Hono } from 'hono'
import {
  createTracker,
  currentTags,
  expressBudgetGuard,
  honoBudgetGuard,
  type Tracker,
  withBudgetGuard,
} from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBudgetService } from '../src/budgets/budget-service.js'
import { createApp } from '../src/http/create-app.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { costEvent } from './store-contract.js'

/**
 * The 429 middlewares in real apps: an Express app and a Hono app (each on its own HTTP port), and a
 * Next.js route handler (a plain `(Request) => Response` function), in front of a spendlens server
 * whose `acme-monthly` budget is spent. A blocked customer gets 429, `Retry-After` in seconds to
 * the reset and the JSON error; any other reaches the handler, with its customer in the tag context.
 */

let folder: string
let store: Store
let spendlens: Awaited<ReturnType<typeof createApp>>
let tracker: Tracker
const NOW = Date.parse('2026-11-20T12:00:00.000Z')
/** Seconds from the server's clock to 1 December, UTC. */
const TO_RESET = (Date.parse('2026-12-01T00:00:00.000Z') - NOW) / 1000

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-budget-middleware-'))
  store = await openStore(join(folder, 'events.duckdb'))
  const budgets = createBudgetService({ store, now: () => NOW, stateTtlMs: 0 })
  spendlens = await createApp({ store, budgets })
  const url = await spendlens.listen({ port: 0, host: '127.0.0.1' })
  await budgets.book.put(
    'default',
    'acme-monthly',
    {
      name: 'Acme monthly',
      filters: [{ dimension: 'customer_id', op: 'eq', values: ['acme'] }],
      period: 'month',
      timeZone: 'UTC',
      amountUsd: 10,
      thresholds: [1],
      action: 'block',
      channels: [],
    },
    'test',
  )
  // A budget on one feature: a request cannot tell which features it will call, so it is left to each call.
  await budgets.book.put(
    'default',
    'search',
    {
      name: 'Search',
      filters: [
        { dimension: 'customer_id', op: 'eq', values: ['globex'] },
        { dimension: 'feature', op: 'eq', values: ['search'] },
      ],
      period: 'month',
      timeZone: 'UTC',
      amountUsd: 1,
      thresholds: [1],
      action: 'block',
      channels: [],
    },
    'test',
  )
  await store.append([
    costEvent({ event_id: 'a', ts: '2026-11-10T00:00:00.000Z', customer_id: 'acme', cost_usd: 12 }),
    costEvent({
      event_id: 'g',
      ts: '2026-11-10T00:00:00.000Z',
      customer_id: 'globex',
      feature: 'search',
      cost_usd: 5,
    }),
  ])
  // The app's clock is the server's: Retry-After counts from it.
  tracker = createTracker({ endpoint: url, spool: false, budgets: { intervalMs: 3_600_000, now: () => NOW } })
  await tracker.refreshBudgets()
})

afterAll(async () => {
  await tracker.flush()
  await spendlens.close()
  await store.close()
  await rm(folder, { recursive: true, force: true })
})

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function expectRefused(response: Response) {
  expect(response.status).toBe(429)
  expect(Number(response.headers.get('retry-after'))).toBeCloseTo(TO_RESET, -1)
  expect(response.headers.get('content-type')).toContain('application/json')
  expect(await response.json()).toEqual({
    error: {
      code: 'budget_exceeded',
      message: 'the budget "Acme monthly" is spent until 2026-12-01T00:00:00.000Z',
      details: {
        budget_id: 'acme-monthly',
        budget_name: 'Acme monthly',
        scope: [{ dimension: 'customer_id', op: 'eq', values: ['acme'] }],
        spent_usd: 12,
        limit_usd: 10,
        resets_at: '2026-12-01T00:00:00.000Z',
      },
    },
  })
}

describe('the Express middleware', () => {
  it('answers a blocked customer 429 with Retry-After, and lets any other through with its customer tagged', async () => {
    const app = express()
    app.use(expressBudgetGuard({ tracker, customer: (request) => request.header('x-customer') }))
    app.get('/chat', (_request, response) => {
      response.json({ tags: currentTags() ?? null })
    })
    const server = app.listen(0)
    await new Promise((resolve) => server.once('listening', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      await expectRefused(await fetch(`${base}/chat`, { headers: { 'x-customer': 'acme' } }))
      const globex = await fetch(`${base}/chat`, { headers: { 'x-customer': 'globex' } })
      expect(globex.status).toBe(200)
      expect(await globex.json()).toEqual({ tags: { customer_id: 'globex' } })
      const nobody = await fetch(`${base}/chat`)
      expect(await nobody.json()).toEqual({ tags: null })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('passes an error resolving the customer to Express', async () => {
    const app = express()
    app.use(
      expressBudgetGuard({
        tracker,
        customer: () => {
          throw new Error('no session')
        },
      }),
    )
    app.get('/chat', (_request, response) => {
      response.send('reached')
    })
    app.use(
      (error: Error, _request: express.Request, response: express.Response, _next: express.NextFunction) => {
        response.status(401).send(error.message)
      },
    )
    const server = app.listen(0)
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`)
      expect([answer.status, await answer.text()]).toEqual([401, 'no session'])
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('the Hono middleware', () => {
  it('answers a blocked customer 429 with Retry-After, and lets any other through with its customer tagged', async () => {
    const app = new Hono()
    app.use(
      '/api/*',
      honoBudgetGuard({ tracker, customer: (context: Context) => context.req.header('x-customer') }),
    )
    app.get('/api/chat', (context) => context.json({ tags: currentTags() ?? null }))
    const { createServer } = await import('node:http')
    const server = createServer(async (request, response) => {
      const answer = await app.fetch(
        new Request(`http://localhost${request.url}`, { headers: request.headers as Record<string, string> }),
      )
      const headers: Record<string, string> = {}
      answer.headers.forEach((value, name) => {
        headers[name] = value
      })
      response.writeHead(answer.status, headers)
      response.end(Buffer.from(await answer.arrayBuffer()))
    })
    const base = await listen(server)
    try {
      await expectRefused(await fetch(`${base}/api/chat`, { headers: { 'x-customer': 'acme' } }))
      const globex = await fetch(`${base}/api/chat`, { headers: { 'x-customer': 'globex' } })
      expect(await globex.json()).toEqual({ tags: { customer_id: 'globex' } })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('a Next.js route handler', () => {
  it('answers a blocked customer 429 with Retry-After, and calls the handler for any other', async () => {
    const POST = withBudgetGuard(
      async (_request: Request) => Response.json({ tags: currentTags() ?? null }),
      {
        tracker,
        customer: (request) => request.headers.get('x-customer'),
      },
    )
    await expectRefused(
      await POST(
        new Request('http://localhost/api/chat', { method: 'POST', headers: { 'x-customer': 'acme' } }),
      ),
    )
    const globex = await POST(
      new Request('http://localhost/api/chat', { method: 'POST', headers: { 'x-customer': 'globex' } }),
    )
    expect(await globex.json()).toEqual({ tags: { customer_id: 'globex' } })
  })
})
