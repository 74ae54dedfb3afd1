import type { ReactNode } from 'react'

/** Shown instead of an empty list: how to define a budget (docs/budgets.md). */
export function BudgetsEmptyState({ action }: { action?: ReactNode }) {
  return (
    <section
      className="panel empty-state panel-wide"
      data-testid="budgets-empty"
      aria-labelledby="budgets-empty-title"
    >
      <h2 id="budgets-empty-title">No budgets in this project</h2>
      <p>
        A budget caps what a scope of the project may spend in a calendar period (a customer, a feature, a
        tag, or everything; a day, a week or a month in its time zone). The server keeps its spend to date and
        where the period is heading, and alerts as thresholds are reached; with the action <code>block</code>,
        the SDK also refuses the calls it covers once it is spent.
      </p>
      <p>Define one here{action ? '' : ' (as an admin)'}, through the API:</p>
      <pre>
        <code>{`curl -X PUT localhost:4600/api/budgets/acme-monthly -H 'content-type: application/json' -d '{
  "filters": [{ "dimension": "customer_id", "op": "eq", "values": ["acme"] }],
  "period": "month", "timeZone": "Europe/Paris", "amountUsd": 500, "action": "block"
}'`}</code>
      </pre>
      <p>
        or in a file read at start: <code>spendlens serve --budgets budgets.json</code>. Turn enforcement on
        in the app with{' '}
        <code>
          init({'{'} budgets: true {'}'})
        </code>{' '}
        (docs/budgets.md).
      </p>
      {action}
    </section>
  )
}
