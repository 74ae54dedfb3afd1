import { DIMENSIONS } from '@spendlens/server/api-types'
import { describe, expect, it } from 'vitest'
import {
  BREAKDOWNS,
  breakdownDimension,
  breakdownLabel,
  DEFAULT_VIEW,
  readViewState,
  type ViewState,
  writeViewState,
} from './view-state'

describe('readViewState', () => {
  it('defaults to the overview of the last 30 days', () => {
    expect(readViewState('')).toEqual(DEFAULT_VIEW)
    expect(DEFAULT_VIEW).toMatchObject({ view: 'overview', preset: '30d', breakdown: 'feature', live: false })
  })

  it('reads every part of the view', () => {
    expect(
      readViewState(
        '?view=breakdowns&range=7d&tz=Europe/Paris&by=customer&stack=model&bucket=hour&live=1&errors=route&mix=cost&models=snapshot&split=2026-11-10&feature=chat',
      ),
    ).toEqual({
      view: 'breakdowns',
      preset: '7d',
      timeZone: 'Europe/Paris',
      filters: [{ dimension: 'feature', op: 'in', values: ['chat'] }],
      breakdown: 'customer',
      stack: 'model',
      bucket: 'hour',
      live: true,
      errorsBy: 'route',
      mix: 'cost',
      models: 'snapshot',
      split: '2026-11-10',
      period: 'mtd',
      invoiceTable: 'model',
      estimate: false,
      anomalyState: 'all',
      whatIfTier: 'as_recorded',
      maxCostShare: 0.2,
    })
  })

  it('reads models by family unless the URL says snapshots', () => {
    expect(readViewState('?view=models').models).toBe('family')
    expect(readViewState('?view=models&models=snapshot').models).toBe('snapshot')
    expect(readViewState('?view=models&models=variant').models).toBe('family')
    const snapshots = { ...readViewState('?view=models'), models: 'snapshot' as const }
    expect(writeViewState('', snapshots)).toContain('models=snapshot')
    expect(writeViewState('', readViewState('?view=models'))).not.toContain('models=')
  })

  it('reads the Anomalies view and the state it lists', () => {
    expect(readViewState('?view=anomalies&state=muted')).toMatchObject({
      view: 'anomalies',
      anomalyState: 'muted',
    })
    expect(readViewState('?view=anomalies&state=sleeping').anomalyState).toBe('all')
  })

  it('reads the decisions: the What if target and tier, the share of revenue flagged', () => {
    expect(readViewState('?view=models&whatif=openai/gpt-4o-mini&tier=batch&share=0.3')).toMatchObject({
      whatIf: 'openai/gpt-4o-mini',
      whatIfTier: 'batch',
      maxCostShare: 0.3,
    })
    expect(readViewState('?view=models&whatif=gpt-4o-mini&tier=priority&share=7')).toMatchObject({
      whatIfTier: 'as_recorded',
      maxCostShare: 0.2,
    })
    expect(readViewState('?whatif=gpt-4o-mini').whatIf).toBeUndefined()
    const view = readViewState('?view=breakdowns&whatif=anthropic/claude-haiku-4-5&tier=flex&share=0.5')
    expect(readViewState(writeViewState('', view))).toEqual(view)
  })

  it('reads the Invoice view: its UTC-day period, its table and the estimate', () => {
    expect(
      readViewState('?view=invoice&period=2026-11-01..2026-11-15&table=line_item&estimate=1'),
    ).toMatchObject({
      view: 'invoice',
      period: { first: '2026-11-01', last: '2026-11-15' },
      invoiceTable: 'line_item',
      estimate: true,
    })
    expect(readViewState('?view=invoice&period=soon&table=planets')).toMatchObject({
      period: 'mtd',
      invoiceTable: 'model',
    })
  })

  it('reads a custom range and a customer page', () => {
    expect(
      readViewState('?view=customer&customer=globex&range=custom&from=2026-11-01&to=2026-11-07'),
    ).toMatchObject({
      view: 'customer',
      customer: 'globex',
      preset: 'custom',
      first: '2026-11-01',
      last: '2026-11-07',
    })
  })

  it('falls back to defaults for anything it cannot use', () => {
    expect(readViewState('?view=planets&range=forever&by=planet&tz=Mars/Olympus&bucket=year')).toEqual(
      DEFAULT_VIEW,
    )
    // A custom range without valid dates, and a customer page without a customer.
    expect(readViewState('?range=custom&from=2026-11-07&to=2026-11-01').preset).toBe('30d')
    expect(readViewState('?view=customer').view).toBe('customers')
  })

  it('accepts a tag as a breakdown', () => {
    expect(readViewState('?by=tags.plan').breakdown).toBe('tags.plan')
    expect(breakdownDimension('tags.plan')).toBe('tags.plan')
    expect(breakdownLabel('tags.plan')).toBe('Tag plan')
  })
})

