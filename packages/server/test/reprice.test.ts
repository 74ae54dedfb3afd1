import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPriceBook } from 'spendlens/internal'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LoggedEvent } from '../src/api/api-types.js'
import { generateDemoEvents } from '../src/demo/demo-data.js'
import { repriceEvents } from '../src/reprice/reprice-events.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { openStore } from '../src/store/open-store.js'
import type { QueryInsight, Store } from '../src/store/store.js'
import { book, EVENTS, priced } from './reprice-fixtures.js'
import { analyticsQuery, costEvent } from './store-contract.js'

/** `spendlens reprice` on both engines, against arithmetic done by hand (reprice-fixtures.ts). */

const ENGINES: [string, (folder: string) => Promise<Store & QueryInsight>][] = [
  ['duckdb', (folder) => openDuckDBStore(join(folder, 'events.duckdb'))],
  ['clickhouse', (folder) => openStore(`chdb://${join(folder, 'chdb')}`)],
]

describe.each(ENGINES)('reprice on %s', (_engine, open) => {
  let folder: string
  let store: Store & QueryInsight

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-reprice-'))
    store = await open(folder)
  })
  afterEach(async () => {
    await store.close()
    await rm(folder, { recursive: true, force: true })
  })

  /** One query through the rollup and through the events: the same rows. */
  async function answer(json: Record<string, unknown>, project?: string) {
    const query = { ...analyticsQuery(json), ...(project === undefined ? {} : { project }) }
    expect(store.plan(query).sums.from).toBe('rollup')
    const rows = await store.query(query)
    expect(await store.queryEvents(query)).toEqual(rows)
    return rows
  }
  const byModelAndDay = () =>
    answer({ metrics: ['cost_usd', 'unpriced_count'], groupBy: ['model'], bucket: 'day' }).then((rows) =>
      rows.map((row) => [row.bucket_label, row.model, row.cost_usd, row.unpriced_count]),
    )
  const logged = async () =>
    new Map(
      (await store.listEvents({ scope: { filters: [] }, limit: 100 })).events.map(
        (event): [string, LoggedEvent] => [event.event_id, event],
      ),
    )

  it('changes nothing when the prices have not changed', async () => {
    await store.append(EVENTS)
    // g 0.0018 + 0.0042 + 0.0021, h 0.013, c 0.5, k 0.001, m 0.002; u1 unknown.
    expect(await answer({ metrics: ['cost_usd', 'unpriced_count'] })).toEqual([
      { cost_usd: 0.5241, unpriced_count: 1 },
    ])
    const report = await repriceEvents(store, { book: createPriceBook() })
    expect(report).toEqual({
      dryRun: false,
      examined: 8,
      lines: [],
      // c1 and m1 would get another price from this catalog; k1 is of another config.
      kept: { client: 1, rules: 1, unknown: 1 },
      changedMeanwhile: 0,
    })
    expect(await answer({ metrics: ['cost_usd', 'unpriced_count'] })).toEqual([
      { cost_usd: 0.5241, unpriced_count: 1 },
    ])
  })

  it('reprices from the token counts at each event’s time; totals by model and day are the hand sums', async () => {
    await store.append(EVENTS)
    expect(await byModelAndDay()).toEqual([
      ['2026-11-01', 'claude-haiku-4-5', 0.013, 0],
      // g1 + c1
      ['2026-11-01', 'gpt-4o-mini', 0.5018, 0],
      ['2026-11-01', 'mystery-model', 0.002, 0],
      ['2026-11-02', 'acme-ft', null, 1],
      // g2 + g3 + k1
      ['2026-11-02', 'gpt-4o-mini', 0.0073, 0],
    ])
    const progress: [number, number][] = []
    const report = await repriceEvents(store, {
      book: book(),
      batchSize: 3,
      onProgress: (...state) => progress.push(state),
    })
    expect(report.lines).toEqual([
      {
        day: '2026-11-02',
        provider: 'openai',
        model: 'acme-ft',
        repriced: 0,
        before_nanos: 0,
        after_nanos: 0,
        // (1,000 × 2 + 100 × 8) / 1M = $0.0028
        newly_priced: 1,
        newly_priced_nanos: 2_800_000,
      },
      {
        day: '2026-11-02',
        provider: 'openai',
        model: 'gpt-4o-mini',
        // g2: (20,000 × 0.30 + 2,000 × 1.20) / 1M = $0.0084; g3 half of it, $0.0042.
        repriced: 2,
        before_nanos: 6_300_000,
        after_nanos: 12_600_000,
        newly_priced: 0,
        newly_priced_nanos: 0,
      },
    ])
    expect(report.kept).toEqual({ client: 1, rules: 1, unknown: 1 })
    expect(progress[0]).toEqual([0, 8])
    expect(progress[progress.length - 1]).toEqual([8, 8])

    expect(await byModelAndDay()).toEqual([
      // 2026-11-01 is before the new price: unchanged.
      ['2026-11-01', 'claude-haiku-4-5', 0.013, 0],
      ['2026-11-01', 'gpt-4o-mini', 0.5018, 0],
      ['2026-11-01', 'mystery-model', 0.002, 0],
      ['2026-11-02', 'acme-ft', 0.0028, 0],
      // 0.0084 + 0.0042 + 0.001
      ['2026-11-02', 'gpt-4o-mini', 0.0136, 0],
    ])
    // 0.5241 + 0.0042 + 0.0021 + 0.0028
    expect(await answer({ metrics: ['requests', 'cost_usd', 'unpriced_count'] })).toEqual([
      { requests: 8, cost_usd: 0.5332, unpriced_count: 0 },
    ])
    await store.compactRollup()
    expect(await answer({ metrics: ['cost_usd'] })).toEqual([{ cost_usd: 0.5332 }])

    const events = await logged()
    expect(events.get('g2')).toMatchObject({
      cost_usd: 0.0084,
      pricing_status: 'priced',
      price_source: 'custom:acme-mini',
      recorded_cost_usd: 0.0042,
      recorded_pricing_status: 'priced',
      recorded_price_source: 'genai-prices:openai/gpt-4o-mini',
    })
    expect(events.get('g3')).toMatchObject({
      cost_usd: 0.0042,
      price_source: 'custom:acme-mini+batch50%',
      recorded_cost_usd: 0.0021,
      recorded_price_source: 'genai-prices:openai/gpt-4o-mini+batch50%',
    })
    expect(events.get('u1')).toMatchObject({
      cost_usd: 0.0028,
      pricing_status: 'priced',
      recorded_cost_usd: null,
      recorded_pricing_status: 'unpriced',
      recorded_price_source: null,
    })
    for (const unchanged of ['g1', 'h1', 'c1', 'k1', 'm1'])
      expect(events.get(unchanged)).toEqual(EVENTS.find((event) => event.event_id === unchanged))

    // The same prices again: nothing left to change.
    expect((await repriceEvents(store, { book: book() })).lines).toEqual([])
    // Back to the catalog: what the price file set goes back to the catalog's price (the first
    // recorded price stays); k1's custom price came with the event, and stays.
    const back = await repriceEvents(store, { book: createPriceBook() })
    expect(
      back.lines.map((line) => [line.model, line.repriced, line.before_nanos, line.after_nanos]),
    ).toEqual([['gpt-4o-mini', 2, 12_600_000, 6_300_000]])
    // acme-ft is unknown to the catalog alone, and keeps the cost the price file gave it.
    expect(back.kept).toEqual({ client: 1, rules: 1, unknown: 2 })
    expect((await logged()).get('g2')).toMatchObject({
      cost_usd: 0.0042,
      price_source: 'genai-prices:openai/gpt-4o-mini',
      recorded_cost_usd: 0.0042,
      recorded_price_source: 'genai-prices:openai/gpt-4o-mini',
    })
  })

  it('writes nothing on a dry run, and reports what a real run then does', async () => {
    await store.append(EVENTS)
    const before = await logged()
    const dry = await repriceEvents(store, { book: book(), dryRun: true })
    expect(await logged()).toEqual(before)
    expect(await answer({ metrics: ['cost_usd', 'unpriced_count'] })).toEqual([
      { cost_usd: 0.5241, unpriced_count: 1 },
    ])
    const real = await repriceEvents(store, { book: book() })
    expect(dry).toEqual({ ...real, dryRun: true })
  })

  it('reprices only the models and days asked', async () => {
    await store.append(EVENTS)
    const report = await repriceEvents(store, {
      book: book(),
      models: ['gpt-4o-mini'],
      from: new Date('2026-11-02T10:30:00.000Z'),
    })
    // g3 and k1 are in scope; k1 is kept.
    expect(report.examined).toBe(2)
    expect(
      report.lines.map((line) => [line.model, line.repriced, line.before_nanos, line.after_nanos]),
    ).toEqual([['gpt-4o-mini', 1, 2_100_000, 4_200_000]])
    expect(await answer({ metrics: ['cost_usd', 'unpriced_count'] })).toEqual([
      { cost_usd: 0.5262, unpriced_count: 1 },
    ])
  })

  it('reprices each project in its own right', async () => {
    await store.append(EVENTS)
    await store.append(EVENTS, 'team-b')
    const report = await repriceEvents(store, { book: book(), project: 'team-b' })
    expect(report.examined).toBe(8)
    const total = (project: string) => answer({ metrics: ['cost_usd'] }, project)
    expect(await total('default')).toEqual([{ cost_usd: 0.5241 }])
    expect(await total('team-b')).toEqual([{ cost_usd: 0.5332 }])
    // Every project when none is given.
    expect((await repriceEvents(store, { book: book() })).examined).toBe(16)
    expect(await total('default')).toEqual([{ cost_usd: 0.5332 }])
  })

  it('reprices while events keep arriving: the rollups stay the sum of the events', async () => {
    await store.append(EVENTS)
    // 40 more calls like g2 on 2026-11-02, in batches of 2, while the reprice runs in batches of 2.
    const arrivals = Array.from({ length: 20 }, (_, batch) =>
      [0, 1].map((index) =>
        priced(
          costEvent({
            event_id: `late-${batch}-${index}`,
            ts: new Date(Date.parse('2026-11-02T13:00:00.000Z') + (batch * 2 + index) * 60_000).toISOString(),
            input_tokens: 20_000,
            output_tokens: 2_000,
          }),
        ),
      ),
    )
    const arriving = (async () => {
      for (const batch of arrivals) await store.append(batch)
    })()
    await Promise.all([repriceEvents(store, { book: book(), batchSize: 2 }), arriving])
    await byModelAndDay()
    // What the reprice did not reach (arrived behind it) a second run does: each late call $0.0084.
    await repriceEvents(store, { book: book() })
    // 0.5332 + 40 × 0.0084
    expect(await answer({ metrics: ['requests', 'cost_usd'] })).toEqual([{ requests: 48, cost_usd: 0.8692 }])
    await store.compactRollup()
    expect(await answer({ metrics: ['requests', 'cost_usd'] })).toEqual([{ requests: 48, cost_usd: 0.8692 }])
  })

  it('changes no event of the demo product when the prices have not changed', async () => {
    const demo = generateDemoEvents({
      now: new Date('2026-11-20T12:00:00.000Z'),
      days: 2,
      dailyRequests: 400,
      seed: 5,
    })
    await store.append(demo)
    const before = await answer({ metrics: ['requests', 'cost_usd', 'unpriced_count'], groupBy: ['model'] })
    const report = await repriceEvents(store, { book: createPriceBook() })
    expect(report.examined).toBe(demo.length)
    expect(report.lines).toEqual([])
    expect(report.kept).toEqual({ client: 0, rules: 0, unknown: 0 })
    expect(await answer({ metrics: ['requests', 'cost_usd', 'unpriced_count'], groupBy: ['model'] })).toEqual(
      before,
    )
  }, 60_000)
})
