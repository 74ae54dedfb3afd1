import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostEvent } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALERTS_CONFIG_SCHEMA } from '../src/alerts/alerts-config.js'
import type { Anomaly } from '../src/api/api-types.js'
import { type DemoStory, type DemoStoryName, generateDemo, loadDemo } from '../src/demo/demo-data.js'
import { ANOMALIES_TABLE, type AnomalyRecord } from '../src/schema/anomalies-table.js'
import { startServer } from '../src/start-server.js'
import { openStore } from '../src/store/open-store.js'
import { startReceiver } from './alerts-fixtures.js'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
/** A Sunday evening: the demo's working-day stories fall on the Tuesday to Thursday before. */
const now = new Date('2026-11-22T18:00:00.000Z')
const { events, stories } = generateDemo({ now })

/** How each story is found: its anomaly, and the same story seen from other scopes. */
const FOUND_AS: Record<DemoStoryName, { kind: string; scope: string; alsoAs: string[] }> = {
  'feature-loop': {
    kind: 'spend_spike',
    scope: 'feature=code-review',
    // The feature's route and model are its own; the loop is most of the product's spend then.
    alsoAs: [
      'spend_spike route=/api/review',
      'spend_spike model=o4-mini-2025-04-16',
      'spend_spike environment=production',
    ],
  },
  'test-user': {
    kind: 'customer_hour',
    scope: 'user_id=qa-loadtest',
    // The user is all of its customer's traffic; the test is most of the product's spend then.
    alsoAs: [
      'customer_hour customer_id=quill-internal',
      'spend_spike customer_id=quill-internal',
      'spend_spike environment=production',
    ],
  },
  'duplicated-job': {
    kind: 'duplicated_job',
    scope: 'prompt_id=classify-email-v1',
    // The 03:40 run alone in a night hour is many times the product's usual 03:00.
    alsoAs: ['spend_spike environment=production'],
  },
  'prompt-bloat': {
    kind: 'prompt_drift',
    scope: 'prompt_id=support-agent-v7',
    // The agent's calls cost 1.8× what they did: a busy, noisy hour may pass 3× its usual.
    alsoAs: [
      'spend_spike feature=support-agent',
      'spend_spike route=/api/support/reply',
      'spend_spike model=claude-sonnet-4-20250514',
    ],
  },
  'private-model': {
    kind: 'unpriced_model',
    scope: 'model=quill-legal-ft-v2',
    alsoAs: ['new_model model=quill-legal-ft-v2'],
  },
}

const costOf = (list: readonly CostEvent[]) => list.reduce((sum, event) => sum + (event.cost_usd ?? 0), 0)
const at = (event: CostEvent) => Date.parse(event.ts)
const label = (anomaly: AnomalyRecord) => `${anomaly.kind} ${anomaly.scopeDimension}=${anomaly.scopeValue}`
const hour = (ms: number) => new Date(ms).toISOString().slice(0, 13)
const storyNamed = (name: DemoStoryName) => stories.find((story) => story.name === name) as DemoStory

/**
 * The dollars a story added over an anomaly's hours, from the generated events: what its planted
 * events cost, or for the bloated prompt, what they cost beyond the template's cost per request of
 * the week before the deploy.
 */
function plantedUsd(story: DemoStory, anomaly: AnomalyRecord): number {
  const inside = story.planted.filter((event) => at(event) >= anomaly.start && at(event) < anomaly.end)
  if (story.name !== 'prompt-bloat') return costOf(inside)
  const week = events.filter(
    (event) =>
      event.prompt_id === 'support-agent-v7' &&
      at(event) < story.start &&
      at(event) >= story.start - 7 * DAY_MS,
  )
  return costOf(inside) - inside.length * (costOf(week) / week.length)
}

