import { describe, expect, it } from 'vitest'
import {
  addDays,
  dateLabel,
  dateLabelsBetween,
  daysBetween,
  isValidTimeZone,
  mondayOf,
  parseDateLabel,
  startOfDateLabel,
  timeZoneOffset,
  zonedParts,
  zonedTime,
} from './zoned-time'

describe('zonedParts', () => {
  it('reads the wall clock of an instant in a zone', () => {
    const instant = new Date('2026-11-22T23:30:00Z')
    expect(zonedParts(instant, 'UTC')).toMatchObject({ year: 2026, month: 11, day: 22, hour: 23, weekday: 0 })
    expect(zonedParts(instant, 'Asia/Tokyo')).toMatchObject({ month: 11, day: 23, hour: 8, weekday: 1 })
    expect(zonedParts(instant, 'America/Los_Angeles')).toMatchObject({ day: 22, hour: 15 })
  })

  it('reads midnight as hour 0, not 24', () => {
    expect(zonedParts(new Date('2026-11-22T00:00:00Z'), 'UTC').hour).toBe(0)
  })
})

describe('timeZoneOffset', () => {
  it('follows daylight saving time', () => {
    expect(timeZoneOffset(new Date('2026-07-01T12:00:00Z'), 'Europe/Paris')).toBe(2 * 3_600_000)
    expect(timeZoneOffset(new Date('2026-12-01T12:00:00Z'), 'Europe/Paris')).toBe(3_600_000)
    expect(timeZoneOffset(new Date('2026-12-01T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000)
  })
})

describe('zonedTime', () => {
  it('finds the instant of a local wall-clock time', () => {
    expect(zonedTime('Europe/Paris', 2026, 11, 22).toISOString()).toBe('2026-11-21T23:00:00.000Z')
    expect(zonedTime('America/New_York', 2026, 7, 4, 9, 30).toISOString()).toBe('2026-07-04T13:30:00.000Z')
    expect(zonedTime('Asia/Kolkata', 2026, 1, 1).toISOString()).toBe('2025-12-31T18:30:00.000Z')
  })

  it('gets local midnight right on the days clocks change', () => {
    // Europe/Paris: 2026-03-29 has 23 hours, 2026-10-25 has 25.
    const march = zonedTime('Europe/Paris', 2026, 3, 29)
    const nextMarch = zonedTime('Europe/Paris', 2026, 3, 30)
    expect(nextMarch.getTime() - march.getTime()).toBe(23 * 3_600_000)
    const october = zonedTime('Europe/Paris', 2026, 10, 25)
    const nextOctober = zonedTime('Europe/Paris', 2026, 10, 26)
    expect(nextOctober.getTime() - october.getTime()).toBe(25 * 3_600_000)
  })

  it('overflows days and months like Date.UTC', () => {
    expect(zonedTime('UTC', 2026, 12, 32).toISOString()).toBe('2027-01-01T00:00:00.000Z')
    expect(zonedTime('UTC', 2026, 3, 0).toISOString()).toBe('2026-02-28T00:00:00.000Z')
  })
})

describe('date labels', () => {
  it('names the local calendar date of an instant', () => {
    const instant = new Date('2026-11-22T23:30:00Z')
    expect(dateLabel(instant, 'UTC')).toBe('2026-11-22')
    expect(dateLabel(instant, 'Australia/Sydney')).toBe('2026-11-23')
  })

  it('parses only real calendar dates', () => {
    expect(parseDateLabel('2026-02-28')).toEqual({ year: 2026, month: 2, day: 28 })
    expect(parseDateLabel('2026-02-30')).toBeUndefined()
    expect(parseDateLabel('yesterday')).toBeUndefined()
  })

  it('starts a day at local midnight', () => {
    expect(startOfDateLabel('2026-11-22', 'America/New_York').toISOString()).toBe('2026-11-22T05:00:00.000Z')
  })

  it('does calendar arithmetic across months and years', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3)
    expect(dateLabelsBetween('2026-02-27', '2026-03-01')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01'])
    expect(dateLabelsBetween('2026-03-02', '2026-03-01')).toEqual([])
  })

  it('finds the Monday a week starts on', () => {
    expect(mondayOf('2026-11-22')).toBe('2026-11-16') // a Sunday
    expect(mondayOf('2026-11-16')).toBe('2026-11-16')
  })
})

describe('isValidTimeZone', () => {
  it('accepts IANA names and refuses the rest', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true)
    expect(isValidTimeZone('UTC')).toBe(true)
    expect(isValidTimeZone('Mars/Olympus')).toBe(false)
  })
})
