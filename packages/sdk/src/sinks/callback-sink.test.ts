import { describe, expect, it } from 'vitest'
import { type CostEvent, emptyUsage } from '../cost-event.js'
import { buildCostEvent } from '../record/build-cost-event.js'
import { callbackSink } from './callback-sink.js'

function event(index: number): CostEvent {
  return buildCostEvent({
    event_id: `evt-${index}`,
    started_at: Date.UTC(2026, 0, 1),
    latency_ms: 1,
    ttft_ms: null,
    provider: 'openai',
    operation: 'chat',
    requested_model: 'gpt-4o-mini',
    model: 'gpt-4o-mini',
    provider_request_id: null,
    tags: {},
    usage: emptyUsage(),
    service_tier: null,
    batch: false,
    status: 'ok',
    error_type: null,
    http_status: 200,
    streamed: false,
  })
}

describe('callbackSink', () => {
  it('hands every event to the function, in order', () => {
    const seen: string[] = []
    const sink = callbackSink((item) => seen.push(item.event_id))

    sink.write([event(1), event(2)])
    sink.write([event(3)])

    expect(seen).toEqual(['evt-1', 'evt-2', 'evt-3'])
    expect(sink.stats?.()).toEqual({ sent: 3, pending: 0, dropped: 0, failedAttempts: 0 })
  })

  it('swallows and counts an exception thrown by the function, and goes on with the next event', () => {
    const seen: string[] = []
    const sink = callbackSink((item) => {
      if (item.event_id === 'evt-1') throw new Error('boom')
      seen.push(item.event_id)
    })

    expect(() => sink.write([event(1), event(2)])).not.toThrow()
    expect(seen).toEqual(['evt-2'])
    expect(sink.stats?.()).toMatchObject({ sent: 1, dropped: 1 })
  })
})
