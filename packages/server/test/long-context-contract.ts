import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostEvent } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { costEvent } from '../src/demo/cost-event.js'
import { longContext } from '../src/long-context/long-context.js'
import type { Store } from '../src/store/store.js'

/**
 * The long-context warning on every engine (`long-context-contract.<engine>.test.ts`): calls near
 * and past a model's long-context tier, counted by feature, with what those past it cost and what
 * the tier added, worked out by hand from the catalog's prices below.
 */
export interface LongContextContractOptions {
  name: string
  open(folder: string): Promise<Store>
}

const NOV = (day: number, hour = 12) => Date.UTC(2026, 10, day, hour)
let next = 0

function call(fields: Partial<CostEvent> & Pick<CostEvent, 'feature' | 'input_tokens'>): CostEvent {
  next += 1
  return costEvent({ event_id: `lc-${next}`, ts: new Date(NOV(10) + next * 60_000).toISOString(), ...fields })
}

/*
 * gemini-2.5-pro: $1.25 / $10 per million input / output tokens, $2.50 / $15 past 200,000 input
 * tokens. A call of 250,000 in and 1,000 out: $0.625 + $0.015 = $0.64 at the long-context rate,
 * $0.3125 + $0.01 = $0.3225 at the base rate, so the tier added $0.3175; a batch call costs half of
 * both, and the tier added $0.15875. claude-sonnet-4-5 has its tier past 200,000 input tokens too;
 * gpt-4o-mini has none.
 */
const gemini = { provider: 'google', model: 'gemini-2.5-pro', output_tokens: 1000 } as const
const sonnet = { provider: 'anthropic', model: 'claude-sonnet-4-5', output_tokens: 500 } as const
const EVENTS = [
  call({ ...gemini, feature: 'doc-qa', input_tokens: 250_000, cost_usd: 0.64 }),
  call({ ...gemini, feature: 'doc-qa', input_tokens: 250_000, cost_usd: 0.64 }),
  call({ ...gemini, feature: 'doc-qa', input_tokens: 250_000, cost_usd: 0.32, batch: true }),
  call({ ...gemini, feature: 'doc-qa', input_tokens: 170_000, cost_usd: 0.2225 }),
  call({ ...gemini, feature: 'doc-qa', input_tokens: 150_000, cost_usd: 0.1975 }),
  // At the threshold is not past it; 80% of it is approaching, one token less is not.
  call({ ...sonnet, feature: 'summarize', input_tokens: 200_000, cost_usd: 0.6075 }),
  call({ ...sonnet, feature: 'summarize', input_tokens: 160_000, cost_usd: 0.4875 }),
  call({ ...sonnet, feature: 'summarize', input_tokens: 159_999, cost_usd: 0.487497 }),
  call({
    ...sonnet,
    feature: 'summarize',
    input_tokens: 210_000,
    cost_usd: null,
    pricing_status: 'unpriced',
  }),
  call({ provider: 'openai', model: 'gpt-4o-mini', feature: 'chat', input_tokens: 300_000, cost_usd: 0.045 }),
]

const none = { requests: 0, approaching: 0, crossed: 0, cost_usd: null, extra_usd: null, unpriced: 0 }

export function runLongContextContract(options: LongContextContractOptions): void {
  describe(`Long-context tiers: ${options.name}`, () => {
    let folder: string
    let store: Store
    const question = { project: 'lc', from: new Date(NOV(1, 0)), to: new Date(NOV(30, 0)), filters: [] }

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), `spendlens-long-context-${options.name}-`))
      store = await options.open(folder)
      await store.append(EVENTS, 'lc')
    })
    afterAll(async () => {
      await store.close()
      await rm(folder, { recursive: true, force: true })
    })

    it('counts per feature the calls near and past the tier, what those past it cost and what the tier added', async () => {
      const answer = await longContext(store, question)

      expect(answer.approach_share).toBe(0.8)
      expect(answer.features).toEqual([
        {
          feature: 'doc-qa',
          requests: 5,
          approaching: 1,
          crossed: 3,
          cost_usd: 1.6,
          extra_usd: 0.79375,
          unpriced: 0,
          models: [
            {
              provider: 'google',
              model: 'gemini-2.5-pro',
              threshold: 200_000,
              priced_as: 'genai-prices:google/gemini-2.5-pro',
              requests: 5,
              approaching: 1,
              crossed: 3,
              cost_usd: 1.6,
              extra_usd: 0.79375,
              unpriced: 0,
            },
          ],
        },
        {
          // The call past the tier has no known cost: counted, never priced at $0.
          feature: 'summarize',
          requests: 4,
          approaching: 2,
          crossed: 1,
          cost_usd: null,
          extra_usd: null,
          unpriced: 1,
          models: [
            {
              provider: 'anthropic',
              model: 'claude-sonnet-4-5',
              threshold: 200_000,
              priced_as: 'genai-prices:anthropic/claude-sonnet-4-5',
              requests: 4,
              approaching: 2,
              crossed: 1,
              cost_usd: null,
              extra_usd: null,
              unpriced: 1,
            },
          ],
        },
      ])
      expect(answer.totals).toEqual({
        requests: 9,
        approaching: 3,
        crossed: 4,
        cost_usd: 1.6,
        extra_usd: 0.79375,
        unpriced: 1,
      })
    })

    it('answers nothing for traffic on models without a tier, or outside the range', async () => {
      const chat = await longContext(store, {
        ...question,
        filters: [{ dimension: 'feature', op: 'in', values: ['chat'] }],
      })
      const later = await longContext(store, { ...question, from: new Date(NOV(20)) })

      expect([chat.features, chat.totals]).toEqual([[], none])
      expect([later.features, later.totals]).toEqual([[], none])
    })

    it('keeps to the filters: a feature excluded is left out of the figures', async () => {
      const answer = await longContext(store, {
        ...question,
        filters: [{ dimension: 'feature', op: 'not_in', values: ['summarize'] }],
      })

      expect(answer.features.map((feature) => feature.feature)).toEqual(['doc-qa'])
      expect(answer.totals).toEqual({ ...answer.features[0], models: undefined, feature: undefined })
    })
  })
}
