/**
 * The ClickHouse schema, written once: the store applies these migrations at open, and
 * `spendlens clickhouse-ddl` prints the same statements for a DBA to run, for one node or a
 * cluster. Add a new entry to CLICKHOUSE_MIGRATIONS for every change; never edit an applied one.
 * ClickHouse DDL is not transactional, so every statement must be safe to run twice
 * (IF NOT EXISTS): a migration cut short is simply run again at the next open.
 */

import type { ClickHouseClient } from '@clickhouse/client'
import {
  contributionSql,
  ROLLUP_TABLES,
  type RollupTable,
  rollupKeysAdded,
  rollupSumsAdded,
  rollupTableAt,
} from '../../query/rollup-tables.js'
import { ALERT_CONFIGS_TABLE } from '../../schema/alert-configs-table.js'
import { ALERT_DELIVERIES_TABLE } from '../../schema/alert-deliveries-table.js'
import { ANOMALIES_TABLE } from '../../schema/anomalies-table.js'
import { BLOCKED_CALLS_TABLE } from '../../schema/blocked-calls-table.js'
import { BUDGETS_TABLE } from '../../schema/budgets-table.js'
import { EVENTS_TABLE, eventColumn, NULLABLE_COLUMNS } from '../../schema/events-table.js'
import { INVOICE_SYNC_TABLE } from '../../schema/invoice-sync-table.js'
import { INVOICE_TABLE } from '../../schema/invoice-table.js'
import { KEYS_TABLE } from '../../schema/keys-table.js'
import { META_TABLE } from '../../schema/meta-table.js'
import { OUTCOMES_TABLE } from '../../schema/outcomes-table.js'
import type { RecordTable } from '../../schema/record-table.js'
import { REVENUE_TABLE } from '../../schema/revenue-table.js'
import { COLUMN_TYPES, columnDdl, columnsAdded, columnsDdl } from '../../schema/table.js'
import { USERS_TABLE } from '../../schema/users-table.js'
import { migrate } from '../migrate.js'
import { fillModelFamilies } from './model-families.js'

/** Where the schema goes: a database on one node, or on every node of a cluster. */
export interface ClickHouseTarget {
  database: string
  /**
   * A cluster from the servers' `remote_servers`: tables become Replicated*, DDL runs ON CLUSTER,
   * and `events` is a Distributed table over `events_local`, sharded by event_id.
   */
  cluster?: string
}

/** Database and cluster names travel inside DDL (no bound parameters there), so only plain names. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/

export function checkTarget(target: ClickHouseTarget): void {
  if (!NAME.test(target.database))
    throw new Error(`database name must be letters, digits and _ (got ${JSON.stringify(target.database)})`)
  if (target.cluster !== undefined && !NAME.test(target.cluster))
    throw new Error(`cluster name must be letters, digits and _ (got ${JSON.stringify(target.cluster)})`)
}

/** The table that holds events on this node: `events` alone, `events_local` under a Distributed `events`. */
export function localEventsTable(target: ClickHouseTarget): string {
  return target.cluster ? 'events_local' : 'events'
}

function onCluster(target: ClickHouseTarget): string {
  return target.cluster ? ` ON CLUSTER ${target.cluster}` : ''
}

/** The table that holds a rollup table's rows on this node (`<name>_local` under a Distributed one). */
export function localRollupTable(target: ClickHouseTarget, table: RollupTable): string {
  return target.cluster ? `${table.name}_local` : table.name
}

/**
 * A table engine: plain on one node; on a cluster, replicated within each shard (`per: 'shard'`)
 * or on every node (`per: 'node'`, for the small tables that every collector reads).
 */
function engine(target: ClickHouseTarget, family: string, table: string, per: 'shard' | 'node', args = '') {
  if (!target.cluster) return `${family}(${args})`
  const path = `/clickhouse/tables/${per === 'shard' ? '{shard}' : 'all'}/${target.database}/${table}`
  return `Replicated${family}('${path}', '{replica}'${args ? `, ${args}` : ''})`
}

/**
 * The events table's sorting key: its columns as created, then those later versions added at its
 * end (the project at 4: the same event_id in two projects is two events, and ReplacingMergeTree
 * folds only equal keys). Each with the version that put it there.
 */
const EVENTS_SORTING_KEY: readonly [version: number, column: string][] = [
  [1, 'toDate(ts)'],
  [1, 'event_id'],
  [4, 'project'],
]

const eventsSortingKey = (version: number) =>
  EVENTS_SORTING_KEY.filter(([added]) => added <= version).map(([, column]) => column)

