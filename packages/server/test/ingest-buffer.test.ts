import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostEvent } from 'spendlens'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createIngestBuffer, type FlushReport } from '../src/ingest/ingest-buffer.js'
import { type DuckDBStore, openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { AppendResult, AppendStatus, Store } from '../src/store/store.js'
import { costEvent } from './store-contract.js'

/**
 * The IngestBuffer in front of a real DuckDB store: coalescing, each caller's own statuses, dedupe
 * across callers, failures, close, and how maxEvents cuts a backlog.
 */

let folder: string
let store: DuckDBStore

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-buffer-'))
  store = await openDuckDBStore(join(folder, 'events.duckdb'))
})
afterEach(async () => {
  await store.close()
  await rm(folder, { recursive: true, force: true })
})

const T0 = Date.UTC(2026, 10, 20, 10)
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString()

function event(id: string, minutes: number, overrides: Partial<CostEvent> = {}): CostEvent {
  return costEvent({
    event_id: id,
    ts: at(minutes),
    feature: 'chat',
    customer_id: 'acme',
    cost_usd: 0.001,
    ...overrides,
  })
}

const batchOf = (prefix: string, size: number) =>
  Array.from({ length: size }, (_, index) => event(`${prefix}-${index}`, index))

/**
 * The store's append, recording the size of every batch it is handed; `gate`, when set, holds each
 * call until it resolves; `fail`, when it answers an error for a call (1-based), rejects that call.
 */
function spyStore(options: { gate?: () => Promise<void>; fail?: (call: number) => Error | undefined } = {}) {
  const calls: number[] = []
  const target: Pick<Store, 'append'> = {
    async append(events) {
      calls.push(events.length)
      const error = options.fail?.(calls.length)
      if (options.gate) await options.gate()
      if (error) throw error
      return store.append(events)
    },
  }
  return { target, calls }
}

/** A promise with its resolve outside. */
function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

async function totals() {
  return store.query({ timeZone: 'UTC', filters: [], groupBy: [], metrics: ['requests', 'cost_usd'] })
}

async function storedEvents() {
  return (await store.listEvents({ scope: { filters: [] }, limit: 1000 })).events
}

describe('IngestBuffer: coalescing', () => {
  it('stores appends issued in one turn with one store append, each caller getting its own statuses', async () => {
    // Stored beforehand: d0…d9 (sent again as exact copies: duplicates) and r0…r9 (sent again newer: replaced).
    await store.append([
      ...Array.from({ length: 10 }, (_, index) => event(`d${index}`, 0)),
      ...Array.from({ length: 10 }, (_, index) => event(`r${index}`, 0)),
    ])
    const { target, calls } = spyStore()
    const reports: FlushReport[] = []
    const buffer = createIngestBuffer(target, { onFlush: (report) => reports.push(report) })

    const batches: CostEvent[][] = []
    const expected: AppendStatus[][] = []
    for (let caller = 0; caller < 40; caller++) {
      const batch: CostEvent[] = []
      const statuses: AppendStatus[] = []
      if (caller % 4 === 1) {
        batch.push(event(`r${(caller - 1) / 4}`, 30, { cost_usd: 0.002 }))
        statuses.push('replaced')
      }
      batch.push(event(`n${caller}`, caller))
      statuses.push('inserted')
      if (caller % 3 === 0) {
        batch.push(event(`d${caller % 10}`, 0))
        statuses.push('duplicate')
      }
      batches.push(batch)
      expected.push(statuses)
    }
    const results = await Promise.all(batches.map((batch) => buffer.append(batch)))

    expect(results.map((result) => result.statuses)).toEqual(expected)
    const sent = batches.reduce((sum, batch) => sum + batch.length, 0)
    expect(sent).toBe(64)
    expect(calls).toEqual([64])
    expect(reports).toHaveLength(1)
    const { ms, ...counts } = reports[0] as FlushReport
    expect(counts).toEqual({
      requests: 40,
      events: 64,
      inserted: 40,
      replaced: 10,
      duplicates: 14,
      buffered: 0,
    })
    expect(ms).toBeGreaterThanOrEqual(0)
    // 20 stored before, 40 new; the 10 replacements cost 0.002 instead of 0.001.
    expect(await totals()).toEqual([{ requests: 60, cost_usd: 0.07 }])
    await buffer.close()
  })

  it('coalesces the batches that arrive while a flush is in flight into the next flush', async () => {
    const gate = deferred()
    let held = true
    const { target, calls } = spyStore({ gate: () => (held ? gate.promise : Promise.resolve()) })
    const buffer = createIngestBuffer(target, { inFlight: 1 })

    const first = buffer.append(batchOf('first', 2))
    await nextTurn()
    expect(calls).toEqual([2])
    // The only flush allowed is held: these wait, then go together.
    const later = Array.from({ length: 10 }, (_, caller) => buffer.append(batchOf(`later${caller}`, 3)))
    await nextTurn()
    await nextTurn()
    expect(calls).toEqual([2])
    held = false
    gate.resolve()

    expect((await first).statuses).toEqual(['inserted', 'inserted'])
    for (const result of await Promise.all(later))
      expect(result.statuses).toEqual(['inserted', 'inserted', 'inserted'])
    expect(calls).toEqual([2, 30])
    expect(await store.stats()).toMatchObject({ events: 32 })
    await buffer.close()
  })

  it('answers an empty batch at once without a store append', async () => {
    const { target, calls } = spyStore()
    const buffer = createIngestBuffer(target)
    expect(await buffer.append([])).toEqual({ statuses: [] })
    expect(calls).toEqual([])
    await buffer.close()
  })
})

