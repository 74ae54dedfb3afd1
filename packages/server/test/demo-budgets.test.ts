import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Budget } from '../src/api/api-types.js'
import { createBudgetService } from '../src/budgets/budget-service.js'
import { DEMO_BLOCKED_CALLS, DEMO_BUDGETS } from '../src/demo/demo-budgets.js'
import { loadDemo } from '../src/demo/demo-data.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { Store } from '../src/store/store.js'

/**
 * The demo's budgets show every state of the Budgets view whatever day it is loaded on: one well
 * within its month, one whose forecast runs out before the reset, one over its amount with `block`
 * and calls the SDK refused. Read back through the budget service, as GET /api/budgets answers.
 */
describe.each([
  ['late in a month', '2026-11-22T18:00:00.000Z'],
  ['on the second day of a month, a Wednesday', '2026-12-02T09:30:00.000Z'],
])('the demo’s budgets, loaded %s', (_when, at) => {
  const now = Date.parse(at)
  let folder: string
  let store: Store
  let budgets: Map<string, Budget>

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-demo-budgets-'))
    store = await openDuckDBStore(join(folder, 'demo.duckdb'))
    await loadDemo(store, { now: new Date(now), days: 30 })
    const list = await createBudgetService({ store, now: () => now }).list('default')
    budgets = new Map(list.budgets.map((budget) => [budget.id, budget]))
  }, 120_000)
  afterAll(async () => {
    await store.close()
    await rm(folder, { recursive: true, force: true })
  })

  const budget = (id: string) => budgets.get(id) as Budget

  it('holds three budgets, defined by the demo', () => {
    expect([...budgets.keys()].sort()).toEqual(
      Object.values(DEMO_BUDGETS)
        .map((demo) => demo.id)
        .sort(),
    )
    expect([...budgets.values()].every((entry) => entry.changed_by === 'demo')).toBe(true)
  })

  it('has the whole product well within its month, at this rate too', () => {
    const { amountUsd, status } = budget(DEMO_BUDGETS.healthy.id)
    expect(status.spent_usd).toBeGreaterThan(0)
    expect(status.forecast.end_of_period_usd).toBeLessThan(amountUsd)
    expect(status.forecast.runs_out_at).toBeNull()
    expect(status.used).toBeLessThan(0.8)
  })

  it('has the support agent within its amount now and running out before its month ends', () => {
    const { amountUsd, status } = budget(DEMO_BUDGETS.runsOut.id)
    expect(status.spent_usd).toBeLessThan(amountUsd)
    expect(status.forecast.end_of_period_usd).toBeGreaterThan(amountUsd)
    const runsOut = Date.parse(status.forecast.runs_out_at as string)
    expect(runsOut).toBeGreaterThan(now)
    expect(runsOut).toBeLessThan(Date.parse(status.resets_at))
  })

  it('has globex over its week with block, and the calls the SDK refused under it', () => {
    const { action, status } = budget(DEMO_BUDGETS.over.id)
    expect(action).toBe('block')
    expect(status.used).toBeGreaterThanOrEqual(1)
    expect(status.thresholds_reached).toEqual([0.5, 0.8, 1])
    expect(status.blocked_calls).toBe(DEMO_BLOCKED_CALLS.reduce((sum, entry) => sum + entry.blocked, 0))
    expect(budget(DEMO_BUDGETS.healthy.id).status.blocked_calls).toBe(0)
  })
})
