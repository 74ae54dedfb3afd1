import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/http/create-app.js'
import { QUERY_CAPS } from '../src/query/analytics-query.js'
import { type DuckDBStore, openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { costEvent } from './store-contract.js'

/**
 * The limits of the query API over HTTP, on the real server and a DuckDB file: each cap is a 400
 * naming the field and the cap, a cursor that is not one is a 400 with its reason (never a 500),
 * and a query past its time limit is a 503 `query_timeout` while the server goes on answering.
 * (The store's side of each, on both engines, is in the contract suite: store-contract.ts.)
 */

const CAP = QUERY_CAPS.rows
/** One call more than the row cap, each with a customer and a user of its own. */
const CROWD = Array.from({ length: CAP + 1 }, (_, index) =>
  costEvent({
    event_id: `crowd-${index}`,
    // A minute apart: a series of minutes over them has more points than the cap.
    ts: new Date(Date.UTC(2026, 10, 20) + index * 60_000).toISOString(),
    customer_id: `c${index}`,
    user_id: `u${index}`,
    latency_ms: index,
    cost_usd: 0.001,
  }),
)

let folder: string
let store: DuckDBStore
let app: FastifyInstance
const logged: string[] = []

/** An app over the shared store, its time limit `queryTimeoutMs`. */
async function appWith(queryTimeoutMs?: number) {
  return createApp({
    store,
    ingestWorkers: 0,
    queryTimeoutMs,
    logStream: { write: (line: string) => logged.push(line) },
  })
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-query-limits-'))
  store = await openDuckDBStore(join(folder, 'events.duckdb'))
  await store.append(CROWD)
  app = await appWith()
})

afterAll(async () => {
  await app?.close()
  await store?.close()
  await rm(folder, { recursive: true, force: true })
})

/** What the API answers, as far as these tests look. */
interface Answer {
  rows?: Record<string, unknown>[]
  events?: { event_id: string }[]
  next_cursor?: string | null
  error?: { code: string; message: string }
}

async function post(body: unknown, target: FastifyInstance = app) {
  const response = await target.inject({ method: 'POST', url: '/api/query', payload: body as object })
  return { status: response.statusCode, body: response.json() as Answer }
}

async function get(url: string, target: FastifyInstance = app) {
  const response = await target.inject({ method: 'GET', url })
  return { status: response.statusCode, body: response.json() as Answer }
}

const refusal = (message: string) => ({ error: { code: 'bad_request', message } })

describe('POST /api/query caps', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'filters',
      {
        filters: Array.from({ length: QUERY_CAPS.filters + 1 }, () => ({
          dimension: 'model',
          op: 'in',
          values: ['a'],
        })),
      },
      `filters: at most ${QUERY_CAPS.filters} filters in a query`,
    ],
    [
      'filter values, all filters together',
      {
        filters: [
          { dimension: 'model', op: 'in', values: Array(QUERY_CAPS.filterValues - 1).fill('a') },
          { dimension: 'feature', op: 'in', values: ['b', 'c'] },
        ],
      },
      `filters: at most ${QUERY_CAPS.filterValues} filter values in a query, all filters together`,
    ],
    [
      'values of one filter',
      { filters: [{ dimension: 'model', op: 'in', values: Array(QUERY_CAPS.filterValues + 1).fill('a') }] },
      `filters.0.values: at most ${QUERY_CAPS.filterValues} filter values in a query`,
    ],
    [
      'a filter value',
      { filters: [{ dimension: 'model', op: 'eq', values: ['x'.repeat(QUERY_CAPS.valueLength + 1)] }] },
      `filters.0.values.0: a filter value has at most ${QUERY_CAPS.valueLength} characters`,
    ],
    [
      'group-bys',
      { groupBy: ['provider', 'model', 'feature', 'route'] },
      `groupBy: at most ${QUERY_CAPS.groupBy} group-by dimensions`,
    ],
    ['limit', { groupBy: ['model'], limit: CAP + 1 }, `limit: limit is at most ${CAP}`],
  ]
  for (const [name, body, message] of cases) {
    it(`refuses more ${name} than the cap, naming it`, async () => {
      expect(await post({ metrics: ['requests'], ...body })).toEqual({ status: 400, body: refusal(message) })
    })
  }

  it('answers a query at every cap', async () => {
    const { status, body } = await post({
      metrics: ['requests'],
      groupBy: ['provider', 'model', 'customer_id'],
      filters: [
        ...Array.from({ length: QUERY_CAPS.filters - 1 }, () => ({
          dimension: 'feature',
          op: 'not_in',
          values: ['x'.repeat(QUERY_CAPS.valueLength)],
        })),
        {
          dimension: 'customer_id',
          op: 'in',
          values: Array.from(
            { length: QUERY_CAPS.filterValues - QUERY_CAPS.filters + 1 },
            (_, index) => `c${index}`,
          ),
        },
      ],
      limit: CAP,
    })
    expect(status).toBe(200)
    expect(body.rows).toHaveLength(QUERY_CAPS.filterValues - QUERY_CAPS.filters + 1)
  })

  it('refuses an answer of more rows than the cap when no limit bounds it', async () => {
    const message = `limit: the answer has more than ${CAP} rows; set a limit of at most ${CAP}, narrow the time range or the filters, or use fewer group-bys or a coarser bucket`
    expect(await post({ metrics: ['requests'], groupBy: ['customer_id'] })).toEqual({
      status: 400,
      body: refusal(message),
    })
    expect(await get('/api/timeseries?bucket=minute&tz=UTC')).toEqual({ status: 400, body: refusal(message) })
    const limited = await post({ metrics: ['requests'], groupBy: ['customer_id'], limit: CAP })
    expect(limited.status).toBe(200)
    expect(limited.body.rows).toHaveLength(CAP)
  })
})

