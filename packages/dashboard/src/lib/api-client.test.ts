import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, apiUrl, getJson, isUnauthorized, postQuery, shouldRetry } from './api-client'

describe('apiUrl', () => {
  it('stays relative so the dashboard works under a path prefix', () => {
    expect(apiUrl('api/meta')).toBe('api/meta')
    expect(new URL(apiUrl('api/meta'), 'https://example.com/tools/spendlens/').href).toBe(
      'https://example.com/tools/spendlens/api/meta',
    )
  })

  it('encodes parameters and leaves out undefined ones', () => {
    expect(
      apiUrl('api/events', { from: '2026-11-01T00:00:00.000Z', to: undefined, tz: 'Europe/Berlin' }),
    ).toBe('api/events?from=2026-11-01T00%3A00%3A00.000Z&tz=Europe%2FBerlin')
  })

  it('repeats a key given as pairs (any of several values)', () => {
    expect(
      apiUrl('api/events', [
        ['feature', 'a'],
        ['feature', 'b'],
      ]),
    ).toBe('api/events?feature=a&feature=b')
  })
})

describe('postQuery', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('posts the query as JSON and answers its rows', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ rows: [{ requests: 3 }] })))
    vi.stubGlobal('fetch', fetchMock)
    const rows = await postQuery({ timeZone: 'UTC', filters: [], groupBy: [], metrics: ['requests'] })
    expect(rows).toEqual([{ requests: 3 }])
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('api/query')
    expect(init.method).toBe('POST')
    expect(JSON.parse(String(init.body))).toEqual({
      timeZone: 'UTC',
      filters: [],
      groupBy: [],
      metrics: ['requests'],
    })
  })

  it("turns the server's error shape into a message that names the request", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({ error: { code: 'bad_request', message: 'groupBy.0: must be one of' } }),
            {
              status: 400,
            },
          ),
      ),
    )
    const failure = postQuery({ timeZone: 'UTC', filters: [], groupBy: [], metrics: ['requests'] })
    await expect(failure).rejects.toBeInstanceOf(ApiError)
    await expect(failure).rejects.toThrow(
      'The server answered 400 to POST api/query: groupBy.0: must be one of',
    )
  })

  it('says the server is unreachable when the request fails', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('fetch failed')
      }),
    )
    await expect(
      postQuery({ timeZone: 'UTC', filters: [], groupBy: [], metrics: ['requests'] }),
    ).rejects.toThrow('Could not reach the spendlens server')
  })
})

describe('the project header', () => {
  afterEach(() => vi.unstubAllGlobals())

  function recordHeaders() {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ rows: [] })))
    vi.stubGlobal('fetch', fetchMock)
    return () => new Headers((fetchMock.mock.calls.at(-1) as unknown as [string, RequestInit])[1].headers)
  }

  it('names the project of a request when given one', async () => {
    const headers = recordHeaders()
    await postQuery({ timeZone: 'UTC', filters: [], groupBy: [], metrics: ['requests'] }, { project: 'shop' })
    expect(headers().get('x-spendlens-project')).toBe('shop')
    await getJson('api/meta', { project: 'billing' })
    expect(headers().get('x-spendlens-project')).toBe('billing')
  })

  it("leaves it out without one, so the server uses the credential's default", async () => {
    const headers = recordHeaders()
    await getJson('api/meta')
    expect(headers().has('x-spendlens-project')).toBe(false)
  })
})

describe('refusals', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('marks a 401 as the end of the session, and keeps the wait a 429 asks for', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } }), {
            status: 429,
            headers: { 'retry-after': '42' },
          }),
      ),
    )
    const limited = await getJson('api/meta').catch((error: unknown) => error)
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 42 })
    expect(isUnauthorized(limited)).toBe(false)
    expect(isUnauthorized(new ApiError('gone', 401, 'unauthorized'))).toBe(true)
    expect(isUnauthorized(new ApiError('unreachable'))).toBe(false)
  })

  it('retries a failure once, and a refusal never', () => {
    expect(shouldRetry(0, new ApiError('down', 500, 'internal'))).toBe(true)
    expect(shouldRetry(0, new ApiError('unreachable'))).toBe(true)
    expect(shouldRetry(1, new ApiError('down', 500, 'internal'))).toBe(false)
    expect(shouldRetry(0, new ApiError('signed out', 401, 'unauthorized'))).toBe(false)
    expect(shouldRetry(0, new ApiError('not yours', 403, 'project_forbidden'))).toBe(false)
  })
})
