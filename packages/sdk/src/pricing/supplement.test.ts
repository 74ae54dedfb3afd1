import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../cost-event.js'
import { createPriceBook } from './price-usage.js'
import { parseSupplement, parseUnitPrices, SUPPLEMENT, UNIT_PRICES } from './supplement.js'

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
    // A million of the unit of the entry's first price (for an entry that fills the catalog's gaps,
    // the first gap): the cost is that price.
    const million = {
      input_mchars: { input_characters: 1_000_000 },
      input_mtok: { input_tokens: 1_000_000, output_tokens: 0 },
      input_audio_mtok: { input_tokens: 1_000_000, input_audio_tokens: 1_000_000, output_tokens: 0 },
    } as const
    const book = createPriceBook()
    for (const entry of SUPPLEMENT) {
      const model = typeof entry.model === 'string' ? entry.model : `${entry.model.startsWith}probe`
      const key = (entry.fills?.[0] ?? Object.keys(entry.prices)[0]) as keyof typeof million
      expect(million[key], `${entry.label}: a unit for ${key}`).toBeDefined()
      const price = book.price({
        provider: entry.provider,
        model,
        usage: { ...emptyUsage(), ...million[key] },
        ts: new Date('2026-12-01T00:00:00Z'),
        service_tier: entry.service_tier ?? null,
        batch: false,
      })
      expect(price, entry.label).toEqual({
        cost_usd: entry.prices[key],
        pricing_status: 'priced',
        price_source: `spendlens-supplement:${entry.label}`,
      })
    }
  })

  it('checks the per-unit prices like the entries', () => {
    expect(UNIT_PRICES.length).toBeGreaterThan(0)
    const json = file()
    json.units[0].unit = 'tokens'
    expect(() => parseUnitPrices(json)).toThrow('units.0.unit: expected web_search_requests or')
    const other = file()
    delete other.units[1].checked
    expect(() => parseUnitPrices(other)).toThrow('units.1.checked: expected a day as YYYY-MM-DD')
  })

  it('refuses fills naming a price the entry does not have', () => {
    const json = file()
    const index = json.entries.findIndex((entry: { fills?: string[] }) => entry.fills)
    json.entries[index].fills = ['output_image_mtok']
    expect(() => parseSupplement(json)).toThrow(`entries.${index}.fills: expected price keys the entry has`)
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
