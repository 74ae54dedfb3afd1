import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { event, FIXED_DATES, getJson, postEvents, startTestServer } from './server-helpers.js'

let harness: Awaited<ReturnType<typeof startTestServer>>

beforeEach(async () => {
  harness = await startTestServer(FIXED_DATES)
})
afterEach(async () => {
  await harness.stop()
})

describe('ingest → query round trip over HTTP on a DuckDB file', () => {
  it('stores events and answers summary, breakdown and daily series with exact costs', async () => {
    // gpt-4o-mini: $0.15 / 1M input, $0.60 / 1M output (genai-prices catalog).
    // 1000 input + 100 output = 0.00015 + 0.00006 = $0.00021, priced by the server (no cost sent).
    const priced = event({ event_id: 'a', feature: 'chat', customer_id: 'acme', latency_ms: 200 })
    // A cost sent by the client is kept as is: $0.5.
    const client = event({
      event_id: 'b',
      feature: 'chat',
      customer_id: 'globex',
      cost_usd: 0.5,
      latency_ms: 400,
    })
    // An unknown model: cost unknown, never 0.
    const unknown = event({
      event_id: 'c',
      model: 'in-house-model-7',
      ts: '2026-11-21T02:00:00.000Z',
      latency_ms: 600,
    })
    const ingest = await postEvents(harness.url('/v1/events'), [priced, client, unknown])
    expect(ingest.status).toBe(200)
    expect(ingest.body).toMatchObject({ accepted: 3, duplicates: 0, rejected: 0 })

    const summary = await getJson(harness.url('/api/summary'))
    expect(summary.body).toEqual({
      requests: 3,
      input_tokens: 3000,
      output_tokens: 300,
      total_tokens: 3300,
      avg_tokens_per_request: 1100,
      avg_latency_ms: 400,
      cost_usd: 0.50021,
      unpriced_count: 1,
    })

    const byFeature = await getJson(harness.url('/api/breakdown?dimension=feature'))
    expect(byFeature.body.rows).toEqual([
      {
        value: 'chat',
        requests: 2,
        cost_usd: 0.50021,
        cost_per_request: 0.250105,
        total_tokens: 2200,
        avg_tokens_per_request: 1100,
        avg_latency_ms: 300,
        // linear interpolation between 200 and 400: 200 + 0.95 × 200
        p95_latency_ms: 390,
        error_rate: 0,
        cache_hit_rate: 0,
        unpriced_count: 0,
      },
      {
        value: 'unattributed',
        requests: 1,
        cost_usd: null,
        cost_per_request: null,
        total_tokens: 1100,
        avg_tokens_per_request: 1100,
        avg_latency_ms: 600,
        p95_latency_ms: 600,
        error_rate: 0,
        cache_hit_rate: 0,
        unpriced_count: 1,
      },
    ])

    // 2026-11-21T02:00Z is still 2026-11-20 in New York (UTC-5).
    const utc = await getJson(harness.url('/api/timeseries?bucket=day'))
    expect((utc.body.points as { label: string }[]).map((point) => point.label)).toEqual([
      '2026-11-20',
      '2026-11-21',
    ])
    const newYork = await getJson(harness.url('/api/timeseries?bucket=day&tz=America/New_York'))
    expect(newYork.body.points).toEqual([
      {
        bucket_start: '2026-11-20T05:00:00.000Z',
        label: '2026-11-20',
        requests: 3,
        cost_usd: 0.50021,
        input_tokens: 3000,
        output_tokens: 300,
        total_tokens: 3300,
      },
    ])
  })

  it('filters by time range and by any of several values of a dimension', async () => {
    await postEvents(harness.url('/v1/events'), [
      event({ feature: 'chat', ts: '2026-11-01T00:00:00.000Z' }),
      event({ feature: 'search', ts: '2026-11-02T00:00:00.000Z' }),
      event({ feature: 'agent', ts: '2026-11-03T00:00:00.000Z' }),
    ])
    const twoFeatures = await getJson(harness.url('/api/summary?feature=chat&feature=agent'))
    expect(twoFeatures.body.requests).toBe(2)
    const range = await getJson(harness.url('/api/summary?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z'))
    expect(range.body.requests).toBe(1)
    const epochRange = await getJson(harness.url(`/api/summary?from=${Date.parse('2026-11-02T00:00:00Z')}`))
    expect(epochRange.body.requests).toBe(2)
  })

  it('answers null averages and cost, not zero, when nothing matches', async () => {
    const summary = await getJson(harness.url('/api/summary'))
    expect(summary.body).toMatchObject({
      requests: 0,
      avg_latency_ms: null,
      avg_tokens_per_request: null,
      cost_usd: null,
    })
  })
})

