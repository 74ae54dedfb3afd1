import { UNATTRIBUTED } from 'spendlens'
import { NANOS_PER_USD } from 'spendlens/internal'
import type {
  CostPerOutcomeRow,
  CustomerMargin,
  Filter,
  QueryRow,
  UnitEconomicsAnswer,
} from '../api/api-types.js'
import { QUERY_CAPS } from '../query/analytics-query.js'
import { OUTCOME_DIMENSIONS } from '../query/outcome-totals.js'
import type { QueryOptions } from '../query/time-limit.js'
import type { Store } from '../store/store.js'
import { readRevenue, revenueOverPeriod } from './revenue.js'

/**
 * Unit economics (docs/decisions.md): what the LLM calls cost per business outcome, feature by
 * feature, and what each customer leaves once its LLM cost is paid. The cost is the query model's
 * (rollups; the same figures as every view); outcomes and revenue are the project's own tables.
 */

/** The share of a customer's revenue past which its LLM cost is flagged, unless asked otherwise. */
export const DEFAULT_MAX_COST_SHARE = 0.2

export interface UnitEconomicsQuestion {
  project: string
  from?: Date
  to?: Date
  filters: readonly Filter[]
  maxCostShare?: number
  /** Customers answered, the flagged ones first (default 200). */
  limit?: number
}

const toNanos = (usd: number | null | undefined) =>
  usd === null || usd === undefined ? null : Math.round(usd * NANOS_PER_USD)
const usd = (nanos: number) => nanos / NANOS_PER_USD

/** Cost (nano-dollars) by one dimension in scope: the top QUERY_CAPS.rows values, and whether there were more. */
async function costBy(
  store: Pick<Store, 'query'>,
  question: UnitEconomicsQuestion,
  dimension: 'feature' | 'customer_id',
  options?: QueryOptions,
): Promise<{ costs: Map<string, number | null>; truncated: boolean }> {
  const rows: QueryRow[] = await store.query(
    {
      project: question.project,
      from: question.from,
      to: question.to,
      timeZone: 'UTC',
      filters: [...question.filters],
      groupBy: [dimension],
      metrics: ['cost_usd', 'requests'],
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit: QUERY_CAPS.rows,
    },
    options,
  )
  return {
    costs: new Map(rows.map((row) => [String(row[dimension]), toNanos(row.cost_usd)])),
    truncated: rows.length === QUERY_CAPS.rows,
  }
}