/** The version that created the rollup tables: later key columns join their sorting keys at the end. */
const ROLLUPS_CREATED = 2

/**
 * A rollup table's sorting key at `version` (the whole key of a cell, which SummingMergeTree folds
 * by): the hour, its dimensions and computed keys as created, then each key column a later version
 * added, in the order added.
 */
function rollupSortingKey(table: RollupTable, version: number): string[] {
  const created = rollupTableAt(table, 'clickhouse', ROLLUPS_CREATED)
  const key = ['hour', ...created.dimensions, ...created.computed.map(([column]) => column)]
  for (let later = ROLLUPS_CREATED + 1; later <= version; later++)
    key.push(...rollupKeysAdded(table, 'clickhouse', later))
  return key
}

/** The events table's columns at `version` (schema/events-table.ts), with the index the append uses. */
function eventsColumnsDdl(version: number): string {
  // The append looks the ids of each batch up: this index lets it skip granules without them.
  const index = 'INDEX event_id_bloom event_id TYPE bloom_filter(0.01) GRANULARITY 1'
  return `\n  ${columnsDdl(EVENTS_TABLE, 'clickhouse', version, ',\n  ')},\n  ${index}`
}

/**
 * Schema versions. Each is a list of statements (a function of the target, so one source serves
 * one node and a cluster).
 *
 * Dedupe (the same semantics as the DuckDB store: an event_id counts once, the latest ts wins):
 * - ReplacingMergeTree(ts) keeps, among rows with the same sorting key in one partition, the one
 *   with the greatest ts; every read says `events FINAL`, so the dedupe holds before background
 *   merges have happened.
 * - So the sorting key may hold nothing that differs between two versions of one event except
 *   through the day: ORDER BY (toDate(ts), event_id). The leading day lets time-range queries skip
 *   granules, and lets FINAL leave alone the parts of other days, which a key of event_id alone
 *   (random UUIDs, every part overlapping every other) would not.
 * - A newer version on another day (a retry across midnight UTC, or across a month partition) has
 *   another key, so ReplacingMergeTree cannot fold it: the append, which looks every id of a batch
 *   up first anyway, deletes the stored version before inserting the new one. Deleting first
 *   means a crash in between loses the event until the sender retries (it got no answer), rather
 *   than counting it twice for ever.
 * - On a cluster, `events` shards by cityHash64(event_id), so every version of an id meets on one
 *   shard, where FINAL folds them.
 * Limits (docs/deploy-clickhouse.md): two collectors inserting the same new id at the same moment
 * both answer `inserted` (FINAL still counts it once), and if those copies also straddle midnight
 * UTC both are kept.
 */
