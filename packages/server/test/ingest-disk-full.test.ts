import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createApp } from '../src/http/create-app.js'
import type { DuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { openStore } from '../src/store/open-store.js'
import { FaultClient, storedIds } from './fault-client.js'
import { mountFailingExt4, mountTmpfs } from './tiny-disk.js'

/**
 * The DuckDB store on a disk that fills up or turns read-only under a running server: ingest
 * answers 503 with Retry-After, nothing acknowledged is lost, and once the disk is back the same
 * server (no restart) takes events again. Each test prints what was acknowledged and stored.
 */

const BATCH = 200

const full = await mountTmpfs(24)
const failing = await mountFailingExt4(48)
afterAll(async () => {
  if (full.ok) await full.disk.unmount()
  if (failing.ok) await failing.disk.unmount()
})

/** The real app on the store at `path`, listening; its log (5xx only) kept for the test. */
async function serve(path: string) {
  const store = await openStore(path)
  const log: string[] = []
  const app = await createApp({ store, logStream: { write: (line: string) => log.push(line) } })
  const url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/`
  return {
    url,
    store,
    log,
    async close() {
      await app.close()
      await store.close()
    },
  }
}
type Server = Awaited<ReturnType<typeof serve>>

/** The events and the rollup's request count in the file, read with a fresh DuckDB after the server stopped. */
async function fileTotals(path: string): Promise<{ events: number; rollupRequests: number }> {
  const instance = await DuckDBInstance.create(path)
  const connection = await instance.connect()
  try {
    const [row] = (
      await connection.runAndReadAll(
        'SELECT (SELECT count(*) FROM events) AS events, (SELECT sum(requests) FROM rollup_hourly) AS rollup',
      )
    ).getRowObjects()
    return { events: Number(row?.events), rollupRequests: Number(row?.rollup) }
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** What every test ends with: the same server holds exactly the acknowledged events, and so does the file. */
async function expectExactlyAcknowledged(
  name: string,
  server: Server,
  client: FaultClient,
  path: string,
  refusedDuringOutage: number,
) {
  const stored = await storedIds(server.store)
  console.log(
    `${name}: acknowledged ${client.acknowledged.size} events, stored ${stored.size}; ${refusedDuringOutage} batches (${refusedDuringOutage * BATCH} events) answered 503 during the outage and were sent again`,
  )
  expect(stored.size).toBe(client.acknowledged.size)
  expect([...client.acknowledged].filter((id) => !stored.has(id))).toEqual([])
  await server.close()
  // The file itself: every acknowledged event, and rollups that add up to the events (not corrupt).
  expect(await fileTotals(path)).toEqual({ events: stored.size, rollupRequests: stored.size })
}

describe.skipIf(!full.ok)(`DuckDB on a full disk${full.ok ? '' : ` (skipped: ${full.reason})`}`, () => {
  const disk = full.ok ? full.disk : (undefined as never)

  it('answers 503 with Retry-After while the log cannot be written, loses nothing acknowledged, and takes events again once space returns, without a restart', async () => {
    const path = join(disk.dir, 'wal-full.duckdb')
    const server = await serve(path)
    const client = new FaultClient(new URL('v1/events', server.url).toString(), 'wal-full')

    expect(await client.sendNew(5, BATCH)).toEqual([200, 200, 200, 200, 200])
    await disk.fill()
    expect(await client.sendNew(5, BATCH)).toEqual([503, 503, 503, 503, 503])
    expect(client.refusals.every((refusal) => refusal.code === 'store_unavailable')).toBe(true)
    expect(client.refusals.every((refusal) => Number(refusal.retryAfter) > 0)).toBe(true)
    expect(server.log.filter((line) => line.includes('No space left on device'))).toHaveLength(5)
    // DuckDB rolled each refused commit back: the store holds the acknowledged events, no more.
    expect((await storedIds(server.store)).size).toBe(client.acknowledged.size)

    await disk.free()
    const refused = await client.resendRefused()
    expect(await client.sendNew(5, BATCH)).toEqual([200, 200, 200, 200, 200])
    expect(client.acknowledged.size).toBe(15 * BATCH)
    await expectExactlyAcknowledged('disk full (log write)', server, client, path, refused)
    await disk.free()
  })

  it('reopens the file after a checkpoint on the full disk invalidated the database, and takes events again once space returns', async () => {
    const path = join(disk.dir, 'checkpoint-full.duckdb')
    const server = await serve(path)
    const client = new FaultClient(new URL('v1/events', server.url).toString(), 'checkpoint-full')

    expect(await client.sendNew(5, BATCH)).toEqual([200, 200, 200, 200, 200])
    await disk.fill()
    // What DuckDB does on its own once the log passes checkpoint_threshold: fold the log into the
    // file. With no room for the new blocks the checkpoint fails and DuckDB invalidates the instance.
    const connection = await (server.store as DuckDBStore).instance.connect()
    await expect(connection.run('CHECKPOINT')).rejects.toThrow(/No space left on device/)
    await expect(connection.run('SELECT 1')).rejects.toThrow(/invalidated/)
    connection.closeSync()

    expect(await client.sendNew(5, BATCH)).toEqual([503, 503, 503, 503, 503])
    expect(client.refusals.every((refusal) => refusal.code === 'store_unavailable')).toBe(true)
    expect(server.log.some((line) => line.includes('invalidated'))).toBe(true)

    await disk.free()
    const refused = await client.resendRefused()
    expect(await client.sendNew(5, BATCH)).toEqual([200, 200, 200, 200, 200])
    expect(client.acknowledged.size).toBe(15 * BATCH)
    await expectExactlyAcknowledged('checkpoint on a full disk', server, client, path, refused)
    await disk.free()
  })
})

describe.skipIf(!failing.ok)(
  `DuckDB on a disk that turns read-only${failing.ok ? '' : ` (skipped: ${failing.reason})`}`,
  () => {
    const disk = failing.ok ? failing.disk : (undefined as never)

    it('answers 503 while the filesystem is read-only, lets go of the file so it can be repaired, and takes events again once it is mounted again, without a restart', async () => {
      const path = join(disk.dir, 'read-only.duckdb')
      const server = await serve(path)
      const client = new FaultClient(new URL('v1/events', server.url).toString(), 'read-only')

      expect(await client.sendNew(5, BATCH)).toEqual([200, 200, 200, 200, 200])
      disk.failReadOnly()
      expect(await client.sendNew(5, BATCH)).toEqual([503, 503, 503, 503, 503])
      expect(client.refusals.every((refusal) => refusal.code === 'store_unavailable')).toBe(true)
      expect(server.log.some((line) => line.includes('Read-only file system'))).toBe(true)
      // A plain unmount is refused while any process holds a file there: it succeeds because the
      // store closed the database after the first failure.
      await vi.waitFor(() => disk.repair(), { timeout: 10_000, interval: 100 })

      const refused = await client.resendRefused()
      expect(await client.sendNew(5, BATCH)).toEqual([200, 200, 200, 200, 200])
      expect(client.acknowledged.size).toBe(15 * BATCH)
      await expectExactlyAcknowledged('read-only filesystem', server, client, path, refused)
    })
  },
)
