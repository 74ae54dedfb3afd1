import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ClickHouseClient, createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp } from '../src/http/create-app.js'
import { openClickHouseStore } from '../src/store/clickhouse/clickhouse-store.js'
import type { QueryInsight, Store } from '../src/store/store.js'
import { FaultClient, storedIds } from './fault-client.js'

/**
 * A collector whose ClickHouse goes away: the real server over HTTP, its store on chDB behind the
 * official client, through a connection the test can take down. Down, every call fails as the
 * client fails against a server that is not there (a real ECONNREFUSED from a closed port). The
 * collector keeps accepting into its outage buffer up to its bound, answers 503 beyond it, and
 * once ClickHouse is back stores every acknowledged event exactly once.
 */

const BATCH = 200
/** Four batches of 200 events (each about 210 KB as buffered JSON): the fifth is refused. */
const SPOOL_BYTES = 900_000

/** A fresh "connection refused", as Node's HTTP agent raises it for a server that is down. */
let closedPort = 0
function connectionRefused(): Promise<never> {
  return new Promise((_, reject) => connect(closedPort, '127.0.0.1').on('error', reject))
}

/** chDB behind the client, with a switch: while `down`, every call is refused. */
function switchableClickHouse(path: string) {
  const chdb = createChdbConnection({ path })
  const state = { down: false }
  const calls = new Set(['query', 'insert', 'command', 'exec', 'ping'])
  const connection = new Proxy(chdb, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      if (calls.has(String(property)))
        return (...args: unknown[]) => (state.down ? connectionRefused() : value.apply(target, args))
      return value.bind(target)
    },
  })
  type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection']
  const client = createClient({ connection: connection as unknown as ClientConnection })
  return { client, state }
}

let folder: string
let spoolDir: string
let store: Store & QueryInsight
let client: ClickHouseClient
let clickhouse: { down: boolean }
let app: FastifyInstance
let endpoint: string
const log: string[] = []

