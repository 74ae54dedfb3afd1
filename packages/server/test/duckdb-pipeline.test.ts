import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBConnection } from '@duckdb/node-api'
import type { CostEvent } from 'spendlens'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AnalyticsQuery, QueryRow } from '../src/api/api-types.js'
import { type DuckDBStore, openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { AppendStatus } from '../src/store/store.js'
import { costEvent } from './store-contract.js'

/**
 * The DuckDB store's two-stage append pipeline: appends fired without waiting for each other are
 * prepared while earlier ones still commit, and must dedupe against those (pendingVersion) exactly
 * as they would one after the other. An event_id is stored once, the latest ts winning; an equal
 * or older copy is a duplicate, a newer one replaces.
 */

let folder: string
let path: string
let store: DuckDBStore

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-pipeline-'))
  path = join(folder, 'events.duckdb')
  store = await openDuckDBStore(path)
})
afterEach(async () => {
  vi.restoreAllMocks()
  await store.close()
  await rm(folder, { recursive: true, force: true })
})

async function reopen() {
  await store.close()
  store = await openDuckDBStore(path)
}

const T0 = Date.UTC(2026, 10, 20, 10)
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString()

/** Version `versionNumber` of event `id`: its own feature, cost (whole dollars: sums are exact), tokens, latency. */
function version(id: string, minutes: number, versionNumber: number, overrides: Partial<CostEvent> = {}) {
  return costEvent({
    event_id: id,
    ts: at(minutes),
    feature: `v${versionNumber}`,
    customer_id: 'acme',
    cost_usd: versionNumber,
    input_tokens: 100 * versionNumber,
    output_tokens: 10 * versionNumber,
    latency_ms: 50 * versionNumber,
    ...overrides,
  })
}

/** Fires every batch at once (no await in between), then waits for all. */
async function fire(batches: CostEvent[][]): Promise<AppendStatus[][]> {
  const pending = batches.map((batch) => store.append(batch))
  return (await Promise.all(pending)).map((result) => result.statuses)
}

const TOTALS: AnalyticsQuery = {
  timeZone: 'UTC',
  filters: [],
  groupBy: [],
  metrics: ['requests', 'cost_usd'],
}

const BY_FEATURE: AnalyticsQuery = {
  timeZone: 'UTC',
  filters: [],
  groupBy: ['feature'],
  bucket: 'hour',
  metrics: ['requests', 'cost_usd', 'input_tokens', 'output_tokens', 'avg_latency_ms', 'p50_latency_ms'],
}

async function allEvents(): Promise<CostEvent[]> {
  const events: CostEvent[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await store.listEvents({ scope: { filters: [] }, limit: 1000, cursor })
    events.push(...page.events)
    if (page.next_cursor === null) return events
    cursor = page.next_cursor
  }
}

/**
 * What the store should hold: one event per id, the latest ts (first of equals) winning. Checks
 * the event log, the totals (rollup) and the events path against it and each other.
 */
async function expectStored(expected: CostEvent[]) {
  const events = await allEvents()
  const byId = (list: CostEvent[]) => [...list].sort((a, b) => a.event_id.localeCompare(b.event_id))
  expect(byId(events)).toEqual(byId(expected))

  const nanos = expected.reduce((sum, event) => sum + Math.round((event.cost_usd ?? 0) * 1e9), 0)
  const totals = [{ requests: expected.length, cost_usd: expected.length === 0 ? null : nanos / 1e9 }]
  expect(store.plan(TOTALS).sums).toEqual({ from: 'rollup' })
  expect(await store.query(TOTALS)).toEqual(totals)
  expect(await store.queryEvents(TOTALS)).toEqual(totals)
  expect(await store.stats()).toMatchObject({ events: expected.length })

  expect(store.plan(BY_FEATURE)).toEqual({ sums: { from: 'rollup' }, percentiles: { from: 'histograms' } })
  const rollup = await store.query(BY_FEATURE)
  const raw = await store.queryEvents(BY_FEATURE)
  expect(rollup).toEqual(raw)
  return rollup
}

