import { describe, expect, it } from 'vitest'
import { invoiceDays, readInvoicePeriod, writeInvoicePeriod } from './invoice-period'

describe('readInvoicePeriod', () => {
  it('defaults to the month to date', () => {
    expect(readInvoicePeriod(null)).toBe('mtd')
    expect(readInvoicePeriod('forever')).toBe('mtd')
  })

  it('reads a preset and a custom range, and writes them back', () => {
    expect(readInvoicePeriod('last-month')).toBe('last-month')
    const custom = readInvoicePeriod('2026-11-01..2026-11-30')
    expect(custom).toEqual({ first: '2026-11-01', last: '2026-11-30' })
    expect(writeInvoicePeriod(custom)).toBe('2026-11-01..2026-11-30')
    expect(writeInvoicePeriod('90d')).toBe('90d')
  })

  it('refuses a range that ends before it starts or names no real day', () => {
    expect(readInvoicePeriod('2026-11-30..2026-11-01')).toBe('mtd')
    expect(readInvoicePeriod('2026-02-30..2026-03-01')).toBe('mtd')
  })
})

describe('invoiceDays', () => {
  // 00:30 in Paris on Dec 1 is still Nov 30 in UTC: the invoice's days are UTC days.
  const now = new Date('2026-11-30T23:30:00Z')

  it('cuts the month to date and the last days in UTC days', () => {
    expect(invoiceDays('mtd', now)).toEqual({ first: '2026-11-01', last: '2026-11-30' })
    expect(invoiceDays('30d', now)).toEqual({ first: '2026-11-01', last: '2026-11-30' })
    expect(invoiceDays('90d', now)).toEqual({ first: '2026-09-02', last: '2026-11-30' })
  })

  it('gives last month whole, across a year', () => {
    expect(invoiceDays('last-month', new Date('2027-01-05T10:00:00Z'))).toEqual({
      first: '2026-12-01',
      last: '2026-12-31',
    })
  })

  it('keeps a custom range as it is', () => {
    expect(invoiceDays({ first: '2026-10-03', last: '2026-10-09' }, now)).toEqual({
      first: '2026-10-03',
      last: '2026-10-09',
    })
  })
})
