import { DIMENSIONS } from '@spendlens/server/api-types'
import { describe, expect, it } from 'vitest'
import {
  type DashboardFilter,
  drillDown,
  FILTER_DIMENSIONS,
  filterParams,
  filtersExcept,
  queryFilters,
  readFilters,
  toggleFilterValue,
  writeFilters,
} from './filters'

describe('readFilters', () => {
  it('reads dimensions, repeated values, exclusions and tags from the query string', () => {
    const params = new URLSearchParams(
      'view=overview&feature=chat&feature=search&exclude.model=gpt-4o&tags.plan=enterprise&range=7d',
    )
    expect(readFilters(params)).toEqual([
      { dimension: 'feature', op: 'in', values: ['chat', 'search'] },
      { dimension: 'model', op: 'not_in', values: ['gpt-4o'] },
      { dimension: 'tags.plan', op: 'in', values: ['enterprise'] },
    ])
  })

  it('ignores parameters that are not dimensions, empty values and repeats', () => {
    expect(
      readFilters(new URLSearchParams('planet=mars&feature=&feature=a&feature=a&tags.bad key=x')),
    ).toEqual([{ dimension: 'feature', op: 'in', values: ['a'] }])
  })
})

describe('writeFilters', () => {
  it('replaces the filter parameters and keeps the others', () => {
    const params = new URLSearchParams('view=requests&feature=old&exclude.model=x')
    writeFilters(params, [{ dimension: 'customer_id', op: 'in', values: ['acme', 'globex'] }])
    expect(params.toString()).toBe('view=requests&customer_id=acme&customer_id=globex')
  })

  it('round-trips', () => {
    const filters: DashboardFilter[] = [
      { dimension: 'route', op: 'not_in', values: ['/health', 'a,b&c'] },
      { dimension: 'tags.team', op: 'in', values: ['search'] },
    ]
    const params = new URLSearchParams()
    writeFilters(params, filters)
    expect(readFilters(new URLSearchParams(params.toString()))).toEqual(filters)
  })
})

describe('toggleFilterValue', () => {
  it('adds a value, then another, then removes them, dropping the empty filter', () => {
    let filters = toggleFilterValue([], 'model', 'a')
    filters = toggleFilterValue(filters, 'model', 'b')
    expect(filters).toEqual([{ dimension: 'model', op: 'in', values: ['a', 'b'] }])
    filters = toggleFilterValue(filters, 'model', 'a')
    filters = toggleFilterValue(filters, 'model', 'b')
    expect(filters).toEqual([])
  })

  it('keeps includes and excludes of one dimension apart', () => {
    const filters = toggleFilterValue(toggleFilterValue([], 'model', 'a'), 'model', 'b', 'not_in')
    expect(filters).toEqual([
      { dimension: 'model', op: 'in', values: ['a'] },
      { dimension: 'model', op: 'not_in', values: ['b'] },
    ])
  })
})

describe('drillDown', () => {
  it('narrows the dimension to exactly the clicked value and keeps other filters', () => {
    const filters: DashboardFilter[] = [
      { dimension: 'feature', op: 'in', values: ['a', 'b'] },
      { dimension: 'feature', op: 'not_in', values: ['c'] },
      { dimension: 'model', op: 'in', values: ['m'] },
    ]
    expect(drillDown(filters, 'feature', 'b')).toEqual([
      { dimension: 'feature', op: 'in', values: ['b'] },
      { dimension: 'model', op: 'in', values: ['m'] },
    ])
  })
})

describe('conversions', () => {
  const filters: DashboardFilter[] = [
    { dimension: 'feature', op: 'in', values: ['a', 'b'] },
    { dimension: 'model', op: 'not_in', values: ['x'] },
  ]

  it('become POST /api/query filters', () => {
    expect(queryFilters(filters)).toEqual([
      { dimension: 'feature', op: 'in', values: ['a', 'b'] },
      { dimension: 'model', op: 'not_in', values: ['x'] },
    ])
  })

  it('become GET parameters with exclude. for exclusions', () => {
    expect(filterParams(filters)).toEqual([
      ['feature', 'a'],
      ['feature', 'b'],
      ['exclude.model', 'x'],
    ])
  })

  it('leave out one dimension for its own value menu', () => {
    expect(filtersExcept(filters, 'feature')).toEqual([filters[1]])
  })
})

describe('FILTER_DIMENSIONS', () => {
  it("offers a filter menu for every dimension of the server's query model", () => {
    expect([...FILTER_DIMENSIONS].sort()).toEqual([...DIMENSIONS].sort())
  })
})
