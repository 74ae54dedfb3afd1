import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { BudgetsAnswer } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Budget, BudgetList } from '../src/api/api-types.js'
import { Credentials } from '../src/auth/credentials.js'
import { parseBudgetsFile } from '../src/budgets/budget-definition.js'
import { createBudgetService } from '../src/budgets/budget-service.js'
import { createApp } from '../src/http/create-app.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { CLI, exited, runCli } from './cli-process.js'
import { costEvent } from './store-contract.js'

/**
 * Budgets over HTTP on a real server: defined by an admin with every problem named by its path,
 * read by anyone who may read, the SDK's view for an ingest key with its ETag, each project's its
 * own, the budgets file's overridden by the API's.
 */

// The server's clock: Friday 20 November 2026, noon UTC. November's spend is what counts.
let now = Date.parse('2026-11-20T12:00:00.000Z')

let folder: string
let store: Store
let app: FastifyInstance
let base: string
const keys: Record<string, string> = {}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-budgets-api-'))
  store = await openStore(join(folder, 'events.duckdb'))
  const credentials = await Credentials.open(store, { refresh: false })
  for (const role of ['ingest', 'read', 'admin'] as const)
    keys[role] = (await credentials.createKey({ role, name: `the ${role} key` })).key
  keys.otherAdmin = (await credentials.createKey({ project: 'other', role: 'admin' })).key
  keys.otherIngest = (await credentials.createKey({ project: 'other', role: 'ingest' })).key
  const file = parseBudgetsFile({
    budgets: [
      { id: 'everything', period: 'month', amountUsd: 100 },
      { id: 'acme', name: 'Acme (file)', period: 'month', amountUsd: 1, filters: [] },
    ],
  })
  // acme spent $1.25 + $0.50 in November, $7 in October; globex $2 in November; and acme $9 in
  // another project, which no budget of this one sees.
  await store.append([
    costEvent({ event_id: 'a1', ts: '2026-11-03T09:00:00.000Z', customer_id: 'acme', cost_usd: 1.25 }),
    costEvent({ event_id: 'a2', ts: '2026-11-20T11:59:00.000Z', customer_id: 'acme', cost_usd: 0.5 }),
    costEvent({ event_id: 'a0', ts: '2026-10-31T23:59:59.000Z', customer_id: 'acme', cost_usd: 7 }),
    costEvent({ event_id: 'g1', ts: '2026-11-10T00:00:00.000Z', customer_id: 'globex', cost_usd: 2 }),
  ])
  await store.append(
    [costEvent({ event_id: 'o1', ts: '2026-11-05T00:00:00.000Z', customer_id: 'acme', cost_usd: 9 })],
    'other',
  )
  app = await createApp({
    store,
    credentials,
    rateLimits: { ingestPerMinute: 0, queryPerMinute: 0 },
    budgets: createBudgetService({ store, file, now: () => now, stateTtlMs: 0 }),
  })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
})

afterAll(async () => {
  await app.close()
  await store.close()
  await rm(folder, { recursive: true, force: true })
})

async function call(method: string, path: string, key: string, body?: unknown, headers = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined }
}

const acmeBudget = {
  name: 'Acme monthly',
  filters: [{ dimension: 'customer_id', op: 'eq', values: ['acme'] }],
  period: 'month',
  timeZone: 'UTC',
  amountUsd: 2,
  action: 'block',
}