/** requests per feature over the rows of a grouped query. */
function requestsByFeature(rows: QueryRow[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const row of rows)
    counts[String(row.feature)] = (counts[String(row.feature)] ?? 0) + Number(row.requests)
  return counts
}

describe('DuckDB append pipeline: one event_id in three batches fired at once', () => {
  // Each batch: version n of `x` at the given minute, and a new event of its own.
  it.each([
    {
      order: 'increasing ts',
      minutes: [0, 5, 10],
      statuses: ['inserted', 'replaced', 'replaced'],
      winner: 3,
    },
    {
      order: 'decreasing ts',
      minutes: [10, 5, 0],
      statuses: ['inserted', 'duplicate', 'duplicate'],
      winner: 1,
    },
    { order: 'equal ts', minutes: [5, 5, 5], statuses: ['inserted', 'duplicate', 'duplicate'], winner: 1 },
    {
      order: 'newest in the middle',
      minutes: [0, 10, 5],
      statuses: ['inserted', 'replaced', 'duplicate'],
      winner: 2,
    },
    {
      order: 'oldest in the middle',
      minutes: [5, 0, 10],
      statuses: ['inserted', 'duplicate', 'replaced'],
      winner: 3,
    },
  ])('$order: the statuses and the stored version follow the rule', async ({ minutes, statuses, winner }) => {
    const versions = minutes.map((minute, index) => version('x', minute, index + 1))
    const fillers = minutes.map((_, index) => version(`filler-${index}`, 30 + index, 10 + index))
    const result = await fire(versions.map((x, index) => [x, fillers[index] as CostEvent]))

    expect(result).toEqual(statuses.map((status) => [status, 'inserted']))
    const rows = await expectStored([versions[winner - 1] as CostEvent, ...fillers])
    expect(requestsByFeature(rows)).toEqual({ [`v${winner}`]: 1, v10: 1, v11: 1, v12: 1 })

    // The id index and the stored version survive a restart: an older or equal copy is a
    // duplicate, a newer one replaces.
    const kept = versions[winner - 1] as CostEvent
    await reopen()
    const keptMinute = minutes[winner - 1] as number
    expect(
      await fire([
        [version('x', keptMinute - 1, 7)],
        [version('x', keptMinute, 8)],
        [{ ...kept }, version('filler-0', 29, 9)],
      ]),
    ).toEqual([['duplicate'], ['duplicate'], ['duplicate', 'duplicate']])
    const newest = version('x', 60, 4)
    expect(await fire([[version('x', 59, 5)], [newest], [version('x', 58, 6)]])).toEqual([
      ['replaced'],
      ['replaced'],
      ['duplicate'],
    ])
    const after = await expectStored([newest, ...fillers])
    expect(requestsByFeature(after)).toEqual({ v4: 1, v10: 1, v11: 1, v12: 1 })

    await store.compactRollup()
    expect(await store.query(BY_FEATURE)).toEqual(after)
    await reopen()
    await expectStored([newest, ...fillers])
  })

  it('dedupes against a version committed earlier and versions still committing', async () => {
    expect(await fire([[version('x', 5, 1)]])).toEqual([['inserted']])
    expect(
      await fire([[version('x', 4, 2)], [version('x', 6, 3)], [version('x', 6, 4)], [version('x', 7, 5)]]),
    ).toEqual([['duplicate'], ['replaced'], ['duplicate'], ['replaced']])
    await expectStored([version('x', 7, 5)])
  })

  it('dedupes within a batch and across batches in flight', async () => {
    const statuses = await fire([
      [version('x', 0, 1), version('x', 2, 2), version('y', 0, 3)],
      [version('y', 0, 4), version('x', 1, 5), version('x', 3, 6), version('x', 3, 7)],
      [version('y', 1, 8), version('x', 3, 9)],
    ])
    expect(statuses).toEqual([
      ['duplicate', 'inserted', 'inserted'],
      ['duplicate', 'duplicate', 'replaced', 'duplicate'],
      ['replaced', 'duplicate'],
    ])
    await expectStored([version('x', 3, 6), version('y', 1, 8)])
  })
})

