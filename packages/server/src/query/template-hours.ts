import type { EngineName } from './dialect.js'
import type { Execute } from './run-query.js'
import { SqlBuilder } from './sql-builder.js'

/** Which requests to look at: one project's, calls started in [from, to) (epoch ms). */
export interface TemplateHoursRequest {
  project: string
  from: number
  to: number
}

/** One feature and prompt template's requests in one UTC hour: the largest of them and their lower quartile. */
export interface TemplateHour {
  /** Epoch ms of the UTC hour. */
  hour: number
  /** As stored: `unattributed` for events without one. */
  feature: string | null
  prompt_id: string | null
  /** Requests of the feature and template in that hour. */
  requests: number
  /** The largest request by input plus output tokens: its tokens, event id and cost (null when unpriced). */
  heaviest: { tokens: number; event_id: string; cost_nanos: number | null }
  /**
   * The lower quartile of the requests' input tokens, and of the priced ones' cost (null when none
   * is): three in four requests are at least this large.
   */
  lower_quartile: { input_tokens: number; cost_nanos: number | null }
}

/**
 * For each UTC hour, feature and prompt template in the range, the request with the most tokens
 * (what the request-outlier detector, anomalies/request-outliers.ts, compares with the template's
 * average) and the lower quartile of its requests (what tells prompt drift,
 * anomalies/template-detectors.ts, that most of an hour's calls grew, not a few of them). Over the
 * events themselves (a rollup keeps sums, not the largest or a quantile), the same SQL on both
 * engines; one row per hour and template, however many requests.
 */
export async function readTemplateHours(
  engine: EngineName,
  execute: Execute,
  request: TemplateHoursRequest,
): Promise<TemplateHour[]> {
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
  // An unpriced request's cost is -1 inside the arg-max: both engines' arg-max skip NULL values,
  // which would answer another request's cost. The quartile of costs skips them (NULL) on both.
  const rows = await execute({
    sql: `SELECT ${hour} AS hour_ms, feature, prompt_id, ${dialect.count} AS requests, max(${tokens}) AS tokens, ${dialect.argMax('event_id', tokens)} AS event_id, ${dialect.argMax('coalesce(cost_nanos, -1)', tokens)} AS cost_nanos, ${dialect.quantile(0.25, 'coalesce(input_tokens, 0)')} AS quartile_input_tokens, ${dialect.quantile(0.25, 'cost_nanos')} AS quartile_cost_nanos FROM ${dialect.table}${where} GROUP BY ${hour}, feature, prompt_id${dialect.settings}`,
    params: sql.params,
    types: sql.types,
  })
  const nullable = (value: unknown) => (value === null || value === undefined ? null : String(value))
  return rows.map((row) => {
    const cost = Number(row.cost_nanos)
    const quartileCost = row.quartile_cost_nanos === null ? Number.NaN : Number(row.quartile_cost_nanos)
    return {
      hour: Number(row.hour_ms),
      feature: nullable(row.feature),
      prompt_id: nullable(row.prompt_id),
      requests: Number(row.requests),
      heaviest: {
        tokens: Number(row.tokens),
        event_id: String(row.event_id),
        cost_nanos: cost < 0 ? null : cost,
      },
      lower_quartile: {
        input_tokens: Number(row.quartile_input_tokens),
        cost_nanos: Number.isFinite(quartileCost) ? quartileCost : null,
      },
    }
  })
}
