import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { toStoreRow } from 'spendlens/internal'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeParquetFile } from '../src/data-transfer/parquet-file.js'
import { generateDemoEvents } from '../src/demo/demo-data.js'
import { ROLLUP_TABLES, rollupContributions } from '../src/query/rollup-tables.js'
import {
  EVENT_FIELDS,
  EVENTS_TABLE,
  eventColumns,
  ROLLUP_SOURCE_COLUMNS,
} from '../src/schema/events-table.js'
import { COLUMN_TYPES, columnType, type EngineName } from '../src/schema/table.js'
import { encodeRows } from '../src/store/clickhouse/encode-rows.js'
import { MIGRATIONS, openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { encodeEvents, STAGING_COLUMNS } from '../src/store/duckdb/encode-columns.js'
import { createChdbClient, openStore } from '../src/store/open-store.js'

// The column catalog (schema/events-table.ts) is the one definition of the events table: these
// tests hold every consumer to it, so a column added there without its migration, or a consumer
// that keeps a list of its own, fails here.

let folder: string
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-catalog-'))
})
afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

const names = (engine: EngineName) => eventColumns(engine).map((column) => column.name)

/** DuckDB describes TIMESTAMPTZ by its long name. */
const shortType = (type: unknown) => String(type).replace('TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ')
// A fixed end: a day that ends at now holds no events just after midnight UTC.
const sample = generateDemoEvents({
  now: new Date('2026-11-18T18:00:00Z'),
  days: 1,
  dailyRequests: 20,
  seed: 3,
})

/** name → "TYPE NULL|NOT NULL" of DuckDB's events table in the database at `path`. */
async function describeDuckDB(path: string): Promise<Record<string, string>> {
  const instance = await DuckDBInstance.create(path)
  const connection = await instance.connect()
  try {
    const reader = await connection.runAndReadAll('DESCRIBE events')
    return Object.fromEntries(
      reader
        .getRowObjects()
        .map((row) => [
          String(row.column_name),
          `${shortType(row.column_type)} ${row.null === 'YES' ? 'NULL' : 'NOT NULL'}`,
        ]),
    )
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** What the catalog says DuckDB's events table is: a column with a default stays nullable (columnDdl). */
const expectedDuckDB = () =>
  Object.fromEntries(
    eventColumns('duckdb').map((column) => [
      column.name,
      `${COLUMN_TYPES[column.type].duckdb} ${column.nullable || column.defaults?.duckdb !== undefined ? 'NULL' : 'NOT NULL'}`,
    ]),
  )

describe('the events column catalog', () => {
  it('is the DuckDB events table a new store migrates to', async () => {
    const path = join(folder, 'new.duckdb')
    await (await openDuckDBStore(path)).close()
    expect(await describeDuckDB(path)).toEqual(expectedDuckDB())
  })

  it('is the DuckDB events table a store of schema version 1 is upgraded to', async () => {
    const path = join(folder, 'v1.duckdb')
    const instance = await DuckDBInstance.create(path)
    const connection = await instance.connect()
    await connection.run('CREATE TABLE spendlens_schema (version INTEGER NOT NULL)')
    await connection.run(MIGRATIONS[0] as string)
    await connection.run('INSERT INTO spendlens_schema VALUES (1)')
    connection.closeSync()
    instance.closeSync()
    await (await openDuckDBStore(path)).close()
    expect(await describeDuckDB(path)).toEqual(expectedDuckDB())
  })

  it('is the ClickHouse events table, type for type', async () => {
    const path = join(folder, 'chdb')
    await (await openStore(`chdb://${path}`)).close()
    const client = await createChdbClient(path)
    try {
      const result = await client.query({ query: 'DESCRIBE TABLE events', format: 'JSONEachRow' })
      const described = await result.json<{ name: string; type: string }>()
      expect(Object.fromEntries(described.map((row) => [row.name, row.type]))).toEqual(
        Object.fromEntries(
          eventColumns('clickhouse').map((column) => [column.name, columnType('clickhouse', column)]),
        ),
      )
    } finally {
      await client.close()
    }
  })

  it('is what ingest encodes for each engine: DuckDB staging columns and ClickHouse rows', () => {
    expect(STAGING_COLUMNS.map((column) => column.name)).toEqual(names('duckdb'))
    const columns = encodeEvents(sample)
    expect(columns.columns).toHaveLength(names('duckdb').length)
    const rows = encodeRows(sample)
    for (const record of rows.records) expect(Object.keys(record)).toEqual(names('clickhouse'))
  })

  it('names every CostEvent field as the store keeps it, for the event log, export and import', () => {
    expect([...EVENT_FIELDS].sort()).toEqual(Object.keys(toStoreRow(sample[0] as never)).sort())
    // Every column is either a field or kept for the store alone, and each engine keeps every field.
    for (const engine of ['duckdb', 'clickhouse'] as const)
      expect(names(engine).filter((name) => (EVENT_FIELDS as string[]).includes(name))).toEqual(EVENT_FIELDS)
  })

  it('is the Parquet schema of an export', async () => {
    const path = join(folder, 'events.parquet')
    await writeParquetFile(
      path,
      (async function* () {
        yield sample
      })(),
    )
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    try {
      const reader = await connection.runAndReadAll('DESCRIBE SELECT * FROM read_parquet($path)', { path })
      const described = reader
        .getRowObjects()
        .map((row) => [String(row.column_name), shortType(row.column_type)])
      expect(described).toEqual(
        EVENTS_TABLE.columns
          .filter((column) => column.field || column.recorded)
          .map((column) => [column.name, COLUMN_TYPES[column.type].parquet]),
      )
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  })

  it('names every column a rollup contribution needs, so a replaced version read back with them takes back what it added', () => {
    // ClickHouse reads a replaced version back with ROLLUP_SOURCE_COLUMNS only (store/clickhouse/append.ts).
    const whole = encodeRows(sample).records
    const readBack = whole.map(
      (record) =>
        Object.fromEntries(
          ['ts', ...ROLLUP_SOURCE_COLUMNS].map((name) => [name, record[name as keyof typeof record]]),
        ) as typeof record,
    )
    for (const table of ROLLUP_TABLES) {
      for (const dimension of table.dimensions) expect(ROLLUP_SOURCE_COLUMNS).toContain(dimension)
      expect(rollupContributions(table, readBack, -1)).toEqual(rollupContributions(table, whole, -1))
    }
  })
})