describe('DuckDB append pipeline: more batches than staging slots', () => {
  /** Batch k: ids k*250 … k*250+499 at minute 10k+…: half of them overlap batch k-1. */
  function overlapping(batches: number, minuteOf: (batch: number) => number) {
    return Array.from({ length: batches }, (_, batch) =>
      Array.from({ length: 500 }, (_, index) =>
        version(`e${batch * 250 + index}`, minuteOf(batch) + (index % 7), batch + 1, {
          feature: `f${batch}`,
          cost_usd: (batch + 1) / 1000,
        }),
      ),
    )
  }

  /** The latest version of each id (the first of equals), as the store should keep. */
  function latest(batches: CostEvent[][]): CostEvent[] {
    const kept = new Map<string, CostEvent>()
    for (const event of batches.flat()) {
      const current = kept.get(event.event_id)
      if (!current || Date.parse(event.ts) > Date.parse(current.ts)) kept.set(event.event_id, event)
    }
    return [...kept.values()]
  }

  it('newer versions in every later batch replace', async () => {
    const batches = overlapping(7, (batch) => batch * 10)
    const statuses = await fire(batches)
    statuses.forEach((batch, index) => {
      const expected = Array.from({ length: 500 }, (_, position) =>
        index > 0 && position < 250 ? 'replaced' : 'inserted',
      )
      expect(batch, `batch ${index}`).toEqual(expected)
    })
    const expected = latest(batches)
    expect(expected).toHaveLength(2000)
    const rows = await expectStored(expected)
    expect(requestsByFeature(rows)).toEqual({ f0: 250, f1: 250, f2: 250, f3: 250, f4: 250, f5: 250, f6: 500 })
  })

  it('older versions in every later batch are duplicates', async () => {
    const batches = overlapping(7, (batch) => 100 - batch * 10)
    const statuses = await fire(batches)
    statuses.forEach((batch, index) => {
      const expected = Array.from({ length: 500 }, (_, position) =>
        index > 0 && position < 250 ? 'duplicate' : 'inserted',
      )
      expect(batch, `batch ${index}`).toEqual(expected)
    })
    const rows = await expectStored(latest(batches))
    expect(requestsByFeature(rows)).toEqual({ f0: 500, f1: 250, f2: 250, f3: 250, f4: 250, f5: 250, f6: 250 })
  })
})

describe('DuckDB append pipeline: a failed commit', () => {
  // 10^12 dollars is 10^21 nano-dollars, past BIGINT: prepared fine, refused by the commit's INSERT.
  const huge = () => version('huge', 1, 2, { cost_usd: 1e12 })

  it('fails the batch prepared behind it, and later appends work', async () => {
    const settled = await Promise.allSettled([
      store.append([version('a', 0, 1), huge()]),
      store.append([version('b', 2, 3), version('a', 3, 4)]),
    ])
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    const [first, second] = settled as PromiseRejectedResult[]
    expect(String(first?.reason)).toMatch(/out of range|overflow|conver/i)
    expect(String(second?.reason)).toMatch(/an earlier batch could not be stored/)
    await expectStored([])

    expect(await fire([[version('b', 2, 3), version('a', 3, 4)], [version('a', 0, 5)]])).toEqual([
      ['inserted', 'inserted'],
      ['duplicate'],
    ])
    await expectStored([version('b', 2, 3), version('a', 3, 4)])
  })

  it('fails a batch of duplicates whose statuses rested on the failed one', async () => {
    const settled = await Promise.allSettled([
      store.append([version('a', 0, 1), huge()]),
      store.append([version('a', 0, 2)]),
    ])
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(
      /an earlier batch could not be stored/,
    )
    expect(await fire([[version('a', 0, 2)]])).toEqual([['inserted']])
    await expectStored([version('a', 0, 2)])
  })
})

