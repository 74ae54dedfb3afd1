import { describe, expect, it } from 'vitest'
import type { RevenueRecord } from '../schema/revenue-table.js'
import { revenueOverPeriod } from './revenue.js'

const record = (customerId: string, month: string, usd: number, plan = ''): RevenueRecord => ({
  id: `p/${month || '*'}/${customerId}`,
  project: 'p',
  customerId,
  month,
  plan,
  revenueNanos: usd * 1e9,
  updatedAt: 0,
})

describe('revenueOverPeriod', () => {
  it('is a whole month’s amount for the whole month, to the nano-dollar', () => {
    const revenue = revenueOverPeriod([record('acme', '', 50)], Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1))

    expect(revenue.get('acme')).toEqual({ nanos: 50e9, plan: null })
  })

  it('takes each month’s share of the period, at its own amount where it has one', () => {
    // 16 Oct – 16 Nov 2026: 16 of October's 31 days at the standing $31, 15 of November's 30 at its own $60.
    const revenue = revenueOverPeriod(
      [record('acme', '', 31, 'team'), record('acme', '2026-11', 60, 'pro')],
      Date.UTC(2026, 9, 16),
      Date.UTC(2026, 10, 16),
    )

    expect(revenue.get('acme')).toEqual({ nanos: 16e9 + 30e9, plan: 'pro' })
  })

  it('knows no revenue for a customer whose only amounts are for other months', () => {
    const revenue = revenueOverPeriod(
      [record('acme', '2026-01', 10)],
      Date.UTC(2026, 4, 1),
      Date.UTC(2026, 5, 1),
    )

    expect(revenue.has('acme')).toBe(false)
  })
})
