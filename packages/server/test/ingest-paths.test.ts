import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { event, FIXED_DATES, startTestServer } from './server-helpers.js'

// POST /v1/events decodes bodies on worker threads for DuckDB (ingest-workers.ts) and on the
// server's thread otherwise (or with ingestWorkers: 0). Both must answer and store the same.

type Harness = Awaited<ReturnType<typeof startTestServer>>
let workers: Harness
let inThread: Harness

beforeAll(async () => {
  ;[workers, inThread] = await Promise.all([
    startTestServer({ ingestWorkers: 2, ...FIXED_DATES }),
    startTestServer({ ingestWorkers: 0, ...FIXED_DATES }),
  ])
})
afterAll(async () => {
  await Promise.all([workers?.stop(), inThread?.stop()])
})

async function post(harness: Harness, body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(harness.url('/v1/events'), {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
  })
  return { status: response.status, body: await response.json() }
}

/** The same request to both servers; both answers, which must be equal. */
async function both(body: string | Buffer, headers: Record<string, string>) {
  const [fromWorkers, fromThread] = await Promise.all([
    post(workers, body, headers),
    post(inThread, body, headers),
  ])
  expect(fromWorkers).toEqual(fromThread)
  return fromWorkers
}

/** Every stored event with every field, through the event log (pages of 1,000, by cursor). */
async function storedEvents(harness: Harness): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = []
  let cursor: string | null = null
  do {
    const query: string = `/api/events?from=2026-01-01T00:00:00Z&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const page = (await (await fetch(harness.url(query))).json()) as {
      events: Record<string, unknown>[]
      next_cursor: string | null
    }
    events.push(...page.events)
    cursor = page.next_cursor
  } while (cursor)
  return events.sort((a, b) => String(a.event_id).localeCompare(String(b.event_id)))
}

const json = { 'content-type': 'application/json' }
const gzipJson = { ...json, 'content-encoding': 'gzip' }

function batch(start: number, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, offset) => {
    const index = start + offset
    return event({
      event_id: `path-${index % 150}`,
      ts: new Date(Date.UTC(2026, 10, 20, index % 24, index % 60, 0, index)).toISOString(),
      feature: index % 5 === 0 ? null : `feature-${index % 4}`,
      route: index % 17 === 0 ? `/nul\u0000${index}` : `/r${index % 3}`,
      customer_id: `cust-${index % 9}`,
      tags: index % 2 ? { plan: 'pro', 'quote"key': 'ü€😀' } : undefined,
      latency_ms: index % 7 === 0 ? null : 80 + index,
      cost_usd: index % 3 === 0 ? undefined : 0.0000017 * index,
      model: index % 11 === 0 ? 'no-such-model' : 'gpt-4o-mini',
      service_tier: index % 4 === 0 ? 'flex' : undefined,
      provider_project: index % 6 === 0 ? `proj_${index % 4}` : index % 6 === 1 ? null : undefined,
    })
  })
}

describe('POST /v1/events on worker threads and on the server thread', () => {
  it('answers and stores the same events, concurrent batches and replaced versions included', async () => {
    // Ids repeat across batches (150 ids, 400 events): later versions replace earlier ones.
    const bodies = Array.from({ length: 8 }, (_, index) => batch(index * 50, 50))
    bodies[3]?.push({ event_id: 'bad', ts: 'yesterday' }, 42 as unknown as Record<string, unknown>)
    const send = (harness: Harness) =>
      Promise.all(
        bodies.map((body, index) =>
          index % 2
            ? post(harness, gzipSync(JSON.stringify(body)), gzipJson)
            : post(harness, JSON.stringify(body), json),
        ),
      )
    // Sent all at once, the batches arrive in any order, so which version of an id counted as
    // accepted and which as a duplicate may differ; what is stored may not (the latest ts wins).
    const [fromWorkers, fromThread] = await Promise.all([send(workers), send(inThread)])
    for (const answers of [fromWorkers, fromThread]) {
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200))
      expect(answers.map((answer) => answer.body.rejected)).toEqual([0, 0, 0, 2, 0, 0, 0, 0])
      expect(answers[3]?.body.results[51]).toMatchObject({ index: 51, event_id: null, status: 'rejected' })
    }
    // One at a time, every answer is the same.
    const again = await both(JSON.stringify(batch(25, 100)), json)
    expect(again.body).toMatchObject({ accepted: expect.any(Number), rejected: 0 })
    expect(again.body.duplicates).toBeGreaterThan(0)

    const ndjson = `${JSON.stringify(event({ event_id: 'nd-1' }))}\n{not json\n\n${JSON.stringify(event({ event_id: 'nd-2' }))}`
    const lines = await both(ndjson, { 'content-type': 'application/x-ndjson' })
    expect(lines.body).toMatchObject({ accepted: 2, rejected: 1 })

    const stored = await Promise.all([workers, inThread].map(storedEvents))
    expect(stored[0]).toHaveLength(152)
    // A NUL in a route (a label) is cleaned to U+FFFD on both paths; nothing stored holds a NUL.
    expect(stored[0]?.some((stored) => String(stored.route).startsWith('/nul\ufffd'))).toBe(true)
    expect(JSON.stringify(stored[0])).not.toContain('\\u0000')
    expect(stored[0]).toEqual(stored[1])
  })

  it('refuses bad bodies with the same errors, and keeps serving', async () => {
    expect(await both(Buffer.from('not gzip'), gzipJson)).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_request' } },
    })
    expect(await both(gzipSync(Buffer.alloc(11 * 1024 * 1024, 32)), gzipJson)).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    })
    expect(await both('[{"event_id": ', json)).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_request' } },
    })
    expect(await both('[]', json)).toMatchObject({
      status: 400,
      body: { error: { message: 'the batch is empty' } },
    })
    expect(await both('"text"', json)).toMatchObject({ status: 400 })
    expect(await both('[1, 2]', json)).toMatchObject({ status: 400, body: { rejected: 2 } })
    expect(await both('[]', { ...json, 'content-encoding': 'br' })).toMatchObject({
      status: 415,
      body: { error: { code: 'unsupported_encoding' } },
    })
    expect(await both(JSON.stringify([event({ event_id: 'after-errors' })]), json)).toMatchObject({
      status: 200,
      body: { accepted: 1 },
    })
  })
})
