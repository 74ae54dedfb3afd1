import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { type CostEvent, httpSink } from 'spendlens'
import { buildCostEvent, emptyUsage } from 'spendlens/internal'
import { describe, expect, it, vi } from 'vitest'
import { getJson, startTestServer } from './server-helpers.js'

/** One request the sink made, as the test's fetch saw it. */
interface SentRequest {
  ids: string[]
  /** 0 when the request failed without an answer (connection refused or reset). */
  status: number
  answer?: { accepted?: number; duplicates?: number; rejected?: number }
}

function event(index: number): CostEvent {
  return buildCostEvent({
    event_id: `outage-${String(index).padStart(5, '0')}`,
    started_at: Date.UTC(2026, 10, 20, 10, 0, 0) + index,
    latency_ms: 120,
    ttft_ms: null,
    provider: 'openai',
    operation: 'chat',
    requested_model: 'gpt-4o-mini',
    model: 'gpt-4o-mini',
    provider_request_id: `req_${index}`,
    tags: { feature: 'outage-test', customer_id: `customer-${index % 7}` },
    usage: { ...emptyUsage(), input_tokens: 1000, output_tokens: 100 },
    service_tier: null,
    batch: false,
    status: 'ok',
    error_type: null,
    http_status: 200,
    streamed: false,
  })
}

const PER_PHASE = 600
const TOTAL = PER_PHASE * 4

/** Writes events [from, to) in small bursts, yielding to the event loop between them. */
async function burst(sink: ReturnType<typeof httpSink>, from: number, to: number) {
  for (let index = from; index < to; index += 20) {
    sink.write(Array.from({ length: Math.min(20, to - index) }, (_, offset) => event(index + offset)))
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

describe('HTTP sink into the real server through an outage', () => {
  it('delivers every event of a burst exactly once when the server goes down mid-burst and comes back on the same port and file', async () => {
    const first = await startTestServer()
    const { storePath } = first
    const port = Number(new URL(first.server.url).port)
    const spoolDir = await mkdtemp(join(tmpdir(), 'spendlens-outage-spool-'))
    const requests: SentRequest[] = []
    const warnings: string[] = []
    const recordingFetch: typeof fetch = async (input, init) => {
      const body = Buffer.from(init?.body as Uint8Array)
      const sent: SentRequest = {
        ids: (JSON.parse(gunzipSync(body).toString('utf8')) as CostEvent[]).map((item) => item.event_id),
        status: 0,
      }
      requests.push(sent)
      const response = await fetch(input, init)
      sent.status = response.status
      sent.answer = JSON.parse(await response.clone().text())
      return response
    }
    const sink = httpSink({
      endpoint: first.server.url,
      maxBatchSize: 50,
      flushIntervalMs: 5,
      maxQueueSize: 300,
      maxAttempts: 3,
      retryDelayMs: 5,
      maxRetryDelayMs: 100,
      requestTimeoutMs: 30_000,
      spool: { dir: spoolDir },
      fetch: recordingFetch,
      onWarning: (message) => warnings.push(message),
    })
    const accepted = () => requests.filter((request) => request.status === 200)

    // Up: the burst starts and the server takes some of it.
    await burst(sink, 0, PER_PHASE)
    await vi.waitFor(() => expect(accepted().length).toBeGreaterThan(0), { timeout: 30_000 })
    // Down in the middle of the burst, keeping the DuckDB file.
    await Promise.all([first.stop(false), burst(sink, PER_PHASE, 2 * PER_PHASE)])
    await burst(sink, 2 * PER_PHASE, 3 * PER_PHASE)
    await vi.waitFor(() => expect(sink.stats?.().spooled).toBeGreaterThan(0), { timeout: 30_000 })
    expect(requests.some((request) => request.status === 0)).toBe(true)
    // Back on the same port and file; the burst goes on.
    const second = await startTestServer({ storePath, port })
    await burst(sink, 3 * PER_PHASE, TOTAL)
    await vi.waitFor(
      async () => {
        await sink.flush()
        expect(sink.stats?.()).toMatchObject({ pending: 0 })
      },
      { timeout: 60_000, interval: 50 },
    )

    const meta = await getJson(second.url('/api/meta'))
    await second.stop()
    await rm(dirname(storePath), { recursive: true, force: true })

    // Stored exactly once each.
    expect(meta.body.events).toBe(TOTAL)
    // The sink sent each event in exactly one accepted request…
    const acceptedIds = accepted().flatMap((request) => request.ids)
    expect(acceptedIds).toHaveLength(TOTAL)
    expect(new Set(acceptedIds).size).toBe(TOTAL)
    // …and the server never saw an event twice.
    const answers = accepted().map((request) => request.answer ?? {})
    expect(answers.reduce((sum, answer) => sum + (answer.accepted ?? 0), 0)).toBe(TOTAL)
    expect(answers.reduce((sum, answer) => sum + (answer.duplicates ?? 0), 0)).toBe(0)
    expect(sink.stats?.()).toMatchObject({ sent: TOTAL, dropped: 0, pending: 0, spooled: 0 })
    expect(warnings.some((warning) => warning.includes('could not deliver'))).toBe(true)
    expect((await readdir(spoolDir)).filter((name) => name.endsWith('.jsonl'))).toEqual([])
    await rm(spoolDir, { recursive: true, force: true })
  })
})
