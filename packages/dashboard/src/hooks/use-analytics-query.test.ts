import { QueryClient } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { keepWithinProject } from './use-analytics-query'

describe('keepWithinProject', () => {
  function previousQuery(key: unknown[]) {
    const client = new QueryClient()
    client.setQueryData(key, ['rows'])
    const query = client.getQueryCache().find<string[]>({ queryKey: key })
    if (!query) throw new Error('no query')
    return query
  }

  it('keeps the previous answer while a new question of the same project loads', () => {
    const keep = keepWithinProject<string[]>('shop')
    expect(keep(['rows'], previousQuery(['query', 'shop', { metrics: ['requests'] }]))).toEqual(['rows'])
  })

  it("never shows another project's answer as this one's", () => {
    const keep = keepWithinProject<string[]>('shop')
    expect(keep(['rows'], previousQuery(['query', 'billing', { metrics: ['requests'] }]))).toBeUndefined()
  })
})
