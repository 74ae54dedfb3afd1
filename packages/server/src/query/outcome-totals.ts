import type { Filter } from '../api/api-types.js'
import { OUTCOMES_TABLE, type StoredOutcome } from '../schema/outcomes-table.js'
import { columnsAt } from '../schema/table.js'
import type { EngineName } from './dialect.js'
import type { Execute } from './run-query.js'
import { SqlBuilder } from './sql-builder.js'

/** The dimensions an outcome has of the query model's: what its filters may apply to. */
export const OUTCOME_DIMENSIONS = ['feature', 'customer_id'] as const
export type OutcomeDimension = (typeof OUTCOME_DIMENSIONS)[number]

/** Which outcomes to count: one project's, in [from, to) (epoch ms), by what. */
export interface OutcomeTotalsRequest {
  project: string
  from?: number
  to?: number
  /** Filters on `feature` and `customer_id` (others are not an outcome's). */
  filters: readonly Filter[]
  by: OutcomeDimension
}

/** How many outcomes of one kind there were for one feature (or customer), and what they were worth. */
export interface OutcomeTotalRow {
  /** The feature or customer, as stored (`unattributed` when the outcome named none). */
  key: string
  outcome: string
  outcomes: number
  /** Sum of the values sent with them, nano-dollars; null when none had one. */
  value_nanos: number | null
}

/** The outcomes table as reads see it: ClickHouse keeps each id once after merges, FINAL before. */
const outcomesTable = (engine: EngineName) =>
  engine === 'clickhouse' ? `${OUTCOMES_TABLE.name} FINAL` : OUTCOMES_TABLE.name

function where(sql: SqlBuilder, request: Pick<OutcomeTotalsRequest, 'project' | 'from' | 'to' | 'filters'>) {
  const conditions = [`project = ${sql.bind(request.project)}`]
  if (request.from !== undefined) conditions.push(`ts_ms >= ${sql.bind(request.from)}`)
  if (request.to !== undefined) conditions.push(`ts_ms < ${sql.bind(request.to)}`)
  for (const filter of request.filters) {
    if ((OUTCOME_DIMENSIONS as readonly string[]).includes(filter.dimension))
      conditions.push(sql.filter(filter))
  }
  return ` WHERE ${conditions.join(' AND ')}`
}

/** Outcomes by feature or customer and kind, the same SQL on both engines. */
export async function readOutcomeTotals(
  engine: EngineName,
  execute: Execute,
  request: OutcomeTotalsRequest,
): Promise<OutcomeTotalRow[]> {
  const sql = new SqlBuilder(engine)
  const { dialect } = sql
  // `by` is one of two names, never a value: a column from the list above.
  const key = request.by === 'feature' ? 'feature' : 'customer_id'
  const rows = await execute(
    sql.done(
      `SELECT ${key} AS group_key, outcome, ${dialect.count} AS outcomes, ${dialect.sumOrNull('value_nanos')} AS value_nanos FROM ${outcomesTable(engine)}${where(sql, request)} GROUP BY ${key}, outcome ORDER BY ${key}, outcome`,
    ),
  )
  return rows.map((row) => ({
    key: String(row.group_key),
    outcome: String(row.outcome),
    outcomes: Number(row.outcomes),
    value_nanos: row.value_nanos === null || row.value_nanos === undefined ? null : Number(row.value_nanos),
  }))
}

/** Of `ids`, those `project` already holds (the append's dedupe), on either engine. */
export async function storedOutcomeIds(
  engine: EngineName,
  execute: Execute,
  project: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>()
  // A few hundred bound values a statement.
  for (let start = 0; start < ids.length; start += 500) {
    const sql = new SqlBuilder(engine)
    const chunk = ids.slice(start, start + 500)
    const rows = await execute(
      sql.done(
        `SELECT id FROM ${outcomesTable(engine)} WHERE project = ${sql.bind(project)} AND id IN (${chunk.map((id) => sql.bind(id)).join(', ')})`,
      ),
    )
    for (const row of rows) found.add(String(row.id))
  }
  return found
}

/**
 * Every outcome of `project` (of every project when not given), in pages of `batchSize`, oldest
 * first per project: what export carries (data-transfer/economics-transfer.ts).
 */
export async function* exportOutcomePages(
  engine: EngineName,
  execute: Execute,
  batchSize: number,
  project?: string,
): AsyncIterable<StoredOutcome[]> {
  const columns = columnsAt(OUTCOMES_TABLE, engine)
  let after: StoredOutcome | undefined
  for (;;) {
    const sql = new SqlBuilder(engine)
    const conditions: string[] = []
    if (project !== undefined) conditions.push(`project = ${sql.bind(project)}`)
    if (after) {
      const [p, t, i] = [sql.bind(after.project), sql.bind(after.ts_ms), sql.bind(after.id)]
      conditions.push(
        `(project > ${p} OR (project = ${p} AND (ts_ms > ${t} OR (ts_ms = ${t} AND id > ${i}))))`,
      )
    }
    const rows = await execute(
      sql.done(
        `SELECT ${columns.map((column) => column.name).join(', ')} FROM ${outcomesTable(engine)}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY project, ts_ms, id LIMIT ${sql.bind(batchSize)}`,
      ),
    )
    if (rows.length === 0) return
    const page = rows.map(
      (row): StoredOutcome => ({
        project: String(row.project),
        id: String(row.id),
        ts_ms: Number(row.ts_ms),
        outcome: String(row.outcome),
        customer_id: String(row.customer_id),
        feature: String(row.feature),
        value_nanos:
          row.value_nanos === null || row.value_nanos === undefined ? null : Number(row.value_nanos),
        received_ms: Number(row.received_ms),
      }),
    )
    yield page
    if (page.length < batchSize) return
    after = page[page.length - 1]
  }
}
