import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../cost-event.js'
import { createPriceBook, deploymentOfPriceSource } from './price-usage.js'
import {
  DEPLOYMENT_PRICES,
  parseDeploymentPrices,
  parseSupplement,
  parseUnitPrices,
  SUPPLEMENT,
  UNIT_PRICES,
} from './supplement.js'

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

  it('checks a unit price’s models, billing and allowance', () => {
    const index = file().units.findIndex((unit: { per?: string }) => unit.per === 'request')
    expect(index).toBeGreaterThanOrEqual(0)
    const per = file()
    per.units[index].per = 'prompt'
    expect(() => parseUnitPrices(per)).toThrow(`units.${index}.per: expected unit or request`)
    const model = file()
    model.units[index].model = { prefix: 'gemini-2' }
    expect(() => parseUnitPrices(model)).toThrow(`units.${index}.model: expected a model id or`)
    const allowance = file()
    allowance.units[index].allowance = ''
    expect(() => parseUnitPrices(allowance)).toThrow(`units.${index}.allowance: expected the free allowance`)
  })

  it('checks the deployment multipliers like the entries, naming the record and field', () => {
    expect(DEPLOYMENT_PRICES.length).toBeGreaterThan(0)
    for (const price of DEPLOYMENT_PRICES) {
      expect(price.source).toMatch(/^https:\/\/\S+$/)
      expect(Date.parse(`${price.checked}T00:00:00Z`)).toBeLessThanOrEqual(Date.now())
    }
    const factor = file()
    factor.deployments[0].factor = 0
    expect(() => parseDeploymentPrices(factor)).toThrow('deployments.0.factor: expected a multiplier > 0')
    const except = file()
    except.deployments[2].except = 'claude-3'
    expect(() => parseDeploymentPrices(except)).toThrow('deployments.2.except: expected model ids or')
    const source = file()
    delete source.deployments[1].source
    expect(() => parseDeploymentPrices(source)).toThrow('deployments.1.source: expected an https URL')
  })

  it('names each deployment multiplier in price_source, a list price any price book knows', () => {
    // 1,000,000 input tokens of gpt-4o on Azure: $2.50 at the Global price, × 1.1 = $2.75.
    const book = createPriceBook()
    const price = book.price({
      provider: 'azure',
      model: 'gpt-4o-2024-11-20',
      usage: { ...emptyUsage(), input_tokens: 1_000_000, output_tokens: 0 },
      ts: new Date('2026-12-01T00:00:00Z'),
      service_tier: null,
      batch: false,
      deployment: 'data-zone',
    })
    expect(price).toEqual({
      cost_usd: 2.75,
      pricing_status: 'estimated',
      price_source: 'genai-prices:azure/gpt-4o+azure-data-zone10%',
    })
    expect(book.knows(price.price_source as string)).toBe(true)
    // A reprice reads the deployment back from the note (the event keeps it nowhere else).
    expect(deploymentOfPriceSource('azure', price.price_source)).toBe('data-zone')
    expect(deploymentOfPriceSource('azure', 'genai-prices:azure/gpt-4o')).toBeUndefined()
    expect(
      createPriceBook({ discounts: [{ provider: 'azure', factor: 0.8, label: 'ea' }] }).knows(
        `${price.price_source}+ea`,
      ),
    ).toBe(true)
  })
})