/** Cost per outcome by feature and kind, and each customer's margin, over the period in scope. */
export async function unitEconomics(
  store: Pick<Store, 'query' | 'outcomeTotals' | 'readRecords' | 'stats'>,
  question: UnitEconomicsQuestion,
  options?: QueryOptions,
): Promise<UnitEconomicsAnswer> {
  const maxCostShare = question.maxCostShare ?? DEFAULT_MAX_COST_SHARE
  const outcomeScope = {
    project: question.project,
    from: question.from?.getTime(),
    to: question.to?.getTime(),
    filters: question.filters,
  }
  const [features, customers, total, outcomesByFeature, outcomesByCustomer, records, stats] =
    await Promise.all([
      costBy(store, question, 'feature', options),
      costBy(store, question, 'customer_id', options),
      store.query(
        {
          project: question.project,
          from: question.from,
          to: question.to,
          timeZone: 'UTC',
          filters: [...question.filters],
          groupBy: [],
          metrics: ['cost_usd'],
        },
        options,
      ),
      store.outcomeTotals({ ...outcomeScope, by: 'feature' }, options),
      store.outcomeTotals({ ...outcomeScope, by: 'customer_id' }, options),
      readRevenue(store, question.project),
      question.from && question.to ? undefined : store.stats(question.project),
    ])
  const notes: string[] = []

  // Cost per outcome: a feature's cost over its outcomes of each kind; outcomes naming no feature
  // against the cost of every feature in scope.
  const totalNanos = toNanos(total[0]?.cost_usd)
  const costPerOutcome: CostPerOutcomeRow[] = outcomesByFeature.map((row) => {
    const feature = row.key === UNATTRIBUTED ? null : row.key
    const cost = feature === null ? totalNanos : (features.costs.get(feature) ?? null)
    return {
      feature,
      outcome: row.outcome,
      outcomes: row.outcomes,
      value_usd: row.value_nanos === null ? null : usd(row.value_nanos),
      cost_usd: cost === null ? null : usd(cost),
      cost_per_outcome_usd: cost === null ? null : usd(cost) / row.outcomes,
    }
  })
  costPerOutcome.sort(
    (a, b) =>
      (b.cost_usd ?? -1) - (a.cost_usd ?? -1) ||
      String(a.feature).localeCompare(String(b.feature)) ||
      a.outcome.localeCompare(b.outcome),
  )
  if (costPerOutcome.some((row) => row.feature !== null && row.cost_usd === null))
    notes.push(
      'Some outcomes name a feature whose calls in scope have no known cost (none, or only calls of unpriced models): their cost per outcome is unknown.',
    )
  if (
    question.filters.some((filter) => !(OUTCOME_DIMENSIONS as readonly string[]).includes(filter.dimension))
  )
    notes.push(
      'Filters on other dimensions than feature and customer narrow the cost, not the outcomes (an outcome has no model or route).',
    )

  // Margins: revenue prorated over the period (the events' first to last call when open-ended).
  const from = question.from?.getTime() ?? (stats?.first_ts ? Date.parse(stats.first_ts) : undefined)
  const to = question.to?.getTime() ?? (stats?.last_ts ? Date.parse(stats.last_ts) + 1 : undefined)
  const revenue =
    from !== undefined && to !== undefined && from < to ? revenueOverPeriod(records, from, to) : new Map()
  const outcomeCounts = new Map<string, number>()
  for (const row of outcomesByCustomer)
    outcomeCounts.set(row.key, (outcomeCounts.get(row.key) ?? 0) + row.outcomes)
  const names = new Set([...customers.costs.keys(), ...revenue.keys()])
  names.delete(UNATTRIBUTED)
  const margins: CustomerMargin[] = [...names].map((customer) => {
    const earned = revenue.get(customer)
    const cost = customers.costs.has(customer) ? (customers.costs.get(customer) ?? null) : 0
    const share = earned && earned.nanos > 0 && cost !== null ? cost / earned.nanos : null
    return {
      customer_id: customer,
      plan: earned?.plan ?? null,
      revenue_usd: earned ? usd(earned.nanos) : null,
      cost_usd: cost === null ? null : usd(cost),
      margin_usd: earned && cost !== null ? usd(earned.nanos - cost) : null,
      cost_share: share,
      over_share:
        earned !== undefined &&
        cost !== null &&
        cost > 0 &&
        (earned.nanos === 0 || (share !== null && share > maxCostShare)),
      outcomes: outcomeCounts.get(customer) ?? 0,
    }
  })
  margins.sort(
    (a, b) =>
      Number(b.over_share) - Number(a.over_share) ||
      (a.over_share
        ? (b.cost_share ?? Number.POSITIVE_INFINITY) - (a.cost_share ?? Number.POSITIVE_INFINITY)
        : 0) ||
      (b.cost_usd ?? -1) - (a.cost_usd ?? -1) ||
      a.customer_id.localeCompare(b.customer_id),
  )
  if (customers.truncated)
    notes.push(
      `Costs are read for the ${QUERY_CAPS.rows.toLocaleString('en-US')} customers that cost most; a customer with revenue beyond them shows a cost of $0.`,
    )
  if (revenue.size > 0)
    notes.push(
      'Revenue is prorated over the period: each calendar month (UTC) it touches, at that month’s amount or else the standing one, times the share of the month inside the period.',
    )
  else
    notes.push('No revenue on file for this period: PUT /api/revenue or `spendlens revenue import file.csv`.')

  let revenueNanos = 0
  let costNanos = 0
  for (const margin of margins) {
    if (margin.revenue_usd === null) continue
    revenueNanos += revenue.get(margin.customer_id)?.nanos ?? 0
    costNanos += toNanos(margin.cost_usd) ?? 0
  }
  return {
    from: question.from?.toISOString() ?? (from === undefined ? null : new Date(from).toISOString()),
    to: question.to?.toISOString() ?? (to === undefined ? null : new Date(to).toISOString()),
    max_cost_share: maxCostShare,
    totals: {
      revenue_usd: usd(revenueNanos),
      cost_usd: usd(costNanos),
      margin_usd: usd(revenueNanos - costNanos),
      outcomes: outcomesByFeature.reduce((sum, row) => sum + row.outcomes, 0),
    },
    cost_per_outcome: costPerOutcome,
    customers: margins.slice(0, question.limit ?? 200),
    over_share: margins.filter((margin) => margin.over_share).length,
    notes,
  }
}
