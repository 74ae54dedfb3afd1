import type { AnalyticsQuery, QueryRow } from '../api/api-types.js'
import { TooManyRowsError } from './run-query.js'

/**
 * Rows asked for at once: twenty times the API's cap (QUERY_CAPS.rows, which is for answers a
 * dashboard draws), still a small part of the server's memory.
 */
export const PART_ROWS = 200_000

/**
 * Runs a time-ranged query (through `run`, a store's query) whose answer may be long: in one piece
 * of up to PART_ROWS rows when it fits, else its range halved on `step` boundaries (a bucketed
 * query's buckets stay whole), each half the same way. For readers that need every row
 * (reconciliation, anomaly detection), not for the dashboard, whose answers are capped on purpose.
 */
export async function queryInParts(
  run: (query: AnalyticsQuery) => Promise<QueryRow[]>,
  query: AnalyticsQuery & { from: Date; to: Date },
  stepMs: number,
  partRows = PART_ROWS,
): Promise<QueryRow[]> {
  const rows = await run({ ...query, limit: partRows + 1 })
  if (rows.length <= partRows) return rows
  const steps = Math.floor((query.to.getTime() - query.from.getTime()) / stepMs)
  if (steps < 2) throw new TooManyRowsError(partRows)
  const middle = new Date(query.from.getTime() + Math.floor(steps / 2) * stepMs)
  return [
    ...(await queryInParts(run, { ...query, to: middle }, stepMs, partRows)),
    ...(await queryInParts(run, { ...query, from: middle }, stepMs, partRows)),
  ]
}
