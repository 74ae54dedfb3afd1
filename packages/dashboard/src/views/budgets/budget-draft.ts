import {
  type BUDGET_ACTIONS,
  type BUDGET_PERIODS,
  type Budget,
  type BudgetDefinition,
  DEFAULT_BUDGET_THRESHOLDS,
  type Filter,
} from '@spendlens/server/api-types'

/** A budget as its form holds it: text as typed, turned into a definition on save. */
export interface BudgetDraft {
  id: string
  name: string
  scope: { dimension: string; op: Filter['op']; values: string }[]
  period: (typeof BUDGET_PERIODS)[number]
  timeZone: string
  /** Dollars, as typed. */
  amount: string
  /** Percentages of the amount, comma-separated: "50, 80, 100". */
  thresholds: string
  action: (typeof BUDGET_ACTIONS)[number]
  /** Kept as they are: the form does not edit a budget's alert channels. */
  channels: string[]
}

const percent = (share: number) => String(Math.round(share * 10_000) / 100)

export function newDraft(timeZone: string): BudgetDraft {
  return {
    id: '',
    name: '',
    scope: [],
    period: 'month',
    timeZone,
    amount: '',
    thresholds: DEFAULT_BUDGET_THRESHOLDS.map(percent).join(', '),
    action: 'alert',
    channels: [],
  }
}

export function draftOf(budget: Budget): BudgetDraft {
  return {
    id: budget.id,
    name: budget.name,
    scope: budget.filters.map((filter) => ({ ...filter, values: filter.values.join(', ') })),
    period: budget.period,
    timeZone: budget.timeZone,
    amount: String(budget.amountUsd),
    thresholds: budget.thresholds.map(percent).join(', '),
    action: budget.action,
    channels: budget.channels,
  }
}

const list = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)

/**
 * The definition PUT /api/budgets/:id takes. Only what the form itself cannot send is refused here
 * (an amount or a threshold that is not a number); the server checks the rest and names each problem.
 */
export function definitionOfDraft(
  draft: BudgetDraft,
): { definition: BudgetDefinition } | { problem: string } {
  const amountUsd = Number(draft.amount.replace(/[$,\s]/g, ''))
  if (draft.amount.trim() === '' || !Number.isFinite(amountUsd))
    return { problem: 'The amount is a number of dollars.' }
  const thresholds = list(draft.thresholds).map((part) => Number(part.replace(/%$/, '')) / 100)
  if (thresholds.some((threshold) => !Number.isFinite(threshold)))
    return { problem: 'Thresholds are percentages of the amount, such as 50, 80, 100.' }
  return {
    definition: {
      name: draft.name.trim() || draft.id,
      filters: draft.scope.map((filter) => ({
        dimension: filter.dimension.trim(),
        op: filter.op,
        values: list(filter.values),
      })) as Filter[],
      period: draft.period,
      timeZone: draft.timeZone.trim(),
      amountUsd,
      thresholds,
      action: draft.action,
      channels: draft.channels,
    },
  }
}
