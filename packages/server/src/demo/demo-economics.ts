import type { CostEvent } from 'spendlens'
import { NANOS_PER_USD } from 'spendlens/internal'
import type { RevenueEntry } from '../api/api-types.js'
import { writeRevenue } from '../economics/revenue.js'
import type { StoredOutcome } from '../schema/outcomes-table.js'
import { DEFAULT_PROJECT } from '../schema/projects.js'
import type { Store } from '../store/store.js'
import { seededRandom } from './seeded-random.js'

/**
 * What the demo's product earns (docs/decisions.md "Unit economics"): each customer's plan, and the
 * business outcomes its calls led to, so that cost per outcome and margins show on `npm start`.
 *
 * Plans match the events' `plan` tag: enterprise at $149 a month, team at $19; initech upgraded this
 * month (it paid $99 the month before). Planted: globex, the customer whose integration ran away
 * for a day, is on a $49 enterprise pilot, and its calls cost more than it pays, the source
 * article's customer on $50 a month who cost $700.
 */
export const DEMO_PLANS = {
  enterprise: 149,
  team: 19,
  pilot: { customer: 'globex', plan: 'enterprise-pilot', usd: 49 },
  upgrade: { customer: 'initech', previousUsd: 99 },
} as const

/** Outcomes of each feature's successful calls: the kind, how often one follows a call, its value. */
const OUTCOMES: Record<string, { outcome: string; chance: number; value?: [number, number] }> = {
  'support-agent': { outcome: 'ticket_resolved', chance: 0.35 },
  'chat-assistant': { outcome: 'conversion', chance: 0.01, value: [20, 200] },
  'doc-summarizer': { outcome: 'summary_accepted', chance: 0.6 },
  'report-writer': { outcome: 'report_delivered', chance: 0.8 },
  'code-review': { outcome: 'pull_request_merged', chance: 0.5 },
  // The private model's calls have no known cost: so has its cost per contract.
  'contract-drafting': { outcome: 'contract_signed', chance: 0.1, value: [1000, 20000] },
}
/** Sign-ups name no feature: they are set against the cost of every feature. */
const SIGNUP_CHANCE = 0.002

/** The demo's revenue: a plan per customer seen in `events`, by its `plan` tag. */
export function demoRevenue(events: readonly CostEvent[]): RevenueEntry[] {
  const plans = new Map<string, string>()
  let last = 0
  for (const event of events) {
    if (event.customer_id && !plans.has(event.customer_id))
      plans.set(event.customer_id, event.tags.plan ?? 'team')
    last = Math.max(last, Date.parse(event.ts))
  }
  const previousMonth = new Date(
    Date.UTC(new Date(last).getUTCFullYear(), new Date(last).getUTCMonth() - 1, 1),
  )
    .toISOString()
    .slice(0, 7)
  const entries: RevenueEntry[] = []
  for (const [customer, tag] of [...plans].sort(([a], [b]) => a.localeCompare(b))) {
    if (customer === DEMO_PLANS.pilot.customer) {
      entries.push({
        customer_id: customer,
        plan: DEMO_PLANS.pilot.plan,
        monthly_revenue_usd: DEMO_PLANS.pilot.usd,
      })
      continue
    }
    const enterprise = tag === 'enterprise'
    entries.push({
      customer_id: customer,
      plan: enterprise ? 'enterprise' : 'team',
      monthly_revenue_usd: enterprise ? DEMO_PLANS.enterprise : DEMO_PLANS.team,
    })
    if (customer === DEMO_PLANS.upgrade.customer)
      entries.push({
        customer_id: customer,
        plan: 'team-plus',
        monthly_revenue_usd: DEMO_PLANS.upgrade.previousUsd,
        month: previousMonth,
      })
  }
  return entries
}

/** The outcomes the demo's calls led to, drawn with a seeded generator: the same events, the same outcomes. */
export function demoOutcomes(events: readonly CostEvent[], seed = 42): StoredOutcome[] {
  const random = seededRandom(seed + 1)
  const outcomes: StoredOutcome[] = []
  for (const event of events) {
    const ts = Date.parse(event.ts) + Math.round(event.latency_ms ?? 0)
    const base = {
      project: DEFAULT_PROJECT,
      ts_ms: ts,
      customer_id: event.customer_id ?? 'unattributed',
      received_ms: ts,
    }
    const kind = event.feature ? OUTCOMES[event.feature] : undefined
    if (kind && event.status === 'ok' && random() < kind.chance) {
      const [low, high] = kind.value ?? [0, 0]
      outcomes.push({
        ...base,
        id: `outcome-${event.event_id}`,
        outcome: kind.outcome,
        feature: event.feature as string,
        value_nanos: kind.value
          ? Math.round((low + random() * (high - low)) * 100) * (NANOS_PER_USD / 100)
          : null,
      })
    }
    if (random() < SIGNUP_CHANCE)
      outcomes.push({
        ...base,
        id: `signup-${event.event_id}`,
        outcome: 'signup',
        feature: 'unattributed',
        value_nanos: null,
      })
  }
  return outcomes
}

/** Stores the demo's revenue and outcomes beside its events (called by loadDemo). */
export async function loadDemoEconomics(
  store: Pick<Store, 'appendOutcomes' | 'readRecords' | 'writeRecords'>,
  events: readonly CostEvent[],
  seed?: number,
  project = DEFAULT_PROJECT,
): Promise<{ outcomes: number; revenue: number }> {
  const outcomes = demoOutcomes(events, seed).map((outcome) => ({ ...outcome, project }))
  for (let start = 0; start < outcomes.length; start += 10_000)
    await store.appendOutcomes(outcomes.slice(start, start + 10_000), project)
  const revenue = demoRevenue(events)
  await writeRevenue(store, project, revenue, { replace: true })
  return { outcomes: outcomes.length, revenue: revenue.length }
}
