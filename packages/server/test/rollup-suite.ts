import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostEvent } from 'spendlens'
import { createPriceBook } from 'spendlens/internal'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AnalyticsQuery,
  type Bucket,
  type Dimension,
  type Filter,
  METRICS,
  type Metric,
  type QueryRow,
} from '../src/api/api-types.js'
import { generateDemoEvents } from '../src/demo/demo-data.js'
import { EXACT_UP_TO } from '../src/query/latency-sketch.js'
import { ROLLUP_DIMENSIONS } from '../src/query/rollup-tables.js'
import { repriceEvents } from '../src/reprice/reprice-events.js'
import type { QueryInsight, Store } from '../src/store/store.js'

/**
 * The rollup path and the events path answer every query with the same rows, on each engine (a
 * small test file per engine runs this suite: rollup.test.ts for DuckDB, rollup.clickhouse.test.ts):
 * money to the nano-dollar, counts and token sums exactly, percentiles by the one definition both
 * follow (latency-sketch.ts). Only the average latency may differ in the last bits: the rollup
 * adds per-hour partial sums where the events path adds every latency.
 */
export interface RollupSuiteOptions {
  name: string
  /** Opens the engine's store in `folder`. */
  open(folder: string): Promise<Store & QueryInsight>
}

const NOW = new Date('2026-11-20T15:00:00.000Z')
const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * About 14,000 demo events, with the variety the demo lacks: no service tier, flex, no latency,
 * provider projects (and events without one), costs the provider charged with the catalog's price
 * beside them (and without: a model the catalog cannot price).
 */
function events(): CostEvent[] {
  return generateDemoEvents({ now: NOW, days: 12, dailyRequests: 1200, seed: 11 }).map((demo, index) => {
    const charged: Partial<CostEvent> =
      index % 23 === 0
        ? {
            cost_usd: (demo.cost_usd ?? 0.001) * 1.05,
            pricing_status: 'client',
            price_source: 'charged:openrouter',
            computed_cost_usd: index % 46 === 0 ? null : demo.cost_usd,
          }
        : {}
    const event = { ...demo, ...charged, provider_project: index % 5 === 0 ? null : `proj_${index % 3}` }
    if (index % 13 === 0) return { ...event, service_tier: null }
    if (index % 17 === 0) return { ...event, service_tier: 'flex' }
    if (index % 19 === 0) return { ...event, latency_ms: null }
    return event
  })
}

/** Later deliveries: newer versions (other feature, cost, hour, day), older copies, exact copies. */
function redeliveries(first: CostEvent[]): CostEvent[] {
  const again: CostEvent[] = []
  first.forEach((event, index) => {
    if (index % 20 === 0)
      again.push({
        ...event,
        ts: new Date(Date.parse(event.ts) + 90 * 60_000).toISOString(),
        feature: 'retried',
        provider_project: 'proj_moved',
        cost_usd: event.cost_usd === null ? 0.01 : event.cost_usd * 2,
        latency_ms: (event.latency_ms ?? 100) * 3,
        status: 'ok',
      })
    if (index % 20 === 1) again.push({ ...event, ts: new Date(Date.parse(event.ts) - 60_000).toISOString() })
    if (index % 20 === 2) again.push(event)
  })
  return again
}

const FLOAT_TOLERANCE = 1e-9

function expectSameRows(rollup: QueryRow[], raw: QueryRow[], label: string) {
  expect(rollup.length, label).toBe(raw.length)
  rollup.forEach((row, index) => {
    const expected = raw[index] as QueryRow
    expect(Object.keys(row), label).toEqual(Object.keys(expected))
    for (const [key, value] of Object.entries(row)) {
      const want = expected[key]
      if (key === 'avg_latency_ms' && typeof value === 'number' && typeof want === 'number') {
        expect(Math.abs(value - want), `${label} ${key}`).toBeLessThanOrEqual(
          Math.abs(want) * FLOAT_TOLERANCE,
        )
      } else expect(value, `${label} row ${index} ${key}`).toEqual(want)
    }
  })
}

/**
 * Only the events know these: the first and last call time (the rollups keep hours), and the tool
 * calls billed per call (rare, so not rollup columns; a query asking for them reads the events).
 */