describe('a batch with invalid events', () => {
  it('stores the valid events and rejects each invalid one with its reasons', async () => {
    const batch = [
      event({ event_id: 'good-1' }),
      event({ event_id: 'bad-ts', ts: 'yesterday' }),
      { event_id: 'bad-many', provider: 'openai', input_tokens: -5 },
      'not an object',
      event({ event_id: 'good-2' }),
    ]
    const { status, body } = await postEvents(harness.url('/v1/events'), batch)
    expect(status).toBe(200)
    expect(body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 3 })
    const results = body.results as {
      index: number
      event_id: string | null
      status: string
      errors?: string[]
    }[]
    expect(results.map((result) => result.status)).toEqual([
      'accepted',
      'rejected',
      'rejected',
      'rejected',
      'accepted',
    ])
    expect(results[1]?.errors?.[0]).toMatch(/^ts: /)
    expect(results[2]?.event_id).toBe('bad-many')
    expect(results[2]?.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ts: /),
        expect.stringMatching(/^operation: /),
        expect.stringMatching(/^model: /),
        expect.stringMatching(/^input_tokens: /),
      ]),
    )
    const summary = await getJson(harness.url('/api/summary'))
    expect(summary.body.requests).toBe(2)
  })

  it('answers 400 when every event is rejected', async () => {
    const { status, body } = await postEvents(harness.url('/v1/events'), [{ nope: true }])
    expect(status).toBe(400)
    expect(body.rejected).toBe(1)
  })

  it('accepts NDJSON and rejects a line that is not JSON, keeping the others', async () => {
    const ndjson = `${JSON.stringify(event({ event_id: 'n1' }))}\n{not json\n\n${JSON.stringify(event({ event_id: 'n2' }))}\n`
    const { status, body } = await postEvents(harness.url('/v1/events'), ndjson, 'application/x-ndjson')
    expect(status).toBe(200)
    expect(body).toMatchObject({ accepted: 2, rejected: 1 })
    expect((body.results as { errors?: string[] }[])[1]?.errors).toEqual(['line 2: not valid JSON'])
  })

  it('never stores fields outside the contract, such as a prompt sent by mistake', async () => {
    await postEvents(harness.url('/v1/events'), [
      event({ event_id: 'p', prompt: 'secret text', messages: [{ content: 'x' }] }),
    ])
    const summary = await getJson(harness.url('/api/summary'))
    expect(summary.body.requests).toBe(1)
    const rows = await harness.server.store.query({
      timeZone: 'UTC',
      filters: [],
      groupBy: ['feature'],
      metrics: ['requests'],
    })
    expect(JSON.stringify(rows)).not.toContain('secret text')
  })
})

describe('computed_cost_usd', () => {
  it('keeps the catalog’s price beside a charged cost, and rejects one that is not a cost while neighbours are kept', async () => {
    const charged = {
      provider: 'openrouter',
      model: 'openai/gpt-4o-mini',
      cost_usd: 0.0002935,
      pricing_status: 'client',
      price_source: 'charged:openrouter',
    }
    const ingest = await postEvents(harness.url('/v1/events'), [
      event({ ...charged, event_id: 'both-figures', computed_cost_usd: 0.0002832 }),
      event({ ...charged, event_id: 'negative', computed_cost_usd: -0.01 }),
      event({ ...charged, event_id: 'not-a-number', computed_cost_usd: 'NaN' }),
      event({ ...charged, event_id: 'charged-only' }),
    ])
    expect(ingest.body).toMatchObject({ accepted: 2, rejected: 2 })
    const results = ingest.body.results as { event_id: string; status: string; errors?: string[] }[]
    expect(results[1]?.errors).toEqual([expect.stringMatching(/^computed_cost_usd: /)])
    expect(results[2]?.errors).toEqual([expect.stringMatching(/^computed_cost_usd: /)])

    const log = await getJson(harness.url('/api/events?limit=10'))
    const stored = (log.body.events as Record<string, unknown>[]).map(
      ({ event_id, cost_usd, pricing_status, computed_cost_usd }) => ({
        event_id,
        cost_usd,
        pricing_status,
        computed_cost_usd,
      }),
    )
    expect(stored).toEqual(
      expect.arrayContaining([
        {
          event_id: 'both-figures',
          cost_usd: 0.0002935,
          pricing_status: 'client',
          computed_cost_usd: 0.0002832,
        },
        { event_id: 'charged-only', cost_usd: 0.0002935, pricing_status: 'client', computed_cost_usd: null },
      ]),
    )
    expect(stored).toHaveLength(2)
  })
})

