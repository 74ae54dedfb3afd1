import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OutcomesAnswer, RevenueAnswer, UnitEconomicsAnswer } from '../src/api/api-types.js'
import { Credentials } from '../src/auth/credentials.js'
import { createApp } from '../src/http/create-app.js'
import { openStore } from '../src/store/open-store.js'
import { runCli } from './cli-process.js'
import { event, FIXED_DATES, startTestServer } from './server-helpers.js'

let server: Awaited<ReturnType<typeof startTestServer>>

beforeAll(async () => {
  server = await startTestServer(FIXED_DATES)
})
afterAll(() => server.stop())

async function send(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(server.url(path), {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const ts = '2026-11-20T10:00:00.000Z'

describe('POST /v1/outcomes', () => {
  it('stores each valid outcome of a batch and rejects each invalid one with its reasons', async () => {
    const answer = await send('POST', '/v1/outcomes', [
      { id: 'mix-1', outcome: 'ticket_resolved', ts, customer_id: 'acme', feature: 'support' },
      { id: 'mix-2', outcome: 'conversion', ts: Date.parse(ts), value_usd: 49.5 },
      { id: 'mix-3', ts },
      { id: 'mix-4', outcome: 'conversion', ts: 'yesterday', value_usd: '49' },
      { id: 'mix-5', outcome: 'conversion', ts, customer: 'acme' },
      'not an object',
    ])

    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: 4,
      results: [
        { index: 0, id: 'mix-1', status: 'accepted' },
        { index: 1, id: 'mix-2', status: 'accepted' },
        {
          index: 2,
          id: 'mix-3',
          status: 'rejected',
          errors: ['outcome: Invalid input: expected string, received undefined'],
        },
        {
          index: 3,
          id: 'mix-4',
          status: 'rejected',
          errors: ['ts: Invalid ISO datetime', 'value_usd: Invalid input: expected number, received string'],
        },
        { index: 4, id: 'mix-5', status: 'rejected', errors: ['Unrecognized key: "customer"'] },
        {
          index: 5,
          id: null,
          status: 'rejected',
          errors: ['Invalid input: expected object, received string'],
        },
      ],
    } satisfies OutcomesAnswer)
  })

  it('stores an id once: the same batch sent again is all duplicates, and changes nothing', async () => {
    const batch = [
      { id: 'again-1', outcome: 'conversion', ts, feature: 'chat', value_usd: 10 },
      { id: 'again-2', outcome: 'conversion', ts, feature: 'chat', value_usd: 20 },
    ]
    expect((await send('POST', '/v1/outcomes', batch)).body).toMatchObject({ accepted: 2, duplicates: 0 })
    const resent = await send('POST', '/v1/outcomes', [
      ...batch.map((outcome) => ({ ...outcome, value_usd: 1000 })),
      { ...batch[0], outcome: 'refund' },
    ])

    expect(resent.status).toBe(200)
    expect(resent.body).toMatchObject({ accepted: 0, duplicates: 3, rejected: 0 })
    const economics = await send(
      'GET',
      '/api/unit-economics?feature=chat&from=2026-11-20&to=2026-11-21',
      undefined,
    )
    expect((economics.body as unknown as UnitEconomicsAnswer).cost_per_outcome).toEqual([
      expect.objectContaining({ feature: 'chat', outcome: 'conversion', outcomes: 2, value_usd: 30 }),
    ])
  })

  it('takes NDJSON and gzip as /v1/events does, a bad line rejected on its own', async () => {
    const ndjson = `${JSON.stringify({ id: 'nd-1', outcome: 'signup', ts })}\n{broken\n`
    const answer = await send('POST', '/v1/outcomes', gzipSync(ndjson), {
      'content-type': 'application/x-ndjson',
      'content-encoding': 'gzip',
    })

    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      accepted: 1,
      rejected: 1,
      results: [
        { index: 0, id: 'nd-1', status: 'accepted' },
        { index: 1, id: null, status: 'rejected', errors: ['line 2: not valid JSON'] },
      ],
    })
  })

  it('answers 400 when every outcome is rejected, and for a body that is no batch', async () => {
    const rejected = await send('POST', '/v1/outcomes', [{ id: '', outcome: 'x', ts }])
    const empty = await send('POST', '/v1/outcomes', [])
    const scalar = await send('POST', '/v1/outcomes', '42')

    expect(rejected.status).toBe(400)
    expect(rejected.body).toMatchObject({ accepted: 0, rejected: 1 })
    expect(empty).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: 'the batch is empty' } },
    })
    expect(scalar.body).toEqual({
      error: {
        code: 'bad_request',
        message: 'body must be a JSON array of outcomes, one outcome object, or NDJSON',
      },
    })
  })
})

