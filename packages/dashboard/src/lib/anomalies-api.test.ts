import { afterEach, describe, expect, it, vi } from 'vitest'
import { anomaliesUrl, setAnomalyState } from './anomalies-api'
import { PROJECT_HEADER } from './api-client'

describe('anomaliesUrl', () => {
  it('asks for every state since a UTC day, up to the server’s limit', () => {
    expect(anomaliesUrl({ since: '2026-11-30' })).toBe('api/anomalies?since=2026-11-30&limit=1000')
    expect(anomaliesUrl({})).toBe('api/anomalies?limit=1000')
  })
})

describe('setAnomalyState', () => {
  afterEach(() => vi.unstubAllGlobals())

  it("posts the state to the anomaly's own address, in the chosen project's name", async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ id: 'a/1', state: 'muted' })))
    vi.stubGlobal('fetch', fetchMock)
    await expect(setAnomalyState('a/1', 'muted', { project: 'shop' })).resolves.toMatchObject({
      state: 'muted',
    })
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('api/anomaly-state/a%2F1')
    expect(init.method).toBe('POST')
    expect(JSON.parse(String(init.body))).toEqual({ state: 'muted' })
    expect((init.headers as Record<string, string>)[PROJECT_HEADER]).toBe('shop')
  })
})
