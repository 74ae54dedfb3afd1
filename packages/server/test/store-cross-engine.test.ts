import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostEvent } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { METRICS, type QueryRow } from '../src/api/api-types.js'
import { generateDemoEvents } from '../src/demo/demo-data.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { analyticsQuery } from './store-contract.js'

/**
 * The same events into DuckDB and ClickHouse (chDB), the same queries, the same rows. Money,
 * counts and token sums must be identical; averages, rates and percentiles are floating point
 * computed by two engines, so they may differ in the last bits (FLOAT_TOLERANCE).
 */

/**
 * Relative difference allowed for float metrics. Both engines interpolate percentiles exactly by
 * R-7 between the same two values lo and hi, but round differently on the way: DuckDB's
 * quantile_cont takes the fraction of h = level × (n − 1), ClickHouse's quantileExactInclusive the
 * fraction of h + 1 (QuantileExact.h: `h = level * (size - 1) + 1`), which loses low bits of the
 * fraction. The results then differ by up to about n × 2⁻⁵² × (hi − lo): found here as 1–2 ulp
 * (e.g. 755.5999999999999 against 755.6). With about 2,000 events that stays well under 1e-12;
 * with millions it grows with n, still far below anything a chart shows. Averages and rates may
 * differ the same way by summation order.
 */
const FLOAT_TOLERANCE = 1e-12

const FLOAT_METRICS = new Set<string>([
  'avg_tokens_per_request',
  'cost_per_request',
  'avg_latency_ms',
  'p50_latency_ms',
  'p95_latency_ms',
  'p99_latency_ms',
  'error_rate',
  'cache_hit_rate',
  'unattributed_share',
])

/** About 1,500 demo events over three days around the end of DST in New York. */
function crossEngineEvents(): { first: CostEvent[]; second: CostEvent[] } {
  const first = generateDemoEvents({
    now: new Date('2026-11-03T18:00:00.000Z'),
    days: 3,
    dailyRequests: 500,
    seed: 7,
  })
  // A second delivery: some events again (duplicates), some retried later (replacements, a few
  // across midnight UTC), some older copies that must change nothing.
  const second: CostEvent[] = []
  first.forEach((event, index) => {
    if (index % 10 === 0) second.push(event)
    if (index % 10 === 1)
      second.push({
        ...event,
        ts: new Date(Date.parse(event.ts) + 7 * 3_600_000).toISOString(),
        cost_usd: 0.01,
      })
    if (index % 10 === 2) second.push({ ...event, ts: new Date(Date.parse(event.ts) - 1000).toISOString() })
  })
  return { first, second }
}

const QUERIES: Record<string, unknown>[] = [
  { metrics: [...METRICS] },
  { metrics: [...METRICS], groupBy: ['feature'] },
  // Models by family, the snapshots under each, and a family filtered on.
  { metrics: ['requests', 'cost_usd', 'error_rate', 'p95_latency_ms'], groupBy: ['model_family', 'model'] },
  {
    metrics: ['requests', 'cost_usd', 'error_rate'],
    groupBy: ['feature'],
    filters: [{ dimension: 'model_family', op: 'in', values: ['gpt-4o-mini', 'claude-haiku-4-5'] }],
  },
  { metrics: [...METRICS], groupBy: ['status'], timeZone: 'America/New_York', bucket: 'day' },
  ...['minute', 'hour', 'day', 'week', 'month'].flatMap((bucket) =>
    ['UTC', 'America/New_York', 'Asia/Kolkata'].map((timeZone) => ({
      metrics: ['requests', 'cost_usd', 'total_tokens', 'p95_latency_ms'],
      bucket,
      timeZone,
    })),
  ),
  {
    metrics: ['requests', 'cost_usd', 'error_rate', 'p50_latency_ms'],
    groupBy: ['customer_id'],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: 10,
    others: true,
  },
  {
    metrics: ['requests', 'cost_usd', 'cache_hit_rate'],
    groupBy: ['provider', 'model', 'tags.plan'],
    filters: [{ dimension: 'feature', op: 'not_in', values: ['semantic-search'] }],
  },
  {
    metrics: ['requests', 'cost_usd', 'unpriced_count', 'cost_per_request'],
    groupBy: ['feature', 'environment'],
    filters: [{ dimension: 'tags.plan', op: 'eq', values: ['enterprise'] }],
    orderBy: { metric: 'requests', direction: 'asc' },
  },
  {
    metrics: ['requests', 'cost_usd', 'avg_latency_ms', 'p99_latency_ms'],
    groupBy: ['model'],
    bucket: 'hour',
    timeZone: 'America/New_York',
    from: '2026-11-01T03:00:00.000Z',
    to: '2026-11-01T09:00:00.000Z',
  },
  {
    metrics: ['requests', 'input_tokens', 'output_tokens', 'reasoning_tokens', 'cache_write_tokens'],
    groupBy: ['route', 'prompt_id', 'user_id'],
    filters: [
      { dimension: 'customer_id', op: 'in', values: ['globex', 'initech', 'hooli'] },
      { dimension: 'status', op: 'eq', values: ['ok'] },
    ],
    orderBy: { metric: 'input_tokens', direction: 'desc' },
    limit: 25,
  },
  {
    metrics: ['requests', 'cost_usd', 'unattributed_share', 'avg_tokens_per_request'],
    groupBy: ['session_id'],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: 20,
    others: true,
  },
]

