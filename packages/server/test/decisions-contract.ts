import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { costEvent } from '../src/demo/cost-event.js'
import { readRevenue, writeRevenue } from '../src/economics/revenue.js'
import { unitEconomics } from '../src/economics/unit-economics.js'
import type { StoredOutcome } from '../src/schema/outcomes-table.js'
import type { Store } from '../src/store/store.js'

/**
 * What the decisions of issue 14 keep and read, on every engine (`decisions-contract.<engine>.test.ts`):
 * outcomes stored once per id, counted by feature and customer; revenue by customer and month; the
 * token sums a what-if prices; and the unit economics made of them, worked out by hand below.
 * Each case works in a project of its own, on one store per engine.
 */
export interface DecisionsContractOptions {
  name: string
  open(folder: string): Promise<Store>
}

const NOV = (day: number, hour = 12) => Date.UTC(2026, 10, day, hour)
const iso = (ms: number) => new Date(ms).toISOString()

function outcome(fields: Partial<StoredOutcome> & Pick<StoredOutcome, 'id'>): StoredOutcome {
  return {
    project: 'ignored',
    ts_ms: NOV(10),
    outcome: 'conversion',
    customer_id: 'unattributed',
    feature: 'unattributed',
    value_nanos: null,
    received_ms: NOV(10),
    ...fields,
  }
}

/*
 * November 2026. Events: acme chat $3 and summarize $2; globex chat $30; hooli chat $100; initech
 * summarize $1; an unattributed chat call $4. So chat costs $137, summarize $3, everything $140.
 * Outcomes: two conversions on chat (acme $50, globex $25), three tickets resolved on summarize
 * (acme twice, initech), one signup naming no feature (hooli, $10); one conversion in October.
 * Revenue: acme $100 a month, globex $50 a month but $40 in November, hooli $1,000; initech none.
 */
const ECONOMY_EVENTS = [
  costEvent({ event_id: 'u1', ts: iso(NOV(2)), feature: 'chat', customer_id: 'acme', cost_usd: 3 }),
  costEvent({ event_id: 'u2', ts: iso(NOV(3)), feature: 'summarize', customer_id: 'acme', cost_usd: 2 }),
  costEvent({ event_id: 'u3', ts: iso(NOV(4)), feature: 'chat', customer_id: 'globex', cost_usd: 30 }),
  costEvent({ event_id: 'u4', ts: iso(NOV(20)), feature: 'chat', customer_id: 'hooli', cost_usd: 100 }),
  costEvent({ event_id: 'u5', ts: iso(NOV(21)), feature: 'summarize', customer_id: 'initech', cost_usd: 1 }),
  costEvent({ event_id: 'u6', ts: iso(NOV(22)), feature: 'chat', cost_usd: 4 }),
]
const ECONOMY_OUTCOMES = [
  outcome({ id: 'o1', feature: 'chat', customer_id: 'acme', value_nanos: 50e9, ts_ms: NOV(2) }),
  outcome({ id: 'o2', feature: 'chat', customer_id: 'globex', value_nanos: 25e9, ts_ms: NOV(5) }),
  outcome({ id: 'o3', outcome: 'ticket_resolved', feature: 'summarize', customer_id: 'acme', ts_ms: NOV(3) }),
  outcome({ id: 'o4', outcome: 'ticket_resolved', feature: 'summarize', customer_id: 'acme', ts_ms: NOV(6) }),
  outcome({
    id: 'o5',
    outcome: 'ticket_resolved',
    feature: 'summarize',
    customer_id: 'initech',
    ts_ms: NOV(21),
  }),
  outcome({ id: 'o6', outcome: 'signup', customer_id: 'hooli', value_nanos: 10e9, ts_ms: NOV(25) }),
  outcome({ id: 'o-october', feature: 'chat', customer_id: 'acme', ts_ms: Date.UTC(2026, 9, 20) }),
]
const ECONOMY_REVENUE = [
  { customer_id: 'acme', monthly_revenue_usd: 100, plan: 'team' },
  { customer_id: 'globex', monthly_revenue_usd: 50, plan: 'starter' },
  { customer_id: 'globex', monthly_revenue_usd: 40, plan: 'starter', month: '2026-11' },
  { customer_id: 'hooli', monthly_revenue_usd: 1000, plan: 'enterprise' },
]

