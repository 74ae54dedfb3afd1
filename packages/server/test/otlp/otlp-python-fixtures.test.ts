import { readFileSync } from 'node:fs'
import type { CostEvent } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OtlpServer, startOtlpServer } from './otlp-harness.js'

/*
 * Span payloads of the Python instrumentations, as OTLP/JSON, in the shapes their sources and docs
 * give: OpenLLMetry (traceloop-sdk's workflow around its OpenAI and Anthropic instrumentations),
 * OpenInference (a LangChain chain around its LLM span; its Anthropic instrumentation) and OpenLIT
 * (its own cost, content in span events). Each carries the prompt and the answer, which must not
 * be stored. Catalog prices (per million tokens): gpt-4o-mini $0.15 input, $0.075 cached input,
 * $0.60 output; claude-sonnet-4 $3 input, $0.30 cache read, $3.75 cache write, $15 output.
 */

const PROMPT = 'Which invoice line is wrong?'

let server: OtlpServer
beforeAll(async () => {
  server = await startOtlpServer()
})
afterAll(async () => {
  await server?.close()
})

/**
 * A fixture with every span moved to now, its durations kept (recorded times would fall out of the
 * ingest window as the fixture ages).
 */
function fixture(name: string): string {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
  const starts = [...text.matchAll(/"startTimeUnixNano": "(\d+)"/g)].map((match) =>
    BigInt(match[1] as string),
  )
  const earliest = starts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0] as bigint
  const shift = BigInt(Date.now()) * 1_000_000n - earliest
  return text.replace(/"(start|end|time)(TimeUnixNano)": "(\d+)"/g, (_all, field, suffix, nanos) => {
    return `"${field}${suffix}": "${BigInt(nanos) + shift}"`
  })
}

/** Posts a fixture and answers the stored events of its service (each fixture has its own). */
async function ingest(name: string, service: string): Promise<CostEvent[]> {
  const body = fixture(name)
  const response = await fetch(server.tracesUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.keys.ingest}`, 'content-type': 'application/json' },
    body,
  })
  expect(response.status).toBe(200)
  expect(await response.json()).toEqual({})
  const listed = await fetch(`${server.base}/api/events?limit=1000`, {
    headers: { authorization: `Bearer ${server.keys.read}` },
  })
  const { events } = (await listed.json()) as { events: CostEvent[] }
  return events.filter((event) => event.tags['service.name'] === service)
}

describe('recorded Python instrumentation payloads through POST /v1/traces', () => {
  it('OpenLLMetry: one event per call, not the workflow; Anthropic input already the total', async () => {
    const all = await ingest('openllmetry-python.json', 'billing-worker')
    // Keyed by the providers' response ids.
    expect(all.map((event) => event.event_id).sort()).toEqual([
      'otlp:anthropic:msg_01OpenLLMetryPythonSonnet',
      'otlp:openai:chatcmpl-AqPy7e3xNQbOpenLLMetryPy',
    ])
    const openai = all.find((event) => event.provider === 'openai')
    const anthropic = all.find((event) => event.provider === 'anthropic')
    expect(openai).toMatchObject({
      operation: 'chat',
      model: 'gpt-4o-mini-2024-07-18',
      requested_model: 'gpt-4o-mini',
      input_tokens: 1200,
      cache_read_tokens: 1024,
      output_tokens: 300,
      user_id: 'user-88',
      customer_id: 'acme',
      feature: 'invoice-check',
      environment: 'production',
      tags: { 'service.name': 'billing-worker' },
    })
    // 176 × 0.15/1M + 1,024 × 0.075/1M + 300 × 0.60/1M = 0.0000264 + 0.0000768 + 0.00018 = $0.0002832
    expect(openai?.cost_usd).toBeCloseTo(0.0002832, 12)
    // OpenLLMetry's Python instrumentation records the total input (50 + 10,000 + 3,000): taken as it is.
    expect(anthropic).toMatchObject({
      operation: 'messages',
      input_tokens: 13050,
      cache_read_tokens: 10000,
      cache_write_tokens: 3000,
    })
    // 50 × 3/1M + 10,000 × 0.30/1M + 3,000 × 3.75/1M + 400 × 15/1M = 0.00015 + 0.003 + 0.01125 + 0.006 = $0.0204
    expect(anthropic?.cost_usd).toBeCloseTo(0.0204, 12)
    expect(JSON.stringify(all)).not.toContain(PROMPT)
  })

  it('OpenInference: the LLM spans count, not the chain that repeats their counts', async () => {
    const events = await ingest('openinference-python.json', 'research-agent')
    expect(events.map((event) => event.model).sort()).toEqual([
      'claude-sonnet-4-20250514',
      'gpt-4o-mini-2024-07-18',
    ])
    const openai = events.find((event) => event.provider === 'openai')
    expect(openai).toMatchObject({
      input_tokens: 2000,
      cache_read_tokens: 1000,
      output_tokens: 50,
      session_id: 'research-session-5',
      user_id: 'analyst-3',
      environment: 'staging',
    })
    // 1,000 × 0.15/1M + 1,000 × 0.075/1M + 50 × 0.60/1M = 0.00015 + 0.000075 + 0.00003 = $0.000255
    expect(openai?.cost_usd).toBeCloseTo(0.000255, 12)
    const anthropic = events.find((event) => event.provider === 'anthropic')
    // llm.token_count.prompt is the total by OpenInference's specification: $0.0204 as above.
    expect(anthropic).toMatchObject({ operation: 'messages', input_tokens: 13050 })
    expect(anthropic?.cost_usd).toBeCloseTo(0.0204, 12)
    expect(JSON.stringify(events)).not.toContain(PROMPT)
  })

  it('OpenLIT: its own cost kept as client pricing, content events dropped', async () => {
    const events = await ingest('openlit-python.json', 'support-bot')
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      input_tokens: 1000,
      output_tokens: 100,
      cost_usd: 0.00021,
      pricing_status: 'client',
      environment: 'production',
    })
    expect(JSON.stringify(events)).not.toContain(PROMPT)
  })
})
