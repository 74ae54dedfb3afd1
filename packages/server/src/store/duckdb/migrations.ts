import type { DuckDBConnection } from '@duckdb/node-api'
import { bucketSql } from '../../query/latency-sketch.js'
import { ROLLUP_TABLES, rollupKeysAdded } from '../../query/rollup-tables.js'
import { ALERT_CONFIGS_TABLE } from '../../schema/alert-configs-table.js'
import { ALERT_DELIVERIES_TABLE } from '../../schema/alert-deliveries-table.js'
import { ANOMALIES_TABLE } from '../../schema/anomalies-table.js'
import { BLOCKED_CALLS_TABLE } from '../../schema/blocked-calls-table.js'
import { BUDGETS_TABLE } from '../../schema/budgets-table.js'
import { hashEventId } from '../../schema/event-id-hash.js'
import { EVENTS_TABLE, eventColumn } from '../../schema/events-table.js'
import { INVOICE_SYNC_TABLE } from '../../schema/invoice-sync-table.js'
import { INVOICE_TABLE } from '../../schema/invoice-table.js'
import { KEYS_TABLE } from '../../schema/keys-table.js'
import { META_TABLE } from '../../schema/meta-table.js'
import { OUTCOMES_TABLE } from '../../schema/outcomes-table.js'
import type { RecordTable } from '../../schema/record-table.js'
import { REVENUE_TABLE } from '../../schema/revenue-table.js'
import { columnDdl, columnsAdded, columnsAt, columnsDdl } from '../../schema/table.js'
import { USERS_TABLE } from '../../schema/users-table.js'
import { migrate } from '../migrate.js'
import { fillModelFamilies } from './model-families.js'
import { ROLLUP_MIGRATION_SQL, rollupSumsMigrationSql } from './rollup-writer.js'
import { inTransaction } from './transactions.js'

/** The events columns added at `version` (schema/events-table.ts), as statements. */
function addColumns(version: number): string {
  return columnsAdded(EVENTS_TABLE, 'duckdb', version)
    .map((column) => `ALTER TABLE events ADD COLUMN ${columnDdl('duckdb', column)};`)
    .join(' ')
}

/** A record table (schema/record-table.ts), keyed by its primary key. */
const createRecordTable = (table: RecordTable<never>) =>
  `CREATE TABLE ${table.name} (${columnsDdl(table, 'duckdb')}, PRIMARY KEY (${table.key}));`

/** The events columns added at `version`, and the rollup keys among them on the rollup tables kept by them. */
function addColumnsAndRollupKeys(version: number): string {
  const keys = ROLLUP_TABLES.flatMap((table) =>
    rollupKeysAdded(table, 'duckdb', version).map(
      (name) => `ALTER TABLE ${table.name} ADD COLUMN ${columnDdl('duckdb', eventColumn(name))};`,
    ),
  )
  return [addColumns(version), ...keys].join(' ')
}

const columnNames = (version: number) =>
  columnsAt(EVENTS_TABLE, 'duckdb', version)
    .map((column) => column.name)
    .join(', ')

/**
 * Schema versions, applied in order at open (store/migrate.ts). The events table's columns come
 * from the column catalog as they stood at each version.
 */
