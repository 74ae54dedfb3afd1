import { dashboardLink } from '@spendlens/server/dashboard-link'
import { describe, expect, it } from 'vitest'
import { anomalyDrillDown } from './anomaly-drill-down'
import { anomaly } from './anomaly-fixtures'
import { DEFAULT_VIEW, writeViewState } from './view-state'

/** The query parameters of a search or a link, in order. */
const params = (search: string) => [...new URLSearchParams(search.slice(search.indexOf('?')))]

const current = {
  ...DEFAULT_VIEW,
  project: 'shop',
  view: 'anomalies' as const,
  anomalyState: 'open' as const,
  preset: '90d' as const,
  timeZone: 'Europe/Paris',
  filters: [{ dimension: 'model' as const, op: 'in' as const, values: ['gpt-4o'] }],
  live: true,
}

describe('anomalyDrillDown', () => {
  it('opens the view an alert links to: the scope as the only filter, the UTC days as the range', () => {
    const spike = anomaly({ end: '2026-12-02T02:00:00.000Z' })
    const view = anomalyDrillDown(current, spike)
    expect(view).toMatchObject({
      project: 'shop',
      view: 'overview',
      preset: 'custom',
      first: '2026-12-01',
      last: '2026-12-02',
      timeZone: 'UTC',
      filters: [{ dimension: 'feature', op: 'in', values: ['chat'] }],
      live: false,
    })
    expect(params(writeViewState('', view))).toEqual(
      params(dashboardLink('https://spend.example.com', spike, 'shop')),
    )
  })

  it('writes the same link for an error storm, a tag and the whole project, without a chosen project', () => {
    const cases = [
      anomaly({ kind: 'error_storm', measure: 'error_rate' }),
      anomaly({ scope: { dimension: 'tags.plan', value: 'free & trial' } }),
      anomaly({ scope: null }),
    ]
    for (const entry of cases) {
      const view = anomalyDrillDown({ ...current, project: undefined }, entry)
      expect(params(writeViewState('', view))).toEqual(params(dashboardLink('http://x', entry)))
    }
    expect(anomalyDrillDown(current, cases[0] as never).view).toBe('latency')
  })
})