describe('the demo, loaded, with the anomalies found in it', () => {
  let folder: string
  let anomalies: AnomalyRecord[]

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-demo-stories-'))
    const store = await openStore(join(folder, 'events.duckdb'))
    try {
      const loaded = await loadDemo(store, { now })
      anomalies = (await store.readRecords(ANOMALIES_TABLE)).sort((a, b) => a.start - b.start)
      expect(loaded.anomalies).toBe(anomalies.length)
    } finally {
      await store.close()
    }
  }, 180_000)
  afterAll(() => rm(folder, { recursive: true, force: true }))

  it.each(Object.keys(FOUND_AS) as DemoStoryName[])(
    'finds the %s story from the hour it was planted, with the money it added',
    (name) => {
      const story = storyNamed(name)
      const { kind, scope } = FOUND_AS[name]
      const found = anomalies.find((anomaly) => label(anomaly) === `${kind} ${scope}`)
      expect(found, `${kind} ${scope}`).toBeDefined()
      const anomaly = found as AnomalyRecord
      expect(anomaly.start - story.start, hour(anomaly.start)).toBeGreaterThanOrEqual(0)
      expect(anomaly.start - story.start, hour(anomaly.start)).toBeLessThanOrEqual(HOUR_MS)
      const money = anomaly.moneyAtStakeNanos / 1e9
      // The private model's money is unknown, never a guess.
      if (name === 'private-model') {
        expect(money).toBe(0)
        return
      }
      const planted = plantedUsd(story, anomaly)
      expect(Math.abs(money - planted) / planted, `$${money} at stake, $${planted} planted`).toBeLessThan(0.1)
    },
  )

  it('finds each story as much as it was planted: every night the job ran three times, the whole loop', () => {
    const nights = new Set(storyNamed('duplicated-job').planted.map((event) => event.ts.slice(0, 10)))
    const jobs = anomalies.filter(
      (anomaly) => label(anomaly) === 'duplicated_job prompt_id=classify-email-v1',
    )
    expect(new Set(jobs.map((anomaly) => hour(anomaly.start)))).toEqual(
      new Set([...nights].map((night) => `${night}T02`)),
    )
    const loop = storyNamed('feature-loop')
    const spike = anomalies.find((anomaly) => label(anomaly) === 'spend_spike feature=code-review')
    const lastHour = Math.floor(Math.max(...loop.planted.map(at)) / HOUR_MS) * HOUR_MS
    expect(spike?.end).toBe(lastHour + HOUR_MS)
  })

  it('finds nothing else: the stories seen from other scopes, and no false alarm', () => {
    const unexplained = anomalies.filter((anomaly) => {
      return !stories.some((story) => {
        const { kind, scope, alsoAs } = FOUND_AS[story.name]
        if (![`${kind} ${scope}`, ...alsoAs].includes(label(anomaly))) return false
        // Inside the story: from its start to an hour after its last planted event.
        const last = Math.max(...story.planted.map(at))
        return anomaly.start >= story.start && anomaly.start <= last + HOUR_MS
      })
    })
    expect(unexplained.map((anomaly) => `${label(anomaly)} at ${hour(anomaly.start)}`)).toEqual([])
  })
})

describe('the demo and alerts', () => {
  it('never alerts about what the demo found, even when the running job extends it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'spendlens-demo-alerts-'))
    const path = join(folder, 'events.duckdb')
    const current = Math.floor(Date.now() / HOUR_MS) * HOUR_MS
    const store = await openStore(path)
    // A short demo (without stories: it only needs to be the store's demo), one of its anomalies
    // going on in the current hour (as a story reaching the end of the demo does), and new traffic
    // in that hour that both continues it and is a new anomaly of its own.
    await loadDemo(store, { days: 8 })
    const going: AnomalyRecord = {
      id: 'demo-found-customer-hour',
      project: 'default',
      kind: 'customer_hour',
      scopeDimension: 'customer_id',
      scopeValue: 'globex',
      start: current - HOUR_MS,
      end: current + HOUR_MS,
      measure: 'cost_usd',
      observed: 50,
      expected: 1,
      moneyAtStakeNanos: 49e9,
      lastHourNanos: 0,
      severity: 'medium',
      state: 'open',
      summary: 'an hour the demo found',
      detectedAt: current - HOUR_MS,
      updatedAt: current - HOUR_MS,
    }
    await store.writeRecords(ANOMALIES_TABLE, [going])
    const chat = generateDemo({ days: 1 }).events.find((event) => event.feature === 'chat-assistant')
    await store.append(
      Array.from({ length: 300 }, (_, index) => ({
        ...(chat as CostEvent),
        event_id: `after-the-demo-${index}`,
        ts: new Date(current + (index % 60) * 1000).toISOString(),
        customer_id: 'globex',
        user_id: 'globex-user-1',
        cost_usd: 0.5,
      })),
    )
    await store.close()
    const receiver = await startReceiver()
    const server = await startServer({
      store: path,
      port: 0,
      anomalies: { intervalMs: 3_600_000 },
      alerts: ALERTS_CONFIG_SCHEMA.parse({
        channels: [{ id: 'on-call', kind: 'webhook', url: receiver.url, secret: 'a-secret-of-the-receiver' }],
        rules: [{ channels: ['on-call'] }],
        windowMs: 0,
      }),
    })
    try {
      for (let attempt = 0; attempt < 300 && receiver.received.length === 0; attempt++)
        await new Promise((resolve) => setTimeout(resolve, 100))
      const alerted = receiver.received.flatMap(
        (message) => (JSON.parse(message.body) as { anomalies: Anomaly[] }).anomalies,
      )
      // The new traffic's own anomaly (the user's hour) is alerted; the demo's, extended by it, is not.
      expect(alerted.map((anomaly) => `${anomaly.kind} ${anomaly.scope?.value}`)).toContain(
        'customer_hour globex-user-1',
      )
      expect(alerted.map((anomaly) => anomaly.id)).not.toContain(going.id)
      const stored = (await server.store.readRecords(ANOMALIES_TABLE)).find(
        (anomaly) => anomaly.id === going.id,
      )
      expect(stored?.updatedAt).toBeGreaterThan(going.updatedAt)
    } finally {
      await server.close()
      await receiver.close()
      await rm(folder, { recursive: true, force: true })
    }
  }, 180_000)
})
