import { afterEach, describe, expect, it, vi } from 'vitest'
import { PROJECT_HEADER } from './api-client'
import { reconcileUrl, runInvoiceSync } from './invoice-api'

describe('reconcileUrl', () => {
  const days = { first: '2026-11-01', last: '2026-11-30' }

  it('asks for UTC days, the last included, and the cut of the rows', () => {
    expect(reconcileUrl({ days, by: 'model' })).toBe(
      'api/invoice/reconcile?from=2026-11-01&to=2026-11-30&by=model',
    )
  })

  it('asks for the estimate only when wanted', () => {
    expect(reconcileUrl({ days, by: 'day', estimate: true })).toBe(
      'api/invoice/reconcile?from=2026-11-01&to=2026-11-30&by=day&estimate=true',
    )
  })
})

describe('runInvoiceSync', () => {
  afterEach(() => vi.unstubAllGlobals())

  it("posts the provider to sync, in the chosen project's name", async () => {
    const fetchMock = vi.fn(
      async () => new Response(JSON.stringify({ started: ['openai'] }), { status: 202 }),
    )
    vi.stubGlobal('fetch', fetchMock)
    await expect(runInvoiceSync('openai', { project: 'shop' })).resolves.toEqual({ started: ['openai'] })
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('api/invoice/sync/run')
    expect(init.method).toBe('POST')
    expect(JSON.parse(String(init.body))).toEqual({ provider: 'openai' })
    expect((init.headers as Record<string, string>)[PROJECT_HEADER]).toBe('shop')
  })
})
