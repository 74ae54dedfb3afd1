import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { ClickHouseClient } from '@clickhouse/client'
import type { CostEvent } from 'spendlens'
import { toStoreRow } from 'spendlens/internal'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CLICKHOUSE_MIGRATIONS, clickhouseDdl, splitDdl } from '../src/store/clickhouse-ddl.js'
import { createChdbClient, openStore } from '../src/store/open-store.js'
import { TEN_EVENTS } from './store-contract.js'

let folder: string
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-ddl-'))
})
afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

async function tableDefinitions(client: ClickHouseClient, database: string): Promise<Record<string, string>> {
  const result = await client.query({
    query:
      "SELECT name, create_table_query FROM system.tables WHERE database = {database:String} AND name NOT LIKE '.inner%' ORDER BY name",
    query_params: { database },
    format: 'JSONEachRow',
  })
  const rows = await result.json<{ name: string; create_table_query: string }>()
  return Object.fromEntries(rows.map((row) => [row.name, row.create_table_query]))
}

describe('ClickHouse DDL', () => {
  it('the single-node DDL runs on ClickHouse and builds exactly the schema the store migrates to', async () => {
    const printed = join(folder, 'printed')
    const migrated = join(folder, 'migrated')

    let client = await createChdbClient(printed)
    for (const statement of splitDdl(clickhouseDdl({ database: 'default' })))
      await client.command({ query: statement })
    const fromDdl = await tableDefinitions(client, 'default')
    await client.close()
    expect(Object.keys(fromDdl)).toEqual(['events', 'spendlens_meta', 'spendlens_schema'])

    // The store opens the printed schema as current (no migration left to run) and works on it.
    let store = await openStore(`chdb://${printed}`)
    await store.append(TEN_EVENTS)
    expect(await store.query({ timeZone: 'UTC', filters: [], groupBy: [], metrics: ['requests'] })).toEqual([
      { requests: 10 },
    ])
    await store.close()

    store = await openStore(`chdb://${migrated}`)
    await store.close()
    client = await createChdbClient(migrated)
    const fromMigrations = await tableDefinitions(client, 'default')
    const versions = await (
      await client.query({
        query: 'SELECT version FROM spendlens_schema ORDER BY version',
        format: 'JSONEachRow',
      })
    ).json<{ version: number }>()
    await client.close()
    expect(fromMigrations).toEqual(fromDdl)
    expect(versions.map((row) => row.version)).toEqual(CLICKHOUSE_MIGRATIONS.map((_, index) => index + 1))
  })

  it("loads the SDK stdout sink's lines as they are (the Vector path)", async () => {
    const path = join(folder, 'vector')
    let store = await openStore(`chdb://${path}`)
    await store.close()
    const client = await createChdbClient(path)
    try {
      // What Vector's ClickHouse sink sends with date_time_best_effort: the lines, as JSONEachRow.
      await client.insert({
        table: 'events',
        values: TEN_EVENTS.map((event) => JSON.parse(JSON.stringify(toStoreRow(event)))),
        format: 'JSONEachRow',
        clickhouse_settings: { date_time_input_format: 'best_effort' },
      })
    } finally {
      await client.close()
    }
    store = await openStore(`chdb://${path}`)
    try {
      const exported: CostEvent[] = []
      for await (const batch of store.exportEvents()) exported.push(...batch)
      expect(exported).toEqual(TEN_EVENTS)
    } finally {
      await store.close()
    }
  })

  it('runs in a database of its own', async () => {
    const client = await createChdbClient(join(folder, 'named'))
    try {
      for (const statement of splitDdl(clickhouseDdl({ database: 'spendlens' })))
        await client.command({ query: statement })
      expect(Object.keys(await tableDefinitions(client, 'spendlens'))).toEqual([
        'events',
        'spendlens_meta',
        'spendlens_schema',
      ])
    } finally {
      await client.close()
    }
  })

  it('the events table dedupes by ReplacingMergeTree(ts) on (day, event_id), by month', () => {
    const ddl = clickhouseDdl({ database: 'default' })
    expect(ddl).toContain(
      'ENGINE = ReplacingMergeTree(ts)\nPARTITION BY toYYYYMM(ts)\nORDER BY (toDate(ts), event_id)',
    )
    expect(ddl).not.toContain('ON CLUSTER')
  })

  it('for a cluster: replicated tables ON CLUSTER, and a Distributed events table sharded by event_id', () => {
    const ddl = clickhouseDdl({ database: 'analytics', cluster: 'prod' })
    const statements = splitDdl(ddl)
    expect(
      statements
        .filter((statement) => statement.startsWith('CREATE'))
        .every((statement) => statement.includes(' ON CLUSTER prod')),
    ).toBe(true)
    expect(ddl).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/events_local', '{replica}', ts)",
    )
    expect(ddl).toContain("ENGINE = Distributed('prod', 'analytics', 'events_local', cityHash64(event_id))")
    // Meta and schema versions are replicated to every node, not sharded.
    expect(ddl).toContain(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/all/analytics/spendlens_meta', '{replica}', updated_at)",
    )
    expect(ddl).toContain(
      "ReplicatedMergeTree('/clickhouse/tables/all/analytics/spendlens_schema', '{replica}')",
    )
    // The same columns as on one node.
    const columns = (script: string) =>
      script.slice(script.indexOf('event_id String'), script.indexOf('INDEX event_id_bloom'))
    expect(columns(ddl)).toEqual(columns(clickhouseDdl({ database: 'analytics' })))
  })

  it('refuses a database or cluster name that is not a plain name', () => {
    expect(() => clickhouseDdl({ database: 'x; DROP TABLE events' })).toThrow(/database name/)
    expect(() => clickhouseDdl({ database: 'ok', cluster: "c' OR 1" })).toThrow(/cluster name/)
  })

  it('spendlens clickhouse-ddl prints the same script', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
    const { stdout } = await promisify(execFile)(process.execPath, [
      cli,
      'clickhouse-ddl',
      '--cluster',
      'prod',
      '--database',
      'analytics',
    ])
    expect(stdout).toBe(clickhouseDdl({ database: 'analytics', cluster: 'prod' }))
  })
})
