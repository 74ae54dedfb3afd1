import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { CostEvent } from '../src/index.js'
import { drain, responseObject, responsesUsage } from './cost-vectors.js'
import { recordingTracker } from './harness.js'
import { type ScriptedProvider, startScriptedProvider } from './scripted-provider.js'

/*
 * OpenAI bills code interpreter per container session, not per call, and a container lives on
 * across responses (until 20 idle minutes): a container a later response reuses is not a new
 * session. Through the official `openai` client against a local fake over HTTP.
 *
 * gpt-4.1 $2 in · $8 out (catalog); code interpreter $0.03 per session (supplement `units`).
 * Every response below has 1,000 input and 200 output tokens:
 *   1000 × 2 + 200 × 8 = 2000 + 1600 = 3600 µ$ of tokens, + 30000 µ$ per new container.
 */
const TOKENS_ONLY = 0.0036
const WITH_ONE_SESSION = 0.0336

let fake: ScriptedProvider

beforeAll(async () => {
  fake = await startScriptedProvider()
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const codeCall = (id: string, container: string) => ({
  type: 'code_interpreter_call',
  id,
  status: 'completed',
  code: 'print(sum(range(10)))',
  container_id: container,
  outputs: null,
})

/** A gpt-4.1 response whose code ran in `containers` (one call each). */
function answer(...containers: string[]) {
  return {
    json: responseObject('gpt-4.1-2025-04-14', responsesUsage(1000, 200), {
      output: containers.map((container, index) => codeCall(`ci_${index}`, container)),
    }),
  }
}

const AUTO = [{ type: 'code_interpreter' as const, container: { type: 'auto' as const } }]

function client() {
  return new OpenAI({ apiKey: 'sk-test-fake', baseURL: `${fake.url}/v1`, maxRetries: 0 })
}

function expectCost(event: CostEvent | undefined, sessions: number | null, cost: number) {
  expect(event?.code_interpreter_sessions).toBe(sessions)
  expect(Math.round((event?.cost_usd as number) * 1e9)).toBe(Math.round(cost * 1e9))
}

describe('code interpreter containers across responses', () => {
  it('counts a container once for the tracker, however many responses run code in it', async () => {
    const { tracker, events } = recordingTracker()
    const openai = tracker.wrap(client())
    fake.reply(answer('cntr_a', 'cntr_a'), answer('cntr_a'), {
      events: [
        {
          event: 'response.completed',
          data: {
            type: 'response.completed',
            sequence_number: 0,
            response: answer('cntr_a', 'cntr_b').json,
          },
        },
      ],
    })
    const first = await openai.responses.create({ model: 'gpt-4.1', input: 'Sum it', tools: AUTO })
    // The conversation goes on in the same auto container.
    await openai.responses.create({
      model: 'gpt-4.1',
      input: 'Now the mean',
      tools: AUTO,
      previous_response_id: first.id,
    })
    // Streamed: the old container again, and a new one.
    await drain(
      await openai.responses.create({
        model: 'gpt-4.1',
        input: 'And a chart',
        tools: AUTO,
        previous_response_id: first.id,
        stream: true,
      }),
    )
    await tracker.flush()

    expect(events).toHaveLength(3)
    // cntr_a is new: 3600 + 30000 = 33600 µ$ (two calls in it, one session)
    expectCost(events[0], 1, WITH_ONE_SESSION)
    expect(events[0]?.price_source).toBe('genai-prices:openai/gpt-4.1+tool-fees')
    // cntr_a again: tokens only, 3600 µ$ (counted as a new session, 33600 µ$)
    expectCost(events[1], 0, TOKENS_ONLY)
    expect(events[1]?.price_source).toBe('genai-prices:openai/gpt-4.1')
    // cntr_a again and cntr_b new: 3600 + 30000 = 33600 µ$ (both counted: 63600 µ$)
    expectCost(events[2], 1, WITH_ONE_SESSION)
  })

  it('never counts a container the request names: it was created before the call', async () => {
    const { tracker, events } = recordingTracker()
    fake.reply(answer('cntr_made_earlier'))
    await tracker.wrap(client()).responses.create({
      model: 'gpt-4.1',
      input: 'Sum it',
      tools: [{ type: 'code_interpreter', container: 'cntr_made_earlier' }],
    })
    await tracker.flush()

    // 3600 µ$ of tokens and no session (one session would be 33600 µ$)
    expectCost(events[0], 0, TOKENS_ONLY)
  })

  it('counts the container again in another tracker (another process), whose memory is its own', async () => {
    const first = recordingTracker()
    const second = recordingTracker()
    fake.reply(answer('cntr_shared'), answer('cntr_shared'))
    await first.tracker.wrap(client()).responses.create({ model: 'gpt-4.1', input: 'Sum it', tools: AUTO })
    await second.tracker.wrap(client()).responses.create({ model: 'gpt-4.1', input: 'Again', tools: AUTO })
    await first.tracker.flush()
    await second.tracker.flush()

    // Each: 3600 + 30000 = 33600 µ$, the documented limit of a per-tracker memory.
    expectCost(first.events[0], 1, WITH_ONE_SESSION)
    expectCost(second.events[0], 1, WITH_ONE_SESSION)
  })
})
