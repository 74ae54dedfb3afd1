import type { Budget } from '@spendlens/server/api-types'
import type { Column } from '../../components/data-table'
import { formatInteger, formatMoment, formatPercent, formatUsd } from '../../lib/format'
import {
  BUDGET_STATE_LABEL,
  BUDGET_STATE_SHORT,
  type BudgetState,
  budgetState,
  describeBudgetScope,
  describePeriod,
} from './budget-terms'

/** Names, scopes and zones wrap: the figures keep their one line. */
const wrapping = () => 'is-wrapping'

const money = (value: unknown) => formatUsd(typeof value === 'number' ? value : null)

/** The budgets table: each budget's terms and where its current period stands, as the API answers them. */
export const BUDGET_COLUMNS: readonly Column<Budget>[] = [
  { key: 'name', label: 'Budget', value: (budget) => budget.name, cellClass: wrapping },
  {
    key: 'scope',
    label: 'Scope',
    value: (budget) => describeBudgetScope(budget.filters),
    cellClass: wrapping,
  },
  { key: 'period', label: 'Period', value: (budget) => describePeriod(budget), cellClass: wrapping },
  { key: 'action', label: 'Action', value: (budget) => budget.action },
  {
    key: 'state',
    label: 'State',
    value: (budget) => budgetState(budget),
    format: (value) => BUDGET_STATE_SHORT[value as BudgetState],
    title: (budget) => BUDGET_STATE_LABEL[budgetState(budget)],
  },
  { key: 'spent', label: 'Spent', value: (budget) => budget.status.spent_usd, format: money, numeric: true },
  { key: 'amount', label: 'Amount', value: (budget) => budget.amountUsd, format: money, numeric: true },
  {
    key: 'used',
    label: 'Used',
    value: (budget) => budget.status.used,
    format: (value) => formatPercent(value as number),
    numeric: true,
  },
  {
    key: 'forecast',
    label: 'Forecast',
    value: (budget) => budget.status.forecast.end_of_period_usd,
    format: money,
    numeric: true,
  },
  {
    key: 'runs_out',
    label: 'Runs out',
    value: (budget) => budget.status.forecast.runs_out_at,
    format: (value, budget) => (typeof value === 'string' ? formatMoment(value, budget.timeZone) : '—'),
    cellClass: wrapping,
  },
  {
    key: 'blocked',
    label: 'Blocked',
    title: (budget) => `${budget.status.blocked_calls} calls refused by the SDK this period`,
    value: (budget) => budget.status.blocked_calls,
    format: (value) => formatInteger(value as number),
    numeric: true,
  },
]
