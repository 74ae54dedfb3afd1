import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { event, FIXED_DATES, getJson, startTestServer } from './server-helpers.js'

let harness: Awaited<ReturnType<typeof startTestServer>>

beforeAll(async () => {
  harness = await startTestServer(FIXED_DATES)
})
afterAll(async () => {
  await harness.stop()
})

async function post(body: Buffer, headers: Record<string, string>) {
  const response = await fetch(harness.url('/v1/events'), {
    method: 'POST',
    headers,
    body: new Uint8Array(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const gzipJson = { 'content-type': 'application/json', 'content-encoding': 'gzip' }

async function storedEvents(): Promise<number> {
  return (await getJson(harness.url('/api/meta'))).body.events as number
}

describe('POST /v1/events with content-encoding: gzip', () => {
  it('stores a gzipped JSON array like a plain one', async () => {
    const before = await storedEvents()
    const batch = [event({ event_id: 'gz-1' }), event({ event_id: 'gz-2' })]

    const result = await post(gzipSync(JSON.stringify(batch)), gzipJson)

    expect(result).toMatchObject({ status: 200, body: { accepted: 2, duplicates: 0, rejected: 0 } })
    expect(await storedEvents()).toBe(before + 2)
  })

  it('stores gzipped NDJSON', async () => {
    const lines = [event({ event_id: 'gz-nd-1' }), event({ event_id: 'gz-nd-2' })].map((item) =>
      JSON.stringify(item),
    )

    const result = await post(gzipSync(lines.join('\n')), {
      'content-type': 'application/x-ndjson',
      'content-encoding': 'gzip',
    })

    expect(result).toMatchObject({ status: 200, body: { accepted: 2 } })
  })

  it('answers a corrupt gzip body with 400 in the error shape, and keeps serving', async () => {
    const corrupt = await post(Buffer.from('this is not gzip at all'), gzipJson)
    const valid = gzipSync(JSON.stringify([event({ event_id: 'gz-after-corrupt' })]))
    const truncated = await post(valid.subarray(0, valid.length - 12), gzipJson)
    const next = await post(valid, gzipJson)

    expect(corrupt.status).toBe(400)
    expect(corrupt.body).toEqual({
      error: { code: 'bad_request', message: expect.stringContaining('not valid gzip') },
    })
    expect(truncated.status).toBe(400)
    expect(truncated.body).toMatchObject({ error: { code: 'bad_request' } })
    expect(next).toMatchObject({ status: 200, body: { accepted: 1 } })
  })

  it('refuses a body that decompresses past the 10 MB limit (a zip bomb) with 413', async () => {
    // 11 MB of spaces compress to about 11 KB.
    const bomb = gzipSync(Buffer.alloc(11 * 1024 * 1024, ' '))
    expect(bomb.length).toBeLessThan(100_000)

    const result = await post(bomb, gzipJson)

    expect(result.status).toBe(413)
    expect(result.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } })
    expect((await getJson(harness.url('/api/meta'))).status).toBe(200)
  })

  it('answers an encoding it does not support with 415', async () => {
    const result = await post(Buffer.from('[]'), {
      'content-type': 'application/json',
      'content-encoding': 'br',
    })

    expect(result).toEqual({
      status: 415,
      body: { error: { code: 'unsupported_encoding', message: expect.stringContaining('br') } },
    })
  })
})
