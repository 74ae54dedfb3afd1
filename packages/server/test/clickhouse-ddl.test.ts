import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { ClickHouseClient } from '@clickhouse/client'
import type { CostEvent } from 'spendlens'
import { toStoreRow } from 'spendlens/internal'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AnalyticsQuery } from '../src/api/api-types.js'
import { latencyBucket } from '../src/query/latency-sketch.js'
import { contributionSql, ROLLUP_TABLES } from '../src/query/rollup-tables.js'
import {
  CLICKHOUSE_MIGRATIONS,
  clickhouseDdl,
  migrationStatements,
  schemaTableStatement,
  splitDdl,
} from '../src/store/clickhouse/migrations.js'
import { createChdbClient, openStore } from '../src/store/open-store.js'
import { TEN_EVENTS, TEN_EVENTS_CHARGED, tenEventsStoredAt } from './store-contract.js'

const TABLES = [
  'events',
  'invoice_lines',
  'latency_hourly',
  'outcomes',
  'rollup_hourly',
  'spendlens_alert_configs',
  'spendlens_alert_deliveries',
  'spendlens_anomalies',
  'spendlens_budget_blocked_calls',
  'spendlens_budgets',
  'spendlens_invoice_sync',
  'spendlens_keys',
  'spendlens_meta',
  'spendlens_revenue',
  'spendlens_schema',
  'spendlens_users',
]

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
    expect(Object.keys(fromDdl)).toEqual(TABLES)

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

  it('migration 2 gives stored events their latency bucket and fills the rollups from them', async () => {
    const path = join(folder, 'upgraded')
    const events = [
      ...TEN_EVENTS,
      // A retry stored twice on one day (FINAL keeps the later): the rollups count it once.
      { ...(TEN_EVENTS[0] as CostEvent), ts: '2026-10-31T23:45:00.000Z', latency_ms: 12_345.5 },
    ]
    // A store at schema version 1, with events written without the store (e.g. by Vector).
    await writeStoreAt(path, 1, events)
    const store = await openStore(`chdb://${path}`)
    try {
      const query = {
        timeZone: 'UTC',
        filters: [],
        groupBy: ['feature' as const],
        metrics: [
          'requests' as const,
          'cost_usd' as const,
          'avg_latency_ms' as const,
          'p50_latency_ms' as const,
        ],
      }
      expect(store.plan(query)).toEqual({ sums: { from: 'rollup' }, percentiles: { from: 'histograms' } })
      const rows = await store.query(query)
      expect(rows).toEqual(await store.queryEvents(query))
      expect(rows.reduce((sum, row) => sum + (row.requests as number), 0)).toBe(10)
    } finally {
      await store.close()
    }
    const reopened = await createChdbClient(path)
    try {
      const stored = await (
        await reopened.query({
          query: 'SELECT latency_ms, latency_bucket FROM events FINAL ORDER BY event_id',
          format: 'JSONEachRow',
        })
      ).json<{ latency_ms: number | null; latency_bucket: number | null }>()
      expect(stored).toHaveLength(10)
      for (const row of stored) expect(row.latency_bucket).toBe(latencyBucket(row.latency_ms))
    } finally {
      await reopened.close()
    }
  })

  it('migration 6 keeps the events and rollup sums of a version 5 store, with no provider project', async () => {
    const path = join(folder, 'v5')
    await writeStoreAt(path, 5, TEN_EVENTS)
    const store = await openStore(`chdb://${path}`)
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
      expect(exported).toEqual(tenEventsStoredAt('clickhouse', 5))
      for (const grouped of [byFeature, byProject])
        expect(store.plan(grouped).sums).toEqual({ from: 'rollup' })
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
    // The sums table's cells are kept by the new key: SummingMergeTree folds only equal keys.
    const client = await createChdbClient(path)
    try {
      const result = await client.query({
        query:
          "SELECT name, sorting_key FROM system.tables WHERE database = 'default' AND name IN ('rollup_hourly', 'latency_hourly') ORDER BY name",
        format: 'JSONEachRow',
      })
      const keys = Object.fromEntries(
        (await result.json<{ name: string; sorting_key: string }>()).map((row) => [
          row.name,
          row.sorting_key,
        ]),
      )
      expect(keys.rollup_hourly).toMatch(/, project, provider_project, model_family$/)
      expect(keys.latency_hourly).toMatch(/, bucket, project, model_family$/)
    } finally {
      await client.close()
    }
  })

  it('migration 17 fills the charged sums of the rollup from the charged events a version 16 store holds', async () => {
    const path = join(folder, 'v16')
    await writeStoreAt(path, 16, TEN_EVENTS)
    // writeStoreAt writes version 1's columns: e09's catalog price as version 16's ingest kept it.
    const client = await createChdbClient(path)
    try {
      await client.command({
        query: "ALTER TABLE events UPDATE computed_cost_nanos = 200 WHERE event_id = 'e09'",
        clickhouse_settings: { mutations_sync: '2' },
      })
    } finally {
      await client.close()
    }
    const store = await openStore(`chdb://${path}`)
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

  it('the rollup rebuild in deploy-clickhouse.md is the rollups’ definition, and rebuilds them', async () => {
    const doc = await readFile(
      fileURLToPath(new URL('../../../docs/deploy-clickhouse.md', import.meta.url)),
      'utf8',
    )
    const block = /<!-- rollup-rebuild[^>]*-->\n```sql\n([\s\S]*?)```/.exec(doc)?.[1]
    expect(block, 'the rebuild block of deploy-clickhouse.md').toBeDefined()
    const normalize = (sql: string) => sql.replace(/\s+/g, ' ').trim()
    const statements = (block as string)
      .split(';')
      .map(normalize)
      .filter((statement) => statement !== '')
    expect(statements).toEqual(
      ROLLUP_TABLES.flatMap((table) => [
        `TRUNCATE TABLE default.${table.name}`,
        contributionSql(
          'clickhouse',
          table,
          'SELECT * FROM default.events FINAL',
          1,
          `default.${table.name}`,
        ),
      ]),
    )

    // Run on a store whose events carry every rollup key, the rollups answer as the events do again.
    const path = join(folder, 'rebuild')
    const events = TEN_EVENTS.map((event, index) => ({
      ...event,
      provider_project: index % 2 ? 'proj_a' : null,
    }))
    const query = (
      groupBy: AnalyticsQuery['groupBy'],
      metrics: AnalyticsQuery['metrics'],
    ): AnalyticsQuery => ({
      timeZone: 'UTC',
      filters: [],
      groupBy,
      metrics,
    })
    // Every key of the sums, and of the latency histograms.
    const bySums = query(
      ['provider_project', 'model_family', 'feature'],
      ['requests', 'cost_usd', 'input_tokens'],
    )
    const byLatency = query(['model_family', 'feature'], ['requests', 'p50_latency_ms'])
    let store = await openStore(`chdb://${path}`)
    await store.append(events)
    await store.close()
    const client = await createChdbClient(path)
    try {
      for (const statement of statements) await client.command({ query: statement })
    } finally {
      await client.close()
    }
    store = await openStore(`chdb://${path}`)
    try {
      expect(store.plan(bySums)).toEqual({ sums: { from: 'rollup' } })
      expect(store.plan(byLatency)).toEqual({ sums: { from: 'rollup' }, percentiles: { from: 'histograms' } })
      const rows = await store.query(bySums)
      expect(rows.reduce((total, row) => total + (row.requests ?? 0), 0)).toBe(10)
      expect(rows).toEqual(await store.queryEvents(bySums))
      expect(await store.query(byLatency)).toEqual(await store.queryEvents(byLatency))
    } finally {
      await store.close()
    }
  })

  it('runs in a database of its own', async () => {
    const client = await createChdbClient(join(folder, 'named'))
    try {
      for (const statement of splitDdl(clickhouseDdl({ database: 'spendlens' })))
        await client.command({ query: statement })
      expect(Object.keys(await tableDefinitions(client, 'spendlens'))).toEqual(TABLES)
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
    // The rollups: replicated partial sums per shard, read (and written) through Distributed tables.
    for (const table of ['rollup_hourly', 'latency_hourly']) {
      expect(ddl).toContain(
        `ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/analytics/${table}_local', '{replica}')`,
      )
      expect(ddl).toContain(`ENGINE = Distributed('prod', 'analytics', '${table}_local', rand())`)
      expect(ddl).toContain(`TRUNCATE TABLE IF EXISTS analytics.${table}_local ON CLUSTER prod`)
      expect(ddl).toMatch(
        new RegExp(
          `INSERT INTO analytics\\.${table} \\(.*\\) SELECT .* FROM \\(SELECT \\* FROM analytics\\.events FINAL\\)`,
        ),
      )
    }
    for (const table of ['events_local', 'events'])
      expect(ddl).toContain(
        `ALTER TABLE analytics.${table} ON CLUSTER prod ADD COLUMN IF NOT EXISTS latency_bucket`,
      )
    // Meta, keys, users and schema versions are replicated to every node, not sharded.
    for (const table of ['spendlens_meta', 'spendlens_keys', 'spendlens_users'])
      expect(ddl).toContain(
        `ReplicatedReplacingMergeTree('/clickhouse/tables/all/analytics/${table}', '{replica}', updated_at)`,
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

/**
 * A store as schema version `version` left it, holding `events`: written into the events table of
 * version 1 without the store (as Vector would), carried by the later migrations, and counted into
 * the rollups by version 2, which builds them from the events there are.
 */
async function writeStoreAt(path: string, version: number, events: readonly CostEvent[]) {
  const client = await createChdbClient(path)
  try {
    await client.command({ query: schemaTableStatement({ database: 'default' }) })
    for (let current = 1; current <= version; current++) {
      for (const statement of migrationStatements({ database: 'default' }, current))
        await client.command({ query: statement })
      await client.insert({
        table: 'spendlens_schema',
        values: [{ version: current }],
        format: 'JSONEachRow',
      })
      if (current === 1)
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
}