describe('outcomes and revenue by project', () => {
  it('stores outcomes in the ingest key’s project; the same id in another project is another outcome', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'spendlens-outcome-projects-'))
    const store = await openStore(join(folder, 'events.duckdb'))
    const credentials = await Credentials.open(store, { refresh: false })
    const shop = (await credentials.createKey({ project: 'shop', role: 'ingest' })).key
    const blog = (await credentials.createKey({ project: 'blog', role: 'ingest' })).key
    const shopReader = (await credentials.createKey({ project: 'shop', role: 'read' })).key
    const app = await createApp({ store, credentials, maxEventAgeDays: Number.POSITIVE_INFINITY })
    try {
      const post = (key: string) =>
        app.inject({
          method: 'POST',
          url: '/v1/outcomes',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          payload: [{ id: 'same-id', outcome: 'signup', ts, feature: 'chat' }],
        })
      expect((await post(shop)).json()).toMatchObject({ accepted: 1 })
      expect((await post(blog)).json()).toMatchObject({ accepted: 1 })
      expect((await post(shop)).json()).toMatchObject({ duplicates: 1 })
      // A read key may not send outcomes, nor read or set what customers pay.
      expect((await post(shopReader)).statusCode).toBe(403)
      const revenue = await app.inject({
        method: 'GET',
        url: '/api/revenue',
        headers: { authorization: `Bearer ${shopReader}` },
      })
      expect(revenue.statusCode).toBe(403)
      const economics = await app.inject({
        method: 'GET',
        url: '/api/unit-economics?from=2026-11-20&to=2026-11-21',
        headers: { authorization: `Bearer ${shopReader}` },
      })
      expect((economics.json() as UnitEconomicsAnswer).totals.outcomes).toBe(1)
    } finally {
      await app.close()
      await store.close()
      await rm(folder, { recursive: true, force: true })
    }
  })
})

describe('revenue and unit economics over HTTP', () => {
  it('replaces the project’s revenue with PUT /api/revenue, and lists it', async () => {
    const put = await send('PUT', '/api/revenue', {
      revenue: [
        { customer_id: 'shop-a', monthly_revenue_usd: 50, plan: 'starter' },
        { customer_id: 'shop-b', monthly_revenue_usd: 300 },
      ],
    })
    expect(put.status).toBe(200)
    const replaced = await send('PUT', '/api/revenue', {
      revenue: [{ customer_id: 'shop-a', monthly_revenue_usd: 50, plan: 'starter' }],
    })

    expect((replaced.body as unknown as RevenueAnswer).revenue).toEqual([
      {
        customer_id: 'shop-a',
        monthly_revenue_usd: 50,
        plan: 'starter',
        month: null,
        updated_at: expect.any(String),
      },
    ])
  })

  it('refuses revenue that contradicts itself or is no amount, naming the entry', async () => {
    const twice = await send('PUT', '/api/revenue', {
      revenue: [
        { customer_id: 'x', monthly_revenue_usd: 1, month: '2026-11' },
        { customer_id: 'x', monthly_revenue_usd: 2, month: '2026-11' },
      ],
    })
    const negative = await send('PUT', '/api/revenue', {
      revenue: [{ customer_id: 'x', monthly_revenue_usd: -5 }],
    })

    expect(twice.status).toBe(400)
    expect(twice.body).toEqual({
      error: { code: 'bad_request', message: 'revenue.1: x in 2026-11 is already given (revenue.0)' },
    })
    expect(negative.status).toBe(400)
    expect(String((negative.body.error as { message: string }).message)).toMatch(
      /^revenue\.0\.monthly_revenue_usd/,
    )
  })

  it('flags the customer on $50 a month whose calls cost $70 in the month', async () => {
    const events = [
      event({ event_id: 'shop-a-1', ts: '2026-11-05T10:00:00.000Z', customer_id: 'shop-a', cost_usd: 45 }),
      event({ event_id: 'shop-a-2', ts: '2026-11-25T10:00:00.000Z', customer_id: 'shop-a', cost_usd: 25 }),
    ]
    expect((await send('POST', '/v1/events', events)).status).toBe(200)
    const answer = await send('GET', '/api/unit-economics?from=2026-11-01&to=2026-12-01', undefined)
    const economics = answer.body as unknown as UnitEconomicsAnswer

    expect(answer.status).toBe(200)
    expect(economics.customers[0]).toEqual({
      customer_id: 'shop-a',
      plan: 'starter',
      revenue_usd: 50,
      cost_usd: 70,
      margin_usd: -20,
      cost_share: 1.4,
      over_share: true,
      outcomes: 0,
    })
    expect(economics.over_share).toBe(1)
  })

  it('refuses a share that is not a number, and parameters it does not know', async () => {
    expect((await send('GET', '/api/unit-economics?max_cost_share=lots', undefined)).status).toBe(400)
    expect((await send('GET', '/api/unit-economics?custmer_id=a', undefined)).status).toBe(400)
  })
})

