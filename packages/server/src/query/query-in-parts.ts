import type { AnalyticsQuery, QueryRow } from '../api/api-types.js'
import { TooManyRowsError } from './run-query.js'

/**
 * Runs a time-ranged query (through `run`, a store's query) whose answer may pass the query model's row cap (QUERY_CAPS.rows): in
 * one piece when it fits, else its range halved on `step` boundaries (a bucketed query's buckets
 * stay whole), each half the same way. For readers that need every row (reconciliation, anomaly
 * detection), not for the dashboard, whose answers are capped on purpose.
 */
export async function queryInParts(
  run: (query: AnalyticsQuery) => Promise<QueryRow[]>,
  query: AnalyticsQuery & { from: Date; to: Date },
  stepMs: number,
): Promise<QueryRow[]> {
  try {
    return await run(query)
  } catch (error) {
    const steps = Math.floor((query.to.getTime() - query.from.getTime()) / stepMs)
    if (!(error instanceof TooManyRowsError) || steps < 2) throw error
    const middle = new Date(query.from.getTime() + Math.floor(steps / 2) * stepMs)
    return [
      ...(await queryInParts(run, { ...query, to: middle }, stepMs)),
      ...(await queryInParts(run, { ...query, from: middle }, stepMs)),
    ]
  }
}
