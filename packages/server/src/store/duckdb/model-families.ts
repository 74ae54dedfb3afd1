import type { DuckDBConnection } from '@duckdb/node-api'
import { modelFamily } from 'spendlens/internal'
import { ROLLUP_TABLES } from '../../query/rollup-tables.js'
import { inTransaction } from './transactions.js'

/**
 * Gives rows stored before the events had a `model_family` (schema version 15 added it as '') their
 * family, in the events and in the rollups kept by it, in one transaction. A family is a function of
 * the provider and the model (modelFamily), which every rollup keeps too, so the rollups are
 * relabelled in place rather than rebuilt. Run at open until it has run once (migrations.ts records it).
 */
export async function fillModelFamilies(connection: DuckDBConnection): Promise<void> {
  const missing = await connection.runAndReadAll(
    "SELECT DISTINCT provider, model FROM events WHERE model_family = ''",
  )
  const pairs = missing.getRowObjects().map((row) => [String(row.provider), String(row.model)] as const)
  if (pairs.length === 0) return
  await inTransaction(connection, async () => {
    await connection.run(
      'CREATE OR REPLACE TEMP TABLE model_families (provider VARCHAR, model VARCHAR, model_family VARCHAR)',
    )
    const appender = await connection.createAppender('model_families')
    for (const [provider, model] of pairs) {
      appender.appendVarchar(provider)
      appender.appendVarchar(model)
      appender.appendVarchar(modelFamily(provider, model))
      appender.endRow()
    }
    appender.closeSync()
    const tables = ['events', ...ROLLUP_TABLES.map((table) => table.name)]
    for (const table of tables)
      await connection.run(
        `UPDATE ${table} SET model_family = f.model_family FROM model_families f WHERE ${table}.model_family = '' AND ${table}.provider = f.provider AND ${table}.model = f.model`,
      )
    await connection.run('DROP TABLE model_families')
  })
}
