import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIMENSIONS, METRICS } from '../src/api/api-types.js'
import { event, startTestServer } from './server-helpers.js'

// Property-based fuzzing of what a client can send (fast-check): whatever arrives, the server
// answers without a 5xx, keeps every valid event of a batch, and never lets a value reach the SQL
// as anything but a value.

let harness: Awaited<ReturnType<typeof startTestServer>>
beforeAll(async () => {
  harness = await startTestServer()
})
afterAll(() => harness.stop())

async function post(path: string, body: string) {
  const response = await fetch(harness.url(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })
  return { status: response.status, body: await response.text() }
}

/** Strings a hostile client tries: quotes, comments, statement breaks, NULs, lone surrogates, huge. */
const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "'; DROP TABLE events; --",
    '" OR 1=1 --',
    "') UNION SELECT * FROM spendlens_keys --",
    '\u0000',
    '\ud800',
    'x'.repeat(5000),
    '{{key:String}}',
    '$1',
    '`',
    '\\',
  ),
)

const validEvent = fc.record({
  event_id: fc.uuid(),
  model: fc.constantFrom('gpt-4o-mini', 'claude-sonnet-4-5', 'no-such-model'),
  input_tokens: fc.nat({ max: 1_000_000 }),
  output_tokens: fc.nat({ max: 100_000 }),
  feature: fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), { nil: undefined }),
})

/** An event with one field replaced by anything at all. */
const mutatedEvent = fc
  .tuple(
    validEvent,
    fc.constantFrom(
      'ts',
      'latency_ms',
      'input_tokens',
      'model',
      'tags',
      'event_id',
      'provider',
      'cost_usd',
      'status',
    ),
    fc.oneof(fc.anything(), hostileString, fc.double(), fc.constant(1.7e308)),
  )
  .map(([base, field, value]) => ({ ...event({ ...base, ts: new Date().toISOString() }), [field]: value }))

describe('ingest under fuzzing', () => {
  it('answers every batch without a 5xx and keeps each valid event', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            validEvent.map((fields) => ({
              valid: true,
              body: event({ ...fields, ts: new Date().toISOString() }),
            })),
            mutatedEvent.map((body) => ({ valid: false, body })),
            fc.anything().map((body) => ({ valid: false, body })),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        async (items) => {
          const answer = await post('/v1/events', JSON.stringify(items.map((item) => item.body ?? null)))
          expect(answer.status, answer.body).toBeLessThan(500)
          if (answer.status !== 200) {
            expect(
              items.every((item) => !item.valid),
              answer.body,
            ).toBe(true)
            return
          }
          const results = (JSON.parse(answer.body) as { results: { status: string }[] }).results
          items.forEach((item, index) => {
            if (item.valid) expect(results[index]?.status, answer.body).not.toBe('rejected')
          })
        },
      ),
      { numRuns: 60 },
    )
  })

  it('answers any body at all without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string(), hostileString), async (body) => {
        const answer = await post('/v1/events', body)
        expect(answer.status, answer.body).toBeLessThan(500)
      }),
      { numRuns: 60 },
    )
  })
})

describe('the query body under fuzzing', () => {
  const filter = fc.record({
    dimension: fc.oneof(
      fc.constantFrom(...DIMENSIONS),
      hostileString.map((text) => `tags.${text}`),
      hostileString,
    ),
    op: fc.oneof(fc.constantFrom('in', 'not_in'), hostileString),
    values: fc.array(fc.oneof(hostileString, fc.anything()), { maxLength: 5 }),
  })
  const query = fc.record(
    {
      metrics: fc.array(fc.oneof(fc.constantFrom(...METRICS), hostileString), { maxLength: 5 }),
      groupBy: fc.array(fc.oneof(fc.constantFrom(...DIMENSIONS), hostileString), { maxLength: 3 }),
      filters: fc.array(filter, { maxLength: 3 }),
      bucket: fc.oneof(fc.constantFrom('hour', 'day', 'week', 'month'), hostileString),
      tz: fc.oneof(fc.constantFrom('UTC', 'Europe/Paris'), hostileString),
      from: fc.oneof(
        fc.date().map((date) => (Number.isNaN(date.getTime()) ? 'x' : date.toISOString())),
        hostileString,
      ),
      orderBy: fc.record({
        metric: fc.oneof(fc.constantFrom(...METRICS), hostileString),
        direction: hostileString,
      }),
      limit: fc.oneof(fc.integer(), fc.double(), hostileString),
    },
    { requiredKeys: [] },
  )

  it('answers every query shape without a 5xx, and the events are all still there', async () => {
    const before = await post('/api/query', JSON.stringify({ metrics: ['requests'] }))
    await fc.assert(
      fc.asyncProperty(fc.oneof(query, fc.anything()), async (body) => {
        const sent = JSON.stringify(body) ?? 'null'
        const answer = await post('/api/query', sent)
        expect(answer.status, `${sent.slice(0, 500)} → ${answer.body.slice(0, 300)}`).toBeLessThan(500)
      }),
      { numRuns: 150 },
    )
    const after = await post('/api/query', JSON.stringify({ metrics: ['requests'] }))
    expect(after.body).toBe(before.body)
  })

  it('answers hostile query strings and cursors on the GET routes without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/summary', '/api/timeseries', '/api/breakdown', '/api/events'),
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('from', 'to', 'tz', 'bucket', 'by', 'cursor', 'limit', 'model'),
            hostileString,
          ),
          hostileString,
          { maxKeys: 4 },
        ),
        async (path, params) => {
          const url = new URL(harness.url(path))
          for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
          const response = await fetch(url)
          expect(response.status, `${url} → ${await response.text()}`).toBeLessThan(500)
        },
      ),
      { numRuns: 120 },
    )
  })
})
