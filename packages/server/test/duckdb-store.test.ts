import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { CostEvent } from 'spendlens'
import { toStoreRow } from 'spendlens/internal'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AnalyticsQuery } from '../src/api/api-types.js'
import { hashEventId } from '../src/schema/event-id-hash.js'
import { EVENTS_TABLE } from '../src/schema/events-table.js'
import { COLUMN_TYPES, columnsAt } from '../src/schema/table.js'
import { MIGRATIONS, openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { costEvent, TEN_EVENTS, TEN_EVENTS_CHARGED, tenEventsStoredAt } from './store-contract.js'

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
    await writeV1Store(path)

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

  it('dedupes against the events it upgraded, and the rollup follows a replacement', async () => {
    const path = join(folder, 'v1.duckdb')
    await writeV1Store(path)

    const store = await openDuckDBStore(path)
    const byCustomer: AnalyticsQuery = {
      timeZone: 'UTC',
      filters: [],
      groupBy: ['customer_id'],
      metrics: ['requests', 'cost_usd'],
    }
    const again = (ts: string, cost_usd: number) =>
      costEvent({ event_id: 'old', ts, feature: 'chat', customer_id: 'acme', cost_usd })
    const newer = again('2026-11-01T01:30:00.000Z', 0.000002)
    try {
      // fillIdHashes gave the copied row its hash, so the id index knows it.
      const connection = await store.instance.connect()
      const hashes = await connection.runAndReadAll('SELECT event_id, id_hash FROM events')
      expect(hashes.getRowObjects()).toEqual([{ event_id: 'old', id_hash: BigInt(hashEventId('old')) }])
      connection.closeSync()

      expect((await store.append([again('2026-10-31T23:00:00.000Z', 0.5)])).statuses).toEqual(['duplicate'])
      expect((await store.append([again('2026-11-01T00:00:00.000Z', 0.5)])).statuses).toEqual(['duplicate'])
      expect(await store.query(byCustomer)).toEqual([
        { customer_id: 'acme', requests: 1, cost_usd: 0.0000015 },
      ])

      expect((await store.append([newer])).statuses).toEqual(['replaced'])
      expect(store.plan(byCustomer).sums).toEqual({ from: 'rollup' })
      const expected = [{ customer_id: 'acme', requests: 1, cost_usd: 0.000002 }]
      expect(await store.query(byCustomer)).toEqual(expected)
      expect(await store.queryEvents(byCustomer)).toEqual(expected)
      // Bucketed: the old hour (00:00) lost its event, the new one (01:00) has it.
      expect(await store.query({ ...byCustomer, bucket: 'hour' })).toEqual([
        {
          bucket_start: '2026-11-01T01:00:00.000Z',
          bucket_label: expect.any(String),
          customer_id: 'acme',
          requests: 1,
          cost_usd: 0.000002,
        },
      ])
      expect((await store.listEvents({ scope: { filters: [] }, limit: 10 })).events).toEqual([newer])
    } finally {
      await store.close()
    }

    const reopened = await openDuckDBStore(path)
    try {
      expect((await reopened.append([again('2026-11-01T01:00:00.000Z', 9)])).statuses).toEqual(['duplicate'])
      expect(await reopened.query(byCustomer)).toEqual([
        { customer_id: 'acme', requests: 1, cost_usd: 0.000002 },
      ])
      expect(await reopened.stats()).toEqual({
        events: 1,
        first_ts: '2026-11-01T01:30:00.000Z',
        last_ts: '2026-11-01T01:30:00.000Z',
      })
    } finally {
      await reopened.close()
    }
  })

  it('upgrades a store of schema version 7 keeping its events and rollup sums, with no provider project', async () => {
    const path = join(folder, 'v7.duckdb')
    await writeStoreAt(path, 7, TEN_EVENTS)

    const store = await openDuckDBStore(path)
    const query = (groupBy: AnalyticsQuery['groupBy']): AnalyticsQuery => ({
      timeZone: 'UTC',
      filters: [],
      groupBy,
      metrics: ['requests', 'cost_usd', 'input_tokens', 'p50_latency_ms'],
    })
    const byFeature = query(['feature', 'customer_id'])
    const byProject = query(['provider_project'])
    try {
      const exported: CostEvent[] = []
      for await (const batch of store.exportEvents()) exported.push(...batch)
      expect(exported).toEqual(tenEventsStoredAt('duckdb', 7))
      for (const grouped of [byFeature, byProject])
        expect(store.plan(grouped).sums).toEqual({ from: 'rollup' })
      // The rollups the old version built: the same sums as the events, every event without a project.
      expect(await store.query(byFeature)).toEqual(await store.queryEvents(byFeature))
      expect(await store.query(byProject)).toEqual([
        {
          provider_project: null,
          requests: 10,
          cost_usd: 1.601125458,
          input_tokens: 25760,
          p50_latency_ms: 400,
        },
      ])

      // A newer version of an upgraded event takes its contribution from the cell without a project.
      const newer = {
        ...(TEN_EVENTS[0] as CostEvent),
        ts: '2026-10-31T23:45:00.000Z',
        provider_project: 'proj_support',
      }
      expect((await store.append([newer])).statuses).toEqual(['replaced'])
      const expected = await store.queryEvents(byProject)
      expect(expected.map((row) => [row.provider_project, row.requests])).toEqual([
        ['proj_support', 1],
        [null, 9],
      ])
      expect(await store.query(byProject)).toEqual(expected)
      expect(await store.query(byFeature)).toEqual(await store.queryEvents(byFeature))
    } finally {
      await store.close()
    }
  })
})

