import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../cost-event.js'
import { createPriceBook } from './price-usage.js'
import { parseSupplement, SUPPLEMENT } from './supplement.js'

const file = () => JSON.parse(readFileSync(new URL('./supplement.json', import.meta.url), 'utf8'))

describe('the supplement file', () => {
  it('gives every entry an https source and the day it was checked', () => {
    expect(SUPPLEMENT.length).toBeGreaterThan(0)
    for (const entry of SUPPLEMENT) {
      expect(entry.source).toMatch(/^https:\/\/\S+$/)
      expect(entry.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(Date.parse(`${entry.checked}T00:00:00Z`)).toBeLessThanOrEqual(Date.now())
    }
  })

  it('prices a call of every entry through the price book, under its label', () => {
    const book = createPriceBook()
    for (const entry of SUPPLEMENT) {
      const model = typeof entry.model === 'string' ? entry.model : `${entry.model.startsWith}probe`
      const price = book.price({
        provider: entry.provider,
        model,
        usage: { ...emptyUsage(), input_characters: 1_000_000 },
        ts: new Date('2026-12-01T00:00:00Z'),
        service_tier: null,
        batch: false,
      })
      expect(price).toEqual({
        cost_usd: entry.prices.input_mchars,
        pricing_status: 'priced',
        price_source: `spendlens-supplement:${entry.label}`,
      })
    }
  })

  it('refuses an entry without a source, naming it', () => {
    const json = file()
    delete json.entries[1].source
    expect(() => parseSupplement(json)).toThrow('entries.1.source: expected an https URL')
  })

  it('refuses an entry whose checked day is not a day', () => {
    const json = file()
    json.entries[0].checked = 'last week'
    expect(() => parseSupplement(json)).toThrow('entries.0.checked: expected a day as YYYY-MM-DD')
  })

  it('refuses a negative price and an unknown field', () => {
    const json = file()
    json.entries[0].prices.input_mchars = -1
    expect(() => parseSupplement(json)).toThrow('entries.0.prices')
    const other = file()
    other.entries[2].note = 'x'
    expect(() => parseSupplement(other)).toThrow('entries.2.note: expected no such field')
  })
})
