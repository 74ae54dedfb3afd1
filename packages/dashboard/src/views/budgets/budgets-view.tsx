import type { Budget, BudgetList } from '@spendlens/server/api-types'
import { useState } from 'react'
import { DataTable } from '../../components/data-table'
import { Panel, QueryBody } from '../../components/panel'
import { useDashboard } from '../../hooks/dashboard-context'
import { useBudgets, useDeleteBudget } from '../../hooks/use-budgets'
import { formatInteger, formatMoment } from '../../lib/format'
import { BudgetBurnPanel } from './budget-burn-panel'
import { BUDGET_COLUMNS } from './budget-columns'
import { type BudgetDraft, draftOf, newDraft } from './budget-draft'
import { BudgetForm } from './budget-form'
import { budgetState } from './budget-terms'
import { BudgetsEmptyState } from './budgets-empty-state'

/**
 * What the budgets allow and where each period is heading (docs/budgets.md): one GET /api/budgets,
 * each budget's burn from POST /api/query over its period. Admins define, change and delete them.
 */
export function BudgetsView() {
  const list = useBudgets()
  return (
    <QueryBody state={list} what="the budgets">
      {(answer) => <Budgets answer={answer} />}
    </QueryBody>
  )
}

/** The form open: a new budget, or an existing one's draft. */
type Editing = { draft: BudgetDraft; existing: boolean } | undefined

function Budgets({ answer }: { answer: BudgetList }) {
  const { principal, scope } = useDashboard()
  const admin = principal.role === 'admin'
  const [editing, setEditing] = useState<Editing>()
  const remove = useDeleteBudget()
  const { budgets, as_of: asOf } = answer

  const create = admin ? (
    <button
      type="button"
      className="button button-primary"
      onClick={() => setEditing({ draft: newDraft(scope.timeZone), existing: false })}
      data-testid="budget-new"
    >
      New budget
    </button>
  ) : undefined
  const form = editing ? (
    <BudgetForm
      key={editing.draft.id || 'new'}
      initial={editing.draft}
      editing={editing.existing}
      onDone={() => setEditing(undefined)}
    />
  ) : null

  const actionsOf = (budget: Budget) =>
    admin ? (
      <span className="budget-actions">
        <button
          type="button"
          className="button button-small"
          onClick={() => setEditing({ draft: draftOf(budget), existing: true })}
          data-testid={`budget-edit-${budget.id}`}
        >
          Edit
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={budget.source === 'file' || (remove.isPending && remove.variables === budget.id)}
          title={
            budget.source === 'file' ? 'Defined in the server’s budgets file: change it there' : undefined
          }
          onClick={() => {
            if (window.confirm(`Delete the budget “${budget.name}”?`)) remove.mutate(budget.id)
          }}
          data-testid={`budget-delete-${budget.id}`}
        >
          Delete
        </button>
      </span>
    ) : undefined

  if (budgets.length === 0)
    return (
      <div className="grid">
        {form}
        {editing ? null : <BudgetsEmptyState action={create} />}
      </div>
    )
  return (
    <>
      <BudgetsHeadline budgets={budgets} asOf={asOf} action={editing ? undefined : create} />
      <div className="grid">
        {form}
        {remove.error ? (
          <p className="sync-error panel-wide" role="alert" data-testid="budget-delete-error">
            {remove.error.message}
          </p>
        ) : null}
        <Panel
          title="Budgets"
          subtitle={`Each budget's current period, in its own time zone · read ${formatMoment(asOf, scope.timeZone)} (${scope.timeZone})`}
          wide
          testId="budget-table-panel"
        >
          <div className="budget-table">
            <DataTable
              title="Budgets"
              columns={BUDGET_COLUMNS}
              rows={budgets}
              rowKey={(budget) => budget.id}
              testId="budget-table"
              rowActions={admin ? actionsOf : undefined}
            />
          </div>
        </Panel>
        {budgets.map((budget) => (
          <BudgetBurnPanel key={budget.id} budget={budget} asOf={asOf} actions={actionsOf(budget)} />
        ))}
      </div>
    </>
  )
}

/** "3 budgets: 1 over its amount, 1 forecast to run out before its reset; 239 calls blocked this period." */
function BudgetsHeadline({
  budgets,
  asOf,
  action,
}: {
  budgets: readonly Budget[]
  asOf: string
  action?: React.ReactNode
}) {
  const over = budgets.filter((budget) => budgetState(budget) === 'over').length
  const runsOut = budgets.filter((budget) => budgetState(budget) === 'runs_out').length
  const blocked = budgets.reduce((sum, budget) => sum + budget.status.blocked_calls, 0)
  const parts = [
    over > 0 ? `${over} over its amount` : 'none over its amount',
    runsOut > 0 ? `${runsOut} forecast to run out before its reset` : undefined,
  ].filter(Boolean)
  return (
    <div className="budgets-headline">
      <p className="callout" data-testid="budgets-headline" data-as-of={asOf}>
        {budgets.length} {budgets.length === 1 ? 'budget' : 'budgets'}: {parts.join(', ')}
        {blocked > 0 ? `; ${formatInteger(blocked)} calls blocked in their current periods` : ''}.
      </p>
      {action}
    </div>
  )
}
