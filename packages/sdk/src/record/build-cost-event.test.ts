import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../cost-event.js'
import { SDK_NAME } from '../version.js'
import { buildCostEvent, type CallRecord, isoTime } from './build-cost-event.js'

function record(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    started_at: Date.UTC(2026, 0, 15, 12, 0, 0, 123),
    latency_ms: 850.5,
    ttft_ms: null,
    provider: 'openai',
    operation: 'chat',
    requested_model: 'gpt-4o-mini',
    model: 'gpt-4o-mini-2024-07-18',
    provider_request_id: 'req_1',
    tags: {},
    usage: { ...emptyUsage(), input_tokens: 100, output_tokens: 10 },
    service_tier: 'default',
    batch: false,
    status: 'ok',
    error_type: null,
    http_status: 200,
    streamed: false,
    ...overrides,
  }
}

describe('buildCostEvent', () => {
  it('splits attribution keys from free-form tags and skips undefined values', () => {
    const event = buildCostEvent(
      record({ tags: { feature: 'search', customer_id: 'acme', experiment: 'b', dropped: undefined } }),
    )

    expect(event).toMatchObject({
      feature: 'search',
      customer_id: 'acme',
      route: null,
      tags: { experiment: 'b' },
    })
    expect(event.tags).not.toHaveProperty('dropped')
  })

  it('stamps the call start as ISO time, a fresh event id and the SDK name', () => {
    const first = buildCostEvent(record())
    const second = buildCostEvent(record())

    expect(first.ts).toBe('2026-01-15T12:00:00.123Z')
    expect(first.event_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(first.event_id).not.toBe(second.event_id)
    expect(first.sdk).toBe(SDK_NAME)
    expect(first.schema_version).toBe(1)
  })

  it('keeps a given event id (retries of one logical request share it)', () => {
    expect(buildCostEvent(record({ event_id: 'fixed' })).event_id).toBe('fixed')
  })

  it('falls back to the requested model, then to "unknown"', () => {
    expect(buildCostEvent(record({ model: null })).model).toBe('gpt-4o-mini')
    const unknown = buildCostEvent(record({ model: null, requested_model: null }))
    expect(unknown.model).toBe('unknown')
    expect(unknown).toMatchObject({ pricing_status: 'unpriced', cost_usd: null })
  })

  it('prices the usage: 100 × $0.15/1M + 10 × $0.60/1M = $0.000021 for gpt-4o-mini', () => {
    expect(buildCostEvent(record()).cost_usd).toBeCloseTo(0.000021, 12)
  })
})

describe('isoTime', () => {
  it('writes the ISO time Date does, one call after another, within a second and across them', () => {
    // Times in runs: many within one second (the prefix reused), then a jump (written anew).
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }),
            fc.integer({ min: 0, max: 2_500 }),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (runs) => {
          for (const [start, spread] of runs)
            for (const ms of [start, start + 1, start + (spread % 1000), start + spread, start + 999])
              expect(isoTime(ms)).toBe(new Date(ms).toISOString())
        },
      ),
      { numRuns: 500, seed: 15 },
    )
    expect(isoTime(Date.UTC(2026, 0, 15, 12, 0, 0, 7))).toBe('2026-01-15T12:00:00.007Z')
    expect(isoTime(Date.UTC(2026, 0, 15, 12, 0, 0, 70))).toBe('2026-01-15T12:00:00.070Z')
    expect(isoTime(1.5)).toBe(new Date(1.5).toISOString())
    expect(() => isoTime(Number.NaN)).toThrow(RangeError)
  })
})
