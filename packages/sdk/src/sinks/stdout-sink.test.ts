import { afterEach, describe, expect, it, vi } from 'vitest'
import { type CostEvent, emptyUsage } from '../cost-event.js'
import { buildCostEvent } from '../record/build-cost-event.js'
import { toStoreRow } from '../store-row.js'
import { stdoutSink } from './stdout-sink.js'

afterEach(() => {
  vi.restoreAllMocks()
})

function event(index: number, tags: Record<string, string> = {}): CostEvent {
  return buildCostEvent({
    event_id: `evt-${index}`,
    started_at: Date.UTC(2026, 0, 1, 12, 0, index),
    latency_ms: 100,
    ttft_ms: null,
    provider: 'openai',
    operation: 'chat',
    requested_model: 'gpt-4o-mini',
    model: 'gpt-4o-mini',
    provider_request_id: null,
    tags,
    usage: { ...emptyUsage(), input_tokens: 1000, output_tokens: 100 },
    service_tier: null,
    batch: false,
    status: 'ok',
    error_type: null,
    http_status: 200,
    streamed: false,
  })
}

function capture() {
  const chunks: string[] = []
  return { chunks, stream: { write: (chunk: string) => chunks.push(chunk) } }
}

describe('stdoutSink', () => {
  it('writes one JSON line per event with the store’s column names', () => {
    const { chunks, stream } = capture()
    const sink = stdoutSink({ stream })

    sink.write([event(1, { feature: 'chat', team: 'search' }), event(2)])

    const lines = chunks.join('').split('\n')
    expect(lines.at(-1)).toBe('')
    const rows = lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(rows).toEqual([toStoreRow(event(1, { feature: 'chat', team: 'search' })), toStoreRow(event(2))])
    // gpt-4o-mini: 1000 × $0.15/M + 100 × $0.60/M = $0.00021 = 210,000 nano-dollars.
    expect(rows[1]).toMatchObject({
      cost_nanos: 210_000,
      feature: 'unattributed',
      customer_id: 'unattributed',
    })
    expect(rows[1]).not.toHaveProperty('cost_usd')
    expect(rows[0]).toMatchObject({ feature: 'chat', tags: { team: 'search' } })
  })

  it('writes each batch in one write, as it arrives', () => {
    const { chunks, stream } = capture()
    const sink = stdoutSink({ stream })

    sink.write([event(1), event(2), event(3)])
    sink.write([])

    expect(chunks).toHaveLength(1)
    expect(sink.stats?.()).toEqual({ sent: 3, pending: 0, dropped: 0, failedAttempts: 0 })
  })

  it('writes to process.stdout by default', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const sink = stdoutSink()

    sink.write([event(1)])

    expect(write).toHaveBeenCalledWith(`${JSON.stringify(toStoreRow(event(1)))}\n`)
  })

  it('counts what a failing stream lost and never throws', () => {
    const sink = stdoutSink({
      stream: {
        write() {
          throw new Error('EPIPE')
        },
      },
    })

    expect(() => sink.write([event(1), event(2)])).not.toThrow()
    expect(sink.stats?.()).toMatchObject({ sent: 0, dropped: 2 })
  })
})