describe('IngestBuffer: one event_id from two concurrent callers', () => {
  const older = () => event('x', 0, { feature: 'older', cost_usd: 0.001 })
  const newer = () => event('x', 5, { feature: 'newer', cost_usd: 0.002 })

  // In one flush the store sees both versions in one batch: the later ts is the one inserted, the
  // other a duplicate. In separate flushes (maxEvents 1) the second to arrive replaces or is a duplicate.
  it.each([
    {
      name: 'one flush, older first',
      maxEvents: undefined,
      first: older,
      second: newer,
      statuses: ['duplicate', 'inserted'],
      calls: [2],
    },
    {
      name: 'one flush, newer first',
      maxEvents: undefined,
      first: newer,
      second: older,
      statuses: ['inserted', 'duplicate'],
      calls: [2],
    },
    {
      name: 'two flushes, older first',
      maxEvents: 1,
      first: older,
      second: newer,
      statuses: ['inserted', 'replaced'],
      calls: [1, 1],
    },
    {
      name: 'two flushes, newer first',
      maxEvents: 1,
      first: newer,
      second: older,
      statuses: ['inserted', 'duplicate'],
      calls: [1, 1],
    },
  ])('the later ts wins ($name)', async ({ maxEvents, first, second, statuses, calls: expectedCalls }) => {
    const { target, calls } = spyStore()
    const buffer = createIngestBuffer(target, { maxEvents })
    const results = await Promise.all([buffer.append([first()]), buffer.append([second()])])

    expect(results.map((result) => result.statuses[0])).toEqual(statuses)
    expect(calls).toEqual(expectedCalls)
    expect(await storedEvents()).toEqual([newer()])
    expect(await totals()).toEqual([{ requests: 1, cost_usd: 0.002 }])
    expect(
      await store.query({ timeZone: 'UTC', filters: [], groupBy: ['feature'], metrics: ['requests'] }),
    ).toEqual([{ feature: 'newer', requests: 1 }])
    await buffer.close()
  })
})

describe('IngestBuffer: failures', () => {
  it('rejects every caller of a failed flush with its error, and the next append still works', async () => {
    const boom = new Error('disk on fire')
    const { target, calls } = spyStore({ fail: (call) => (call === 1 ? boom : undefined) })
    const reports: FlushReport[] = []
    const buffer = createIngestBuffer(target, { onFlush: (report) => reports.push(report) })

    const settled = await Promise.allSettled([
      buffer.append(batchOf('a', 2)),
      buffer.append(batchOf('b', 1)),
      buffer.append(batchOf('c', 3)),
    ])
    expect(calls).toEqual([6])
    expect(settled).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ])
    expect(reports).toEqual([])
    expect(await store.stats()).toMatchObject({ events: 0 })

    // Sent again, the same events are new to the store.
    const again = await Promise.all([buffer.append(batchOf('a', 2)), buffer.append([event('z', 9)])])
    expect(again.map((result) => result.statuses)).toEqual([['inserted', 'inserted'], ['inserted']])
    expect(calls).toEqual([6, 3])
    expect(reports.map((report) => report.inserted)).toEqual([3])
    expect(await store.stats()).toMatchObject({ events: 3 })
    await buffer.close()
  })

  it('fails only the callers of the failed flush when a backlog is split', async () => {
    const boom = new Error('only the first flush fails')
    const { target, calls } = spyStore({ fail: (call) => (call === 1 ? boom : undefined) })
    const buffer = createIngestBuffer(target, { maxEvents: 2 })

    const settled = await Promise.allSettled([
      buffer.append(batchOf('a', 1)),
      buffer.append(batchOf('b', 1)),
      buffer.append(batchOf('c', 2)),
    ])
    expect(calls).toEqual([2, 2])
    expect(settled).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
      { status: 'fulfilled', value: { statuses: ['inserted', 'inserted'] } },
    ])
    expect((await storedEvents()).map((stored) => stored.event_id).sort()).toEqual(['c-0', 'c-1'])
    await buffer.close()
  })

  it('passes a failed DuckDB commit to every caller of that flush', async () => {
    const buffer = createIngestBuffer(store)
    // 10^12 dollars is 10^21 nano-dollars: past BIGINT, so the commit's INSERT fails.
    const settled = await Promise.allSettled([
      buffer.append([event('ok-1', 1)]),
      buffer.append([event('huge', 2, { cost_usd: 1e12 })]),
    ])
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    const [first, second] = settled as PromiseRejectedResult[]
    expect(first?.reason).toBe(second?.reason)
    expect(String(first?.reason)).toMatch(/out of range|overflow|conver/i)
    expect(await store.stats()).toMatchObject({ events: 0 })

    expect((await buffer.append([event('ok-1', 1)])).statuses).toEqual(['inserted'])
    expect(await totals()).toEqual([{ requests: 1, cost_usd: 0.001 }])
    await buffer.close()
  })
})

