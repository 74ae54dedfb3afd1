import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportToFile } from '../src/data-transfer/export-to-file.js'
import { type RunningServer, startServer } from '../src/start-server.js'
import { event, postEvents, startTestServer } from './server-helpers.js'

// What ingest refuses or cleans before a store sees it (docs/event-schema.md, "Bounds"): a ts
// outside the window around the server's clock, and NUL or lone surrogates in strings. On worker
// threads and on the server's thread, and on ClickHouse (chDB), whose insert a lone surrogate used
// to fail as a whole (a 500 for every request in the flush).

const DAY_MS = 86_400_000
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString()

type Harness = Awaited<ReturnType<typeof startTestServer>>
let workers: Harness
let inThread: Harness
let clickhouse: RunningServer
let chdbFolder: string

beforeAll(async () => {
  chdbFolder = await mkdtemp(join(tmpdir(), 'spendlens-bounds-'))
  ;[workers, inThread, clickhouse] = await Promise.all([
    startTestServer({ ingestWorkers: 2 }),
    startTestServer({ ingestWorkers: 0 }),
    startServer({ store: `chdb://${join(chdbFolder, 'chdb')}`, port: 0, demo: false }),
  ])
})
afterAll(async () => {
  await Promise.all([workers?.stop(), inThread?.stop(), clickhouse?.close()])
  await rm(chdbFolder, { recursive: true, force: true })
})

/** Every server under test, by name, as a base URL. */
const servers = () =>
  [
    ['worker threads', workers.server.url],
    ['the server thread', inThread.server.url],
    ['ClickHouse (chDB)', clickhouse.url],
  ] as const

async function storedEvents(base: string, ids: readonly string[]) {
  const page = await fetch(new URL(`/api/events?from=${daysAgo(400)}&limit=1000`, base))
  const { events } = (await page.json()) as { events: Record<string, unknown>[] }
  return events.filter((stored) => ids.includes(String(stored.event_id)))
}