describe('DuckDB and ClickHouse answer the same queries with the same rows', () => {
  let folder: string
  let duckdb: Store
  let clickhouse: Store
  const statuses: Record<string, string[]> = {}

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-cross-'))
    duckdb = await openDuckDBStore(join(folder, 'events.duckdb'))
    clickhouse = await openStore(`chdb://${join(folder, 'chdb')}`)
    const { first, second } = crossEngineEvents()
    for (const [name, store] of [
      ['duckdb', duckdb],
      ['clickhouse', clickhouse],
    ] as const) {
      await store.append(first)
      statuses[name] = (await store.append(second)).statuses
    }
  })
  afterAll(async () => {
    await duckdb?.close()
    await clickhouse?.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('the events are about fifteen hundred, and both engines answer the same per-event statuses', () => {
    const { first, second } = crossEngineEvents()
    expect(first.length).toBeGreaterThan(1000)
    expect(first.length).toBeLessThan(2500)
    expect(statuses.clickhouse).toEqual(statuses.duckdb)
    expect(new Set(statuses.duckdb)).toEqual(new Set(['duplicate', 'replaced']))
    expect(second.length).toBeGreaterThan(0)
  })

  it('stats agree', async () => {
    expect(await clickhouse.stats()).toEqual(await duckdb.stats())
  })

  QUERIES.forEach((json, index) => {
    it(`query ${index + 1}: ${JSON.stringify(json)}`, async () => {
      const query = analyticsQuery(json)
      const [expected, actual] = await Promise.all([duckdb.query(query), clickhouse.query(query)])
      expect(expected.length).toBeGreaterThan(0)
      expect(comparable(actual)).toEqual(comparable(expected))
      actual.forEach((row, rowIndex) => {
        for (const metric of FLOAT_METRICS) {
          const a = row[metric] as number | null | undefined
          const b = (expected[rowIndex] as QueryRow)[metric] as number | null | undefined
          if (a === undefined && b === undefined) continue
          if (a === null || b === null || a === undefined || b === undefined) {
            expect(a, `${metric} of row ${rowIndex}`).toBe(b)
            continue
          }
          expect(Math.abs(a - b), `${metric} of row ${rowIndex}: ${a} vs ${b}`).toBeLessThanOrEqual(
            FLOAT_TOLERANCE * Math.max(1, Math.abs(b)),
          )
        }
      })
    })
  })

  it('the event log and the export agree', async () => {
    const scope = {
      filters: [{ dimension: 'feature' as const, op: 'eq' as const, values: ['support-agent'] }],
    }
    expect(await clickhouse.listEvents({ scope, limit: 50 })).toEqual(
      await duckdb.listEvents({ scope, limit: 50 }),
    )
    const exported = async (store: Store) => {
      const events: CostEvent[] = []
      for await (const batch of store.exportEvents(700)) events.push(...batch)
      return events
    }
    expect(await exported(clickhouse)).toEqual(await exported(duckdb))
  })
})

/** Rows with their float metrics taken out (compared apart, within FLOAT_TOLERANCE). */
function comparable(rows: QueryRow[]): Record<string, unknown>[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !FLOAT_METRICS.has(key))))
}
