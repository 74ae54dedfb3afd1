import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { CostEvent } from 'spendlens'
import { toStoreRow } from 'spendlens/internal'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AnalyticsQuery } from '../src/api/api-types.js'
import { ROLLUP_TABLES } from '../src/query/rollup-tables.js'
import { EVENTS_TABLE } from '../src/schema/events-table.js'
import { migrationStatements, schemaTableStatement } from '../src/store/clickhouse/migrations.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { createChdbClient, openStore } from '../src/store/open-store.js'
import type { QueryInsight, Store } from '../src/store/store.js'
import { costEvent } from './store-contract.js'

// A store written before events had a model family is given theirs at its first open on this
// version: the events and both rollups, so a family is read the same from either.

const events: CostEvent[] = [
  ['b1', 'gpt-4o-2024-08-06', 'ok', 0.5],
  ['b2', 'gpt-4o-2024-11-20', 'ok', 0.25],
  // Failed: no model came back, so the one asked for.
  ['b3', 'gpt-4o', 'error', 0],
  ['b4', 'gpt-4o-mini-2024-07-18', 'ok', 0.01],
].map(([id, model, status, cost], index) =>
  costEvent({
    event_id: String(id),
    ts: `2026-11-03T1${index}:00:00.000Z`,
    model: String(model),
    requested_model: String(model).startsWith('gpt-4o-mini') ? 'gpt-4o-mini' : 'gpt-4o',
    status: status as CostEvent['status'],
    http_status: status === 'ok' ? 200 : 429,
    feature: 'chat',
    cost_usd: Number(cost),
    latency_ms: 100 * (index + 1),
  }),
)

const byFamily: AnalyticsQuery = {
  timeZone: 'UTC',
  filters: [],
  groupBy: ['model_family'],
  metrics: ['requests', 'cost_usd', 'error_rate', 'p50_latency_ms'],
}
const expected = [
  { model_family: 'gpt-4o', requests: 3, cost_usd: 0.75, error_rate: 1 / 3, p50_latency_ms: 200 },
  { model_family: 'gpt-4o-mini', requests: 1, cost_usd: 0.01, error_rate: 0, p50_latency_ms: 400 },
]

async function expectFamilies(store: Store & QueryInsight) {
  expect(store.plan(byFamily)).toEqual({ sums: { from: 'rollup' }, percentiles: { from: 'histograms' } })
  expect(await store.query(byFamily)).toEqual(expected)
  expect(await store.queryEvents(byFamily)).toEqual(expected)
}

let folder: string
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-family-'))
})
afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

/** The schema version that added the column, per engine: the column catalog's own figure. */
const ADDED = EVENTS_TABLE.columns.find((column) => column.name === 'model_family')?.added as {
  duckdb: number
  clickhouse: number
}

describe('model families of a store written before them', () => {
  it('DuckDB: the migration adding it and the fill at open give the events and the rollups their family', async () => {
    const path = join(folder, 'store.duckdb')
    const store = await openDuckDBStore(path)
    await store.append(events)
    await store.close()
    // Back to the schema version before it: no model_family column anywhere, nor any event column
    // a later version added.
    const instance = await DuckDBInstance.create(path)
    const connection = await instance.connect()
    for (const table of ['events', ...ROLLUP_TABLES.map((rollup) => rollup.name)])
      await connection.run(`ALTER TABLE ${table} DROP COLUMN model_family`)
    for (const column of EVENTS_TABLE.columns)
      if (column.name !== 'model_family' && (column.added?.duckdb ?? 0) > ADDED.duckdb)
        await connection.run(`ALTER TABLE events DROP COLUMN ${column.name}`)
    await connection.run(`DELETE FROM spendlens_schema WHERE version >= ${ADDED.duckdb}`)
    // A store of that version has not recorded the fill either.
    await connection.run(`DELETE FROM spendlens_meta WHERE key = 'filled_model_families'`)
    connection.closeSync()
    instance.closeSync()

    const upgraded = await openDuckDBStore(path)
    try {
      await expectFamilies(upgraded)
    } finally {
      await upgraded.close()
    }
  })

  it('ClickHouse: the migration adding it and the fill at open give the events and the rollups their family', async () => {
    const path = join(folder, 'chdb')
    const client = await createChdbClient(path)
    try {
      await client.command({ query: schemaTableStatement({ database: 'default' }) })
      for (let version = 1; version < ADDED.clickhouse; version++) {
        for (const statement of migrationStatements({ database: 'default' }, version))
          await client.command({ query: statement })
        await client.insert({ table: 'spendlens_schema', values: [{ version }], format: 'JSONEachRow' })
        // The events as version 1 stored them; migration 2 builds the rollups from them.
        if (version === 1)
          await client.insert({
            table: 'events',
            values: events.map((event) => JSON.parse(JSON.stringify(toStoreRow(event)))),
            format: 'JSONEachRow',
            clickhouse_settings: { date_time_input_format: 'best_effort' },
          })
      }
    } finally {
      await client.close()
    }
    const store = await openStore(`chdb://${path}`)
    try {
      await expectFamilies(store)
      // A newer version of an upgraded event moves its contribution out of its family's cell.
      const newer = { ...(events[0] as CostEvent), ts: '2026-11-03T10:30:00.000Z', model: 'gpt-4o-mini' }
      expect((await store.append([newer])).statuses).toEqual(['replaced'])
      const rows = await store.query(byFamily)
      expect(rows.map((row) => [row.model_family, row.requests])).toEqual([
        ['gpt-4o', 2],
        ['gpt-4o-mini', 2],
      ])
      expect(rows).toEqual(await store.queryEvents(byFamily))
    } finally {
      await store.close()
    }
    // Opened again: nothing left to fill, the figures unchanged.
    const reopened = await openStore(`chdb://${path}`)
    try {
      expect(await reopened.query(byFamily)).toEqual(await reopened.queryEvents(byFamily))
    } finally {
      await reopened.close()
    }
  })
})
