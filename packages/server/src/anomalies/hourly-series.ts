import type { BaseDimension } from '../api/api-types.js'
import { queryInParts } from '../query/query-in-parts.js'
import type { Store } from '../store/store.js'

export const HOUR_MS = 3_600_000

/** One value's hours: cost in dollars, requests, input tokens, failed requests, calls of unknown price. */
export interface HourlyValues {
  cost: Float64Array
  requests: Float64Array
  inputTokens: Float64Array
  errors: Float64Array
  unpriced: Float64Array
  /** The first hour (index) with any request: a value seen only lately has no history to compare with. */
  firstSeen: number
  /**
   * The lower quartile of the requests' input tokens and cost in dollars, hour by hour, where read
   * (NaN elsewhere): for templates, over the hours prompt drift looks at (lower-quartiles.ts).
   */
  quartileInputTokens?: Float64Array
  quartileCost?: Float64Array
}

/** Every value of one dimension, hour by hour from `start` (epoch ms, a whole UTC hour). */
export interface DimensionSeries {
  dimension: BaseDimension
  start: number
  hours: number
  values: Map<string, HourlyValues>
}

/**
 * A dimension's hourly figures over [from, to) from the hourly rollups (the query model picks
 * them; a dimension they do not keep, such as user_id, is read from the events), in as many queries as the row cap needs (query-in-parts.ts). Both engines answer the
 * same query, so the detectors run unchanged on either.
 */
export async function readHourlySeries(
  store: Store,
  project: string,
  dimension: BaseDimension,
  from: number,
  to: number,
): Promise<DimensionSeries> {
  const hours = Math.round((to - from) / HOUR_MS)
  const rows = await queryInParts(
    (query) => store.query(query),
    {
      project,
      from: new Date(from),
      to: new Date(to),
      timeZone: 'UTC',
      bucket: 'hour',
      filters: [],
      groupBy: [dimension],
      metrics: ['cost_usd', 'requests', 'input_tokens', 'error_rate', 'unpriced_count'],
    },
    HOUR_MS,
  )
  const values = new Map<string, HourlyValues>()
  for (const row of rows) {
    const value = String(row[dimension] ?? 'null')
    let series = values.get(value)
    if (!series) {
      series = {
        cost: new Float64Array(hours),
        requests: new Float64Array(hours),
        inputTokens: new Float64Array(hours),
        errors: new Float64Array(hours),
        unpriced: new Float64Array(hours),
        firstSeen: hours,
      }
      values.set(value, series)
    }
    const index = Math.round((Date.parse(String(row.bucket_start)) - from) / HOUR_MS)
    if (index < 0 || index >= hours) continue
    const requests = Number(row.requests ?? 0)
    series.cost[index] = Number(row.cost_usd ?? 0)
    series.requests[index] = requests
    series.inputTokens[index] = Number(row.input_tokens ?? 0)
    series.errors[index] = Math.round(Number(row.error_rate ?? 0) * requests)
    series.unpriced[index] = Number(row.unpriced_count ?? 0)
    if (requests > 0) series.firstSeen = Math.min(series.firstSeen, index)
  }
  return { dimension, start: from, hours, values }
}