describe('provider_project', () => {
  it('is null for an event without it (an older SDK) and stored as sent otherwise', async () => {
    const older = event({ event_id: 'older', cost_usd: 0.25 })
    const withProject = event({ event_id: 'billed', provider_project: 'proj_support', cost_usd: 0.5 })
    const explicitNull = event({ event_id: 'unknown', provider_project: null, cost_usd: 1 })
    const ingest = await postEvents(harness.url('/v1/events'), [older, withProject, explicitNull])
    expect(ingest.body).toMatchObject({ accepted: 3, rejected: 0 })

    const log = await getJson(harness.url('/api/events?limit=10'))
    const stored = Object.fromEntries(
      (log.body.events as { event_id: string; provider_project: unknown }[]).map((logged) => [
        logged.event_id,
        logged.provider_project,
      ]),
    )
    expect(stored).toEqual({ older: null, billed: 'proj_support', unknown: null })

    const byProject = await getJson(harness.url('/api/breakdown?dimension=provider_project'))
    expect(
      (byProject.body.rows as { value: unknown; requests: number; cost_usd: number }[]).map(
        ({ value, requests, cost_usd }) => ({ value, requests, cost_usd }),
      ),
    ).toEqual([
      { value: null, requests: 2, cost_usd: 1.25 },
      { value: 'proj_support', requests: 1, cost_usd: 0.5 },
    ])
    const filtered = await getJson(harness.url('/api/summary?provider_project=proj_support'))
    expect(filtered.body).toMatchObject({ requests: 1, cost_usd: 0.5 })
  })
})

describe('a repeated event_id', () => {
  it('is counted once within a batch, across batches and after a restart', async () => {
    const first = await postEvents(harness.url('/v1/events'), [
      event({ event_id: 'dup' }),
      event({ event_id: 'dup' }),
    ])
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 1 })
    expect((first.body.results as { status: string }[]).map((result) => result.status)).toEqual([
      'accepted',
      'duplicate',
    ])

    const second = await postEvents(harness.url('/v1/events'), [
      event({ event_id: 'dup' }),
      event({ event_id: 'new' }),
    ])
    expect(second.body).toMatchObject({ accepted: 1, duplicates: 1 })

    const { storePath } = harness
    await harness.stop(false)
    harness = await startTestServer({ storePath, ...FIXED_DATES })
    const third = await postEvents(harness.url('/v1/events'), [event({ event_id: 'dup' })])
    expect(third.body).toMatchObject({ accepted: 0, duplicates: 1 })
    expect((await getJson(harness.url('/api/summary'))).body.requests).toBe(2)
  })
})

describe('a retried logical request under one event_id', () => {
  it('keeps the version with the latest ts, whatever order the copies arrive in', async () => {
    // The first attempt failed (no cost), the retry succeeded: 1000 in + 100 out of gpt-4o-mini.
    const failed = event({
      event_id: 'idem:k1',
      ts: '2026-11-20T10:00:00.000Z',
      status: 'error',
      http_status: 429,
    })
    const retried = event({ event_id: 'idem:k1', ts: '2026-11-20T10:00:02.000Z' })
    const first = await postEvents(harness.url('/v1/events'), [failed])
    expect(first.body).toMatchObject({ accepted: 1 })
    const second = await postEvents(harness.url('/v1/events'), [retried])
    expect(second.body).toMatchObject({ accepted: 1, duplicates: 0 })
    const late = await postEvents(harness.url('/v1/events'), [failed])
    expect(late.body).toMatchObject({ accepted: 0, duplicates: 1 })

    const summary = await getJson(harness.url('/api/summary'))
    // $0.00021: the retry's cost (0.00015 input + 0.00006 output), counted once.
    expect(summary.body).toMatchObject({ requests: 1, cost_usd: 0.00021 })
  })

  it('keeps the latest of several copies inside one batch', async () => {
    const older = event({ event_id: 'same', ts: '2026-11-20T10:00:00.000Z', input_tokens: 1 })
    const newer = event({ event_id: 'same', ts: '2026-11-20T10:00:05.000Z', input_tokens: 2000 })
    const { body } = await postEvents(harness.url('/v1/events'), [older, newer])
    expect((body.results as { status: string }[]).map((result) => result.status)).toEqual([
      'duplicate',
      'accepted',
    ])
    expect((await getJson(harness.url('/api/summary'))).body).toMatchObject({
      requests: 1,
      input_tokens: 2000,
    })
  })
})

