import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, apiUrl, postQuery } from './api-client'

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
