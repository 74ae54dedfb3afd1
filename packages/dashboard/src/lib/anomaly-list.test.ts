import type { Filter } from '@spendlens/server/api-types'
import { describe, expect, it } from 'vitest'
import { anomaly } from './anomaly-fixtures'
import {
  anomaliesSince,
  compareAnomalies,
  countByState,
  isRelevantToFilters,
  overlapsRange,
  selectAnomalies,
} from './anomaly-list'
import { customRange } from './time-range'

const feature = (op: Filter['op'], ...values: string[]): Filter => ({ dimension: 'feature', op, values })
const customer = (op: Filter['op'], ...values: string[]): Filter => ({ dimension: 'customer_id', op, values })

describe('compareAnomalies', () => {
  it('puts open and acknowledged anomalies first, then the most money at stake, then the latest', () => {
    const anomalies = [
      anomaly({ id: 'resolved-big', state: 'resolved', money_at_stake_usd: 500 }),
      anomaly({ id: 'open-small', state: 'open', money_at_stake_usd: 3 }),
      anomaly({ id: 'muted-big', state: 'muted', money_at_stake_usd: 900 }),
      anomaly({ id: 'acknowledged-mid', state: 'acknowledged', money_at_stake_usd: 40 }),
      anomaly({
        id: 'open-small-later',
        state: 'open',
        money_at_stake_usd: 3,
        start: '2026-12-02T01:00:00Z',
      }),
    ]
    expect(anomalies.sort(compareAnomalies).map((entry) => entry.id)).toEqual([
      'acknowledged-mid',
      'open-small-later',
      'open-small',
      'muted-big',
      'resolved-big',
    ])
  })
})

describe('overlapsRange', () => {
  const day = customRange('2026-12-01', '2026-12-01', 'UTC') ?? {}

  it('keeps an anomaly with any hour in the range, its end exclusive', () => {
    expect(overlapsRange(anomaly(), day)).toBe(true)
    expect(overlapsRange(anomaly({ start: '2026-11-30T22:00:00Z', end: '2026-12-01T01:00:00Z' }), day)).toBe(
      true,
    )
    expect(overlapsRange(anomaly({ start: '2026-11-30T22:00:00Z', end: '2026-12-01T00:00:00Z' }), day)).toBe(
      false,
    )
    expect(overlapsRange(anomaly({ start: '2026-12-02T00:00:00Z', end: '2026-12-02T01:00:00Z' }), day)).toBe(
      false,
    )
  })

  it('keeps everything in an unbounded range', () => {
    expect(overlapsRange(anomaly({ start: '2020-01-01T00:00:00Z', end: '2020-01-01T01:00:00Z' }), {})).toBe(
      true,
    )
  })
})

describe('isRelevantToFilters', () => {
  const chat = anomaly()

  it('shows an anomaly of feature chat with no filter, or one that keeps chat', () => {
    expect(isRelevantToFilters(chat, [])).toBe(true)
    expect(isRelevantToFilters(chat, [feature('in', 'chat')])).toBe(true)
    expect(isRelevantToFilters(chat, [feature('in', 'search', 'chat')])).toBe(true)
    expect(isRelevantToFilters(chat, [feature('eq', 'chat')])).toBe(true)
    expect(isRelevantToFilters(chat, [feature('not_in', 'search')])).toBe(true)
  })

  it('hides it under a filter that drops chat', () => {
    expect(isRelevantToFilters(chat, [feature('in', 'search')])).toBe(false)
    expect(isRelevantToFilters(chat, [feature('not_in', 'chat')])).toBe(false)
  })

  it('hides it where another dimension is narrowed (a customer page), not where one is only excluded', () => {
    expect(isRelevantToFilters(chat, [customer('in', 'acme')])).toBe(false)
    expect(isRelevantToFilters(chat, [feature('in', 'chat'), customer('in', 'acme')])).toBe(false)
    expect(isRelevantToFilters(chat, [{ dimension: 'environment', op: 'not_in', values: ['staging'] }])).toBe(
      true,
    )
  })

  it("shows a customer's anomaly on that customer's page", () => {
    const acme = anomaly({ kind: 'customer_hour', scope: { dimension: 'customer_id', value: 'acme' } })
    expect(isRelevantToFilters(acme, [customer('eq', 'acme')])).toBe(true)
    expect(isRelevantToFilters(acme, [customer('eq', 'globex')])).toBe(false)
  })

  it('shows an anomaly of the whole project only where nothing is narrowed', () => {
    const everything = anomaly({ scope: null })
    expect(isRelevantToFilters(everything, [])).toBe(true)
    expect(isRelevantToFilters(everything, [feature('not_in', 'chat')])).toBe(true)
    expect(isRelevantToFilters(everything, [feature('in', 'chat')])).toBe(false)
  })
})

describe('anomaliesSince', () => {
  it('asks from the UTC day the range starts in, so nothing of the range is left out', () => {
    // Paris midnight is 23:00 UTC the day before.
    expect(anomaliesSince(customRange('2026-12-01', '2026-12-07', 'Europe/Paris') ?? {})).toBe('2026-11-30')
    expect(anomaliesSince(customRange('2026-12-01', '2026-12-07', 'America/New_York') ?? {})).toBe(
      '2026-12-01',
    )
    expect(anomaliesSince({})).toBeUndefined()
  })
})

describe('selectAnomalies', () => {
  const anomalies = [
    anomaly({ id: 'chat', money_at_stake_usd: 10 }),
    anomaly({ id: 'search', scope: { dimension: 'feature', value: 'search' }, money_at_stake_usd: 50 }),
    anomaly({ id: 'chat-muted', state: 'muted', money_at_stake_usd: 99 }),
    anomaly({ id: 'chat-last-week', start: '2026-11-20T10:00:00Z', end: '2026-11-20T11:00:00Z' }),
  ]
  const range = customRange('2026-11-30', '2026-12-06', 'UTC') ?? {}

  it('keeps the range, the filters and the state, in the order of compareAnomalies', () => {
    const select = (state: 'all' | 'open' | 'muted', filters: Filter[] = []) =>
      selectAnomalies(anomalies, { range, filters, state }).map((entry) => entry.id)
    expect(select('all')).toEqual(['search', 'chat', 'chat-muted'])
    expect(select('open')).toEqual(['search', 'chat'])
    expect(select('muted')).toEqual(['chat-muted'])
    expect(select('all', [feature('in', 'chat')])).toEqual(['chat', 'chat-muted'])
  })

  it('counts each state', () => {
    expect(countByState(anomalies)).toEqual({ all: 4, open: 3, acknowledged: 0, resolved: 0, muted: 1 })
  })
})
