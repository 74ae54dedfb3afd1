import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MIGRATIONS, openDuckDBStore } from '../src/store/duckdb-store.js'

let folder: string
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-store-'))
})
afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('DuckDB schema migrations', () => {
  it('upgrades a store written by schema version 1 without losing its events', async () => {
    const path = join(folder, 'v1.duckdb')
    const instance = await DuckDBInstance.create(path)
    const connection = await instance.connect()
    await connection.run('CREATE TABLE spendlens_schema (version INTEGER NOT NULL)')
    await connection.run(MIGRATIONS[0] as string)
    await connection.run('INSERT INTO spendlens_schema VALUES (1)')
    await connection.run(`INSERT INTO events (event_id, ts, provider, operation, model, feature, route, customer_id,
      user_id, session_id, environment, prompt_id, tags, batch, cost_nanos, pricing_status, status, streamed, sdk,
      schema_version) VALUES ('old', '2026-11-01T00:00:00Z', 'openai', 'chat', 'gpt-4o-mini', 'chat', 'unattributed',
      'acme', 'unattributed', 'unattributed', 'unattributed', 'unattributed', '{}', false, 1500, 'priced', 'ok',
      false, 'spendlens-js/0.1.0', 1)`)
    connection.closeSync()
    instance.closeSync()

    const store = await openDuckDBStore(path)
    try {
      const rows = await store.query({
        timeZone: 'UTC',
        filters: [],
        groupBy: ['customer_id'],
        metrics: ['requests', 'cost_usd'],
      })
      expect(rows).toEqual([{ customer_id: 'acme', requests: 1, cost_usd: 0.0000015 }])
    } finally {
      await store.close()
    }
    const reopened = await DuckDBInstance.create(path)
    const check = await reopened.connect()
    const reader = await check.runAndReadAll('SELECT max(version) AS version FROM spendlens_schema')
    expect(Number(reader.getRowObjects()[0]?.version)).toBe(MIGRATIONS.length)
    const partial = await check.runAndReadAll("SELECT cost_partial FROM events WHERE event_id = 'old'")
    expect(partial.getRowObjects()[0]?.cost_partial).toBe(false)
    check.closeSync()
    reopened.closeSync()
  })
})