describe('DuckDB append pipeline: a lookup that answers after the batch before it committed', () => {
  /**
   * Arms one interleaving, the one a large events table or a busy machine produces: the next
   * commit waits until the next prepare's lookup of stored versions (storedVersions) has run, and
   * that lookup's answer reaches prepare only after the commit is done. So the lookup's snapshot
   * predates the earlier batch's rows, and that batch has left `pending` when prepare reads it.
   */
  function interleave() {
    const steps: string[] = []
    const run = DuckDBConnection.prototype.run
    const runAndReadAll = DuckDBConnection.prototype.runAndReadAll
    let lookedUp: (() => void) | undefined
    const lookupDone = new Promise<void>((resolve) => {
      lookedUp = resolve
    })
    let committed: (() => void) | undefined
    const commitDone = new Promise<void>((resolve) => {
      committed = resolve
    })
    let commitArmed = true
    let lookupArmed = true
    vi.spyOn(DuckDBConnection.prototype, 'run').mockImplementation(async function (
      this: DuckDBConnection,
      ...args: Parameters<DuckDBConnection['run']>
    ) {
      const sql = args[0]
      if (!(commitArmed && sql.startsWith('BEGIN TRANSACTION') && sql.includes('INSERT INTO events')))
        return run.apply(this, args)
      commitArmed = false
      await lookupDone
      try {
        return await run.apply(this, args)
      } finally {
        steps.push('commit')
        committed?.()
      }
    })
    vi.spyOn(DuckDBConnection.prototype, 'runAndReadAll').mockImplementation(async function (
      this: DuckDBConnection,
      ...args: Parameters<DuckDBConnection['runAndReadAll']>
    ) {
      const sql = args[0]
      const result = await runAndReadAll.apply(this, args)
      // Only a lookup made while the commit waits (the earlier batch's own lookup goes through).
      if (lookupArmed && !commitArmed && /FROM events WHERE id_hash IN/.test(sql)) {
        lookupArmed = false
        steps.push('lookup')
        lookedUp?.()
        await commitDone
        // Let the store finish the commit (it leaves `pending`) before prepare reads the answer.
        await new Promise((resolve) => setTimeout(resolve, 20))
        steps.push('lookup answered')
      }
      return result
    })
    return steps
  }

  it('interleaves as intended, and a lookup of another id is still right', async () => {
    expect(await fire([[version('y', 0, 1)]])).toEqual([['inserted']])
    const steps = interleave()
    const statuses = await fire([[version('x', 0, 2)], [version('y', 0, 3), version('z', 0, 4)]])
    expect(steps).toEqual(['lookup', 'commit', 'lookup answered'])
    expect(statuses).toEqual([['inserted'], ['duplicate', 'inserted']])
    await expectStored([version('x', 0, 2), version('y', 0, 1), version('z', 0, 4)])
  })

  // The earlier batch's version is in neither the lookup's answer (its snapshot predates the commit)
  // nor `pending` (the commit has finished): prepare must remember what was in flight when it looked.
  it('a new id sent by two batches in flight is stored once', async () => {
    const steps = interleave()
    const statuses = await fire([[version('x', 0, 1)], [version('x', 5, 2)]])
    expect(steps).toEqual(['lookup', 'commit', 'lookup answered'])
    expect(statuses).toEqual([['inserted'], ['replaced']])
    await expectStored([version('x', 5, 2)])
  })

  it('an older version behind a newer one in flight is a duplicate', async () => {
    expect(await fire([[version('x', 0, 1)]])).toEqual([['inserted']])
    const steps = interleave()
    const statuses = await fire([[version('x', 10, 2)], [version('x', 5, 3)]])
    expect(steps).toEqual(['lookup', 'commit', 'lookup answered'])
    expect(statuses).toEqual([['replaced'], ['duplicate']])
    await expectStored([version('x', 10, 2)])
  })
})