describe('spendlens revenue import', () => {
  let folder: string
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-revenue-cli-'))
  })
  afterAll(() => rm(folder, { recursive: true, force: true }))

  it('stores a billing export’s customers and amounts, other columns ignored', async () => {
    const csv = join(folder, 'revenue.csv')
    await writeFile(
      csv,
      'Customer_ID,Plan,Monthly_Revenue_USD,Email\nacme,team,"1,200.50",a@acme.test\nglobex,starter,$49,b@globex.test\nglobex,starter,39,\n',
    )
    // Two amounts for globex with no month between them: refused whole.
    const refused = await runCli(['revenue', 'import', csv, '--store', join(folder, 'store.duckdb')])
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain('line 4: globex is already given (line 3)')

    await writeFile(
      csv,
      'customer_id,plan,monthly_revenue_usd,month\nacme,team,"1,200.50",\nglobex,starter,$49,\nglobex,starter,39,2026-11\n',
    )
    const stored = await runCli(['revenue', 'import', csv, '--store', join(folder, 'store.duckdb')])
    expect(stored.stderr).toBe('')
    expect(stored.stdout).toContain('Stored 3 revenue entries for 2 customers in project default')
    const listed = await runCli([
      'revenue',
      'list',
      '--format',
      'json',
      '--store',
      join(folder, 'store.duckdb'),
    ])
    expect(
      (JSON.parse(listed.stdout) as RevenueAnswer).revenue.map((entry) => [
        entry.customer_id,
        entry.month,
        entry.monthly_revenue_usd,
      ]),
    ).toEqual([
      ['acme', null, 1200.5],
      ['globex', null, 49],
      ['globex', '2026-11', 39],
    ])
  })

  it('names every bad line and stores nothing of the file', async () => {
    const csv = join(folder, 'bad.csv')
    await writeFile(csv, 'customer_id,monthly_revenue_usd,month\nacme,twelve,\n,10,\nglobex,10,2026-13\n')
    const result = await runCli(['revenue', 'import', csv, '--store', join(folder, 'bad.duckdb')])

    expect(result.status).toBe(1)
    expect(result.stderr).toContain('line 2: monthly_revenue_usd "twelve" is not an amount in dollars')
    expect(result.stderr).toContain('line 3: customer_id:')
    expect(result.stderr).toContain('line 4: month: a month is YYYY-MM')
    const listed = await runCli([
      'revenue',
      'list',
      '--format',
      'json',
      '--store',
      join(folder, 'bad.duckdb'),
    ])
    expect(JSON.parse(listed.stdout)).toEqual({ revenue: [] })
  })

  it('merges into a running server’s revenue through its API', async () => {
    const csv = join(folder, 'more.csv')
    await writeFile(csv, 'customer_id,monthly_revenue_usd\nshop-c,75\n')
    const result = await runCli(['revenue', 'import', csv, '--server', server.server.url])

    expect(result.stderr).toBe('')
    const listed = await send('GET', '/api/revenue', undefined)
    expect((listed.body as unknown as RevenueAnswer).revenue.map((entry) => entry.customer_id)).toEqual([
      'shop-a',
      'shop-c',
    ])
  })
})
