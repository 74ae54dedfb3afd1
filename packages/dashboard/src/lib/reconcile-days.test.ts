import type { ReconcileAnswer, ReconcileRow } from '@spendlens/server/api-types'
import { describe, expect, it } from 'vitest'
import { bucketAxis } from './buckets'
import { dailyFigures, hasInvoice } from './reconcile-days'
import { customRange } from './time-range'

const row = (day: string, invoiced: number, tracked: number): ReconcileRow => ({
  day,
  invoiced_usd: invoiced,
  tracked_usd: tracked,
  gap_usd: invoiced - tracked,
  coverage: invoiced ? tracked / invoiced : null,
  untracked_usage_usd: invoiced - tracked,
  price_difference_usd: 0,
  non_model_usd: 0,
  unexplained_usd: 0,
})

describe('dailyFigures', () => {
  const axis = bucketAxis(customRange('2026-11-01', '2026-11-03', 'UTC') as never, 'day', 'UTC')

  it('puts each row on its day and leaves a day without invoice empty, not zero', () => {
    const figures = dailyFigures([row('2026-11-01', 10, 8), row('2026-11-03', 4, 4)], axis)
    expect(figures.invoiced).toEqual([10, null, 4])
    expect(figures.tracked).toEqual([8, null, 4])
    expect(figures.coverage).toEqual([0.8, null, 1])
    expect(figures.parts.untracked_usage).toEqual([2, null, 0])
    expect(figures.parts.unexplained).toEqual([0, null, 0])
  })
})

describe('hasInvoice', () => {
  const zero = row('2026-11-01', 0, 0)
  const nothing: ReconcileAnswer = {
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-11-04T00:00:00.000Z',
    by: 'day',
    totals: zero,
    dominant: null,
    summary: 'No synced invoice covers 2026-11-01 to 2026-11-03.',
    rows: [],
    line_items: [],
    before_tracking: null,
    tracked_outside_invoice_usd: 12,
    sync: [],
  }
  const never = {
    provider: 'openai' as const,
    configured: false,
    running: false,
    organization: null,
    synced_from: null,
    synced_until: null,
    last_run_at: null,
    last_success_at: null,
    last_error: null,
    lines: 0,
    next_run_at: null,
  }

  it('is false when nothing was invoiced and no sync ever ran, whatever was tracked outside', () => {
    expect(hasInvoice({ ...nothing, sync: [never] })).toBe(false)
  })

  it('is true once a sync ran, even one that found nothing or failed', () => {
    expect(hasInvoice({ ...nothing, sync: [{ ...never, last_run_at: '2026-11-03T10:00:00.000Z' }] })).toBe(
      true,
    )
  })

  it('is true for invoice days before tracking alone', () => {
    const before = { until: '2026-11-02', invoiced_usd: 3, rows: [], estimate: null }
    expect(hasInvoice({ ...nothing, before_tracking: before })).toBe(true)
  })
})