describe('defining budgets', () => {
  it('an admin defines one with PUT; it answers with its spend to date', async () => {
    const answer = await call('PUT', '/api/budgets/acme', keys.admin as string, acmeBudget)
    // 200: the budgets file had an `acme` already, which this one overrides (201 for a new id).
    expect(answer.status).toBe(200)
    const budget = answer.body as Budget
    expect(budget).toMatchObject({
      id: 'acme',
      name: 'Acme monthly',
      source: 'api',
      thresholds: [0.5, 0.8, 1],
      channels: [],
      action: 'block',
    })
    expect(budget.changed_by).toMatch(/^key [0-9a-f]{12}$/)
    // $1.25 + $0.50 in November (October's $7 and the other project's $9 are outside).
    expect(budget.status).toMatchObject({
      period_start: '2026-11-01T00:00:00.000Z',
      resets_at: '2026-12-01T00:00:00.000Z',
      spent_usd: 1.75,
      remaining_usd: 0.25,
      used: 0.875,
      thresholds_reached: [0.5, 0.8],
    })
    // The same PUT again replaces it.
    expect((await call('PUT', '/api/budgets/acme', keys.admin as string, acmeBudget)).status).toBe(200)
  })

  it('refuses a bad definition naming every problem with its path', async () => {
    const answer = await call('PUT', '/api/budgets/bad', keys.admin as string, {
      period: 'year',
      amountUsd: -5,
      timeZone: 'Mars/Olympus',
      thresholds: [0.5, 0],
      filters: [
        { dimension: 'featuer', op: 'eq', values: ['chat'] },
        { dimension: 'customer_id', op: 'eq', values: ['a', 'b'] },
      ],
      colour: 'red',
    })
    expect(answer.status).toBe(400)
    expect(answer.body.error.code).toBe('bad_request')
    const paths = (answer.body.error.details.issues as { path: string }[]).map((issue) => issue.path).sort()
    expect(paths).toEqual(
      [
        '',
        'amountUsd',
        'filters.0.dimension',
        'filters.1.values',
        'period',
        'thresholds.1',
        'timeZone',
      ].sort(),
    )
    expect(answer.body.error.message).toContain('filters.0.dimension: must be one of')
    const badId = await call('PUT', '/api/budgets/has%20space', keys.admin as string, acmeBudget)
    expect(badId.status).toBe(400)
    expect(badId.body.error.message).toMatch(/^id: /)
  })

  it('refuses a budget scoped by pricing_status, known only once a call is priced', async () => {
    const answer = await call('PUT', '/api/budgets/unpriced', keys.admin as string, {
      ...acmeBudget,
      filters: [{ dimension: 'pricing_status', op: 'eq', values: ['unpriced'] }],
    })
    expect(answer.status).toBe(400)
    expect(answer.body.error.message).toContain(
      'filters.0.dimension: a budget cannot be scoped by pricing_status',
    )
  })

  it('a read key lists budgets but may not change them; an ingest key may not read them', async () => {
    expect((await call('GET', '/api/budgets', keys.read as string)).status).toBe(200)
    expect((await call('PUT', '/api/budgets/x', keys.read as string, acmeBudget)).status).toBe(403)
    expect((await call('DELETE', '/api/budgets/acme', keys.read as string)).status).toBe(403)
    expect((await call('GET', '/api/budgets', keys.ingest as string)).status).toBe(403)
  })

  it('the API’s budget wins over the file’s with the same id; deleting it brings the file’s back', async () => {
    const list = (await call('GET', '/api/budgets', keys.read as string)).body as BudgetList
    expect(list.budgets.map((budget) => [budget.id, budget.source, budget.name])).toEqual([
      ['acme', 'api', 'Acme monthly'],
      ['everything', 'file', 'everything'],
    ])
    const deleted = await call('DELETE', '/api/budgets/acme', keys.admin as string)
    expect(deleted.status).toBe(200)
    expect(deleted.body.deleted).toBe('acme')
    expect(deleted.body.budget).toMatchObject({ id: 'acme', source: 'file', name: 'Acme (file)' })
    // A budget only the file defines is changed there.
    const refused = await call('DELETE', '/api/budgets/everything', keys.admin as string)
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('defined_in_file')
    expect((await call('DELETE', '/api/budgets/nothing', keys.admin as string)).status).toBe(404)
    expect((await call('PUT', '/api/budgets/acme', keys.admin as string, acmeBudget)).status).toBe(200)
    expect((await call('PUT', '/api/budgets/new', keys.admin as string, acmeBudget)).status).toBe(201)
    expect((await call('DELETE', '/api/budgets/new', keys.admin as string)).body).toEqual({
      deleted: 'new',
      budget: null,
    })
  })

  it('each project has its own budgets and counts only its own spend', async () => {
    const put = await call('PUT', '/api/budgets/acme', keys.otherAdmin as string, {
      ...acmeBudget,
      amountUsd: 50,
    })
    expect(put.status).toBe(201)
    expect((put.body as Budget).status.spent_usd).toBe(9)
    const own = (await call('GET', '/api/budgets/acme', keys.read as string)).body as Budget
    expect([own.amountUsd, own.status.spent_usd]).toEqual([2, 1.75])
    // The default project's admin may not name the other project.
    const forbidden = await call('GET', '/api/budgets', keys.admin as string, undefined, {
      'x-spendlens-project': 'other',
    })
    expect(forbidden.status).toBe(403)
    const other = (await call('GET', '/api/budgets', keys.otherAdmin as string)).body as BudgetList
    expect(other.budgets.map((budget) => budget.id)).toEqual(['acme'])
  })
})

