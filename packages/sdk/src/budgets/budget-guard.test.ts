import { describe, expect, it } from 'vitest'
import { BudgetExceededError } from '../errors.js'
import { createBudgetGuard } from './budget-guard.js'
import type { CallFacts } from './budget-scope.js'
import type { BudgetsAnswer } from './budget-wire.js'

/**
 * The guard's arithmetic on answers it is handed (the server's own answers are tested end to end
 * in packages/server/test/budget-enforcement.test.ts): the estimate of other processes' spend.
 */

const acme: CallFacts = {
  provider: 'openai',
  model: 'gpt-4o-mini',
  operation: 'chat',
  tags: { customer_id: 'acme' },
  providerProject: null,
  serviceTier: null,
  status: 'ok',
}

function answer(asOf: number, spentUsd: number): BudgetsAnswer {
  return {
    as_of: new Date(asOf).toISOString(),
    budgets: [
      {
        id: 'acme',
        name: 'acme',
        filters: [{ dimension: 'customer_id', op: 'eq', values: ['acme'] }],
        action: 'block',
        period: 'month',
        time_zone: 'UTC',
        period_start: '2026-11-01T00:00:00.000Z',
        resets_at: '2026-12-01T00:00:00.000Z',
        limit_usd: 2,
        spent_usd: spentUsd,
      },
    ],
  }
}

/** A guard whose server answers `answers` in turn, on a clock the test moves. */
function guardOn(answers: BudgetsAnswer[], options: { estimateOthers?: boolean } = {}) {
  const clock = { now: Date.parse('2026-11-20T12:00:00.000Z') }
  const guard = createBudgetGuard({
    endpoint: 'http://budgets.test',
    acknowledged: true,
    intervalMs: 5000,
    warn: () => undefined,
    now: () => clock.now,
    fetch: async () => Response.json(answers.shift() ?? {}, { headers: { 'x-spendlens-state-age-ms': '0' } }),
    ...options,
  })
  return { guard, clock }
}

describe('other processes’ spend since the last answer', () => {
  it('is estimated from how the server’s count grew beyond this process’s calls, and blocks before the count reaches the limit', async () => {
    const start = Date.parse('2026-11-20T12:00:00.000Z')
    // Others spend $0.50 a second: $0.50 at the first answer, $1.00 a second later.
    const { guard, clock } = guardOn([answer(start, 0.5), answer(start + 1000, 1)])
    await guard.refresh()
    clock.now += 1000
    await guard.refresh()
    guard.stop()
    // Server: $1.00. Others since its reading, and their calls on the way (a second, until measured): $0.50.
    expect(guard.admit(acme, {}, 'id')).toBeUndefined()
    clock.now += 1000
    // $1.00 + $0.50 × (1 s + 1 s) = $2.00: spent, though the server has counted only $1.00.
    const error = (() => {
      try {
        guard.admit(acme, {}, 'id')
      } catch (thrown) {
        return thrown as BudgetExceededError
      }
    })()
    expect(error).toBeInstanceOf(BudgetExceededError)
    expect(error?.spentUsd).toBeCloseTo(2, 6)
  })

  it('is not estimated when turned off', async () => {
    const start = Date.parse('2026-11-20T12:00:00.000Z')
    const { guard, clock } = guardOn([answer(start, 0.5), answer(start + 1000, 1)], { estimateOthers: false })
    await guard.refresh()
    clock.now += 1000
    await guard.refresh()
    guard.stop()
    clock.now += 2000
    expect(guard.admit(acme, {}, 'id')).toBeUndefined()
  })

  it('stops growing one polling interval after the server’s last reading (an unreachable server blocks nothing by itself)', async () => {
    const start = Date.parse('2026-11-20T12:00:00.000Z')
    const { guard, clock } = guardOn([answer(start, 0.1), answer(start + 1000, 0.2)])
    await guard.refresh()
    clock.now += 1000
    await guard.refresh()
    guard.stop()
    // $0.20 + $0.10 × (at most 5 s + 1 s) = $0.80, however long the server stays away.
    clock.now += 3_600_000
    expect(guard.admit(acme, {}, 'id')).toBeUndefined()
  })
})
