import type { ReconcileRow } from '@spendlens/server/api-types'
import { describe, expect, it } from 'vitest'
import { modelDrillDown, projectDrillDown } from './invoice-drill-down'
import { DEFAULT_VIEW, readViewState, writeViewState } from './view-state'

const figures = {
  invoiced_usd: 10,
  tracked_usd: 9,
  gap_usd: 1,
  coverage: 0.9,
  untracked_usage_usd: 1,
  price_difference_usd: 0,
  non_model_usd: 0,
  unexplained_usd: 0,
}
const days = { first: '2026-11-01', last: '2026-11-15' }
const invoice = {
  ...DEFAULT_VIEW,
  view: 'invoice' as const,
  timeZone: 'Europe/Paris',
  filters: [{ dimension: 'feature' as const, op: 'in' as const, values: ['chat'] }],
}

describe('modelDrillDown', () => {
  it('opens the Models view on the same UTC days, filtered to the provider and every name of the model', () => {
    const row: ReconcileRow = {
      ...figures,
      provider: 'openai',
      model: 'gpt-4o-mini',
      snapshots: ['gpt-4o-mini-2024-07-18'],
    }
    const next = modelDrillDown(invoice, row, days)
    expect(next).toMatchObject({
      view: 'models',
      preset: 'custom',
      first: '2026-11-01',
      last: '2026-11-15',
      timeZone: 'UTC',
      filters: [
        { dimension: 'provider', op: 'in', values: ['openai'] },
        { dimension: 'model', op: 'in', values: ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'] },
      ],
    })
    // A link, through the URL helpers every view uses.
    expect(readViewState(writeViewState('', next as never))).toEqual(next)
  })

  it('leads nowhere for lines of no model', () => {
    expect(modelDrillDown(invoice, { ...figures, provider: 'openai', model: null }, days)).toBeUndefined()
  })
})

describe('projectDrillDown', () => {
  it("opens the Requests view of the row's provider over the same UTC days", () => {
    const next = projectDrillDown(invoice, { ...figures, provider: 'anthropic', project: 'wrkspc_1' }, days)
    expect(next).toMatchObject({
      view: 'requests',
      timeZone: 'UTC',
      first: '2026-11-01',
      filters: [{ dimension: 'provider', op: 'in', values: ['anthropic'] }],
    })
  })
})
