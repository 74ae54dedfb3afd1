import { describe, expect, it } from 'vitest'
import { breakdownDimension, DEFAULT_VIEW, readViewState, writeViewState } from './view-state'

describe('readViewState', () => {
  it('defaults to 30 days by feature', () => {
    expect(readViewState('')).toEqual({ preset: '30d', breakdown: 'feature' })
    expect(DEFAULT_VIEW).toEqual({ preset: '30d', breakdown: 'feature' })
  })

  it('reads the preset and the breakdown from the query string', () => {
    expect(readViewState('?range=7d&by=customer')).toEqual({ preset: '7d', breakdown: 'customer' })
    expect(readViewState('range=all&by=model')).toEqual({ preset: 'all', breakdown: 'model' })
  })

  it('falls back to the default for unknown values', () => {
    expect(readViewState('?range=90d&by=planet')).toEqual(DEFAULT_VIEW)
  })
})

describe('writeViewState', () => {
  it('writes a view that reads back the same', () => {
    const view = { preset: 'today', breakdown: 'model' } as const
    expect(readViewState(writeViewState('', view))).toEqual(view)
  })

  it('keeps the other query parameters', () => {
    const search = writeViewState('?range=30d&token=abc', { preset: '7d', breakdown: 'customer' })
    const params = new URLSearchParams(search)
    expect(search.startsWith('?')).toBe(true)
    expect(params.get('token')).toBe('abc')
    expect(params.get('range')).toBe('7d')
    expect(params.get('by')).toBe('customer')
  })
})

describe('breakdownDimension', () => {
  it('maps each switch position to the server dimension', () => {
    expect(breakdownDimension('feature')).toBe('feature')
    expect(breakdownDimension('customer')).toBe('customer_id')
    expect(breakdownDimension('model')).toBe('model')
  })
})
