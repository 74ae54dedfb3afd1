import type { Budget, Dimension, Filter } from '@spendlens/server/api-types'
import { dimensionLabel } from '../../lib/view-state'

const OPS: Record<Filter['op'], string> = { eq: 'is', in: 'is one of', not_in: 'is not' }

/** A budget's scope in words: "Customer is acme; Feature is not search", or "Everything". */
export function describeBudgetScope(filters: readonly Filter[]): string {
  if (filters.length === 0) return 'Everything'
  return filters
    .map(
      (filter) =>
        `${dimensionLabel(filter.dimension as Dimension)} ${OPS[filter.op]} ${filter.values.join(', ')}`,
    )
    .join('; ')
}

const PERIODS: Record<Budget['period'], string> = { day: 'Daily', week: 'Weekly', month: 'Monthly' }

/** "Monthly, Europe/Paris". */
export function describePeriod(budget: Pick<Budget, 'period' | 'timeZone'>): string {
  return `${PERIODS[budget.period]}, ${budget.timeZone}`
}

/** Where a budget stands: over its amount, on course to run out before its reset, or within it. */
export type BudgetState = 'over' | 'runs_out' | 'within'

export function budgetState(budget: Budget): BudgetState {
  if (budget.status.used >= 1) return 'over'
  if (budget.status.forecast.runs_out_at !== null) return 'runs_out'
  return 'within'
}

export const BUDGET_STATE_LABEL: Record<BudgetState, string> = {
  over: 'Over its amount',
  runs_out: 'Runs out before the reset',
  within: 'Within its amount',
}

/** The same, short, for a table cell. */
export const BUDGET_STATE_SHORT: Record<BudgetState, string> = {
  over: 'Over',
  runs_out: 'Runs out early',
  within: 'Within',
}