/** The collector: a store on the switchable chDB with its outage buffer, and the real HTTP app. */
async function startCollector() {
  const switchable = switchableClickHouse(join(folder, 'chdb'))
  client = switchable.client
  clickhouse = switchable.state
  store = await openClickHouseStore({
    client,
    location: 'chdb (switchable)',
    target: { database: 'default' },
    asyncInsert: false,
    spool: { dir: spoolDir, maxBytes: SPOOL_BYTES, retryMs: 50 },
  })
  app = await createApp({ store, ingestWorkers: 0, logStream: { write: (line: string) => log.push(line) } })
  endpoint = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v1/events`
}

async function stopCollector() {
  await app.close()
  await store.close()
}

beforeAll(async () => {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  closedPort = (probe.address() as { port: number }).port
  await new Promise((resolve) => probe.close(resolve))
  folder = await mkdtemp(join(tmpdir(), 'spendlens-clickhouse-outage-'))
  spoolDir = join(folder, 'spool')
  await startCollector()
})

afterAll(async () => {
  clickhouse.down = false
  await stopCollector()
  await rm(folder, { recursive: true, force: true })
})

/** The rows ClickHouse holds, read straight from the events table (every version, no FINAL) and the rollup. */
async function clickhouseCounts() {
  const result = await client.query({
    query:
      'SELECT (SELECT count() FROM events) AS rows, (SELECT uniqExact(event_id) FROM events) AS ids, (SELECT sum(requests) FROM rollup_hourly) AS rollup',
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  })
  const [row] = await result.json<{ rows: number; ids: number; rollup: number }>()
  return { rows: Number(row?.rows), ids: Number(row?.ids), rollup: Number(row?.rollup) }
}

const spooled = async () => (await readdir(spoolDir)).filter((name) => name.endsWith('.json'))

describe('ClickHouse unreachable', () => {
  it('buffers to disk up to the bound, answers 503 with Retry-After beyond it, and stores every acknowledged event exactly once when ClickHouse is back', async () => {
    const sender = new FaultClient(endpoint, 'outage')
    const before = sender.batch(BATCH)
    expect(await sender.send(before)).toBe(200)
    expect(await sender.sendNew(2, BATCH)).toEqual([200, 200])

    clickhouse.down = true
    // Acknowledged into the buffer: a batch already stored, and a new batch sent twice.
    expect(await sender.send(before)).toBe(200)
    const twice = sender.batch(BATCH)
    expect(await sender.send(twice)).toBe(200)
    expect(await sender.send(twice)).toBe(200)
    const duringOutage = await sender.sendNew(6, BATCH)
    const buffered = 3 + duringOutage.filter((status) => status === 200).length
    // Some more fit, then the bound is reached: every later batch is refused, none is lost.
    expect(duringOutage.indexOf(503)).toBeGreaterThan(-1)
    expect(duringOutage.slice(duringOutage.indexOf(503)).every((status) => status === 503)).toBe(true)
    expect(sender.refusals.every((refusal) => refusal.code === 'store_unavailable')).toBe(true)
    expect(sender.refusals.every((refusal) => Number(refusal.retryAfter) > 0)).toBe(true)
    expect((await spooled()).length).toBe(buffered)
    const refusedDuringOutage = sender.refused.length
    // Each refusal is logged with its cause.
    expect(log.some((line) => line.includes('outage buffer') && line.includes('ECONNREFUSED'))).toBe(true)

    clickhouse.down = false
    await vi.waitFor(async () => expect(await spooled()).toEqual([]), { timeout: 20_000, interval: 50 })
    await sender.resendRefused()
    expect(await sender.sendNew(2, BATCH)).toEqual([200, 200])
    // On a loaded machine a send can still fail for a moment and be buffered (answered 200): it is
    // stored once the buffer drains, which is what acknowledged means here.
    await vi.waitFor(async () => expect(await spooled()).toEqual([]), { timeout: 20_000, interval: 50 })

    const stored = await storedIds(store)
    const counts = await clickhouseCounts()
    console.log(
      `ClickHouse down: acknowledged ${sender.acknowledged.size} distinct events (${buffered} batches, ${buffered * BATCH} events, into the outage buffer, 2 of them copies of stored or buffered events), ${refusedDuringOutage} batches (${refusedDuringOutage * BATCH} events) answered 503 and sent again after; stored ${stored.size} events, ${counts.rows} rows in events, rollup requests ${counts.rollup}`,
    )
    expect(stored.size).toBe(sender.acknowledged.size)
    expect([...sender.acknowledged].filter((id) => !stored.has(id))).toEqual([])
    // Exactly once: no second row for any event, and the rollup counts each once.
    expect(counts).toEqual({ rows: stored.size, ids: stored.size, rollup: stored.size })
  })

  it('stores the batches a collector buffered before it stopped when it starts again', async () => {
    const sender = new FaultClient(endpoint, 'restart')
    await vi.waitFor(async () => expect(await spooled()).toEqual([]), { timeout: 20_000, interval: 50 })
    clickhouse.down = true
    expect(await sender.sendNew(2, BATCH)).toEqual([200, 200])
    expect((await spooled()).length).toBe(2)
    await stopCollector()

    // ClickHouse is back by the time the collector starts again on the same outage buffer.
    await startCollector()
    await vi.waitFor(async () => expect(await spooled()).toEqual([]), { timeout: 20_000, interval: 50 })
    const stored = await storedIds(store)
    console.log(
      `ClickHouse down, then a collector restart: acknowledged ${sender.acknowledged.size} events into the outage buffer, ${[...sender.acknowledged].filter((id) => stored.has(id)).length} of them stored after the restart`,
    )
    expect([...sender.acknowledged].filter((id) => !stored.has(id))).toEqual([])
    const counts = await clickhouseCounts()
    expect(counts).toEqual({ rows: stored.size, ids: stored.size, rollup: stored.size })
  })
})