export const CLICKHOUSE_MIGRATIONS: ((target: ClickHouseTarget) => string[])[] = [
  // 1: events (attribution never null: `unattributed`; cost in integer nano-dollars) and meta.
  (target) => {
    const db = target.database
    const local = localEventsTable(target)
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${db}.${local}${onCluster(target)} (${eventsColumnsDdl(1)}
)
ENGINE = ${engine(target, 'ReplacingMergeTree', local, 'shard', 'ts')}
PARTITION BY toYYYYMM(ts)
ORDER BY (${eventsSortingKey(1).join(', ')})`,
    ]
    if (target.cluster) {
      statements.push(
        `CREATE TABLE IF NOT EXISTS ${db}.events${onCluster(target)} AS ${db}.${local}
ENGINE = Distributed('${target.cluster}', '${db}', '${local}', cityHash64(event_id))`,
      )
    }
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${db}.spendlens_meta${onCluster(target)} (
  ${columnsDdl(META_TABLE, 'clickhouse', 1, ',\n  ')}
)
ENGINE = ${engine(target, 'ReplacingMergeTree', 'spendlens_meta', 'node', 'updated_at')}
ORDER BY key`,
    )
    return statements
  },
  // 2: the hourly rollups (query/rollup-tables.ts; kept by the store at append and retention:
  // append.ts, retention.ts), filled from the events there are, and each event's latency bucket
  // (latency-sketch.ts: set at ingest, computed by its default for rows written before or without it).
  (target) => {
    const db = target.database
    const statements = addColumns(target, 2)
    for (const current of ROLLUP_TABLES) {
      const table = rollupTableAt(current, 'clickhouse', ROLLUPS_CREATED)
      const rollupLocal = localRollupTable(target, table)
      const key = rollupSortingKey(current, ROLLUPS_CREATED)
      statements.push(
        `CREATE TABLE IF NOT EXISTS ${db}.${rollupLocal}${onCluster(target)} (
  ${rollupColumns(table).join(',\n  ')}
)
ENGINE = ${engine(target, 'SummingMergeTree', rollupLocal, 'shard')}
PARTITION BY toYYYYMM(hour)
ORDER BY (${key.join(', ')})
SETTINGS allow_nullable_key = 1`,
      )
      if (target.cluster)
        statements.push(
          `CREATE TABLE IF NOT EXISTS ${db}.${table.name}${onCluster(target)} AS ${db}.${rollupLocal}
ENGINE = Distributed('${target.cluster}', '${db}', '${rollupLocal}', rand())`,
        )
      statements.push(...refillRollup(target, table))
    }
    return statements
  },
  // 3: API keys and dashboard users (auth/).
  (target) =>
    [KEYS_TABLE, USERS_TABLE].map((table) => createRecordTable(target, table as RecordTable<never>)),
  // 4: each event's project (schema/projects.ts); what is there is the default project's.
  (target) => addColumnsAndRollupKeys(target, 4),
  // 5: the providers' own usage and cost reports (invoice/), and where each project's sync stands.
  // Small tables every collector reads, so on a cluster each node keeps them whole.
  (target) => [
    `CREATE TABLE IF NOT EXISTS ${target.database}.${INVOICE_TABLE.name}${onCluster(target)} (
  ${columnsDdl(INVOICE_TABLE, 'clickhouse', 5, ',\n  ')}
)
ENGINE = ${engine(target, 'MergeTree', INVOICE_TABLE.name, 'node')}
ORDER BY (project, provider, source, bucket_start)`,
    createRecordTable(target, INVOICE_SYNC_TABLE as RecordTable<never>),
  ],
  // 6: the provider's own project of each event (OpenAI project, Anthropic workspace), also a key of
  // the sums rollup, so that spend is set against the invoice per project; what is there has none (NULL).
  (target) => addColumnsAndRollupKeys(target, 6),
  // 7: anomalies (anomalies/) and the log of alert messages sent to channels (alerts/).
  (target) =>
    [ANOMALIES_TABLE, ALERT_DELIVERIES_TABLE].map((table) =>
      createRecordTable(target, table as RecordTable<never>),
    ),
  // 8: each project's alerts configuration set through the API (alerts/project-alerts.ts).
  (target) => [createRecordTable(target, ALERT_CONFIGS_TABLE as RecordTable<never>)],
  // 9: the price an event was first recorded with, kept when a reprice changes it (docs/reprice.md);
  // null for every event until then. Not in the sorting key: a repriced version folds with the old.
  (target) => addColumns(target, 9),
  // 10: business outcomes and what each customer pays (economics/). An outcome id is stored once per
  // project: the sorting key is the id, folded by ReplacingMergeTree and read FINAL. Small tables,
  // kept whole on every node of a cluster.
  (target) => [
    `CREATE TABLE IF NOT EXISTS ${target.database}.${OUTCOMES_TABLE.name}${onCluster(target)} (
  ${columnsDdl(OUTCOMES_TABLE, 'clickhouse', 10, ',\n  ')}
)
ENGINE = ${engine(target, 'ReplacingMergeTree', OUTCOMES_TABLE.name, 'node')}
ORDER BY (project, id)`,
    createRecordTable(target, REVENUE_TABLE as RecordTable<never>),
  ],
  // 11: budgets defined through the API (budgets/).
  (target) => [createRecordTable(target, BUDGETS_TABLE as RecordTable<never>)],
  // 12: how many calls the SDK's budgets refused, per budget, period and process (budgets/blocked-calls.ts).
  (target) => [createRecordTable(target, BLOCKED_CALLS_TABLE as RecordTable<never>)],
  // 13: each event's model family (modelFamily), a key of both rollups; what is there gets '' here
  // and its family from fillModelFamilies at open (the catalog is JavaScript's, not SQL's).
  (target) => addColumnsAndRollupKeys(target, 13),
  // 14: the other billed units: video input and image output tokens, file searches, web fetches and
  // code-interpreter sessions (null for what is there: not counted then). Not in any sorting key.
  (target) => addColumns(target, 14),
  // 15: the catalog's price beside a cost the provider charged (computed_cost_nanos; null for what
  // is there: those events kept the charged cost alone). Not in any sorting key.
  (target) => addColumns(target, 15),
  // 16: cached audio tokens (cache_read_audio_tokens; null for what is there: not counted then).
  // Not in any sorting key.
  (target) => addColumns(target, 16),
  // 17: the charged events' sums in the rollup (a cost the provider charged and the catalog's price
  // beside it: query/charged-cost.ts), the sums rollup filled again from the events with them.
  (target) => addRollupSums(target, 17),
]

