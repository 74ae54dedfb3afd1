import type { DuckDBConnection } from '@duckdb/node-api'
import { ROLLUP_TABLES } from '../../query/rollup-tables.js'
import { checkDroppable, PROJECT_DATA_TABLES } from '../project-tables.js'
import { inTransaction } from './transactions.js'

/**
 * Deletes a project's events, rollup rows and other data (project-tables.ts) in one transaction.
 * Answers how many events went. Runs with no append in flight.
 */
export async function dropProject(writer: DuckDBConnection, project: string): Promise<number> {
  checkDroppable(project)
  let deleted = 0
  await inTransaction(writer, async () => {
    for (const table of [...ROLLUP_TABLES.map((rollup) => rollup.name), ...PROJECT_DATA_TABLES])
      await writer.run(`DELETE FROM ${table} WHERE project = $project`, { project })
    const reader = await writer.runAndReadAll('DELETE FROM events WHERE project = $project', { project })
    deleted = Number(reader.getRows()[0]?.[0] ?? 0)
  })
  return deleted
}
