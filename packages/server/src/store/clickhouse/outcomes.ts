import type { ClickHouseClient } from '@clickhouse/client'
import { storedOutcomeIds } from '../../query/outcome-totals.js'
import type { Execute } from '../../query/run-query.js'
import { OUTCOMES_TABLE, type StoredOutcome } from '../../schema/outcomes-table.js'
import { columnsAt } from '../../schema/table.js'
import { newOutcomes } from '../outcome-statuses.js'
import type { AppendStatus } from '../store.js'

/**
 * Stores the outcomes whose id `project` does not hold yet, in one insert. The caller runs it
 * exclusively within this process; two collectors storing the same new id at the same moment both
 * answer `inserted`, and ReplacingMergeTree keeps one copy (reads say FINAL), as for events.
 */
export async function appendOutcomes(
  client: ClickHouseClient,
  execute: Execute,
  project: string,
  outcomes: readonly StoredOutcome[],
): Promise<AppendStatus[]> {
  const stored = await storedOutcomeIds(
    'clickhouse',
    execute,
    project,
    outcomes.map((outcome) => outcome.id),
  )
  const { statuses, fresh } = newOutcomes(outcomes, stored)
  if (fresh.length === 0) return statuses
  const columns = columnsAt(OUTCOMES_TABLE, 'clickhouse')
  await client.insert({
    table: OUTCOMES_TABLE.name,
    values: fresh.map((outcome) =>
      Object.fromEntries(columns.map((column) => [column.name, column.read({ ...outcome, project })])),
    ),
    format: 'JSONEachRow',
    clickhouse_settings: { async_insert: 0 },
  })
  return statuses
}
