import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { type CostEvent, callbackSink, createTracker, httpSink } from 'spendlens'
import { emptyUsage, priceUsage } from 'spendlens/internal'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ScriptedProvider, startScriptedProvider } from '../../sdk/test/scripted-provider.js'
import type { ReconcileAnswer } from '../src/api/api-types.js'
import { seededRandom } from '../src/demo/seeded-random.js'
import { openaiReports } from '../src/invoice/openai-reports.js'
import { syncInvoice } from '../src/invoice/sync-invoice.js'
import { type RunningServer, startServer } from '../src/start-server.js'
import { type FakeAdminApi, startFakeOpenAIAdmin, type WireBucket } from './fake-admin-api.js'

/**
 * A simulated organization, end to end: calls through the official OpenAI client (wrapped by the
 * SDK, or not) against a local provider over HTTP, events into the real server; the provider's admin
 * API (the fake, over HTTP) reports usage and costs derived from the very same calls, synced by the
 * real sync; the reconciliation read over HTTP. Fully tracked, the invoice is explained to the cent;
 * with 5% of the calls unwrapped, one price wrong in the catalog and a fine-tuning line, each part
 * of the gap is found and sized within 0.5% of the truth, which this test knows call by call.
 */
const DAY = 86_400_000
const CALLS = 400
const MODELS = ['gpt-4o-mini-2024-07-18', 'gpt-4.1-2025-04-14']
/** The model whose real input price is 20% above the catalog's ("one price wrong in the catalog"). */
const MISPRICED = 'gpt-4.1-2025-04-14'
const MISPRICE = 1.2
const FINE_TUNING_USD = 12.34

interface Call {
  day: number
  model: string
  input: number
  cached: number
  output: number
  tracked: boolean
}

const catalog = (model: string, tokens: Partial<ReturnType<typeof emptyUsage>>, day: number) =>
  priceUsage({
    provider: 'openai',
    model,
    usage: { ...emptyUsage(), ...tokens },
    ts: new Date(day),
    service_tier: null,
    batch: false,
  }).cost_usd as number

/** What the provider really charges for each kind of a call's tokens. */
function billed(call: Call, misprice: boolean) {
  const factor = misprice && call.model === MISPRICED ? MISPRICE : 1
  const uncached = call.input - call.cached
  return {
    input: catalog(call.model, { input_tokens: uncached }, call.day) * factor,
    cached: catalog(call.model, { input_tokens: call.cached, cache_read_tokens: call.cached }, call.day),
    output: catalog(call.model, { output_tokens: call.output }, call.day),
  }
}

const total = (parts: Record<string, number>) => Object.values(parts).reduce((sum, value) => sum + value, 0)

/** The provider's reports of these calls, in OpenAI's wire shape, one bucket per UTC day. */
function adminData(calls: Call[], misprice: boolean, fineTuning: boolean): Record<string, WireBucket[]> {
  const days = [...new Set(calls.map((call) => call.day))].sort()
  const costs: WireBucket[] = []
  const usage: WireBucket[] = []
  for (const day of days) {
    const bucket = { object: 'bucket', start_time: day / 1000, end_time: (day + DAY) / 1000 }
    const costResults: Record<string, unknown>[] = []
    const usageResults: Record<string, unknown>[] = []
    for (const model of MODELS) {
      const ofModel = calls.filter((call) => call.day === day && call.model === model)
      if (ofModel.length === 0) continue
      for (const kind of ['input', 'cached', 'output'] as const)
        costResults.push({
          object: 'organization.costs.result',
          amount: {
            value: ofModel.reduce((sum, call) => sum + billed(call, misprice)[kind], 0),
            currency: 'usd',
          },
          line_item: `${model}, ${kind === 'cached' ? 'cached input' : kind}`,
          project_id: null,
          organization_id: 'org-simulated',
        })
      usageResults.push({
        object: 'organization.usage.completions.result',
        input_tokens: ofModel.reduce((sum, call) => sum + call.input, 0),
        input_cached_tokens: ofModel.reduce((sum, call) => sum + call.cached, 0),
        output_tokens: ofModel.reduce((sum, call) => sum + call.output, 0),
        input_audio_tokens: 0,
        output_audio_tokens: 0,
        num_model_requests: ofModel.length,
        model,
        project_id: null,
        batch: false,
        service_tier: 'default',
      })
    }
    if (fineTuning && day === days[0])
      costResults.push({
        object: 'organization.costs.result',
        amount: { value: FINE_TUNING_USD, currency: 'usd' },
        line_item: 'fine-tuning training',
        project_id: null,
        organization_id: 'org-simulated',
      })
    costs.push({ ...bucket, results: costResults })
    usage.push({ ...bucket, results: usageResults })
  }
  return { costs, 'usage/completions': usage }
}

interface Simulation {
  calls: Call[]
  events: CostEvent[]
  answer: ReconcileAnswer
}

