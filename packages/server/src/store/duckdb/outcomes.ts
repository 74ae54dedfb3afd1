import type { DuckDBConnection } from '@duckdb/node-api'
import { storedOutcomeIds } from '../../query/outcome-totals.js'
import type { Execute } from '../../query/run-query.js'
import { OUTCOMES_TABLE, type StoredOutcome } from '../../schema/outcomes-table.js'
import { columnsAt } from '../../schema/table.js'
import { newOutcomes } from '../outcome-statuses.js'
import type { AppendStatus } from '../store.js'
import { appendColumnValue } from './invoice-lines.js'
import { inTransaction } from './transactions.js'

/**
 * Stores the outcomes whose id `project` does not hold yet, in one transaction, through an appender
 * (the primary key refuses a second copy, so the ids are looked up first and a batch never fails on
 * one). The caller runs it exclusively, so no other append comes between the lookup and the insert.
 */
export async function appendOutcomes(
  writer: DuckDBConnection,
  execute: Execute,
  project: string,
  outcomes: readonly StoredOutcome[],
): Promise<AppendStatus[]> {
  const stored = await storedOutcomeIds(
    'duckdb',
    execute,
    project,
    outcomes.map((outcome) => outcome.id),
  )
  const { statuses, fresh } = newOutcomes(outcomes, stored)
  if (fresh.length === 0) return statuses
  const columns = columnsAt(OUTCOMES_TABLE, 'duckdb')
  await inTransaction(writer, async () => {
    const appender = await writer.createAppender(OUTCOMES_TABLE.name)
    try {
      for (const outcome of fresh) {
        for (const column of columns)
          appendColumnValue(appender, column.type, column.read({ ...outcome, project }))
        appender.endRow()
      }
    } finally {
      appender.closeSync()
    }
  })
  return statuses
}
