import type { EngineName } from './dialect.js'
import type { Execute } from './run-query.js'
import { SqlBuilder } from './sql-builder.js'

/** Which requests to look at: one project's, calls started in [from, to) (epoch ms). */
export interface HeaviestRequestsRequest {
  project: string
  from: number
  to: number
}

/** The largest request (by tokens) of one feature and prompt template in one UTC hour. */
export interface HeaviestRequest {
  /** Epoch ms of the UTC hour. */
  hour: number
  /** As stored: `unattributed` for events without one. */
  feature: string | null
  prompt_id: string | null
  /** Requests of the feature and template in that hour. */
  requests: number
  /** The largest request's input plus output tokens, its event id and its cost (null when unpriced). */
  tokens: number
  event_id: string
  cost_nanos: number | null
}

/**
 * For each UTC hour, feature and prompt template in the range, the request with the most tokens:
 * what the request-outlier detector (anomalies/request-outliers.ts) compares with the template's
 * average. Over the events themselves (a rollup keeps sums, not the largest one), the same SQL on
 * both engines; one row per hour and template, however many requests.
 */
export async function readHeaviestRequests(
  engine: EngineName,
  execute: Execute,
  request: HeaviestRequestsRequest,
): Promise<HeaviestRequest[]> {
  const sql = new SqlBuilder(engine)
  const { dialect } = sql
  const tokens = '(coalesce(input_tokens, 0) + coalesce(output_tokens, 0))'
  const hour = dialect.epochMs(dialect.utcHour)
  const where = sql.where({
    project: request.project,
    from: new Date(request.from),
    to: new Date(request.to),
    filters: [],
  })
  // An unpriced request's cost is -1 inside the aggregate: both engines' arg-max skip NULL values,
  // which would answer another request's cost.
  const rows = await execute({
    sql: `SELECT ${hour} AS hour_ms, feature, prompt_id, ${dialect.count} AS requests, max(${tokens}) AS tokens, ${dialect.argMax('event_id', tokens)} AS event_id, ${dialect.argMax('coalesce(cost_nanos, -1)', tokens)} AS cost_nanos FROM ${dialect.table}${where} GROUP BY ${hour}, feature, prompt_id${dialect.settings}`,
    params: sql.params,
    types: sql.types,
  })
  return rows.map((row) => {
    const cost = Number(row.cost_nanos)
    return {
      hour: Number(row.hour_ms),
      feature: row.feature === null || row.feature === undefined ? null : String(row.feature),
      prompt_id: row.prompt_id === null || row.prompt_id === undefined ? null : String(row.prompt_id),
      requests: Number(row.requests),
      tokens: Number(row.tokens),
      event_id: String(row.event_id),
      cost_nanos: cost < 0 ? null : cost,
    }
  })
}
