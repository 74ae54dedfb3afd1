import { describe, expect, it } from 'vitest'
import { buildScope, scopeQuery } from './scope'
import { DEFAULT_VIEW } from './view-state'

const now = new Date('2026-11-22T14:30:00Z')

describe('buildScope', () => {
  it('turns the view into a range, a bucket and the period to compare with', () => {
    const scope = buildScope({ ...DEFAULT_VIEW, preset: '7d' }, 'UTC', undefined, now)
    expect(scope.range).toEqual({
      from: new Date('2026-11-16T00:00:00Z'),
      to: new Date('2026-11-23T00:00:00Z'),
    })
    expect(scope.bucket).toBe('day')
    expect(scope.previous?.from).toEqual(new Date('2026-11-09T00:00:00Z'))
  })

  it('spans the stored events for All, and compares with nothing', () => {
    const scope = buildScope(
      { ...DEFAULT_VIEW, preset: 'all' },
      'UTC',
      { first_ts: '2026-11-22T01:00:00Z', last_ts: '2026-11-22T10:00:00Z' },
      now,
    )
    expect(scope.range).toEqual({})
    expect(scope.bucket).toBe('hour')
    expect(scope.previous).toBeUndefined()
  })
})

describe('scopeQuery', () => {
  it('adds the range, zone and filters of the scope to a query shape', () => {
    const scope = buildScope(
      { ...DEFAULT_VIEW, preset: 'today', filters: [{ dimension: 'feature', op: 'in', values: ['chat'] }] },
      'Europe/Paris',
      undefined,
      now,
    )
    expect(
      scopeQuery(scope, {
        metrics: ['cost_usd'],
        groupBy: ['model'],
        filters: [{ dimension: 'status', op: 'in', values: ['error'] }],
      }),
    ).toEqual({
      from: '2026-11-21T23:00:00.000Z',
      to: '2026-11-22T23:00:00.000Z',
      timeZone: 'Europe/Paris',
      filters: [
        { dimension: 'feature', op: 'in', values: ['chat'] },
        { dimension: 'status', op: 'in', values: ['error'] },
      ],
      groupBy: ['model'],
      metrics: ['cost_usd'],
    })
  })

  it('leaves out the bounds of an unbounded range', () => {
    const scope = buildScope({ ...DEFAULT_VIEW, preset: 'all' }, 'UTC', undefined, now)
    expect(scopeQuery(scope, { metrics: ['requests'] })).toEqual({
      timeZone: 'UTC',
      filters: [],
      groupBy: [],
      metrics: ['requests'],
    })
  })
})