const EVENTS_ONLY: Metric[] = [
  'first_seen_ms',
  'last_seen_ms',
  'web_search_requests',
  'file_search_requests',
  'web_fetch_requests',
  'code_interpreter_sessions',
]
const SUM_METRICS = METRICS.filter(
  (metric) =>
    (!metric.endsWith('_latency_ms') || metric === 'avg_latency_ms') && !EVENTS_ONLY.includes(metric),
)
const ALL: Metric[] = METRICS.filter((metric) => !EVENTS_ONLY.includes(metric))

/** Queries the rollup can answer: groups, filters, buckets, zones, ranges, order, limit, others. */
function rollupQueries(): [string, AnalyticsQuery][] {
  const base = (overrides: Partial<AnalyticsQuery>): AnalyticsQuery => ({
    timeZone: 'UTC',
    filters: [],
    groupBy: [],
    metrics: ALL,
    ...overrides,
  })
  const queries: [string, AnalyticsQuery][] = [['everything, all metrics', base({})]]
  for (const dimension of ROLLUP_DIMENSIONS)
    if (dimension !== 'project') queries.push([`by ${dimension}`, base({ groupBy: [dimension] })])
  // The project is a rollup key that queries filter on, never group by.
  queries.push(['within the default project', { ...base({ groupBy: ['feature'] }), project: 'default' }])
  queries.push(['within a project with no events', { ...base({ groupBy: ['feature'] }), project: 'none' }])
  queries.push(['by feature and model', base({ groupBy: ['feature', 'model'] })])
  queries.push(['by customer, status and tier', base({ groupBy: ['customer_id', 'status', 'service_tier'] })])
  const filters: [string, Filter][] = [
    ['feature eq', { dimension: 'feature', op: 'eq', values: ['chat-assistant'] }],
    [
      'model in',
      { dimension: 'model', op: 'in', values: ['gpt-4o-mini-2024-07-18', 'claude-haiku-4-5-20251001'] },
    ],
    ['customer not_in', { dimension: 'customer_id', op: 'not_in', values: ['globex', 'initech'] }],
    ['tier not_in keeps null tiers', { dimension: 'service_tier', op: 'not_in', values: ['flex'] }],
    [
      'provider project not_in keeps events without one',
      { dimension: 'provider_project', op: 'not_in', values: ['proj_1'] },
    ],
    ['status eq error', { dimension: 'status', op: 'eq', values: ['error'] }],
  ]
  for (const [name, filter] of filters) {
    queries.push([`${name}`, base({ filters: [filter] })])
    queries.push([`${name}, by feature`, base({ filters: [filter], groupBy: ['feature'] })])
  }
  const buckets: Bucket[] = ['hour', 'day', 'week', 'month']
  for (const timeZone of ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Tokyo']) {
    for (const bucket of buckets)
      queries.push([
        `${bucket} in ${timeZone}`,
        base({ timeZone, bucket, metrics: [...SUM_METRICS, 'p95_latency_ms'] }),
      ])
    queries.push([`day in ${timeZone} by model`, base({ timeZone, bucket: 'day', groupBy: ['model'] })])
  }
  const ranges: [string, Date, Date][] = [
    [
      'last 7 days',
      new Date(Date.parse('2026-11-14T00:00:00Z')),
      new Date(Date.parse('2026-11-21T00:00:00Z')),
    ],
    ['one hour', new Date(Date.parse('2026-11-18T14:00:00Z')), new Date(Date.parse('2026-11-18T15:00:00Z'))],
    [
      'New York days',
      new Date(Date.parse('2026-11-12T05:00:00Z')),
      new Date(Date.parse('2026-11-19T05:00:00Z')),
    ],
  ]
  // Edges inside an hour: the rollup's whole hours and the edges' events (compile-rollup.ts, sumsSource).
  ranges.push(
    ['a day from half past', new Date('2026-11-18T14:30:00Z'), new Date('2026-11-19T14:30:00Z')],
    ['seven days to a moment', new Date('2026-11-12T09:17:41.250Z'), new Date('2026-11-19T09:17:41.250Z')],
    ['within one hour', new Date('2026-11-18T14:10:00Z'), new Date('2026-11-18T14:50:00Z')],
    ['across one hour edge', new Date('2026-11-18T14:59:59.999Z'), new Date('2026-11-18T15:00:00.001Z')],
  )
  for (const [name, from, to] of ranges) {
    queries.push([`${name}`, base({ from, to })])
    queries.push([`${name} by customer`, base({ from, to, groupBy: ['customer_id'] })])
    queries.push([
      `${name}, top 3 features and others`,
      base({
        from,
        to,
        groupBy: ['feature'],
        orderBy: { metric: 'cost_usd', direction: 'desc' },
        limit: 3,
        others: true,
      }),
    ])
    queries.push([`${name} hourly`, base({ from, to, bucket: 'hour', metrics: SUM_METRICS })])
    queries.push([`${name} daily`, base({ from, to, bucket: 'day', timeZone: 'America/New_York' })])
  }
  for (const metric of [
    'cost_usd',
    'requests',
    'error_rate',
    'avg_tokens_per_request',
    'p95_latency_ms',
    'p50_latency_ms',
  ] as Metric[]) {
    for (const direction of ['asc', 'desc'] as const) {
      queries.push([
        `customers by ${metric} ${direction}, top 7 and others`,
        base({ groupBy: ['customer_id'], orderBy: { metric, direction }, limit: 7, others: true }),
      ])
    }
  }
  queries.push([
    'top 3 features by cost, others, p99 only',
    base({
      groupBy: ['feature'],
      metrics: ['p99_latency_ms'],
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit: 3,
      others: true,
    }),
  ])
  queries.push([
    'top 5 models by p95, daily',
    base({
      groupBy: ['model'],
      bucket: 'day',
      orderBy: { metric: 'p95_latency_ms', direction: 'desc' },
      limit: 5,
    }),
  ])
  queries.push([
    'tier groups, limit 1, others',
    base({
      groupBy: ['service_tier'],
      orderBy: { metric: 'requests', direction: 'desc' },
      limit: 1,
      others: true,
    }),
  ])
  return queries
}

