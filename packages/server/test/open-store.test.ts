import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startServer } from '../src/start-server.js'
import { describeLocation, openStore } from '../src/store/open-store.js'
import { event, FIXED_DATES, getJson, postEvents } from './server-helpers.js'
import { TEN_EVENTS } from './store-contract.js'

let folder: string
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-open-store-'))
})
afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('openStore', () => {
  it('a path is a DuckDB file', async () => {
    const store = await openStore(join(folder, 'events.duckdb'))
    expect({ engine: store.engine, location: store.location }).toEqual({
      engine: 'duckdb',
      location: join(folder, 'events.duckdb'),
    })
    await store.close()
  })

  it('chdb://<folder> is ClickHouse embedded in this process', async () => {
    const store = await openStore(`chdb://${join(folder, 'chdb')}`)
    expect({ engine: store.engine, location: store.location }).toEqual({
      engine: 'clickhouse',
      location: `chdb://${join(folder, 'chdb')}`,
    })
    await store.close()
  })

  it('chdb://<folder>?async_insert=1 sends small batches as async inserts, and still dedupes', async () => {
    const store = await openStore(`chdb://${join(folder, 'chdb')}?async_insert=1`)
    try {
      expect(store.location).toBe(`chdb://${join(folder, 'chdb')}`)
      const batch = TEN_EVENTS.slice(0, 3)
      expect((await store.append(batch)).statuses).toEqual(['inserted', 'inserted', 'inserted'])
      // wait_for_async_insert=1: the rows are visible once append answers.
      expect((await store.append(batch)).statuses).toEqual(['duplicate', 'duplicate', 'duplicate'])
      expect((await store.stats()).events).toBe(3)
    } finally {
      await store.close()
    }
  })

  it('an unknown scheme is refused, without echoing a password', async () => {
    await expect(openStore('postgres://admin:hunter2@db/spendlens')).rejects.toThrow(
      'unknown store postgres://admin@db/spendlens',
    )
    await expect(openStore('chdb://')).rejects.toThrow(/needs a folder/)
    await expect(openStore(`chdb://${folder}?async_insert=yes`)).rejects.toThrow(
      /async_insert must be 0 or 1/,
    )
  })

  it('a bad database name or parameter in a ClickHouse URL is refused before connecting', async () => {
    await expect(openStore('clickhouse://u:p@127.0.0.1:1/bad-name')).rejects.toThrow(/database name/)
    await expect(openStore('clickhouse://u:p@127.0.0.1:1/db?password=x')).rejects.toThrow(
      /unknown parameter password/,
    )
  })

  it('a ClickHouse server that cannot be reached fails without showing the password', async () => {
    // Port 1 on this machine: nothing listens there, the connection is refused at once.
    const failure = await openStore('clickhouse://spendlens:s3cret-pw@127.0.0.1:1/analytics').catch(
      (error: unknown) => error as Error,
    )
    expect(failure).toBeInstanceOf(Error)
    expect(String((failure as Error).message)).not.toContain('s3cret-pw')
  })

  it('describes a location without its password', () => {
    expect(describeLocation('clickhouses://spendlens:s3cret@ch.example:8443/analytics?cluster=prod')).toBe(
      'clickhouses://spendlens@ch.example:8443/analytics?cluster=prod',
    )
    expect(describeLocation('.spendlens/spendlens.duckdb')).toBe('.spendlens/spendlens.duckdb')
  })
})

describe('the server on ClickHouse (chDB)', () => {
  it('ingests, dedupes and answers with --store chdb://…', async () => {
    const location = `chdb://${join(folder, 'chdb')}`
    const server = await startServer({ store: location, port: 0, demo: false, ...FIXED_DATES })
    try {
      const url = (path: string) => new URL(path, server.url).toString()
      const first = event({ event_id: 'one', customer_id: 'acme' })
      const posted = await postEvents(url('/v1/events'), [first, event({ event_id: 'two' }), first])
      expect(posted.status).toBe(200)
      expect({ accepted: posted.body.accepted, duplicates: posted.body.duplicates }).toEqual({
        accepted: 2,
        duplicates: 1,
      })
      const meta = await getJson(url('/api/meta'))
      expect(meta.body.store).toEqual({ engine: 'clickhouse', path: location })
      expect(meta.body.events).toBe(2)
      const summary = await getJson(url('/api/summary'))
      expect(summary.body.requests).toBe(2)
    } finally {
      await server.close()
    }
  })
})