describe('writeViewState', () => {
  it('writes a view that reads back the same', () => {
    const view: ViewState = {
      ...DEFAULT_VIEW,
      view: 'customer',
      customer: 'acme & co',
      preset: 'custom',
      first: '2026-11-01',
      last: '2026-11-07',
      timeZone: 'America/New_York',
      filters: [{ dimension: 'model', op: 'not_in', values: ['gpt-4o'] }],
      breakdown: 'prompt',
      live: true,
    }
    expect(readViewState(writeViewState('', view))).toEqual(view)
    const invoice: ViewState = {
      ...DEFAULT_VIEW,
      view: 'invoice',
      period: { first: '2026-10-01', last: '2026-10-31' },
      invoiceTable: 'project',
      estimate: true,
    }
    expect(readViewState(writeViewState('', invoice))).toEqual(invoice)
    const anomalies: ViewState = { ...DEFAULT_VIEW, view: 'anomalies', anomalyState: 'resolved' }
    expect(writeViewState('', anomalies)).toBe('?view=anomalies&range=30d&state=resolved')
    expect(readViewState(writeViewState('', anomalies))).toEqual(anomalies)
  })

  it('always writes the view and range, the rest only when not default', () => {
    expect(writeViewState('', DEFAULT_VIEW)).toBe('?view=overview&range=30d')
  })

  it('leads with the project once one is chosen, and reads it back', () => {
    const search = writeViewState('', { ...DEFAULT_VIEW, project: 'shop' })
    expect(search).toBe('?project=shop&view=overview&range=30d')
    expect(readViewState(search).project).toBe('shop')
    expect(readViewState('?project=').project).toBeUndefined()
    expect(writeViewState(search, DEFAULT_VIEW)).toBe('?view=overview&range=30d')
  })

  it('keeps parameters it does not own', () => {
    const search = writeViewState('?range=30d&token=abc&feature=old', { ...DEFAULT_VIEW, preset: '7d' })
    const params = new URLSearchParams(search)
    expect(search.startsWith('?')).toBe(true)
    expect(params.get('token')).toBe('abc')
    expect(params.get('range')).toBe('7d')
    expect(params.get('feature')).toBeNull()
  })
})

describe('breakdownDimension', () => {
  it('maps each switch position to the server dimension', () => {
    expect(breakdownDimension('feature')).toBe('feature')
    expect(breakdownDimension('customer')).toBe('customer_id')
    expect(breakdownDimension('user')).toBe('user_id')
    expect(breakdownDimension('prompt')).toBe('prompt_id')
    expect(breakdownDimension('conversation')).toBe('session_id')
  })
})

describe('BREAKDOWNS', () => {
  it("offers every dimension of the server's query model as a breakdown", () => {
    expect(BREAKDOWNS.map((entry) => entry.dimension).sort()).toEqual([...DIMENSIONS].sort())
  })
})
