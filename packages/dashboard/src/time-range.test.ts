import { describe, expect, it } from 'vitest'
import { dayLabels, fillDays, localDateLabel, presetRange } from './time-range'

// Local-time assertions: they hold in whatever time zone the test process runs in.
const now = new Date(2026, 10, 22, 15, 30) // 22 Nov 2026, 15:30 local

function isLocalMidnight(date: Date | undefined): boolean {
  return date !== undefined && date.getHours() === 0 && date.getMinutes() === 0 && date.getSeconds() === 0
}

describe('presetRange', () => {
  it('covers today from local midnight to the next local midnight', () => {
    const { from, to } = presetRange('today', now)
    expect(from).toEqual(new Date(2026, 10, 22))
    expect(to).toEqual(new Date(2026, 10, 23))
  })

  it('covers 7 and 30 whole local days ending today', () => {
    const week = presetRange('7d', now)
    expect(week.from).toEqual(new Date(2026, 10, 16))
    expect(week.to).toEqual(new Date(2026, 10, 23))
    const month = presetRange('30d', now)
    expect(localDateLabel(month.from as Date)).toBe('2026-10-24')
    expect(isLocalMidnight(month.from)).toBe(true)
    expect(isLocalMidnight(month.to)).toBe(true)
  })

  it('is unbounded for All', () => {
    expect(presetRange('all', now)).toEqual({})
  })

  it('crosses month and year boundaries', () => {
    const { from } = presetRange('30d', new Date(2026, 0, 10, 9))
    expect(localDateLabel(from as Date)).toBe('2025-12-12')
  })
})

describe('dayLabels', () => {
  it('lists every calendar day inclusive', () => {
    expect(dayLabels('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ])
  })

  it('is empty for an inverted or invalid span', () => {
    expect(dayLabels('2026-03-02', '2026-03-01')).toEqual([])
    expect(dayLabels('nope', '2026-03-01')).toEqual([])
  })
})

describe('fillDays', () => {
  const point = (label: string, cost_usd: number) => ({ label, cost_usd })

  it('fills the days without events with zero cost across the whole range', () => {
    const range = presetRange('7d', now)
    const days = fillDays([point('2026-11-18', 2.5), point('2026-11-22', 1)], range)
    expect(days.map((day) => day.label)).toEqual([
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
    ])
    expect(days.map((day) => day.cost_usd)).toEqual([0, 0, 2.5, 0, 0, 0, 1])
  })

  it('spans first to last point when the range is unbounded', () => {
    const days = fillDays([point('2026-01-30', 1), point('2026-02-02', 3)], {})
    expect(days.map((day) => day.cost_usd)).toEqual([1, 0, 0, 3])
  })

  it('is empty without points or bounds', () => {
    expect(fillDays([], {})).toEqual([])
  })
})
