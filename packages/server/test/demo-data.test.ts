import { describe, expect, it } from 'vitest'
import { generateDemoEvents } from '../src/demo/demo-data.js'
import { getJson, startTestServer } from './server-helpers.js'

const now = new Date('2026-11-22T18:00:00.000Z')
const events = generateDemoEvents({ now })

describe('demo data', () => {
  it('covers 30 days of a multi-tenant product on OpenAI and Anthropic models', () => {
    const days = new Set(events.map((event) => event.ts.slice(0, 10)))
    expect(days.size).toBe(30)
    expect(new Set(events.map((event) => event.feature)).size).toBeGreaterThanOrEqual(5)
    expect(new Set(events.map((event) => event.customer_id)).size).toBe(50)
    expect(new Set(events.map((event) => event.provider))).toEqual(new Set(['openai', 'anthropic']))
    expect(events.every((event) => Date.parse(event.ts) <= now.getTime())).toBe(true)
  })

  it('is priced by the SDK catalog, with only the private model unpriced', () => {
    const unpriced = events.filter((event) => event.pricing_status === 'unpriced')
    expect(new Set(unpriced.map((event) => event.model))).toEqual(new Set(['quill-legal-ft-v2']))
    expect(unpriced.every((event) => event.cost_usd === null)).toBe(true)
    const priced = events.filter((event) => event.pricing_status === 'priced' && event.status === 'ok')
    expect(priced.every((event) => (event.cost_usd ?? 0) > 0)).toBe(true)
    expect(priced.every((event) => event.price_source?.startsWith('genai-prices:'))).toBe(true)
  })

  it('has a weekly rhythm and the planted oddities', () => {
    const perDay = new Map<string, number>()
    for (const event of events)
      perDay.set(event.ts.slice(0, 10), (perDay.get(event.ts.slice(0, 10)) ?? 0) + 1)
    const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay()
    const full = [...perDay].filter(([day]) => day !== now.toISOString().slice(0, 10))
    const average = (rows: [string, number][]) =>
      rows.reduce((sum, [, count]) => sum + count, 0) / rows.length
    const weekend = average(full.filter(([day]) => weekday(day) === 0 || weekday(day) === 6))
    const workday = average(full.filter(([day]) => weekday(day) !== 0 && weekday(day) !== 6))
    expect(weekend).toBeLessThan(workday * 0.7)

    const globexPerDay = new Map<string, number>()
    for (const event of events.filter((item) => item.customer_id === 'globex')) {
      globexPerDay.set(event.ts.slice(0, 10), (globexPerDay.get(event.ts.slice(0, 10)) ?? 0) + 1)
    }
    const counts = [...globexPerDay.values()].sort((a, b) => a - b)
    const median = counts[Math.floor(counts.length / 2)] as number
    expect(Math.max(...counts)).toBeGreaterThan(median * 4)

    const classifier = events.filter((event) => event.feature === 'email-classifier')
    expect(new Set(classifier.map((event) => event.model))).toEqual(new Set(['claude-opus-4-1-20250805']))
    expect(new Set(classifier.map((event) => new Date(event.ts).getUTCHours()))).toEqual(new Set([2]))
  })

  it('is loaded into an empty store at start and labelled as demo data', async () => {
    const harness = await startTestServer({ demo: true })
    try {
      const meta = await getJson(harness.url('/api/meta'))
      expect(meta.body).toMatchObject({ demo: { loaded: true } })
      expect(meta.body.events).toBeGreaterThan(30_000)
      const summary = await getJson(harness.url('/api/summary'))
      expect(summary.body.cost_usd).toBeGreaterThan(0)
    } finally {
      await harness.stop()
    }
  })
})
