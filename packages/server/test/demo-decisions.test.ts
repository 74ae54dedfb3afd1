import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemoEvents, loadDemo } from '../src/demo/demo-data.js'
import { DEMO_PLANS, demoOutcomes } from '../src/demo/demo-economics.js'
import { DEMO_MIGRATION, demoMigrationDay, plantModelMigration } from '../src/demo/demo-migration.js'
import { unitEconomics } from '../src/economics/unit-economics.js'
import { modelMigrations } from '../src/model-migrations/model-migrations.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { Store } from '../src/store/store.js'
import { whatIf } from '../src/what-if/what-if.js'

const now = new Date('2026-11-22T18:00:00.000Z')
const DAY = 86_400_000
const month = { from: new Date(Date.UTC(2026, 10, 1)), to: new Date(Date.UTC(2026, 11, 1)) }

let folder: string
let store: Store

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-demo-decisions-'))
  store = await openDuckDBStore(join(folder, 'demo.duckdb'))
  await loadDemo(store, { now, days: 30 })
})
afterAll(async () => {
  await store.close()
  await rm(folder, { recursive: true, force: true })
})

describe('the demo’s decisions', () => {
  it('moves code-review from o3 to o4-mini 12 days before its end, priced again at o3 before', () => {
    const events = plantModelMigration(generateDemoEvents({ now, days: 30 }))
    const switchAt = demoMigrationDay(now.getTime())
    const review = events.filter((event) => event.feature === DEMO_MIGRATION.feature)
    const before = review.filter((event) => Date.parse(event.ts) < switchAt)

    expect(switchAt).toBe(Date.UTC(2026, 10, 11))
    // Failed calls have the model asked for; the others, the snapshot that answered.
    expect(new Set(before.map((event) => event.model))).toEqual(new Set(['o3-2025-04-16', 'o3']))
    expect(before.every((event) => event.price_source?.startsWith('genai-prices:openai/o3') === true)).toBe(
      true,
    )
    expect(
      new Set(review.filter((event) => Date.parse(event.ts) >= switchAt).map((event) => event.model)),
    ).toEqual(new Set(['o4-mini-2025-04-16', 'o4-mini']))
    // A demo too short for a week on the old model has no migration.
    const short = generateDemoEvents({ now, days: 10 })
    expect(plantModelMigration(short)).toBe(short)
  })

  it('shows the migration, with a cheaper and faster call after it', async () => {
    const { migrations } = await modelMigrations(store, { project: 'default', timeZone: 'UTC', filters: [] })

    expect(
      migrations.map((migration) => [
        migration.feature,
        migration.day,
        migration.before.model,
        migration.after.model,
      ]),
    ).toEqual([['code-review', '2026-11-11', 'o3-2025-04-16', 'o4-mini-2025-04-16']])
    const [migration] = migrations
    expect(migration?.change.cost_per_request).toBeLessThan(-0.3)
    expect(migration?.change.p95_latency_ms).toBeLessThan(-0.2)
  })

  it('has a customer whose calls cost more than it pays, and others past a fifth of their revenue', async () => {
    const answer = await unitEconomics(store, { project: 'default', ...month, filters: [] })
    const pilot = answer.customers.find((customer) => customer.customer_id === DEMO_PLANS.pilot.customer)

    expect(pilot).toMatchObject({
      plan: DEMO_PLANS.pilot.plan,
      revenue_usd: DEMO_PLANS.pilot.usd,
      over_share: true,
    })
    expect(pilot?.margin_usd).toBeLessThan(0)
    expect(answer.customers[0]?.customer_id).toBe(DEMO_PLANS.pilot.customer)
    expect(answer.over_share).toBeGreaterThan(1)
    expect(answer.customers.find((customer) => customer.customer_id === 'initech')?.plan).toBe('enterprise')
  })

  it('has outcomes for every feature it names, the private model’s cost per contract unknown', async () => {
    const answer = await unitEconomics(store, { project: 'default', ...month, filters: [] })
    const byOutcome = new Map(answer.cost_per_outcome.map((row) => [row.outcome, row]))

    expect([...byOutcome.keys()].sort()).toEqual([
      'contract_signed',
      'conversion',
      'pull_request_merged',
      'report_delivered',
      'signup',
      'summary_accepted',
      'ticket_resolved',
    ])
    expect(byOutcome.get('ticket_resolved')).toMatchObject({ feature: 'support-agent' })
    expect(byOutcome.get('ticket_resolved')?.cost_per_outcome_usd).toBeGreaterThan(0)
    expect(byOutcome.get('contract_signed')).toMatchObject({ cost_usd: null, cost_per_outcome_usd: null })
    expect(byOutcome.get('signup')?.feature).toBeNull()
    expect(demoOutcomes(generateDemoEvents({ now, days: 2 }))).toEqual(
      demoOutcomes(generateDemoEvents({ now, days: 2 })),
    )
  })

  it('answers a what-if on it: the support agent on claude-haiku-4-5 saves money, within one tokenizer family', async () => {
    const answer = await whatIf(store, {
      project: 'default',
      from: new Date(now.getTime() - 7 * DAY),
      to: now,
      filters: [{ dimension: 'feature', op: 'in', values: ['support-agent'] }],
      target: { provider: 'anthropic', model: 'claude-haiku-4-5' },
    })

    expect(answer.requests).toBeGreaterThan(0)
    expect(answer.difference_usd).toBeLessThan(0)
    expect(answer.caveats.some((caveat) => caveat.startsWith('Tokenizers differ'))).toBe(false)
  })
})