describe('IngestBuffer: close', () => {
  it('resolves at once when idle', async () => {
    const { target, calls } = spyStore()
    const buffer = createIngestBuffer(target)
    await buffer.close()
    expect(calls).toEqual([])
  })

  it('waits for the flush in flight', async () => {
    const gate = deferred()
    const { target, calls } = spyStore({ gate: () => gate.promise })
    const buffer = createIngestBuffer(target)
    const order: string[] = []

    const appended = buffer.append(batchOf('a', 3)).then((result) => {
      order.push('append')
      return result
    })
    await nextTurn()
    expect(calls).toEqual([3])
    const closed = buffer.close().then(() => order.push('close'))
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(order).toEqual([])

    gate.resolve()
    await closed
    expect(order).toEqual(['append', 'close'])
    expect((await appended).statuses).toEqual(['inserted', 'inserted', 'inserted'])
    expect(await store.stats()).toMatchObject({ events: 3 })
  })

  it('waits for batches not yet flushed and for every flush of a split backlog', async () => {
    const { target, calls } = spyStore()
    const buffer = createIngestBuffer(target, { maxEvents: 2, inFlight: 2 })
    const results: AppendResult[] = []
    // Five flushes, two at a time: close is called before any of them has started.
    for (let caller = 0; caller < 5; caller++)
      void buffer.append(batchOf(`c${caller}`, 2)).then((result) => results.push(result))
    await buffer.close()

    expect(calls).toEqual([2, 2, 2, 2, 2])
    expect(results).toHaveLength(5)
    expect(await store.stats()).toMatchObject({ events: 10 })
  })

  it('resolves after a failed flush too', async () => {
    const boom = new Error('nope')
    const gate = deferred()
    const { target } = spyStore({ gate: () => gate.promise, fail: () => boom })
    const buffer = createIngestBuffer(target)
    const appended = buffer.append(batchOf('a', 1))
    const outcome = appended.then(
      () => 'resolved',
      (error) => error,
    )
    await nextTurn()
    const closed = buffer.close()
    gate.resolve()
    await closed
    expect(await outcome).toBe(boom)
  })
})

describe('IngestBuffer: maxEvents', () => {
  it.each([
    {
      name: 'a backlog is cut into flushes of at most maxEvents',
      sizes: [4, 4, 4, 4, 4],
      flushes: [8, 8, 4],
      requests: [2, 2, 1],
    },
    {
      name: 'batches that fill maxEvents exactly go together',
      sizes: [5, 5, 1],
      flushes: [10, 1],
      requests: [2, 1],
    },
    { name: 'a single oversized batch goes whole', sizes: [25], flushes: [25], requests: [1] },
    {
      name: 'an oversized batch in a backlog goes alone',
      sizes: [3, 25, 3],
      flushes: [3, 25, 3],
      requests: [1, 1, 1],
    },
    {
      name: 'batches before an oversized one go together',
      sizes: [3, 3, 25, 10],
      flushes: [6, 25, 10],
      requests: [2, 1, 1],
    },
  ])('$name', async ({ sizes, flushes, requests }) => {
    const { target, calls } = spyStore()
    const reports: FlushReport[] = []
    const buffer = createIngestBuffer(target, { maxEvents: 10, onFlush: (report) => reports.push(report) })
    const results = await Promise.all(sizes.map((size, caller) => buffer.append(batchOf(`m${caller}`, size))))

    expect(calls).toEqual(flushes)
    expect(reports.map((report) => report.events)).toEqual(flushes)
    expect(reports.map((report) => report.requests)).toEqual(requests)
    results.forEach((result, caller) => {
      expect(result.statuses).toEqual(new Array(sizes[caller]).fill('inserted'))
    })
    const total = sizes.reduce((sum, size) => sum + size, 0)
    expect(await store.stats()).toMatchObject({ events: total })
    await buffer.close()
  })
})
