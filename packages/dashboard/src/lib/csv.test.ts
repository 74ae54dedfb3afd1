import { describe, expect, it } from 'vitest'
import { csvFileName, toCsv } from './csv'

describe('toCsv', () => {
  it('writes a header and one line per row, empty cells for unknown values', () => {
    expect(
      toCsv(
        ['feature', 'cost_usd', 'requests'],
        [
          ['chat', 1.234567891, 10],
          ['search', null, 3],
        ],
      ),
    ).toBe('feature,cost_usd,requests\r\nchat,1.234567891,10\r\nsearch,,3\r\n')
  })

  it('quotes values with commas, quotes and line breaks (RFC 4180)', () => {
    expect(toCsv(['name'], [['a,b'], ['say "hi"'], ['two\nlines']])).toBe(
      'name\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n',
    )
  })
})

describe('csvFileName', () => {
  it('names the table and the day', () => {
    expect(csvFileName('Cost by Feature', new Date('2026-11-22T10:00:00Z'))).toBe(
      'spendlens-cost-by-feature-2026-11-22.csv',
    )
  })
})
