import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BudgetDefinition } from '../src/api/api-types.js'
import { parseBudgetsFile } from '../src/budgets/budget-definition.js'
import { createBudgetService } from '../src/budgets/budget-service.js'
import { readHourlySpend, readSpend } from '../src/budgets/budget-spend.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { openStore } from '../src/store/open-store.js'
import type { QueryInsight, Store } from '../src/store/store.js'
import { costEvent } from './store-contract.js'

/**
 * A budget's spend to date, on both engines (DuckDB on disk, ClickHouse through chDB), against
 * the sums worked out by hand below: calendar periods in New York (a month that starts at 04:00 UTC),
 * Kolkata (a day that starts on the half hour) and UTC, and scopes of every kind of filter.
 */

// The server's clock: Friday 20 November 2026, 15:30 UTC (10:30 in New York, 21:00 in Kolkata).
const NOW = Date.parse('2026-11-20T15:30:00.000Z')

const EVENTS = [
  // Before New York's November (03:59:59 UTC on the 1st is 23:59:59 on 31 October there).
  costEvent({ event_id: 'e1', ts: '2026-11-01T03:59:59.000Z', customer_id: 'acme', cost_usd: 10 }),
  costEvent({ event_id: 'e2', ts: '2026-11-01T04:00:00.000Z', customer_id: 'acme', cost_usd: 1.000000001 }),
  costEvent({
    event_id: 'e3',
    ts: '2026-11-19T18:29:59.000Z',
    customer_id: 'acme',
    feature: 'chat',
    cost_usd: 0.25,
  }),
  // Midnight in Kolkata.
  costEvent({
    event_id: 'e4',
    ts: '2026-11-19T18:30:00.000Z',
    customer_id: 'acme',
    feature: 'search',
    cost_usd: 0.125,
  }),
  costEvent({
    event_id: 'e5',
    ts: '2026-11-20T15:10:00.000Z',
    customer_id: 'globex',
    feature: 'chat',
    tags: { plan: 'pro' },
    cost_usd: 3,
  }),
  // Later in the current hour than the clock: a sender's clock a little ahead still counts.
  costEvent({
    event_id: 'e6',
    ts: '2026-11-20T15:59:00.000Z',
    customer_id: 'acme',
    feature: 'chat',
    cost_usd: 0.5,
  }),
  // The next hour: not yet.
  costEvent({ event_id: 'e7', ts: '2026-11-20T16:00:00.000Z', customer_id: 'acme', cost_usd: 100 }),
  // A call of unknown price adds nothing.
  costEvent({
    event_id: 'e8',
    ts: '2026-11-20T10:00:00.000Z',
    customer_id: 'acme',
    cost_usd: null,
    pricing_status: 'unpriced',
  }),
  // Nobody's customer.
  costEvent({ event_id: 'e9', ts: '2026-11-10T12:00:00.000Z', cost_usd: 0.75 }),
]

const budget = (definition: Partial<BudgetDefinition> & Pick<BudgetDefinition, 'period'>) => ({
  amountUsd: 100,
  ...definition,
})

const FILE = parseBudgetsFile({
  budgets: [
    // e2 + e3 + e4 + e6 = 1.000000001 + 0.25 + 0.125 + 0.5
    {
      id: 'a',
      ...budget({ period: 'month', timeZone: 'America/New_York', filters: [eq('customer_id', 'acme')] }),
    },
    // e5
    {
      id: 'b',
      ...budget({ period: 'month', timeZone: 'America/New_York', filters: [eq('customer_id', 'globex')] }),
    },
    // e9
    {
      id: 'f',
      ...budget({
        period: 'month',
        timeZone: 'America/New_York',
        filters: [eq('customer_id', 'unattributed')],
      }),
    },
    // e3 + e4 + e6 (chat or search, not globex)
    {
      id: 'c',
      ...budget({
        period: 'month',
        timeZone: 'America/New_York',
        filters: [
          { dimension: 'feature', op: 'in', values: ['chat', 'search'] },
          { dimension: 'customer_id', op: 'not_in', values: ['globex'] },
        ],
      }),
    },
    // Kolkata's 20 November: e4 + e5 + e6
    { id: 'd', ...budget({ period: 'day', timeZone: 'Asia/Kolkata' }) },
    // e5
    { id: 'e', ...budget({ period: 'month', filters: [eq('tags.plan', 'pro')] }) },
    // New York's week from Monday 16 November: e3 + e4 + e5 + e6
    {
      id: 'g',
      ...budget({
        period: 'week',
        timeZone: 'America/New_York',
        filters: [{ dimension: 'customer_id', op: 'in', values: ['acme', 'globex'] }],
      }),
    },
    // UTC's November, everything: e1 … e6, e9
    { id: 'h', ...budget({ period: 'month' }) },
  ],
})

