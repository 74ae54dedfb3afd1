import { queryInParts } from '../query/query-in-parts.js'
import type { TemplateHour } from '../query/template-hours.js'
import type { Store } from '../store/store.js'
import { type Candidate, isNobody, type Thresholds } from './detector.js'
import { HOUR_MS } from './hourly-series.js'

const DAY_MS = 24 * HOUR_MS
const WEEK_DAYS = 7

/** A feature and template's requests over one UTC day, from the rollups. */
interface Day {
  requests: number
  priced: number
  tokens: number
  cost: number
}

const templateKey = (feature: unknown, promptId: unknown) => `${feature ?? ''}\u0000${promptId ?? ''}`

/**
 * Request outliers: a single request with `outlierRatio`× or more the average tokens (input plus
 * output) of its feature and prompt template over the 7 UTC days before its day, costing
 * `outlierMinUsd` or more above their average request; the average needs `outlierMinRequests`
 * requests. Read from the largest request of each hour, feature and template (`templateHours`,
 * from the events: query/template-hours.ts) and the daily sums of the rollups. Scoped to the template (its
 * feature when it has none); several outliers of one template in one hour are one, the largest.
 *
 * Answers the candidates as indexes of hours from `from`.
 */
export async function requestOutliers(
  store: Store,
  project: string,
  from: number,
  to: number,
  thresholds: Thresholds,
  templateHours: readonly TemplateHour[],
): Promise<Candidate[]> {
  if (templateHours.length === 0) return []
  const firstDay = Math.floor(from / DAY_MS) - WEEK_DAYS
  const rows = await queryInParts(
    (query) => store.query(query),
    {
      project,
      from: new Date(firstDay * DAY_MS),
      to: new Date(Math.ceil(to / DAY_MS) * DAY_MS),
      timeZone: 'UTC',
      bucket: 'day',
      filters: [],
      groupBy: ['feature', 'prompt_id'],
      metrics: ['requests', 'total_tokens', 'cost_usd', 'unpriced_count'],
    },
    DAY_MS,
  )
  const days = new Map<string, Map<number, Day>>()
  for (const row of rows) {
    const key = templateKey(row.feature, row.prompt_id)
    const byDay = days.get(key) ?? new Map<number, Day>()
    days.set(key, byDay)
    const requests = Number(row.requests ?? 0)
    byDay.set(Math.floor(Date.parse(String(row.bucket_start)) / DAY_MS), {
      requests,
      priced: requests - Number(row.unpriced_count ?? 0),
      tokens: Number(row.total_tokens ?? 0),
      cost: Number(row.cost_usd ?? 0),
    })
  }
  const found: Candidate[] = []
  for (const { heaviest: request, ...template } of templateHours) {
    if (request.cost_nanos === null) continue
    const day = Math.floor(template.hour / DAY_MS)
    const week = { requests: 0, priced: 0, tokens: 0, cost: 0 }
    const byDay = days.get(templateKey(template.feature, template.prompt_id))
    for (let before = day - WEEK_DAYS; before < day; before++) {
      const figures = byDay?.get(before)
      if (!figures) continue
      week.requests += figures.requests
      week.priced += figures.priced
      week.tokens += figures.tokens
      week.cost += figures.cost
    }
    if (week.requests < thresholds.outlierMinRequests || week.priced === 0) continue
    const averageTokens = week.tokens / week.requests
    const excessUsd = request.cost_nanos / 1e9 - week.cost / week.priced
    if (request.tokens < thresholds.outlierRatio * averageTokens || excessUsd < thresholds.outlierMinUsd)
      continue
    const named = template.prompt_id !== null && !isNobody(template.prompt_id)
    found.push({
      kind: 'request_outlier',
      dimension: named ? 'prompt_id' : 'feature',
      value: (named ? template.prompt_id : template.feature) ?? 'unattributed',
      hour: Math.round((template.hour - from) / HOUR_MS),
      measure: 'tokens_per_request',
      observed: request.tokens,
      expected: averageTokens,
      excessUsd,
    })
  }
  return found
}
