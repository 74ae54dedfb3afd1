import type { Budget, BudgetDefinition, BudgetList, QueryRow } from '@spendlens/server/api-types'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { postQuery } from '../lib/api-client'
import { burnQuery, deleteBudget, fetchBudgets, putBudget } from '../lib/budgets-api'
import { useDashboard } from './dashboard-context'
import { keepWithinProject, type QueryState, toQueryState } from './use-analytics-query'

/** Every budget query of a project: what a change to a budget makes stale. */
const budgetsKey = (project: string) => ['budgets', project] as const

/** The project's budgets with their status, forecast and blocked calls (GET /api/budgets). */
export function useBudgets(): QueryState<BudgetList> {
  const { project, refetchInterval } = useDashboard()
  const query = useQuery({
    queryKey: [...budgetsKey(project), 'list'],
    queryFn: ({ signal }) => fetchBudgets({ signal, project }),
    placeholderData: keepWithinProject<BudgetList>(project),
    refetchInterval,
  })
  return toQueryState(query, refetchInterval === false)
}

/** A budget's hourly spend over its current period so far, for its burn chart. */
export function useBudgetBurn(budget: Budget, asOf: string): QueryState<QueryRow[]> {
  const { project, refetchInterval } = useDashboard()
  const request = burnQuery(budget, asOf)
  const query = useQuery({
    queryKey: [...budgetsKey(project), 'burn', request],
    queryFn: ({ signal }) => postQuery(request, { signal, project }),
    placeholderData: keepWithinProject<QueryRow[]>(project),
    refetchInterval,
  })
  return toQueryState(query, false)
}

/** Defines or replaces a budget (admin), then asks for the project's budgets again. */
export function useSaveBudget() {
  const { project } = useDashboard()
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ id, definition }: { id: string; definition: BudgetDefinition }) =>
      putBudget(id, definition, { project }),
    onSuccess: () => client.invalidateQueries({ queryKey: budgetsKey(project) }),
  })
}

/** Deletes a budget defined through the API (admin), then asks for the project's budgets again. */
export function useDeleteBudget() {
  const { project } = useDashboard()
  const client = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => deleteBudget(id, { project }),
    onSettled: () => client.invalidateQueries({ queryKey: budgetsKey(project) }),
  })
}