/**
 * Empties `table` (as schema `version` has it) and fills it from the events there are. Emptied
 * first, so that a migration cut short and run again does not count the events twice.
 */
function refillRollup(target: ClickHouseTarget, table: RollupTable): string[] {
  const db = target.database
  return [
    `TRUNCATE TABLE IF EXISTS ${db}.${localRollupTable(target, table)}${onCluster(target)}`,
    contributionSql('clickhouse', table, `SELECT * FROM ${db}.events FINAL`, 1, `${db}.${table.name}`),
  ]
}

/**
 * The sums added to the rollup tables at `version` (a SummingMergeTree sums every column outside
 * its key, so the new ones too), and those tables filled again from the events: a new sum is the
 * sum over the events there are, which the column's default of 0 is not.
 */
function addRollupSums(target: ClickHouseTarget, version: number): string[] {
  const db = target.database
  const type = (name: keyof typeof COLUMN_TYPES) => COLUMN_TYPES[name].clickhouse
  const statements: string[] = []
  for (const current of ROLLUP_TABLES) {
    const sums = rollupSumsAdded(current, 'clickhouse', version)
    if (sums.length === 0) continue
    const add = sums.map(([column, name]) => `ADD COLUMN IF NOT EXISTS ${column} ${type(name)}`).join(', ')
    statements.push(`ALTER TABLE ${db}.${localRollupTable(target, current)}${onCluster(target)} ${add}`)
    if (target.cluster) statements.push(`ALTER TABLE ${db}.${current.name}${onCluster(target)} ${add}`)
    statements.push(...refillRollup(target, rollupTableAt(current, 'clickhouse', version)))
  }
  return statements
}

/**
 * The events columns added at `version`, on every events table, and the rollup keys among them on
 * the rollup tables kept by them. A key column joins the end of its table's sorting key (the
 * events' when EVENTS_SORTING_KEY says so; a rollup cell is one combination of its keys), and
 * ClickHouse lets a sorting key grow only by a column added in the same ALTER; a Distributed table
 * gets the columns alone.
 */
function addColumnsAndRollupKeys(target: ClickHouseTarget, version: number): string[] {
  const db = target.database
  const add = (names: readonly string[]) =>
    names.map((name) => `ADD COLUMN IF NOT EXISTS ${columnDdl('clickhouse', eventColumn(name))}`).join(', ')
  const columns = columnsAdded(EVENTS_TABLE, 'clickhouse', version).map((column) => column.name)
  const eventsKey = EVENTS_SORTING_KEY.some(([added]) => added === version)
    ? `, MODIFY ORDER BY (${eventsSortingKey(version).join(', ')})`
    : ''
  const statements = [
    `ALTER TABLE ${db}.${localEventsTable(target)}${onCluster(target)} ${add(columns)}${eventsKey}`,
  ]
  if (target.cluster) statements.push(`ALTER TABLE ${db}.events${onCluster(target)} ${add(columns)}`)
  for (const table of ROLLUP_TABLES) {
    const keys = rollupKeysAdded(table, 'clickhouse', version)
    if (keys.length === 0) continue
    statements.push(
      `ALTER TABLE ${db}.${localRollupTable(target, table)}${onCluster(target)} ${add(keys)}, MODIFY ORDER BY (${rollupSortingKey(table, version).join(', ')})`,
    )
    if (target.cluster) statements.push(`ALTER TABLE ${db}.${table.name}${onCluster(target)} ${add(keys)}`)
  }
  return statements
}

/** A record table (schema/record-table.ts): the latest write of each key, by updated_at. */
function createRecordTable(target: ClickHouseTarget, table: RecordTable<never>): string {
  return `CREATE TABLE IF NOT EXISTS ${target.database}.${table.name}${onCluster(target)} (
  ${columnsDdl(table, 'clickhouse', undefined, ',\n  ')}
)
ENGINE = ${engine(target, 'ReplacingMergeTree', table.name, 'node', 'updated_at')}
ORDER BY ${table.key}`
}

/** The events columns added at `version` (schema/events-table.ts), on every events table of the target. */
function addColumns(target: ClickHouseTarget, version: number): string[] {
  const tables = target.cluster ? [localEventsTable(target), 'events'] : ['events']
  return tables.flatMap((table) =>
    columnsAdded(EVENTS_TABLE, 'clickhouse', version).map(
      (column) =>
        `ALTER TABLE ${target.database}.${table}${onCluster(target)} ADD COLUMN IF NOT EXISTS ${columnDdl('clickhouse', column)}`,
    ),
  )
}