const EXPECTED_USD: Record<string, number> = {
  a: 1.875000001,
  b: 3,
  f: 0.75,
  c: 0.875,
  d: 3.625,
  e: 3,
  g: 3.875,
  h: 15.625000001,
}

function eq(dimension: string, value: string) {
  return { dimension, op: 'eq', values: [value] } as BudgetDefinition['filters'][number]
}

const ENGINES: [string, (folder: string) => Promise<Store>][] = [
  ['DuckDB', (folder) => openDuckDBStore(join(folder, 'events.duckdb'))],
  ['ClickHouse (chDB)', (folder) => openStore(`chdb://${join(folder, 'chdb')}`)],
]

describe.each(ENGINES)('spend to date on %s', (_engine, open) => {
  let folder: string
  let store: Store
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-budget-spend-'))
    store = await open(folder)
    await store.append(EVENTS)
    // Another project's acme, which no budget of the default project counts.
    await store.append(
      [costEvent({ event_id: 'x1', ts: '2026-11-20T15:00:00.000Z', customer_id: 'acme', cost_usd: 5 })],
      'other',
    )
  })
  afterAll(async () => {
    await store.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('equals the hand arithmetic for every period and scope', async () => {
    const service = createBudgetService({ store, file: FILE, now: () => NOW })
    const { budgets } = await service.list('default')
    const spent = Object.fromEntries(budgets.map((entry) => [entry.id, entry.status.spent_usd]))
    expect(spent).toEqual(EXPECTED_USD)
    const day = budgets.find((entry) => entry.id === 'd')?.status
    expect([day?.period_start, day?.resets_at]).toEqual([
      '2026-11-19T18:30:00.000Z',
      '2026-11-20T18:30:00.000Z',
    ])
  })

  it('the SDK’s view carries the same spend', async () => {
    const service = createBudgetService({ store, file: FILE, now: () => NOW })
    const { answer } = await service.wireState('default')
    expect(Object.fromEntries(answer.budgets.map((entry) => [entry.id, entry.spent_usd]))).toEqual(
      EXPECTED_USD,
    )
  })

  it('asks one query for budgets that differ by one value, and reads whole hours from the rollups', async () => {
    const from = Date.parse('2026-11-01T04:00:00.000Z')
    const to = Date.parse('2026-11-20T16:00:00.000Z')
    const queries: unknown[] = []
    const counting = new Proxy(store, {
      get: (target, key) =>
        key === 'query'
          ? (...args: Parameters<Store['query']>) => {
              queries.push(args[0])
              return target.query(...args)
            }
          : Reflect.get(target, key),
    })
    const totals = await readSpend(counting, 'default', [
      { key: 'acme', filters: [eq('customer_id', 'acme')], from, to },
      { key: 'globex', filters: [eq('customer_id', 'globex')], from, to },
      {
        key: 'both',
        filters: [{ dimension: 'customer_id', op: 'in', values: ['acme', 'globex'] }],
        from,
        to,
      },
    ])
    expect(Object.fromEntries(totals)).toEqual({
      acme: 1_875_000_001,
      globex: 3_000_000_000,
      both: 4_875_000_001,
    })
    expect(queries).toHaveLength(1)
    const plan = (store as Store & QueryInsight).plan({
      project: 'default',
      from: new Date(from),
      to: new Date(to),
      timeZone: 'UTC',
      filters: [{ dimension: 'customer_id', op: 'in', values: ['acme', 'globex'] }],
      groupBy: ['customer_id'],
      metrics: ['cost_usd'],
    })
    expect(plan.sums).toEqual({ from: 'rollup' })
  })

  it('reads a scope’s hourly history for the forecast', async () => {
    const from = Date.parse('2026-11-19T00:00:00.000Z')
    const history = await readHourlySpend(store, 'default', [
      { key: 'acme', filters: [eq('customer_id', 'acme')], from, to: from + 48 * 3_600_000 },
    ])
    const hours = history.get('acme') as Float64Array
    const nonZero = [...hours.entries()].filter(([, nanos]) => nanos !== 0)
    // e3 and e4 in the 18:00 hour of the 19th, e6 in the 15:00 hour of the 20th, e7 at 16:00.
    expect(nonZero).toEqual([
      [18, 375_000_000],
      [39, 500_000_000],
      [40, 100_000_000_000],
    ])
  })
})