export const MIGRATIONS: string[] = [
  // 1: the events table (attribution never null: `unattributed`; cost in integer nano-dollars).
  `CREATE TABLE events (${columnsDdl(EVENTS_TABLE, 'duckdb', 1)}, PRIMARY KEY (event_id));
   CREATE TABLE spendlens_meta (${columnsDdl(META_TABLE, 'duckdb', 1)}, PRIMARY KEY (key));`,
  // 2: a stream cut short has a partial cost. (DuckDB cannot add a NOT NULL column; ingest always sets it.)
  addColumns(2),
  // 3: image input tokens (GPT image models) and characters (per-character speech models).
  addColumns(3),
  // 4: events without the primary-key index (dedupe goes through id_hash, filled at open for the rows
  // copied here: see fillIdHashes), in time order, with their latency buckets (latency-sketch.ts);
  // the hourly rollups, built from what is there.
  `CREATE TABLE events_v4 (${columnsDdl(EVENTS_TABLE, 'duckdb', 4)});
   INSERT INTO events_v4 (${columnNames(3)}, latency_bucket) SELECT ${columnNames(3)}, ${bucketSql('latency_ms')} FROM events ORDER BY ts;
   DROP TABLE events; ALTER TABLE events_v4 RENAME TO events; ${ROLLUP_MIGRATION_SQL}`,
  // 5: API keys and dashboard users (auth/).
  [KEYS_TABLE, USERS_TABLE].map((table) => createRecordTable(table as RecordTable<never>)).join(' '),
  // 6: each event's project (schema/projects.ts), also a key of the rollups; what is there is the
  // default project's.
  addColumnsAndRollupKeys(6),
  // 7: the providers' own usage and cost reports (invoice/), and where each project's sync stands.
  `CREATE TABLE ${INVOICE_TABLE.name} (${columnsDdl(INVOICE_TABLE, 'duckdb', 7)});
   ${createRecordTable(INVOICE_SYNC_TABLE as RecordTable<never>)}`,
  // 8: the provider's own project of each event (OpenAI project, Anthropic workspace), also a key of
  // the sums rollup, so that spend is set against the invoice per project; what is there has none (NULL).
  addColumnsAndRollupKeys(8),
  // 9: anomalies (anomalies/) and the log of alert messages sent to channels (alerts/).
  [ANOMALIES_TABLE, ALERT_DELIVERIES_TABLE]
    .map((table) => createRecordTable(table as RecordTable<never>))
    .join(' '),
  // 10: each project's alerts configuration set through the API (alerts/project-alerts.ts).
  createRecordTable(ALERT_CONFIGS_TABLE as RecordTable<never>),
  // 11: the price an event was first recorded with, kept when a reprice changes it (docs/reprice.md);
  // null for every event until then.
  addColumns(11),
  // 12: business outcomes (an id stored once per project) and what each customer pays (economics/).
  `CREATE TABLE ${OUTCOMES_TABLE.name} (${columnsDdl(OUTCOMES_TABLE, 'duckdb', 12)}, PRIMARY KEY (project, id));
   ${createRecordTable(REVENUE_TABLE as RecordTable<never>)}`,
  // 13: budgets defined through the API (budgets/).
  createRecordTable(BUDGETS_TABLE as RecordTable<never>),
  // 14: how many calls the SDK's budgets refused, per budget, period and process (budgets/blocked-calls.ts).
  createRecordTable(BLOCKED_CALLS_TABLE as RecordTable<never>),
  // 15: each event's model family (modelFamily), a key of both rollups; what is there gets '' here
  // and its family from fillModelFamilies at open (the catalog is JavaScript's, not SQL's).
  addColumnsAndRollupKeys(15),
  // 16: the other billed units: video input and image output tokens, file searches, web fetches and
  // code-interpreter sessions (null for what is there: not counted then).
  addColumns(16),
  // 17: the catalog's price beside a cost the provider charged (computed_cost_nanos; null for what
  // is there: those events kept the charged cost alone).
  addColumns(17),
  // 18: cached audio tokens (cache_read_audio_tokens; null for what is there: not counted then).
  addColumns(18),
  // 19: the charged events' sums in the rollup (a cost the provider charged and the catalog's price
  // beside it: query/charged-cost.ts), the sums rollup built again from the events with them.
  rollupSumsMigrationSql(19),
]

/** Applies the migrations `connection`'s database has not seen, each in a transaction. */
export async function migrateDuckDB(connection: DuckDBConnection): Promise<void> {
  await connection.run('CREATE TABLE IF NOT EXISTS spendlens_schema (version INTEGER NOT NULL)')
  await migrate(
    {
      async applied() {
        const reader = await connection.runAndReadAll(
          'SELECT coalesce(max(version), 0) AS version FROM spendlens_schema',
        )
        return Number(reader.getRowObjects()[0]?.version ?? 0)
      },
      apply: (version) =>
        inTransaction(connection, async () => {
          await connection.run(MIGRATIONS[version - 1] as string)
          await connection.run('INSERT INTO spendlens_schema VALUES ($version)', { version })
        }),
    },
    MIGRATIONS.length,
  )
  await onceRecorded(connection, 'filled_id_hashes', () => fillIdHashes(connection))
  await onceRecorded(connection, 'filled_model_families', () => fillModelFamilies(connection))
}

/**
 * Runs a fill of rows stored before a migration once, and records in the meta table that it ran:
 * each fill scans the whole events table for rows it left empty (a second at ten million events),
 * which every later open would repeat for nothing. Rows written since the migration are never
 * empty (ingest sets them), so a recorded fill needs no second look.
 */
async function onceRecorded(connection: DuckDBConnection, key: string, fill: () => Promise<void>) {
  const done = await connection.runAndReadAll('SELECT value FROM spendlens_meta WHERE key = $key', { key })
  if (done.getRowObjects().length > 0) return
  await fill()
  await connection.run('INSERT OR REPLACE INTO spendlens_meta VALUES ($key, $value)', {
    key,
    value: new Date().toISOString(),
  })
}

/** Computes id_hash for rows stored before schema version 4 (in JavaScript: it is hashEventId). */
async function fillIdHashes(connection: DuckDBConnection) {
  const missing = await connection.runAndReadAll('SELECT event_id FROM events WHERE id_hash IS NULL')
  const eventIds = missing.getColumns()[0] ?? []
  if (eventIds.length === 0) return
  await connection.run('CREATE OR REPLACE TEMP TABLE id_hashes (event_id VARCHAR, id_hash BIGINT)')
  const appender = await connection.createAppender('id_hashes')
  for (const eventId of eventIds) {
    appender.appendVarchar(String(eventId))
    appender.appendBigInt(BigInt(hashEventId(String(eventId))))
    appender.endRow()
  }
  appender.closeSync()
  await connection.run(
    'UPDATE events SET id_hash = h.id_hash FROM id_hashes h WHERE events.event_id = h.event_id AND events.id_hash IS NULL',
  )
  await connection.run('DROP TABLE id_hashes')
}