/**
 * A rollup table's columns. A SummingMergeTree: its merges add up the partial rows of a cell (the
 * whole key: hour, dimensions, computed keys) and drop a cell whose sums all come to zero.
 */
function rollupColumns(table: RollupTable): string[] {
  const type = (name: keyof typeof COLUMN_TYPES) => COLUMN_TYPES[name].clickhouse
  return [
    "hour DateTime64(3, 'UTC')",
    ...table.dimensions.map(
      (dimension) =>
        `${dimension} ${NULLABLE_COLUMNS.has(dimension) ? 'LowCardinality(Nullable(String))' : 'LowCardinality(String)'}`,
    ),
    ...table.computed.map(([column, name]) => `${column} ${type(name)}`),
    ...table.sums.map(([column, name]) => `${column} ${type(name)}`),
  ]
}

export function createDatabaseStatement(target: ClickHouseTarget): string {
  checkTarget(target)
  return `CREATE DATABASE IF NOT EXISTS ${target.database}${onCluster(target)}`
}

/** The table of applied schema versions (the database must exist). */
export function schemaTableStatement(target: ClickHouseTarget): string {
  checkTarget(target)
  return `CREATE TABLE IF NOT EXISTS ${target.database}.spendlens_schema${onCluster(target)} (
  version UInt32,
  applied_at DateTime DEFAULT now()
)
ENGINE = ${engine(target, 'MergeTree', 'spendlens_schema', 'node')}
ORDER BY version`
}

/** Every statement of migration `version` (1-based). */
export function migrationStatements(target: ClickHouseTarget, version: number): string[] {
  checkTarget(target)
  const migration = CLICKHOUSE_MIGRATIONS[version - 1]
  if (!migration) throw new Error(`no ClickHouse migration ${version}`)
  return migration(target)
}

/** The full schema as a script (`spendlens clickhouse-ddl`): statements separated by `;` lines. */
export function clickhouseDdl(target: ClickHouseTarget): string {
  const header = target.cluster
    ? `-- spendlens schema for cluster ${target.cluster}, database ${target.database}.\n-- Needs the {shard} and {replica} macros on every node; run once, on any node.`
    : `-- spendlens schema for one ClickHouse node, database ${target.database}.`
  const statements = [createDatabaseStatement(target), schemaTableStatement(target)]
  CLICKHOUSE_MIGRATIONS.forEach((_, index) => {
    statements.push(...migrationStatements(target, index + 1))
  })
  const versions = CLICKHOUSE_MIGRATIONS.map((_, index) => `(${index + 1})`).join(', ')
  statements.push(`INSERT INTO ${target.database}.spendlens_schema (version) VALUES ${versions}`)
  return `${header}\n\n${statements.map((statement) => `${statement};`).join('\n\n')}\n`
}

/** Splits a script from clickhouseDdl back into statements (the test runs them one by one). */
export function splitDdl(script: string): string[] {
  return script
    .split(/;\n/)
    .map((statement) =>
      statement
        .split('\n')
        .filter((line) => !line.startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((statement) => statement.length > 0)
}

/** Applies the migrations this database has not seen yet, in order (store/migrate.ts). */
export async function migrateClickHouse(client: ClickHouseClient, target: ClickHouseTarget): Promise<void> {
  await ensureDatabase(client, target)
  await client.command({ query: schemaTableStatement(target) })
  await migrate(
    {
      async applied() {
        const result = await client.query({
          query: `SELECT max(version) AS version FROM ${target.database}.spendlens_schema`,
          format: 'JSONEachRow',
        })
        const [row] = await result.json<{ version: number | string }>()
        return Number(row?.version ?? 0)
      },
      async apply(version) {
        for (const statement of migrationStatements(target, version))
          await client.command({ query: statement })
        await client.insert({
          table: `${target.database}.spendlens_schema`,
          values: [{ version }],
          format: 'JSONEachRow',
          clickhouse_settings: { async_insert: 0 },
        })
      },
    },
    CLICKHOUSE_MIGRATIONS.length,
  )
  await fillModelFamilies(client, target.database, `${localEventsTable(target)}${onCluster(target)}`)
}

/**
 * Creates the database when it is missing. Looked up first: a user who may use an existing
 * database but not create one is refused even `CREATE DATABASE IF NOT EXISTS`.
 */
export async function ensureDatabase(client: ClickHouseClient, target: ClickHouseTarget): Promise<void> {
  const result = await client.query({
    query: 'SELECT count() AS found FROM system.databases WHERE name = {database:String}',
    query_params: { database: target.database },
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ found: number | string }>()
  if (Number(row?.found ?? 0) === 0) await client.command({ query: createDatabaseStatement(target) })
}
