import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LongContextAnswer } from '../src/api/api-types.js'
import { FIXED_DATES, startTestServer } from './server-helpers.js'

// GET /api/long-context on a running server: the query-string scope in, the warning's figures out,
// and a bad parameter a 400 in the usual error shape (the figures themselves: long-context-contract.ts).
describe('GET /api/long-context on a running server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>

  beforeAll(async () => {
    server = await startTestServer(FIXED_DATES)
    const call = (id: string, input: number, feature: string) => ({
      event_id: id,
      ts: '2026-11-20T10:00:00Z',
      provider: 'google',
      operation: 'chat',
      model: 'gemini-2.5-pro',
      input_tokens: input,
      output_tokens: 1000,
      feature,
    })
    const response = await fetch(server.url('/v1/events'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        call('a', 250_000, 'doc-qa'),
        call('b', 180_000, 'doc-qa'),
        call('c', 1_000, 'chat'),
      ]),
    })
    expect(response.status).toBe(200)
  })
  afterAll(() => server.stop())

  it('answers the calls past and near the tier, priced by the SDK at ingest, in the range and filters', async () => {
    const response = await fetch(
      server.url('/api/long-context?from=2026-11-20&to=2026-11-21&exclude.feature=chat'),
    )
    const answer = (await response.json()) as LongContextAnswer

    expect(response.status).toBe(200)
    // 250,000 × $2.50/M + 1,000 × $15/M = $0.64 at the tier; $0.3125 + $0.01 at the base rate.
    expect(answer.totals).toEqual({
      requests: 2,
      approaching: 1,
      crossed: 1,
      cost_usd: 0.64,
      extra_usd: 0.3175,
      unpriced: 0,
    })
    expect(answer.features.map((feature) => feature.feature)).toEqual(['doc-qa'])
  })

  it('refuses a parameter that is not a dimension, naming it', async () => {
    const response = await fetch(server.url('/api/long-context?featuer=doc-qa'))
    const body = (await response.json()) as { error: { code: string; message: string } }

    expect(response.status).toBe(400)
    expect(body.error.code).toBe('bad_request')
    expect(body.error.message).toContain('featuer')
  })
})