export function runDecisionsContract(options: DecisionsContractOptions): void {
  describe(`Decisions storage: ${options.name}`, () => {
    let folder: string
    let store: Store

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), `spendlens-decisions-${options.name}-`))
      store = await options.open(folder)
    })
    afterAll(async () => {
      await store.close()
      await rm(folder, { recursive: true, force: true })
    })

    it('stores an outcome id once per project: a repeat, in the batch or later, is a duplicate', async () => {
      const first = await store.appendOutcomes(
        [outcome({ id: 'a' }), outcome({ id: 'b' }), outcome({ id: 'a', outcome: 'other' })],
        'once',
      )
      const again = await store.appendOutcomes(
        [outcome({ id: 'b', value_nanos: 5 }), outcome({ id: 'c' })],
        'once',
      )
      const elsewhere = await store.appendOutcomes([outcome({ id: 'a' })], 'once-other')

      expect(first).toEqual(['inserted', 'inserted', 'duplicate'])
      expect(again).toEqual(['duplicate', 'inserted'])
      expect(elsewhere).toEqual(['inserted'])
      const totals = await store.outcomeTotals({ project: 'once', filters: [], by: 'feature' })
      // The first copy of `a` was kept: no `other` outcome, and `b` without the later value.
      expect(totals).toEqual([{ key: 'unattributed', outcome: 'conversion', outcomes: 3, value_nanos: null }])
    })

    it('counts outcomes by feature and by customer, with their values, in the range and filters', async () => {
      await store.appendOutcomes(ECONOMY_OUTCOMES, 'count')
      const november = { project: 'count', from: NOV(1, 0), to: Date.UTC(2026, 11, 1) }

      expect(await store.outcomeTotals({ ...november, filters: [], by: 'feature' })).toEqual([
        { key: 'chat', outcome: 'conversion', outcomes: 2, value_nanos: 75e9 },
        { key: 'summarize', outcome: 'ticket_resolved', outcomes: 3, value_nanos: null },
        { key: 'unattributed', outcome: 'signup', outcomes: 1, value_nanos: 10e9 },
      ])
      expect(
        await store.outcomeTotals({
          ...november,
          filters: [{ dimension: 'customer_id', op: 'in', values: ['acme'] }],
          by: 'customer_id',
        }),
      ).toEqual([
        { key: 'acme', outcome: 'conversion', outcomes: 1, value_nanos: 50e9 },
        { key: 'acme', outcome: 'ticket_resolved', outcomes: 2, value_nanos: null },
      ])
    })

    it('pages every outcome out, project by project, oldest first', async () => {
      await store.appendOutcomes(ECONOMY_OUTCOMES.slice(0, 3), 'page-a')
      await store.appendOutcomes(ECONOMY_OUTCOMES.slice(3), 'page-b')
      const pages: StoredOutcome[][] = []
      for await (const page of store.exportOutcomes(2)) pages.push(page)
      const mine = pages.flat().filter((row) => row.project.startsWith('page-'))

      expect(pages.every((page) => page.length <= 2)).toBe(true)
      expect(mine.map((row) => `${row.project}:${row.id}`)).toEqual([
        'page-a:o1',
        'page-a:o3',
        'page-a:o2',
        'page-b:o-october',
        'page-b:o4',
        'page-b:o5',
        'page-b:o6',
      ])
      expect(mine[0]).toEqual({ ...ECONOMY_OUTCOMES[0], project: 'page-a' })
    })

    it('keeps revenue by customer and month; a replacing write removes what it leaves out', async () => {
      await writeRevenue(store, 'money', ECONOMY_REVENUE, { replace: false, now: 1 })
      await writeRevenue(store, 'money', [{ customer_id: 'initech', monthly_revenue_usd: 9.5 }], {
        replace: false,
        now: 2,
      })
      expect(
        (await readRevenue(store, 'money')).map((record) => `${record.customerId}/${record.month}`),
      ).toEqual(['acme/', 'globex/', 'globex/2026-11', 'hooli/', 'initech/'])

      await writeRevenue(store, 'money', [{ customer_id: 'acme', monthly_revenue_usd: 120, plan: 'pro' }], {
        replace: true,
        now: 3,
      })
      expect(await readRevenue(store, 'money')).toEqual([
        {
          id: 'money/*/acme',
          project: 'money',
          customerId: 'acme',
          month: '',
          plan: 'pro',
          revenueNanos: 120e9,
          updatedAt: 3,
        },
      ])
    })

    it('answers cost per outcome and margins as worked out by hand', async () => {
      await store.append(ECONOMY_EVENTS, 'economy')
      await store.appendOutcomes(ECONOMY_OUTCOMES, 'economy')
      await writeRevenue(store, 'economy', ECONOMY_REVENUE, { replace: true })
      const answer = await unitEconomics(store, {
        project: 'economy',
        from: new Date(NOV(1, 0)),
        to: new Date(Date.UTC(2026, 11, 1)),
        filters: [],
      })

      expect(answer.cost_per_outcome).toEqual([
        // Outcomes naming no feature against every feature's cost: $140 / 1.
        {
          feature: null,
          outcome: 'signup',
          outcomes: 1,
          value_usd: 10,
          cost_usd: 140,
          cost_per_outcome_usd: 140,
        },
        // chat: $3 + $30 + $100 + $4 = $137 over 2 conversions.
        {
          feature: 'chat',
          outcome: 'conversion',
          outcomes: 2,
          value_usd: 75,
          cost_usd: 137,
          cost_per_outcome_usd: 68.5,
        },
        // summarize: $2 + $1 over 3 tickets.
        {
          feature: 'summarize',
          outcome: 'ticket_resolved',
          outcomes: 3,
          value_usd: null,
          cost_usd: 3,
          cost_per_outcome_usd: 1,
        },
      ])
      expect(answer.customers).toEqual([
        // $30 of $40 (November's own amount): 75% of its revenue, past the default 20%.
        {
          customer_id: 'globex',
          plan: 'starter',
          revenue_usd: 40,
          cost_usd: 30,
          margin_usd: 10,
          cost_share: 0.75,
          over_share: true,
          outcomes: 1,
        },
        {
          customer_id: 'hooli',
          plan: 'enterprise',
          revenue_usd: 1000,
          cost_usd: 100,
          margin_usd: 900,
          cost_share: 0.1,
          over_share: false,
          outcomes: 1,
        },
        {
          customer_id: 'acme',
          plan: 'team',
          revenue_usd: 100,
          cost_usd: 5,
          margin_usd: 95,
          cost_share: 0.05,
          over_share: false,
          outcomes: 3,
        },
        {
          customer_id: 'initech',
          plan: null,
          revenue_usd: null,
          cost_usd: 1,
          margin_usd: null,
          cost_share: null,
          over_share: false,
          outcomes: 1,
        },
      ])
      expect(answer.totals).toEqual({ revenue_usd: 1140, cost_usd: 135, margin_usd: 1005, outcomes: 6 })
      expect(answer.over_share).toBe(1)
    })

    it('prorates revenue over part of a month, and flags by the share asked for', async () => {
      await store.append(ECONOMY_EVENTS, 'half')
      await writeRevenue(store, 'half', ECONOMY_REVENUE, { replace: true })
      // The first 15 of November's 30 days: half of each amount; the calls of those days only.
      const answer = await unitEconomics(store, {
        project: 'half',
        from: new Date(NOV(1, 0)),
        to: new Date(NOV(16, 0)),
        filters: [],
        maxCostShare: 0.05,
      })

      expect(
        answer.customers.map((row) => [row.customer_id, row.revenue_usd, row.cost_usd, row.over_share]),
      ).toEqual([
        ['globex', 20, 30, true], // 150%
        ['acme', 50, 5, true], // 10%, past 5%
        ['hooli', 500, 0, false], // its call came on the 20th
      ])
    })
  })
}
