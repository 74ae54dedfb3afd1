import type { AnalyticsQuery, QueryRow } from '../api/api-types.js'
import { compileOthers, compileQuery, readRow } from './compile-query.js'
import type { EngineName } from './dialect.js'
import type { CompiledQuery } from './sql-builder.js'

/** Runs compiled SQL on one engine and answers plain row objects. */
export type Execute = (compiled: CompiledQuery) => Promise<Record<string, unknown>[]>

/** An answer without a limit would have had more rows than QUERY_CAPS.rows (analytics-query.ts). */
export class TooManyRowsError extends Error {
  constructor(readonly cap: number) {
    super(
      `limit: the answer has more than ${cap} rows; set a limit of at most ${cap}, narrow the time range or the filters, or use fewer group-bys or a coarser bucket`,
    )
    this.name = 'TooManyRowsError'
  }
}

/** An AnalyticsQuery on any engine: the main query, then the exact "everything else" row when asked. */
export async function runAnalyticsQuery(
  engine: EngineName,
  execute: Execute,
  query: AnalyticsQuery,
): Promise<QueryRow[]> {
  const rows = (await execute(compileQuery(engine, query))).map((raw) => readRow(raw, query))
  if (!query.others || query.limit === undefined || rows.length < query.limit) return rows
  const [others] = (await execute(compileOthers(engine, query, rows))).map((raw) => readRow(raw, query))
  if (!others || others.requests === 0) return rows
  return [...rows, { ...others, others: true }]
}
