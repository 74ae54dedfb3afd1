import { describe, expect, it } from 'vitest'
import { dashboardLink } from '../src/api/dashboard-link.js'
import { anomaly } from './alerts-fixtures.js'

/** The dashboard's own parser (packages/dashboard/src/lib/view-state.ts), loaded as the browser runs it. */
interface DashboardView {
  project?: string
  view: string
  preset: string
  first?: string
  last?: string
  timeZone?: string
  filters: { dimension: string; op: string; values: string[] }[]
}
// A path in a variable: the server's type check does not reach into the dashboard (vitest loads it).
const VIEW_STATE = '../../dashboard/src/lib/view-state.ts'
const { readViewState } = (await import(/* @vite-ignore */ VIEW_STATE)) as {
  readViewState: (search: string) => DashboardView
}

function readBack(link: string): DashboardView {
  return readViewState(new URL(link).search)
}

describe('dashboard link', () => {
  it("the dashboard's parser reads back the project, the anomaly's UTC days and its scope as a filter", () => {
    const link = dashboardLink(
      'https://spend.example.com/',
      anomaly({ end: '2026-12-03T00:00:00.000Z' }),
      'shop',
    )
    expect(readBack(link)).toMatchObject({
      project: 'shop',
      view: 'overview',
      preset: 'custom',
      first: '2026-12-01',
      // `end` is exclusive: an anomaly ending at midnight ends on the day before.
      last: '2026-12-02',
      timeZone: 'UTC',
      filters: [{ dimension: 'feature', op: 'in', values: ['search'] }],
    })
  })

  it('a tag scope, an error-rate anomaly, a whole-project anomaly', () => {
    expect(
      readBack(
        dashboardLink('http://x', anomaly({ scope: { dimension: 'tags.plan', value: 'free & trial' } })),
      ).filters,
    ).toEqual([{ dimension: 'tags.plan', op: 'in', values: ['free & trial'] }])
    expect(readBack(dashboardLink('http://x', anomaly({ measure: 'error_rate' }))).view).toBe('latency')
    expect(readBack(dashboardLink('http://x', anomaly({ scope: null }))).filters).toEqual([])
  })

  it('an unpriced model opens the Unpriced models page, filtered to the model', () => {
    const view = readBack(
      dashboardLink(
        'http://x',
        anomaly({
          kind: 'unpriced_model',
          measure: 'requests',
          scope: { dimension: 'model', value: 'acme-ft' },
        }),
      ),
    )
    expect(view).toMatchObject({
      view: 'unpriced',
      filters: [{ dimension: 'model', op: 'in', values: ['acme-ft'] }],
    })
  })
})
