import { BUDGET_ACTIONS, BUDGET_DIMENSIONS, BUDGET_PERIODS, FILTER_OPS } from '@spendlens/server/api-types'
import { type FormEvent, useMemo, useState } from 'react'
import { Panel } from '../../components/panel'
import { useSaveBudget } from '../../hooks/use-budgets'
import { dimensionLabel } from '../../lib/view-state'
import { knownTimeZones } from '../../lib/zoned-time'
import { type BudgetDraft, definitionOfDraft } from './budget-draft'

const OP_LABELS = { eq: 'is', in: 'is one of', not_in: 'is not' } as const

export interface BudgetFormProps {
  initial: BudgetDraft
  /** Editing an existing budget: its id stays. */
  editing: boolean
  onDone: () => void
}

/** Defines a budget or changes one (PUT /api/budgets/:id); the server's refusal is shown as it words it. */
export function BudgetForm({ initial, editing, onDone }: BudgetFormProps) {
  const [draft, setDraft] = useState(initial)
  const [problem, setProblem] = useState<string>()
  const save = useSaveBudget()
  const zones = useMemo(() => knownTimeZones(), [])
  const change = (changes: Partial<BudgetDraft>) => setDraft((current) => ({ ...current, ...changes }))
  const changeScope = (index: number, changes: Partial<BudgetDraft['scope'][number]>) =>
    change({ scope: draft.scope.map((filter, at) => (at === index ? { ...filter, ...changes } : filter)) })

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setProblem(undefined)
    if (!draft.id.trim()) return setProblem('A budget needs an id: letters, digits and _ . -')
    const made = definitionOfDraft(draft)
    if ('problem' in made) return setProblem(made.problem)
    save.mutate({ id: draft.id.trim(), definition: made.definition }, { onSuccess: onDone })
  }

  const title = editing ? `Edit ${initial.name || initial.id}` : 'New budget'
  return (
    <Panel title={title} wide testId="budget-form">
      <form className="budget-form" onSubmit={submit} aria-label={title}>
        <label className="field">
          Id
          <input
            value={draft.id}
            disabled={editing}
            onChange={(event) => change({ id: event.target.value })}
            placeholder="acme-monthly"
            data-testid="budget-form-id"
          />
        </label>
        <label className="field">
          Name
          <input
            value={draft.name}
            onChange={(event) => change({ name: event.target.value })}
            placeholder="Acme, monthly"
            data-testid="budget-form-name"
          />
        </label>
        <label className="field">
          Amount (USD)
          <input
            value={draft.amount}
            inputMode="decimal"
            onChange={(event) => change({ amount: event.target.value })}
            placeholder="500"
            data-testid="budget-form-amount"
          />
        </label>
        <label className="field">
          Period
          <select
            className="budget-input"
            value={draft.period}
            onChange={(event) => change({ period: event.target.value as BudgetDraft['period'] })}
            data-testid="budget-form-period"
          >
            {BUDGET_PERIODS.map((period) => (
              <option key={period} value={period}>
                {period}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Time zone
          <input
            value={draft.timeZone}
            list="budget-form-zones"
            onChange={(event) => change({ timeZone: event.target.value })}
            data-testid="budget-form-time-zone"
          />
          <datalist id="budget-form-zones">
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </label>
        <label className="field">
          Thresholds (% of the amount)
          <input
            value={draft.thresholds}
            onChange={(event) => change({ thresholds: event.target.value })}
            data-testid="budget-form-thresholds"
          />
        </label>
        <label className="field">
          Action
          <select
            className="budget-input"
            value={draft.action}
            onChange={(event) => change({ action: event.target.value as BudgetDraft['action'] })}
            data-testid="budget-form-action"
          >
            {BUDGET_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {action === 'block' ? 'block (the SDK refuses calls once spent)' : 'alert only'}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="budget-form-scope">
          <legend>
            Scope {draft.scope.length === 0 ? '(everything the project spends)' : '(every filter holds)'}
          </legend>
          <datalist id="budget-form-dimensions">
            {BUDGET_DIMENSIONS.map((dimension) => (
              <option key={dimension} value={dimension}>
                {dimensionLabel(dimension)}
              </option>
            ))}
          </datalist>
          {draft.scope.map((filter, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
            <div className="budget-form-filter" key={index}>
              <input
                className="budget-input"
                aria-label="Dimension (or tags.<key>)"
                list="budget-form-dimensions"
                value={filter.dimension}
                onChange={(event) => changeScope(index, { dimension: event.target.value })}
                placeholder="customer_id"
                data-testid={`budget-form-dimension-${index}`}
              />
              <select
                className="budget-input"
                aria-label="Operator"
                value={filter.op}
                onChange={(event) => changeScope(index, { op: event.target.value as typeof filter.op })}
              >
                {FILTER_OPS.map((op) => (
                  <option key={op} value={op}>
                    {OP_LABELS[op]}
                  </option>
                ))}
              </select>
              <input
                className="budget-input"
                aria-label="Values, comma-separated"
                value={filter.values}
                onChange={(event) => changeScope(index, { values: event.target.value })}
                placeholder="acme"
                data-testid={`budget-form-values-${index}`}
              />
              <button
                type="button"
                className="button button-small"
                onClick={() => change({ scope: draft.scope.filter((_, at) => at !== index) })}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button button-small"
            onClick={() => change({ scope: [...draft.scope, { dimension: '', op: 'eq', values: '' }] })}
            data-testid="budget-form-add-filter"
          >
            Add a filter
          </button>
        </fieldset>
        <div className="budget-form-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={save.isPending}
            data-testid="budget-form-save"
          >
            {save.isPending ? 'Saving…' : editing ? 'Save' : 'Create'}
          </button>
          <button type="button" className="button" onClick={onDone}>
            Cancel
          </button>
        </div>
        {problem || save.error ? (
          <p className="sync-error budget-form-error" role="alert" data-testid="budget-form-error">
            {problem ?? save.error?.message}
          </p>
        ) : null}
      </form>
    </Panel>
  )
}
