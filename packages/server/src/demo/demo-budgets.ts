import type { BudgetDefinition } from '../api/api-types.js'
import { recordBlockedCalls } from '../budgets/blocked-calls.js'
import { BudgetBook } from '../budgets/budget-book.js'
import { createBudgetService } from '../budgets/budget-service.js'
import type { Store } from '../store/store.js'

/** Who defined the demo's budgets, as their records say. */
export const DEMO_BUDGET_AUTHOR = 'demo'

/**
 * The demo's budgets (docs/budgets.md), one in each state the Budgets view shows: the whole product
 * well within its month; the support agent on course to run out before its month ends; globex, the
 * customer whose integration ran away, over its week with `block` and calls the SDK refused. Each
 * amount is set from the demo's own spend and forecast at `now`, so the states hold whatever day
 * of the month the demo is loaded on.
 */
export const DEMO_BUDGETS = {
  healthy: {
    id: 'quill-monthly',
    definition: {
      name: 'All of Quill, monthly',
      filters: [],
      period: 'month',
      timeZone: 'UTC',
      action: 'alert',
    },
  },
  runsOut: {
    id: 'support-agent-monthly',
    definition: {
      name: 'Support agent, monthly',
      filters: [{ dimension: 'feature', op: 'eq', values: ['support-agent'] }],
      period: 'month',
      timeZone: 'Europe/Paris',
      action: 'alert',
    },
  },
  over: {
    id: 'globex-weekly',
    definition: {
      name: 'globex, weekly',
      filters: [{ dimension: 'customer_id', op: 'eq', values: ['globex'] }],
      period: 'week',
      timeZone: 'America/New_York',
      action: 'block',
    },
  },
} as const satisfies Record<
  string,
  { id: string; definition: Omit<BudgetDefinition, 'amountUsd' | 'thresholds' | 'channels'> }
>

/** The calls the demo's two API processes refused under globex's budget this week. */
export const DEMO_BLOCKED_CALLS = [
  { reporter: 'demo-api-process-1', blocked: 142 },
  { reporter: 'demo-api-process-2', blocked: 97 },
]

const cents = (usd: number) => Math.max(0.01, Math.round(usd * 100) / 100)

/** Defines the demo's budgets in its project, their amounts read off the demo's spend at `now`. */
export async function loadDemoBudgets(store: Store, now: number, project: string): Promise<void> {
  const book = new BudgetBook(store, [], () => now)
  const budgets = createBudgetService({ store, now: () => now, stateTtlMs: 0 })
  const define = (id: string, definition: DemoBudget['definition'], amountUsd: number) =>
    book.put(
      project,
      id,
      {
        ...definition,
        filters: definition.filters.map((filter) => ({ ...filter, values: [...filter.values] })),
        amountUsd,
        thresholds: [0.5, 0.8, 1],
        channels: [],
      },
      DEMO_BUDGET_AUTHOR,
    )
  const all = Object.values(DEMO_BUDGETS) as DemoBudget[]
  // First at a placeholder amount, to read each scope's spend and forecast in its period.
  for (const budget of all) await define(budget.id, budget.definition, 1)
  const status = new Map((await budgets.list(project)).budgets.map((budget) => [budget.id, budget.status]))
  const read = (budget: DemoBudget) => {
    const found = status.get(budget.id)
    if (!found) throw new Error(`the demo's budget ${budget.id} was not stored`)
    return {
      spent: found.spent_usd,
      forecast: found.forecast.end_of_period_usd,
      periodStart: found.period_start,
    }
  }
  const healthy = read(DEMO_BUDGETS.healthy)
  await define(DEMO_BUDGETS.healthy.id, DEMO_BUDGETS.healthy.definition, cents(healthy.forecast * 1.4))
  // Between what is spent and what the period is heading for: the forecast reaches it before the reset.
  const runsOut = read(DEMO_BUDGETS.runsOut)
  await define(
    DEMO_BUDGETS.runsOut.id,
    DEMO_BUDGETS.runsOut.definition,
    cents(runsOut.spent + 0.5 * (runsOut.forecast - runsOut.spent)),
  )
  const over = read(DEMO_BUDGETS.over)
  await define(DEMO_BUDGETS.over.id, DEMO_BUDGETS.over.definition, cents(over.spent * 0.8))
  for (const { reporter, blocked } of DEMO_BLOCKED_CALLS)
    await recordBlockedCalls(
      store,
      project,
      { reporter, counts: [{ budget_id: DEMO_BUDGETS.over.id, period_start: over.periodStart, blocked }] },
      now,
    )
}

type DemoBudget = (typeof DEMO_BUDGETS)[keyof typeof DEMO_BUDGETS]
