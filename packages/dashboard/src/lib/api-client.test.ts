import { describe, expect, it } from 'vitest'
import { apiUrl, rangeParams, type Summary, summaryCost } from './api'

describe('apiUrl', () => {
  it('stays relative so the dashboard works under a path prefix', () => {
    expect(apiUrl('api/meta')).toBe('api/meta')
    expect(new URL(apiUrl('api/meta'), 'https://example.com/tools/spendlens/').href).toBe(
      'https://example.com/tools/spendlens/api/meta',
    )
  })

  it('encodes parameters and leaves out undefined ones', () => {
    expect(
      apiUrl('api/summary', { from: '2026-11-01T00:00:00.000Z', to: undefined, tz: 'Europe/Berlin' }),
    ).toBe('api/summary?from=2026-11-01T00%3A00%3A00.000Z&tz=Europe%2FBerlin')
  })
})

describe('rangeParams', () => {
  it('sends the range as ISO instants with the time zone', () => {
    const params = rangeParams(
      { from: new Date(Date.UTC(2026, 10, 1)), to: new Date(Date.UTC(2026, 10, 8)) },
      'UTC',
    )
    expect(params).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z', tz: 'UTC' })
  })

  it('sends no bounds for All', () => {
    expect(rangeParams({}, 'Asia/Tokyo')).toEqual({ from: undefined, to: undefined, tz: 'Asia/Tokyo' })
  })
})

describe('summaryCost', () => {
  const summary = (requests: number, cost_usd: number | null): Summary => ({
    requests,
    cost_usd,
    input_tokens: 0,
    output_tokens: 0,
    total_tokens: 0,
    avg_tokens_per_request: null,
    avg_latency_ms: null,
    unpriced_count: 0,
  })

  it('is $0 for a range without calls', () => {
    expect(summaryCost(summary(0, null))).toBe(0)
  })

  it('stays unknown when calls exist but none could be priced', () => {
    expect(summaryCost(summary(12, null))).toBeNull()
  })

  it('is the server figure otherwise', () => {
    expect(summaryCost(summary(3, 1.25))).toBe(1.25)
  })
})