async function simulate(
  provider: ScriptedProvider,
  options: { unwrappedShare: number; misprice: boolean; fineTuning: boolean },
): Promise<Simulation> {
  const folder = await mkdtemp(join(tmpdir(), 'spendlens-simulated-org-'))
  let server: RunningServer | undefined
  let admin: FakeAdminApi | undefined
  try {
    server = await startServer({ store: join(folder, 'spendlens.duckdb'), port: 0, demo: false })
    const events: CostEvent[] = []
    const tracker = createTracker({
      sinks: [httpSink({ endpoint: server.url }), callbackSink((event) => events.push(event))],
    })
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.url}/v1`, maxRetries: 0 })
    const wrapped = tracker.wrap(client, { feature: 'simulated' })
    // Calls of one UTC day: wait out the last minute of a day rather than straddle two.
    if (Date.now() % DAY > DAY - 60_000)
      await new Promise((resolve) => setTimeout(resolve, DAY - (Date.now() % DAY) + 100))
    const next = seededRandom(7)
    const calls: Call[] = []
    for (let index = 0; index < CALLS; index++) {
      const model = MODELS[Math.floor(next() * MODELS.length)] as string
      const input = 200 + Math.floor(next() * 4000)
      const call: Call = {
        day: Math.floor(Date.now() / DAY) * DAY,
        model,
        input,
        cached: Math.floor(next() * 0.6 * input),
        output: 20 + Math.floor(next() * 900),
        tracked: next() >= options.unwrappedShare,
      }
      calls.push(call)
      provider.reply({
        json: {
          id: `chatcmpl-${index}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: 'ok', refusal: null },
              finish_reason: 'stop',
              logprobs: null,
            },
          ],
          usage: {
            prompt_tokens: call.input,
            completion_tokens: call.output,
            total_tokens: call.input + call.output,
            prompt_tokens_details: { cached_tokens: call.cached, audio_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
          },
        },
      })
      await (call.tracked ? wrapped : client).chat.completions.create({
        model: model.replace(/-\d{4}-\d{2}-\d{2}$/, ''),
        messages: [{ role: 'user', content: 'hi' }],
      })
    }
    await tracker.flush()

    admin = await startFakeOpenAIAdmin({ data: adminData(calls, options.misprice, options.fineTuning) })
    const first = calls[0]?.day as number
    const last = calls.at(-1)?.day as number
    await syncInvoice({
      store: server.store,
      project: 'default',
      provider: 'openai',
      sources: openaiReports({ key: admin.key, baseUrl: admin.url }).filter((source) =>
        ['costs', 'usage/completions'].includes(source.source),
      ),
      since: first,
      until: last + DAY,
      // The day of the calls counts as complete, as it will be tomorrow.
      now: () => last + DAY + 3_600_000,
    })
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
    const response = await fetch(
      new URL(`api/invoice/reconcile?from=${day(first)}&to=${day(last)}&by=model`, server.url),
    )
    expect(response.status).toBe(200)
    return { calls, events, answer: (await response.json()) as ReconcileAnswer }
  } finally {
    await admin?.close()
    await server?.close()
    await rm(folder, { recursive: true, force: true })
  }
}

describe('a simulated organization', () => {
  let provider: ScriptedProvider
  beforeAll(async () => {
    provider = await startScriptedProvider()
  })
  afterAll(async () => {
    await provider.close()
  })

  it('fully tracked: the invoice is explained to the cent, no gap', async () => {
    const { answer, events, calls } = await simulate(provider, {
      unwrappedShare: 0,
      misprice: false,
      fineTuning: false,
    })
    expect(events).toHaveLength(CALLS)
    const invoiced = calls.reduce((sum, call) => sum + total(billed(call, false)), 0)
    expect(answer.totals.invoiced_usd).toBeCloseTo(invoiced, 6)
    expect(answer.totals.tracked_usd).toBeCloseTo(invoiced, 2)
    expect(Math.abs(answer.totals.gap_usd)).toBeLessThan(0.005)
    expect(answer.totals.coverage).toBeCloseTo(1, 4)
    for (const part of [
      'untracked_usage_usd',
      'price_difference_usd',
      'non_model_usd',
      'unexplained_usd',
    ] as const)
      expect(Math.abs(answer.totals[part]), part).toBeLessThan(0.005)
  }, 60_000)

  it('5% unwrapped, one price wrong, a fine-tuning line: each part found and sized within 0.5%', async () => {
    const { answer, events, calls } = await simulate(provider, {
      unwrappedShare: 0.05,
      misprice: true,
      fineTuning: true,
    })
    const untracked = calls.filter((call) => !call.tracked)
    expect(untracked.length).toBeGreaterThan(CALLS * 0.03)
    expect(events).toHaveLength(CALLS - untracked.length)
    // The truth, call by call: what the provider charged for the calls no event recorded, and what
    // it charged beyond the catalog for the calls that were tracked.
    const truth = {
      untracked: untracked.reduce((sum, call) => sum + total(billed(call, true)), 0),
      price: calls
        .filter((call) => call.tracked)
        .reduce((sum, call) => sum + total(billed(call, true)) - total(billed(call, false)), 0),
      nonModel: FINE_TUNING_USD,
    }
    expect(truth.price).toBeGreaterThan(0.01)
    const within = (found: number, expected: number) =>
      expect(Math.abs(found - expected) / expected, `${found} vs ${expected}`).toBeLessThan(0.005)
    within(answer.totals.untracked_usage_usd, truth.untracked)
    within(answer.totals.price_difference_usd, truth.price)
    expect(answer.totals.non_model_usd).toBeCloseTo(truth.nonModel, 9)
    expect(Math.abs(answer.totals.unexplained_usd)).toBeLessThan(1e-9)
    expect(answer.dominant).toBe('non_model')
    // The price difference sits on the mispriced model, not on the other.
    const row = (model: string) => answer.rows.find((current) => current.model === model)
    within(row('gpt-4.1')?.price_difference_usd ?? 0, truth.price)
    expect(Math.abs(row('gpt-4o-mini')?.price_difference_usd ?? 1)).toBeLessThan(truth.price * 0.005)
    expect(row('gpt-4.1')?.snapshots).toEqual([MISPRICED])
  }, 60_000)
})
