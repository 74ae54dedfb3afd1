import type { RecordTable } from '../schema/record-table.js'
import { columnsAt, type EngineName } from '../schema/table.js'
import { DIALECTS } from './dialect.js'
import type { Execute } from './run-query.js'

/** Every record of a record table, read the same way on both engines (the latest write of each key). */
export async function readRecords<R>(
  engine: EngineName,
  execute: Execute,
  table: RecordTable<R>,
): Promise<R[]> {
  const names = columnsAt(table, engine)
    .filter((column) => column.name !== 'updated_at')
    .map((column) => column.name)
  const rows = await execute({
    sql: `SELECT ${names.join(', ')} FROM ${DIALECTS[engine].latest(table.name)} ORDER BY ${table.key}`,
    params: {},
    types: {},
  })
  return rows.map((row) => {
    const values: Record<string, string | number | boolean | null> = {}
    for (const name of names) {
      const value = row[name]
      values[name] =
        typeof value === 'bigint'
          ? Number(value)
          : ((value as string | number | boolean | null | undefined) ?? null)
    }
    return table.fromRow(values)
  })
}