describe('the ingest window', () => {
  it("rejects a ts more than 30 days back or a day ahead of the server's clock, naming the bound, and keeps the neighbours", async () => {
    for (const [name, base] of servers()) {
      const prefix = `window-${name.replace(/\W/g, '')}`
      const batch = [
        event({ event_id: `${prefix}-now`, ts: daysAgo(0) }),
        event({ event_id: `${prefix}-31-days`, ts: daysAgo(31) }),
        event({ event_id: `${prefix}-29-days`, ts: Date.now() - 29 * DAY_MS }),
        event({ event_id: `${prefix}-2-days-ahead`, ts: daysAgo(-2) }),
        event({ event_id: `${prefix}-23-hours-ahead`, ts: daysAgo(-23 / 24) }),
      ]
      const answer = await postEvents(new URL('/v1/events', base).toString(), batch)
      expect(answer.status, name).toBe(200)
      expect(answer.body, name).toMatchObject({ accepted: 3, rejected: 2 })
      expect(
        (answer.body.results as { status: string }[]).map((result) => result.status),
        name,
      ).toEqual(['accepted', 'rejected', 'accepted', 'rejected', 'accepted'])
      expect(answer.body.results, name).toMatchObject([
        {},
        {
          event_id: `${prefix}-31-days`,
          errors: [
            expect.stringMatching(
              /^ts: \S+Z is more than 30 days before the server's clock \(\S+Z\); history goes in with `spendlens import --backfill`/,
            ),
          ],
        },
        {},
        { errors: [expect.stringMatching(/^ts: \S+Z is more than 1 day after the server's clock/)] },
        {},
      ])
      const stored = await storedEvents(
        base,
        batch.map((sent) => String(sent.event_id)),
      )
      expect(stored.map((kept) => kept.event_id).sort(), name).toEqual(
        [`${prefix}-23-hours-ahead`, `${prefix}-29-days`, `${prefix}-now`].sort(),
      )
    }
  })

  it('reaches further back on a server started with a larger maximum age', async () => {
    const harness = await startTestServer({ maxEventAgeDays: 400 })
    try {
      const answer = await postEvents(harness.url('/v1/events'), [
        event({ event_id: 'old', ts: daysAgo(399) }),
        event({ event_id: 'too-old', ts: daysAgo(401) }),
      ])
      expect(answer.body).toMatchObject({
        accepted: 1,
        results: [
          { status: 'accepted' },
          { status: 'rejected', errors: [expect.stringMatching(/more than 400 days before/)] },
        ],
      })
    } finally {
      await harness.stop()
    }
  })

  it('refuses to start with a maximum age that is not a positive number, and releases the store', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'spendlens-bounds-'))
    try {
      const store = join(folder, 'events.duckdb')
      for (const maxEventAgeDays of [0, -1, Number.NaN])
        await expect(startServer({ store, port: 0, demo: false, maxEventAgeDays })).rejects.toThrow(
          /maximum event age must be a positive number of days/,
        )
      const server = await startServer({ store, port: 0, demo: false })
      await server.close()
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  })
})

describe('NUL and lone surrogates', () => {
  it('refuse an identifier or a tag key with a reason, clean a label or a tag value to U+FFFD, and store nothing that breaks the store', async () => {
    for (const [name, base] of servers()) {
      const prefix = `text-${name.replace(/\W/g, '')}`
      const now = daysAgo(0)
      const refused = [
        event({ event_id: `${prefix}-id\u0000nul`, ts: now }),
        event({ event_id: `${prefix}-id\ud800`, ts: now }),
        event({ event_id: `${prefix}-model`, model: 'gpt\udc00', ts: now }),
        event({ event_id: `${prefix}-key-nul`, tags: { 'k\u0000': 'v' }, ts: now }),
        event({ event_id: `${prefix}-key-lone`, tags: { 'k\ud800': 'v' }, ts: now }),
      ]
      const cleaned = event({
        event_id: `${prefix}-labels`,
        ts: now,
        route: '/a\u0000b',
        customer_id: 'acme\ud800',
        feature: '\udc00chat',
        tags: { plan: 'pro\ud800', emoji: '\ud83d\ude00' },
        error_type: 'Boom\u0000',
      })
      const plain = event({ event_id: `${prefix}-plain`, ts: now })
      const answer = await postEvents(new URL('/v1/events', base).toString(), [...refused, cleaned, plain])
      expect(answer.status, name).toBe(200)
      expect(answer.body, name).toMatchObject({ accepted: 2, rejected: 5 })
      const reasons = (answer.body.results as { errors?: string[] }[])
        .slice(0, 5)
        .map((result) => result.errors)
      const identifierReason =
        'holds a NUL or a lone surrogate (invalid UTF-16); identifiers are refused, not cleaned'
      expect(reasons, name).toEqual([
        [`event_id: ${identifierReason}`],
        [`event_id: ${identifierReason}`],
        [`model: ${identifierReason}`],
        [`tags.k\u0000: key ${identifierReason}`],
        [`tags.k\ud800: key ${identifierReason}`],
      ])

      const stored = await storedEvents(base, [`${prefix}-labels`, `${prefix}-plain`])
      expect(stored, name).toHaveLength(2)
      expect(
        stored.find((kept) => kept.event_id === `${prefix}-labels`),
        name,
      ).toMatchObject({
        route: '/a\ufffdb',
        customer_id: 'acme\ufffd',
        feature: '\ufffdchat',
        tags: { plan: 'pro\ufffd', emoji: '\ud83d\ude00' },
        error_type: 'Boom\ufffd',
      })
    }
  })

  it('leave a store that exports to Parquet', async () => {
    // A lone surrogate in a stored tag made DuckDB's Parquet export fail on the whole store.
    const folder = await mkdtemp(join(tmpdir(), 'spendlens-bounds-'))
    try {
      await postEvents(workers.url('/v1/events'), [
        event({ event_id: 'parquet-labels', ts: daysAgo(0), tags: { plan: 'x\ud800' }, route: '/\u0000' }),
        event({ event_id: 'parquet-key', ts: daysAgo(0), tags: { 'k\ud800': 'v' } }),
      ])
      for (const server of [workers.server, clickhouse]) {
        const file = join(folder, `${server.store.engine}.parquet`)
        await expect(exportToFile(server.store, file, 'parquet')).resolves.toMatchObject({
          written: expect.any(Number),
        })
      }
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  })
})