describe('DuckDB schema migration 19', () => {
  it('fills the charged sums of the rollup from the charged events a version 18 store holds', async () => {
    const path = join(folder, 'v18.duckdb')
    await writeStoreAt(path, 18, TEN_EVENTS)
    // writeStoreAt writes version 3's columns: e09's catalog price as version 18's ingest kept it.
    const instance = await DuckDBInstance.create(path)
    const connection = await instance.connect()
    await connection.run("UPDATE events SET computed_cost_nanos = 200 WHERE event_id = 'e09'")
    connection.closeSync()
    instance.closeSync()

    const store = await openDuckDBStore(path)
    const query = (groupBy: AnalyticsQuery['groupBy']): AnalyticsQuery => ({
      timeZone: 'UTC',
      filters: [],
      groupBy,
      metrics: ['charged_requests', 'charged_cost_usd', 'computed_cost_usd', 'charged_unpriced_count'],
    })
    try {
      for (const grouped of [query([]), query(['feature', 'model'])]) {
        expect(store.plan(grouped).sums).toEqual({ from: 'rollup' })
        expect(await store.query(grouped)).toEqual(await store.queryEvents(grouped))
      }
      expect(await store.query(query([]))).toEqual([TEN_EVENTS_CHARGED])
    } finally {
      await store.close()
    }
  })
})

/**
 * A store as schema version `version` (4 or later) left it, holding `events`: written into the
 * events table of version 3 (every CostEvent field it had then), carried by the later migrations,
 * and counted into the rollups by version 4, which builds them from the events there are.
 */
async function writeStoreAt(path: string, version: number, events: readonly CostEvent[]) {
  const columns = columnsAt(EVENTS_TABLE, 'duckdb', 3)
  const rows = join(folder, 'v3-events.jsonl')
  await writeFile(
    rows,
    events
      .map((event) => {
        const row = toStoreRow(event) as unknown as Record<string, unknown>
        return JSON.stringify(
          Object.fromEntries(
            columns.map(({ name }) => [name, name === 'tags' ? JSON.stringify(row.tags) : row[name]]),
          ),
        )
      })
      .join('\n'),
  )
  const types = columns.map((column) => `${column.name}: '${COLUMN_TYPES[column.type].duckdb}'`)
  const instance = await DuckDBInstance.create(path)
  const connection = await instance.connect()
  await connection.run('CREATE TABLE spendlens_schema (version INTEGER NOT NULL)')
  for (let current = 1; current <= version; current++) {
    await connection.run(MIGRATIONS[current - 1] as string)
    await connection.run('INSERT INTO spendlens_schema VALUES ($current)', { current })
    if (current === 3)
      await connection.run(
        `INSERT INTO events BY NAME SELECT * FROM read_json('${rows}', format = 'newline_delimited', columns = {${types.join(', ')}})`,
      )
  }
  connection.closeSync()
  instance.closeSync()
}

/** A store as schema version 1 left it, holding one event: 'old', acme, $0.0000015, 2026-11-01T00:00Z. */
async function writeV1Store(path: string) {
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
}
