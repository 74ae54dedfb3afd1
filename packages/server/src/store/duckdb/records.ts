import type { DuckDBConnection } from '@duckdb/node-api'
import type { RecordTable } from '../../schema/record-table.js'
import { columnsAt } from '../../schema/table.js'
import { inTransaction } from './transactions.js'

/** Writes whole records, replacing those with the same key (the table's primary key), in one transaction. */
export async function writeRecords<R>(
  writer: DuckDBConnection,
  table: RecordTable<R>,
  records: readonly R[],
): Promise<void> {
  const columns = columnsAt(table, 'duckdb')
  const sql = `INSERT OR REPLACE INTO ${table.name} (${columns.map((column) => column.name).join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`
  await inTransaction(writer, async () => {
    for (const record of records)
      await writer.run(
        sql,
        columns.map((column) => column.read(record) as string | number | boolean | null),
      )
  })
}