describe('GET /v1/budgets, the SDK’s view', () => {
  it('answers an ingest key with its project’s budgets, an ETag, and 304 while nothing changed', async () => {
    const first = await call('GET', '/v1/budgets', keys.ingest as string)
    expect(first.status).toBe(200)
    const answer = first.body as BudgetsAnswer
    expect(answer.as_of).toBe('2026-11-20T12:00:00.000Z')
    expect(answer.budgets.find((budget) => budget.id === 'acme')).toEqual({
      id: 'acme',
      name: 'Acme monthly',
      filters: [{ dimension: 'customer_id', op: 'eq', values: ['acme'] }],
      action: 'block',
      period: 'month',
      time_zone: 'UTC',
      period_start: '2026-11-01T00:00:00.000Z',
      resets_at: '2026-12-01T00:00:00.000Z',
      limit_usd: 2,
      spent_usd: 1.75,
    })
    const etag = first.headers.get('etag') as string
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect(Number(first.headers.get('x-spendlens-state-age-ms'))).toBeGreaterThanOrEqual(0)

    const again = await call('GET', '/v1/budgets', keys.ingest as string, undefined, {
      'if-none-match': etag,
    })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(etag)

    await store.append([
      costEvent({ event_id: 'a3', ts: '2026-11-20T11:59:30.000Z', customer_id: 'acme', cost_usd: 0.5 }),
    ])
    const changed = await call('GET', '/v1/budgets', keys.ingest as string, undefined, {
      'if-none-match': etag,
    })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).not.toBe(etag)
    expect((changed.body as BudgetsAnswer).budgets.find((budget) => budget.id === 'acme')?.spent_usd).toBe(
      2.25,
    )
  })

  it('gives each ingest key its own project’s budgets; a read key is refused', async () => {
    const other = (await call('GET', '/v1/budgets', keys.otherIngest as string)).body as BudgetsAnswer
    expect(other.budgets.map((budget) => [budget.id, budget.spent_usd])).toEqual([['acme', 9]])
    expect((await call('GET', '/v1/budgets', keys.read as string)).status).toBe(403)
  })

  it('moves to the next period at the reset', async () => {
    now = Date.parse('2026-12-01T00:00:00.000Z')
    const answer = (await call('GET', '/v1/budgets', keys.ingest as string)).body as BudgetsAnswer
    expect(answer.budgets.find((budget) => budget.id === 'acme')).toMatchObject({
      period_start: '2026-12-01T00:00:00.000Z',
      resets_at: '2027-01-01T00:00:00.000Z',
      spent_usd: 0,
    })
  })
})

describe('spendlens serve --budgets <file>', () => {
  it('refuses to start on a bad file, naming each problem with its path', async () => {
    const file = join(folder, 'bad-budgets.json')
    await writeFile(
      file,
      JSON.stringify({
        budgets: [
          { id: 'a', period: 'year', amountUsd: 1 },
          {
            id: 'b',
            period: 'day',
            amountUsd: 1,
            filters: [{ dimension: 'featuer', op: 'eq', values: ['x'] }],
          },
        ],
      }),
    )
    const result = await runCli([
      'serve',
      '--store',
      join(folder, 'cli.duckdb'),
      '--port',
      '0',
      '--no-demo',
      '--budgets',
      file,
    ])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`spendlens: ${file}: budgets.0.period: `)
    expect(result.stderr).toContain('budgets.1.filters.0.dimension: must be one of')
  })

  it('serves the file’s budgets', async () => {
    const file = join(folder, 'budgets.json')
    await writeFile(file, JSON.stringify({ budgets: [{ id: 'everything', period: 'week', amountUsd: 70 }] }))
    const child = spawn(
      process.execPath,
      [
        CLI,
        'serve',
        '--store',
        join(folder, 'cli-good.duckdb'),
        '--port',
        '0',
        '--no-demo',
        '--budgets',
        file,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    try {
      const url = await new Promise<string>((resolve) => {
        let output = ''
        child.stdout?.on('data', (chunk) => {
          output += chunk
          const match = /Dashboard:\s+(http:\/\/\S+)/.exec(output)
          if (match) resolve(match[1] as string)
        })
      })
      const list = (await (await fetch(new URL('api/budgets', url))).json()) as BudgetList
      expect(
        list.budgets.map((budget) => [budget.id, budget.source, budget.period, budget.amountUsd]),
      ).toEqual([['everything', 'file', 'week', 70]])
    } finally {
      child.kill('SIGTERM')
      await exited(child)
    }
  })
})
