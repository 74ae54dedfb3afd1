// The budget endpoints (docs/budgets.md): every budget of a project with its status, forecast and
// blocked calls; defining, replacing and deleting one (admin).

import type { Budget, BudgetDefinition, BudgetList, QueryRequest } from '@spendlens/server/api-types'
import { apiUrl, deleteJson, getJson, putJson, type RequestOptions } from './api-client'

/** GET /api/budgets: every budget of the project with its status. */
export const BUDGETS_URL = 'api/budgets'

export function fetchBudgets(options?: RequestOptions): Promise<BudgetList> {
  return getJson<BudgetList>(BUDGETS_URL, options)
}

/** PUT /api/budgets/:id: defines a budget or replaces one; the server answers the budget it made. */
export function putBudget(
  id: string,
  definition: BudgetDefinition,
  options?: RequestOptions,
): Promise<Budget> {
  return putJson<Budget>(apiUrl(`api/budgets/${encodeURIComponent(id)}`), definition, options)
}

/** DELETE /api/budgets/:id: answers the file's budget with that id, in force again, or null. */
export function deleteBudget(
  id: string,
  options?: RequestOptions,
): Promise<{ deleted: string; budget: Budget | null }> {
  return deleteJson(apiUrl(`api/budgets/${encodeURIComponent(id)}`), options)
}

/** A budget's definition as PUT takes it: the fields of a Budget the API answers beside it left out. */
export function definitionOf(budget: Budget): BudgetDefinition {
  return {
    name: budget.name,
    filters: budget.filters,
    period: budget.period,
    timeZone: budget.timeZone,
    amountUsd: budget.amountUsd,
    thresholds: budget.thresholds,
    action: budget.action,
    channels: budget.channels,
  }
}

/**
 * The hourly spend of a budget's scope over its current period so far (POST /api/query): the same
 * filters, in the budget's time zone, from the period's start to the end of the hour `asOf` is in.
 */
export function burnQuery(budget: Budget, asOf: string): QueryRequest {
  const hour = 3_600_000
  const to = Math.min(Date.parse(budget.status.resets_at), Math.floor(Date.parse(asOf) / hour) * hour + hour)
  return {
    from: budget.status.period_start,
    to,
    timeZone: budget.timeZone,
    filters: budget.filters,
    groupBy: [],
    bucket: 'hour',
    metrics: ['cost_usd'],
  }
}
