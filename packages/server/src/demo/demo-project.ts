import { DEFAULT_PROJECT } from '../schema/projects.js'
import type { Store } from '../store/store.js'

/**
 * The project demo data goes into (`spendlens serve` on an empty store, `spendlens demo`), apart
 * from the default project where real events land, so that it can be dropped whole and never mixes
 * with them (docs/dashboard.md "Demo data").
 */
export const DEMO_PROJECT = 'demo'

/** When the demo was last loaded (ISO). */
export const DEMO_META_KEY = 'demo_loaded_at'
/** Which project it was loaded into; absent for a demo an older spendlens loaded into the default project. */
const DEMO_PROJECT_META_KEY = 'demo_project'
/** When it was last dropped (ISO): a drop after the last load means there is no demo. */
const DEMO_DROPPED_META_KEY = 'demo_dropped_at'

export interface DemoState {
  loadedAt: string
  /** DEMO_PROJECT, or the default project for a demo loaded before the demo had its own. */
  project: string
}

/** The demo the store holds, or null when none was loaded or it was dropped since. */
export async function demoState(store: Pick<Store, 'getMeta'>): Promise<DemoState | null> {
  const [loadedAt, project, droppedAt] = await Promise.all([
    store.getMeta(DEMO_META_KEY),
    store.getMeta(DEMO_PROJECT_META_KEY),
    store.getMeta(DEMO_DROPPED_META_KEY),
  ])
  if (loadedAt === null) return null
  if (droppedAt !== null && Date.parse(droppedAt) >= Date.parse(loadedAt)) return null
  return { loadedAt, project: project ?? DEFAULT_PROJECT }
}

/** Whether the demo was ever dropped: a server does not load it again into an empty store then. */
export async function demoDropped(store: Pick<Store, 'getMeta'>): Promise<boolean> {
  return (await store.getMeta(DEMO_DROPPED_META_KEY)) !== null
}

/** Records that the demo is in `project` now (loadDemo, once it is stored). */
export async function markDemoLoaded(store: Pick<Store, 'setMeta'>, project: string): Promise<void> {
  await store.setMeta(DEMO_PROJECT_META_KEY, project)
  await store.setMeta(DEMO_META_KEY, new Date().toISOString())
}

/**
 * Deletes the demo's project whole (Store.dropProject: events, rollups, invoice, outcomes, revenue,
 * anomalies, budgets) and records the drop. Answers how many events went; 0 with nothing to drop.
 * A demo an older spendlens loaded into the default project cannot be told from real events there
 * and is refused.
 */
export async function dropDemo(store: Store): Promise<{ events: number; dropped: boolean }> {
  const state = await demoState(store)
  if (state === null) return { events: 0, dropped: false }
  if (state.project === DEFAULT_PROJECT)
    throw new Error(
      'this demo was loaded by an older spendlens into the default project, among any real events there, and cannot be told apart from them: start on a new store (spendlens serve --store other.duckdb), or export your own events (spendlens export), leaving out the ids that start with demo-',
    )
  const events = await store.dropProject(state.project)
  await store.setMeta(DEMO_DROPPED_META_KEY, new Date().toISOString())
  return { events, dropped: true }
}

/**
 * The project the dashboard opens on for a credential that sees every project and names none: the
 * demo's while the default project has no event of its own, the default project once a real event
 * arrives (or once the demo is dropped).
 */
export async function landingProject(store: Pick<Store, 'getMeta' | 'stats'>): Promise<string> {
  const state = await demoState(store)
  if (state === null || state.project === DEFAULT_PROJECT) return DEFAULT_PROJECT
  return (await store.stats(DEFAULT_PROJECT)).events > 0 ? DEFAULT_PROJECT : state.project
}