describe('malformed requests', () => {
  it('get a 400 with one error shape and never take the server down', async () => {
    const broken = await fetch(harness.url('/v1/events'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[{"event_id": ',
    })
    expect(broken.status).toBe(400)
    expect(await broken.json()).toMatchObject({ error: { code: 'bad_request', message: expect.any(String) } })

    const scalar = await postEvents(harness.url('/v1/events'), '42')
    expect(scalar.status).toBe(400)
    const empty = await postEvents(harness.url('/v1/events'), [])
    expect(empty.status).toBe(400)

    for (const path of [
      '/api/breakdown?dimension=secret_column',
      '/api/breakdown',
      '/api/summary?tz=Mars/Olympus',
      '/api/summary?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
      '/api/summary?from=not-a-date',
      '/api/timeseries?bucket=fortnight',
      '/api/breakdown?dimension=model&limit=0',
    ]) {
      const answer = await getJson(harness.url(path))
      expect(answer.status, path).toBe(400)
      expect(answer.body, path).toMatchObject({ error: { code: 'bad_request', message: expect.any(String) } })
    }
    const missing = await getJson(harness.url('/api/nothing-here'))
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ error: { code: 'not_found' } })

    expect((await getJson(harness.url('/api/meta'))).status).toBe(200)
  })

  it('treats a filter value as data, never as SQL', async () => {
    await postEvents(harness.url('/v1/events'), [event({ feature: "x' OR '1'='1" })])
    const injected = await getJson(
      harness.url(`/api/summary?feature=${encodeURIComponent("nope' OR '1'='1")}`),
    )
    expect(injected.body.requests).toBe(0)
    const exact = await getJson(harness.url(`/api/summary?feature=${encodeURIComponent("x' OR '1'='1")}`))
    expect(exact.body.requests).toBe(1)
  })
})

describe('ingest flush reports', () => {
  it('are counted by the server: flushes, requests, and what became of each event', async () => {
    const totals = async () => (await getJson(harness.url('/api/meta'))).body.ingest
    expect(await totals()).toEqual({
      flushes: 0,
      requests: 0,
      events: 0,
      inserted: 0,
      replaced: 0,
      duplicates: 0,
    })
    // Sequential requests: one flush each. An invalid event never reaches the store.
    await postEvents(harness.url('/v1/events'), [
      event({ event_id: 'a' }),
      event({ event_id: 'a' }),
      { bad: 1 },
    ])
    await postEvents(harness.url('/v1/events'), [
      event({ event_id: 'a', ts: '2026-11-20T11:00:00.000Z' }),
      event({ event_id: 'b' }),
    ])
    expect(await totals()).toEqual({
      flushes: 2,
      requests: 2,
      events: 4,
      inserted: 2,
      replaced: 1,
      duplicates: 1,
    })
  })
})

describe('values past what one call can report', () => {
  it('are rejected with a reason while valid neighbours are kept', async () => {
    const manyTags = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`t${index}`, 'x']))
    const response = await postEvents(harness.url('/v1/events'), [
      event({ event_id: 'ok-1', latency_ms: 1200, audio_seconds: 30 }),
      event({ event_id: 'two-days', latency_ms: 2 * 86_400_000 }),
      event({ event_id: 'slow-first-token', ttft_ms: 1e12 }),
      event({ event_id: 'tokens', input_tokens: 2_000_000_000 }),
      event({ event_id: 'audio', audio_seconds: 90_000 }),
      event({ event_id: 'tags', tags: manyTags }),
      event({ event_id: 'ok-2', tags: { plan: 'team' } }),
    ])
    expect(response.body).toMatchObject({ accepted: 2, rejected: 5 })
    const results = response.body.results as { event_id: string; status: string; errors?: string[] }[]
    expect(results.map((result) => result.status)).toEqual([
      'accepted',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'accepted',
    ])
    expect(results[1]?.errors).toEqual([expect.stringMatching(/^latency_ms: /)])
    expect(results[2]?.errors).toEqual([expect.stringMatching(/^ttft_ms: /)])
    expect(results[3]?.errors).toEqual([expect.stringMatching(/^input_tokens: /)])
    expect(results[4]?.errors).toEqual([expect.stringMatching(/^audio_seconds: /)])
    expect(results[5]?.errors).toEqual(['tags: at most 64 tags'])
  })

  it('cannot turn the average latency into null: latencies of 1.7e308 ms are refused', async () => {
    await postEvents(harness.url('/v1/events'), [
      event({ event_id: 'normal', latency_ms: 800 }),
      event({ event_id: 'huge-1', latency_ms: 1.7e308 }),
      event({ event_id: 'huge-2', latency_ms: 1.7e308 }),
    ])
    const summary = (await getJson(harness.url('/api/summary'))).body
    expect(summary).toMatchObject({ requests: 1, avg_latency_ms: 800 })
  })

  it('echo at most 200 characters of a rejected event id', async () => {
    const response = await postEvents(harness.url('/v1/events'), [{ event_id: 'x'.repeat(100_000) }])
    const [result] = response.body.results as { event_id: string }[]
    expect(result?.event_id).toBe('x'.repeat(200))
  })
})
