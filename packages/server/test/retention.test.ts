import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eventWindow } from '../src/ingest/event-window.js'
import { ingestEvents } from '../src/ingest/ingest-events.js'
import { startRetentionJob } from '../src/jobs/retention-job.js'
import { type RunningServer, startServer } from '../src/start-server.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { Store } from '../src/store/store.js'
import { event, getJson, postEvents } from './server-helpers.js'

const DAY_MS = 86_400_000
/** An event that started `days` days ago (well away from any cutoff, so the clock never matters). */
const aged = (id: string, days: number) =>
  event({ event_id: id, ts: new Date(Date.now() - days * DAY_MS).toISOString() })

let folder: string
let server: RunningServer | undefined
const notices: string[] = []

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-retention-'))
  notices.length = 0
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await rm(folder, { recursive: true, force: true })
})

async function storeWith(events: Record<string, unknown>[]): Promise<string> {
  const path = join(folder, 'events.duckdb')
  const store = await openDuckDBStore(path)
  // History, as a backfill loads it: any age.
  await ingestEvents(
    store,
    events.map((value) => ({ value })),
    eventWindow(Number.POSITIVE_INFINITY),
  )
  await store.close()
  return path
}

async function eventIds(running: RunningServer): Promise<string[]> {
  const page = await getJson(new URL('/api/events?limit=1000', running.url).toString())
  return (page.body.events as { event_id: string }[]).map((stored) => stored.event_id).sort()
}

describe('serve --retention-days', () => {
  it('deletes events older than the retention period at start and says how many', async () => {
    const storePath = await storeWith([
      aged('hour-old', 1 / 24),
      aged('5-days', 5),
      aged('29-days', 29),
      aged('31-days', 31),
      aged('200-days', 200),
    ])
    server = await startServer({
      store: storePath,
      port: 0,
      demo: false,
      retentionDays: 30,
      onNotice: (message) => notices.push(message),
    })
    expect(await eventIds(server)).toEqual(['29-days', '5-days', 'hour-old'])
    expect(notices).toEqual([
      expect.stringMatching(/^Retention \(30 days\): deleted 2 events older than 20\d\d-/),
    ])
  })

  it('applies the same age limit again on each periodic run, to events that arrived since', async () => {
    server = await startServer({
      store: await storeWith([aged('2-days', 2)]),
      port: 0,
      demo: false,
      retentionDays: 7,
      onNotice: (message) => notices.push(message),
    })
    expect(notices).toEqual([expect.stringMatching(/deleted 0 events/)])
    // Late arrivals (a replayed spool, an import) can be older than the retention period, while
    // still inside ingest's window (30 days).
    const ingest = await postEvents(new URL('/v1/events', server.url).toString(), [
      aged('8-days', 8),
      aged('6-days', 6),
      aged('20-days', 20),
    ])
    expect(ingest.body).toMatchObject({ accepted: 3 })
    expect(await server.retention?.run()).toBe(2)
    expect(await eventIds(server)).toEqual(['2-days', '6-days'])
    expect(notices[1]).toMatch(/^Retention \(7 days\): deleted 2 events/)
    // A run with nothing to delete stays quiet.
    expect(await server.retention?.run()).toBe(0)
    expect(notices).toHaveLength(2)
  })

  it('keeps every event when no retention is set', async () => {
    server = await startServer({ store: await storeWith([aged('old', 3650)]), port: 0, demo: false })
    expect(server.retention).toBeUndefined()
    expect(await eventIds(server)).toEqual(['old'])
  })

  it('loads no demo history older than the retention period', async () => {
    server = await startServer({
      store: join(folder, 'demo.duckdb'),
      port: 0,
      demo: true,
      retentionDays: 3,
    })
    const { first_ts } = await server.store.stats()
    expect(Date.parse(first_ts as string)).toBeGreaterThan(Date.now() - 3 * DAY_MS)
    expect(await server.retention?.run()).toBe(0)
  })

  it('refuses a retention period that is not a positive number, and releases the store', async () => {
    const storePath = join(folder, 'events.duckdb')
    for (const retentionDays of [0, -1, Number.NaN]) {
      await expect(startServer({ store: storePath, port: 0, demo: false, retentionDays })).rejects.toThrow(
        /retention days must be a positive number/,
      )
    }
    server = await startServer({ store: storePath, port: 0, demo: false })
  })
})

describe('the retention job', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs at start, then every hour with a cutoff that moves with the clock, until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    vi.setSystemTime(new Date('2026-11-20T12:00:00Z'))
    const cutoffs: string[] = []
    const store = {
      deleteBefore: async (cutoff: Date) => {
        cutoffs.push(cutoff.toISOString())
        return 0
      },
    } as Pick<Store, 'deleteBefore'> as Store
    const job = await startRetentionJob({ store, days: 30 })
    expect(cutoffs).toEqual(['2026-10-21T12:00:00.000Z'])
    await vi.advanceTimersByTimeAsync(3_600_000)
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(cutoffs).toEqual([
      '2026-10-21T12:00:00.000Z',
      '2026-10-21T13:00:00.000Z',
      '2026-10-21T14:00:00.000Z',
    ])
    await job.stop()
    await vi.advanceTimersByTimeAsync(10 * 3_600_000)
    expect(cutoffs).toHaveLength(3)
  })

  it('reports a failed periodic run and tries again at the next one', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    let calls = 0
    const store = {
      deleteBefore: async () => {
        calls++
        if (calls === 2) throw new Error('disk full')
        return 5
      },
    } as Pick<Store, 'deleteBefore'> as Store
    const errors: string[] = []
    const deleted: number[] = []
    const job = await startRetentionJob({
      store,
      days: 1,
      onDeleted: (count) => deleted.push(count),
      onError: (error) => errors.push((error as Error).message),
    })
    await vi.advanceTimersByTimeAsync(3_600_000)
    await vi.advanceTimersByTimeAsync(3_600_000)
    await job.stop()
    expect(errors).toEqual(['disk full'])
    expect(deleted).toEqual([5, 5])
  })
})