/** Queries the rollup cannot answer, whose percentiles must still follow the same definition. */
function rawQueries(): [string, AnalyticsQuery][] {
  const base = (overrides: Partial<AnalyticsQuery>): AnalyticsQuery => ({
    timeZone: 'UTC',
    filters: [],
    groupBy: [],
    metrics: ALL,
    ...overrides,
  })
  return [
    [
      'by user',
      base({
        groupBy: ['user_id'],
        orderBy: { metric: 'cost_usd', direction: 'desc' },
        limit: 10,
        others: true,
      }),
    ],
    ['by tag', base({ groupBy: ['tags.plan'] })],
    [
      'minute buckets',
      base({
        bucket: 'minute',
        from: new Date('2026-11-18T14:00:00Z'),
        to: new Date('2026-11-18T15:00:00Z'),
      }),
    ],
    ['Kolkata days', base({ bucket: 'day', timeZone: 'Asia/Kolkata' })],
    [
      'customers by p95 (histograms do not keep customers)',
      base({
        groupBy: ['customer_id'],
        orderBy: { metric: 'p95_latency_ms', direction: 'desc' },
        limit: 5,
        others: true,
      }),
    ],
    ['first and last call by model', base({ groupBy: ['model'], metrics: [...ALL, ...EVENTS_ONLY] })],
    [
      'unpriced calls by model (the rollups are not kept by pricing status)',
      base({
        groupBy: ['provider', 'model'],
        filters: [{ dimension: 'pricing_status', op: 'eq', values: ['unpriced'] }],
      }),
    ],
  ]
}

async function compareAll(store: Store & QueryInsight, stage: string) {
  let viaRollup = 0
  for (const [name, query] of [...rollupQueries(), ...rawQueries()]) {
    const plan = store.plan(query)
    if (plan.sums.from === 'rollup') viaRollup++
    expectSameRows(await store.query(query), await store.queryEvents(query), `${stage}: ${name}`)
  }
  return viaRollup
}

/** The exact R-7 quantile (DuckDB's quantile_cont, ClickHouse's quantileExactInclusive). */
function quantileR7(values: number[], level: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const position = level * (sorted.length - 1)
  const below = sorted[Math.floor(position)] as number
  const above = sorted[Math.ceil(position)] as number
  return below + (above - below) * (position - Math.floor(position))
}

