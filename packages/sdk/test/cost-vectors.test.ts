import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BILLED_UNIT_VECTORS } from './billed-unit-vectors.js'
import { COST_VECTORS } from './cost-vectors.js'
import { onlyEvent, recordingTracker } from './harness.js'
import { type ScriptedProvider, startScriptedProvider } from './scripted-provider.js'

let provider: ScriptedProvider

beforeAll(async () => {
  provider = await startScriptedProvider()
})
afterAll(() => provider.close())

describe('cost vectors through the official clients over HTTP', () => {
  it('has at least 30 vectors', () => {
    expect(COST_VECTORS.length).toBeGreaterThanOrEqual(30)
  })

  for (const vector of [...COST_VECTORS, ...BILLED_UNIT_VECTORS]) {
    it(vector.name, async () => {
      const { tracker, events } = recordingTracker()
      provider.reply(vector.answer)
      if (vector.client === 'openai') {
        const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.url}/v1`, maxRetries: 0 })
        await vector.call(tracker.wrap(client, {}, vector.wrapOptions))
      } else {
        const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: provider.url, maxRetries: 0 })
        await vector.call(tracker.wrap(client, {}, vector.wrapOptions))
      }
      await tracker.flush()
      const event = onlyEvent(events)
      const { cost_usd, ...fields } = vector.expected
      expect(event).toMatchObject(fields)
      if (cost_usd === null) expect(event.cost_usd).toBeNull()
      else {
        // Exact to the nano-dollar, the store's unit.
        expect(event.cost_usd).not.toBeNull()
        expect(Math.round((event.cost_usd as number) * 1e9)).toBe(Math.round(cost_usd * 1e9))
      }
    })
  }
})
