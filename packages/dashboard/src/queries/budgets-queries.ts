import type { BudgetList } from '@spendlens/server/api-types'
import { BUDGETS_URL, burnQuery } from '../lib/budgets-api'
import type { ViewRequests } from './view-requests'

/** The budgets view: the budgets with their status, then each one's burn over its period so far. */
export const budgetsRequests = (): ViewRequests => ({
  first: [{ name: 'budgets', url: BUDGETS_URL }],
  after: (answers) => {
    const list = answers.get('budgets') as BudgetList | undefined
    return (list?.budgets ?? []).map((budget) => ({
      name: `burn: ${budget.id}`,
      request: burnQuery(budget, list?.as_of ?? ''),
    }))
  },
})