export function runRollupSuite(options: RollupSuiteOptions): void {
  let folder: string
  let store: Store & QueryInsight

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-rollup-'))
    store = await options.open(folder)
    const first = events()
    // In several appends, as ingest would: cells get several partial rows before compaction.
    for (let start = 0; start < first.length; start += 3000)
      await store.append(first.slice(start, start + 3000))
  })

  afterAll(async () => {
    await store.close()
    await rm(folder, { recursive: true, force: true })
  })

  describe(`${options.name}: the rollup and the events answer alike`, () => {
    it('routes the queries it can to the rollup, and the others to the events', () => {
      for (const [name, query] of rollupQueries())
        expect(store.plan(query).sums, name).toEqual({ from: 'rollup' })
      for (const [name, query] of [...rawQueries().slice(0, 4), ...rawQueries().slice(5)])
        expect(store.plan(query).sums.from, name).toBe('events')
      expect(store.plan(rawQueries()[4]?.[1] as AnalyticsQuery).percentiles?.from).toBe('events')
      expect(store.plan(rollupQueries()[0]?.[1] as AnalyticsQuery).percentiles).toEqual({
        from: 'histograms',
      })
    })

    it('gives the same rows on fresh data', async () => {
      expect(await compareAll(store, 'fresh')).toBeGreaterThan(60)
    }, 180_000)

    it('estimates percentiles of large groups within 1.1% of the exact value, small ones exactly', async () => {
      const latencies = new Map<string, number[]>()
      for await (const batch of store.exportEvents()) {
        for (const event of batch) {
          if (event.latency_ms === null) continue
          for (const key of [
            'all',
            `provider:${event.provider}`,
            `feature:${event.feature ?? 'unattributed'}`,
          ]) {
            const values = latencies.get(key) ?? []
            latencies.set(key, values)
            values.push(event.latency_ms)
          }
        }
      }
      let estimatedGroups = 0
      for (const groupBy of [[], ['provider'], ['feature']] as Dimension[][]) {
        const query: AnalyticsQuery = {
          timeZone: 'UTC',
          filters: [],
          groupBy,
          metrics: ['p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms'],
        }
        const estimated = await store.query(query)
        const exact = [...latencies]
          .filter(([key]) => (groupBy[0] ? key.startsWith(`${groupBy[0]}:`) : key === 'all'))
          .map(([key, values]) => ({
            name: key.slice(key.indexOf(':') + 1),
            n: values.length,
            p50: quantileR7(values, 0.5),
            p95: quantileR7(values, 0.95),
            p99: quantileR7(values, 0.99),
          }))
        expect(exact.length).toBeGreaterThan(0)
        for (const row of exact) {
          const found = (
            groupBy[0]
              ? estimated.find((candidate) => candidate[groupBy[0] as string] === row.name)
              : estimated[0]
          ) as QueryRow
          const large = Number(row.n) > EXACT_UP_TO
          if (large) estimatedGroups++
          for (const [metric, value] of [
            ['p50_latency_ms', row.p50],
            ['p95_latency_ms', row.p95],
            ['p99_latency_ms', row.p99],
          ] as const) {
            const error = Math.abs((found[metric] as number) - Number(value)) / (Number(value) + 1)
            // Small groups are exact (the engine's R-7 against this one: equal but for rounding).
            expect(error, `${String(row.name)} ${metric}`).toBeLessThanOrEqual(large ? 0.011 : 1e-12)
          }
        }
      }
      expect(estimatedGroups).toBeGreaterThan(0)
    })

    it('gives the same rows after replacements and duplicates, compacted or not', async () => {
      const statuses = (await store.append(redeliveries(events()))).statuses
      expect(statuses).toContain('replaced')
      expect(statuses).toContain('duplicate')
      await compareAll(store, 'after replacements')
      await store.compactRollup()
      await compareAll(store, 'after compaction')
      // Two comparisons of every query: each took 105 s on chDB on a loaded 2-core machine.
    }, 480_000)

    it('gives the same rows after a reprice, compacted or not', async () => {
      // A price correction of two of the demo's models over part of the history, and a discount.
      const book = createPriceBook({
        models: [
          {
            provider: 'openai',
            model: { startsWith: 'gpt-4o-mini' },
            prices: { input_mtok: 0.2, cache_read_mtok: 0.1, output_mtok: 0.8 },
            from: '2026-11-15',
          },
        ],
        discounts: [{ provider: 'anthropic', factor: 0.9, label: 'negotiated' }],
      })
      const report = await repriceEvents(store, { book, batchSize: 2000 })
      expect(report.lines.length).toBeGreaterThan(10)
      await compareAll(store, 'after a reprice')
      await store.compactRollup()
      await compareAll(store, 'after a reprice, compacted')
    }, 480_000)

    it('gives the same rows after retention deletes part of an hour', async () => {
      const deleted = await store.deleteBefore(new Date(NOW.getTime() - 6 * DAY - 25 * 60_000))
      expect(deleted).toBeGreaterThan(0)
      await compareAll(store, 'after deleteBefore')
    }, 180_000)
  })
}