describe('GET query-string caps', () => {
  const many = (count: number, parameter: (index: number) => string) =>
    Array.from({ length: count }, (_, index) => parameter(index)).join('&')
  for (const endpoint of ['/api/summary', '/api/events']) {
    it(`${endpoint}: refuses more filter parameters than the cap`, async () => {
      expect(await get(`${endpoint}?${many(QUERY_CAPS.filters + 1, (index) => `tags.k${index}=a`)}`)).toEqual(
        {
          status: 400,
          body: refusal(`at most ${QUERY_CAPS.filters} filter parameters (dimensions and exclude.*)`),
        },
      )
    })

    it(`${endpoint}: refuses more filter values than the cap, all parameters together`, async () => {
      const values = `${many(QUERY_CAPS.filterValues, () => 'model=a')}&exclude.feature=b`
      expect(await get(`${endpoint}?${values}`)).toEqual({
        status: 400,
        body: refusal(`at most ${QUERY_CAPS.filterValues} filter values in a query, all parameters together`),
      })
    })

    it(`${endpoint}: refuses a filter value longer than the cap, naming the parameter`, async () => {
      expect(await get(`${endpoint}?tags.team=${'x'.repeat(QUERY_CAPS.valueLength + 1)}`)).toEqual({
        status: 400,
        body: refusal(`tags.team: a filter value has at most ${QUERY_CAPS.valueLength} characters`),
      })
    })
  }

  it('answers the filters at their caps', async () => {
    const { status } = await get(
      `/api/summary?${many(QUERY_CAPS.filters - 1, (index) => `tags.k${index}=unattributed`)}&${many(QUERY_CAPS.filterValues - QUERY_CAPS.filters + 1, (index) => `exclude.model=${'m'.repeat(QUERY_CAPS.valueLength - 5)}${index}`)}`,
    )
    expect(status).toBe(200)
  })
})

describe('GET /api/events cursors', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const bad: [string, string, string][] = [
    ['random bytes', Buffer.from('\x8f\x00\xff random bytes', 'latin1').toString('base64url'), 'not JSON'],
    ['not base64url', encodeURIComponent('a+b/c='), 'not base64url'],
    ['JSON of another shape', encode({ ts: 1, event_id: 'a' }), 'not a position'],
    ['an older cursor, without its order', encode([1_795_395_198_406, 'crowd-1']), 'not a position'],
    [
      'a position in another order',
      encode(['oldest', 1_795_395_198_406, 'crowd-1']),
      'a position in another order',
    ],
    ['a huge time', encode(['newest', 1e300, 'crowd-1']), 'its time is not a time'],
    ['a time beyond any date', encode(['newest', 9e15, 'crowd-1']), 'its time is not a time'],
    ['a lone surrogate in the event_id', encode(['newest', 1, 'a\ud800']), 'its event_id is not one'],
  ]
  for (const [name, cursor, reason] of bad) {
    it(`refuses ${name} with its reason`, async () => {
      expect(await get(`/api/events?cursor=${cursor}`)).toEqual({
        status: 400,
        body: refusal(`cursor: not one this server gave out (${reason}); start again from the first page`),
      })
    })
  }

  it('refuses an empty cursor, two cursors and an overlong one', async () => {
    for (const query of ['cursor=', 'cursor=a&cursor=b', `cursor=${'a'.repeat(501)}`]) {
      const { status, body } = await get(`/api/events?${query}`)
      expect({ status, code: body.error?.code }, query).toEqual({ status: 400, code: 'bad_request' })
      expect(body.error?.message, query).toMatch(/^cursor/)
    }
  })

  it('pages on with a cursor it gave out', async () => {
    const first = await get('/api/events?limit=2')
    expect(first.body.events?.map((event) => event.event_id)).toEqual([`crowd-${CAP}`, `crowd-${CAP - 1}`])
    const second = await get(`/api/events?limit=2&cursor=${first.body.next_cursor}`)
    expect(second.body.events?.map((event) => event.event_id)).toEqual([
      `crowd-${CAP - 2}`,
      `crowd-${CAP - 3}`,
    ])
  })
})

describe('the time limit', () => {
  /**
   * Heavy on purpose: the "others" row of 10,000 groups of two dimensions excludes each of them,
   * 20,000 bound values in one condition read for every event: about ten seconds of DuckDB's work
   * on the two-core reference machine, a hundred times the limit below.
   */
  const HEAVY = {
    metrics: ['requests', 'cost_usd'],
    groupBy: ['customer_id', 'user_id'],
    limit: CAP,
    others: true,
  }

  it('answers 503 query_timeout past it, logs it, and answers the next query', async () => {
    const limited = await appWith(100)
    try {
      expect(await post(HEAVY, limited)).toEqual({
        status: 503,
        body: {
          error: {
            code: 'query_timeout',
            message:
              'the query ran longer than its time limit of 0.1 s and was cancelled; narrow the time range or the filters, or ask for fewer groups',
          },
        },
      })
      expect(logged.some((line) => line.includes('a query was cancelled at its time limit'))).toBe(true)
      expect(await post({ metrics: ['requests'] }, limited)).toEqual({
        status: 200,
        body: { rows: [{ requests: CAP + 1 }] },
      })
    } finally {
      await limited.close()
    }
  })
})
