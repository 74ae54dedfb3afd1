import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Meta, ProjectsAnswer } from '../src/api/api-types.js'
import { costEvent } from '../src/demo/cost-event.js'
import { loadDemo } from '../src/demo/demo-data.js'
import { DEMO_PROJECT, demoState, dropDemo } from '../src/demo/demo-project.js'
import { ANOMALIES_TABLE } from '../src/schema/anomalies-table.js'
import { REVENUE_TABLE } from '../src/schema/revenue-table.js'
import { startServer } from '../src/start-server.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'

// The demo lives in a project of its own and goes whole (docs/dashboard.md "Demo data"), on both
// engines: Store.dropProject is each engine's own SQL.

let folder: string
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-demo-project-'))
})
afterAll(() => rm(folder, { recursive: true, force: true }))

const realEvent = (id: string) =>
  costEvent({ event_id: id, ts: new Date(Date.now() - 60_000).toISOString(), feature: 'real-feature' })

/** Everything a project holds that the demo fills. */
async function holdings(store: Store, project: string) {
  return {
    events: (await store.stats(project)).events,
    invoiceLines: (await store.invoiceLines({ project })).length,
    outcomes: (await store.outcomeTotals({ project, filters: [], by: 'feature' })).length,
    revenue: (await store.readRecords(REVENUE_TABLE)).filter((entry) => entry.project === project).length,
    anomalies: (await store.readRecords(ANOMALIES_TABLE)).filter((anomaly) => anomaly.project === project)
      .length,
  }
}

describe.each([
  ['duckdb', () => openStore(join(folder, 'drop.duckdb'))],
  ['clickhouse', () => openStore(`chdb://${join(folder, 'chdb')}`)],
])('demo drop on %s', (_engine, open) => {
  it('removes the demo project whole and leaves the real events of the default project', async () => {
    const store = await open()
    try {
      await store.append([realEvent('real-1'), realEvent('real-2')])
      await loadDemo(store, { days: 2, project: DEMO_PROJECT })
      const loaded = await holdings(store, DEMO_PROJECT)
      expect(loaded.events).toBeGreaterThan(1000)
      expect(loaded.invoiceLines).toBeGreaterThan(0)
      expect(loaded.revenue).toBeGreaterThan(0)
      expect(loaded.outcomes).toBeGreaterThan(0)
      expect(await demoState(store)).toMatchObject({ project: DEMO_PROJECT })

      expect(await dropDemo(store)).toEqual({ events: loaded.events, dropped: true })
      expect(await holdings(store, DEMO_PROJECT)).toEqual({
        events: 0,
        invoiceLines: 0,
        outcomes: 0,
        revenue: 0,
        anomalies: 0,
      })
      expect(await demoState(store)).toBeNull()
      expect((await store.stats('default')).events).toBe(2)
      expect(await store.query({ timeZone: 'UTC', filters: [], groupBy: [], metrics: ['requests'] })).toEqual(
        [{ requests: 2 }],
      )
      expect(await dropDemo(store)).toEqual({ events: 0, dropped: false })
    } finally {
      await store.close()
    }
  })
})

describe('the demo on a new server', () => {
  it('opens on the demo until a real event arrives, then on the real events; a dropped demo never comes back', async () => {
    const store = join(folder, 'first-start.duckdb')
    // One day of demo (bounded by the retention), to keep it quick.
    let server = await startServer({ store, port: 0, retentionDays: 1 })
    const get = async <T>(path: string, project?: string) =>
      (await (
        await fetch(`${server.url}${path}`, { headers: project ? { 'x-spendlens-project': project } : {} })
      ).json()) as T
    try {
      expect(server.demoLoaded).toBe(true)
      expect(await get<ProjectsAnswer>('api/projects')).toEqual({
        projects: ['default', DEMO_PROJECT],
        current: DEMO_PROJECT,
      })
      // The banner shows on the demo's project only.
      expect((await get<Meta>('api/meta', DEMO_PROJECT)).demo).toMatchObject({
        loaded: true,
        project: DEMO_PROJECT,
      })
      expect((await get<Meta>('api/meta', 'default')).demo).toMatchObject({
        loaded: false,
        project: DEMO_PROJECT,
      })

      const sent = await fetch(`${server.url}v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([realEvent('first-real-event')]),
      })
      expect(sent.status).toBe(200)
      await expect.poll(async () => (await get<ProjectsAnswer>('api/projects')).current).toBe('default')
      // A link that names the demo still opens it.
      expect((await get<ProjectsAnswer>('api/projects', DEMO_PROJECT)).current).toBe(DEMO_PROJECT)

      const dropped = await fetch(`${server.url}api/admin/demo`, { method: 'DELETE' })
      expect(await dropped.json()).toMatchObject({ dropped: true })
      expect((await get<Meta>('api/meta')).demo).toEqual({ loaded: false, loaded_at: null, project: null })
    } finally {
      await server.close()
    }
    // Emptied of real events too, the store stays without the demo at the next start.
    const emptied = await openStore(store)
    await emptied.deleteBefore(new Date(Date.now() + 3_600_000))
    expect((await emptied.stats()).events).toBe(0)
    await emptied.close()
    server = await startServer({ store, port: 0 })
    try {
      expect(server.demoLoaded).toBe(false)
    } finally {
      await server.close()
    }
  })
})
