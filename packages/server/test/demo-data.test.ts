import type { CostEvent } from 'spendlens'
import { modelFamily } from 'spendlens/internal'
import { describe, expect, it } from 'vitest'
import type { Anomaly } from '../src/api/api-types.js'
import { generateDemo } from '../src/demo/demo-data.js'
import { getJson, startTestServer } from './server-helpers.js'

const DAY_MS = 86_400_000
const now = new Date('2026-11-22T18:00:00.000Z')
const { events, stories } = generateDemo({ now })
const story = (name: string) => stories.find((found) => found.name === name)
const costOf = (list: readonly CostEvent[]) => list.reduce((sum, event) => sum + (event.cost_usd ?? 0), 0)
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

describe('demo data', () => {
  it('covers 30 days of a multi-tenant product on OpenAI and Anthropic models', () => {
    const days = new Set(events.map((event) => event.ts.slice(0, 10)))
    expect(days.size).toBe(30)
    expect(new Set(events.map((event) => event.feature)).size).toBeGreaterThanOrEqual(5)
    // Fifty customers, and the QA team's internal one.
    expect(new Set(events.map((event) => event.customer_id)).size).toBe(51)
    expect(new Set(events.map((event) => event.provider))).toEqual(new Set(['openai', 'anthropic']))
    expect(events.every((event) => Date.parse(event.ts) <= now.getTime())).toBe(true)
  })

  it('looks like a product: features share models, aliases resolve to snapshots, customers differ', () => {
    const familyOf = (event: CostEvent) => modelFamily(event.provider, event.model)
    const sums = (key: (event: CostEvent) => string) => {
      const totals = new Map<string, { requests: number; usd: number }>()
      for (const event of events) {
        const total = totals.get(key(event)) ?? { requests: 0, usd: 0 }
        total.requests++
        total.usd += event.cost_usd ?? 0
        totals.set(key(event), total)
      }
      return totals
    }
    // Most features call more than one model, and most models serve more than one feature…
    const families = new Map<string, Set<string>>()
    for (const event of events)
      families.set(
        event.feature as string,
        (families.get(event.feature as string) ?? new Set()).add(familyOf(event)),
      )
    expect([...families.values()].filter((models) => models.size > 1).length).toBeGreaterThanOrEqual(5)
    // …so the top features and the top models are not the same figures (two features run on one
    // model each on purpose: the classifier on Opus, the code-review agent on the model it migrated to).
    const top = (totals: Map<string, { usd: number }>) =>
      [...totals.values()]
        .map((total) => total.usd.toFixed(2))
        .sort((a, b) => Number(b) - Number(a))
        .slice(0, 5)
    const topFeatures = top(sums((event) => event.feature as string))
    const topModels = top(sums(familyOf))
    expect(topModels[0]).not.toBe(topFeatures[0])
    expect(topModels.filter((usd) => topFeatures.includes(usd)).length).toBeLessThanOrEqual(2)
    // Most calls ask for an alias and the response reports the snapshot; a failed call has the alias.
    const ok = events.filter((event) => event.status === 'ok')
    expect(ok.filter((event) => event.model !== event.requested_model).length).toBeGreaterThan(ok.length / 2)
    const failed = events.filter((event) => event.status === 'error')
    expect(failed.length).toBeGreaterThan(100)
    expect(failed.every((event) => event.model === event.requested_model)).toBe(true)
    expect(failed.every((event) => familyOf(event) === modelFamily(event.provider, event.model))).toBe(true)
    // Customers: a few heavy ones and a long tail, and cost per request that differs by shape (the
    // requests-vs-cost scatter is no straight line).
    const customers = [...sums((event) => event.customer_id as string)].filter(
      ([name]) => name !== 'quill-internal',
    )
    const byRequests = customers.map(([, total]) => total.requests).sort((a, b) => b - a)
    expect(byRequests.slice(0, 5).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(
      byRequests.slice(5).reduce((sum, count) => sum + count, 0) * 0.5,
    )
    const perRequest = Object.fromEntries(
      customers.map(([name, total]) => [name, total.usd / total.requests]),
    )
    expect(perRequest['wayne-enterprises']).toBeGreaterThan((perRequest.hooli as number) * 4)
    const busy = customers
      .filter(([, total]) => total.requests > 500)
      .map(([name]) => perRequest[name] as number)
    expect(Math.max(...busy) / Math.min(...busy)).toBeGreaterThan(4)
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
  })

  it('plants its stories in the last days, each after at least a week of normal history', () => {
    expect(stories.map((found) => found.name).sort()).toEqual(
      ['duplicated-job', 'feature-loop', 'private-model', 'prompt-bloat', 'test-user'].sort(),
    )
    const first = Math.min(...events.map((event) => Date.parse(event.ts)))
    for (const found of stories) {
      expect(found.start - first, found.name).toBeGreaterThanOrEqual(7 * DAY_MS)
      expect(found.start % 3_600_000, found.name).toBe(0)
      expect(found.planted.every((event) => Date.parse(event.ts) >= found.start)).toBe(true)
    }
    for (const name of ['feature-loop', 'test-user', 'prompt-bloat', 'duplicated-job'])
      expect(now.getTime() - (story(name)?.start ?? 0), name).toBeLessThan(7 * DAY_MS)
  })

  it('has a feature burning about 60% of a day, and a test user about 40% of another', () => {
    const shareOfDay = (name: string, ofFeature: boolean) => {
      const found = story(name)
      const day = events.filter((event) => event.ts.startsWith(dayOf(found?.start ?? 0)))
      const feature = found?.planted[0]?.feature
      const part = ofFeature ? day.filter((event) => event.feature === feature) : (found?.planted ?? [])
      return costOf(part) / costOf(day)
    }
    expect(shareOfDay('feature-loop', true)).toBeGreaterThan(0.5)
    expect(shareOfDay('feature-loop', true)).toBeLessThan(0.7)
    expect(shareOfDay('test-user', false)).toBeGreaterThan(0.3)
    expect(shareOfDay('test-user', false)).toBeLessThan(0.5)
    const loadTest = story('test-user')?.planted ?? []
    expect(new Set(loadTest.map((event) => `${event.customer_id}/${event.user_id}`))).toEqual(
      new Set(['quill-internal/qa-loadtest']),
    )
    // The test user has a history of its own before: an hourly synthetic check.
    const before = events.filter(
      (event) => event.user_id === 'qa-loadtest' && Date.parse(event.ts) < (story('test-user')?.start ?? 0),
    )
    expect(before.length).toBeGreaterThan(7 * 24)
  })

  it('runs the classifier once a night, and three times a night from its deploy', () => {
    const deploy = story('duplicated-job')?.start ?? 0
    const runs = new Map<string, Set<string>>()
    for (const event of events.filter((item) => item.feature === 'email-classifier')) {
      const day = event.ts.slice(0, 10)
      runs.set(day, (runs.get(day) ?? new Set()).add(event.ts.slice(11, 16)))
    }
    for (const [day, minutes] of runs) {
      // 90 calls a run, 1.5 s apart: each run is two minutes of the clock.
      const starts = [...minutes].filter((minute) => !minutes.has(minuteBefore(minute)))
      if (day < dayOf(deploy)) expect(starts, day).toEqual(['02:00'])
      else expect(starts, day).toEqual(['02:00', '02:50', '03:40'])
    }
    expect(new Date(deploy).toISOString().slice(11, 16)).toBe('02:00')
  })

  it('bloats the support prompt from ~9k input tokens to ~20k at a deploy, and it stays so', () => {
    const deploy = story('prompt-bloat')?.start ?? 0
    const support = events.filter((event) => event.prompt_id === 'support-agent-v7' && event.status === 'ok')
    const average = (list: readonly CostEvent[]) =>
      list.reduce((sum, event) => sum + (event.input_tokens ?? 0), 0) / list.length
    const before = average(support.filter((event) => Date.parse(event.ts) < deploy))
    const after = average(support.filter((event) => Date.parse(event.ts) >= deploy))
    expect(before).toBeGreaterThan(8_000)
    expect(before).toBeLessThan(11_000)
    expect(after).toBeGreaterThan(18_000)
    expect(after).toBeLessThan(24_000)
  })

  it('leaves its stories out when too short to give them a week of history', () => {
    const short = generateDemo({ now, days: 5 })
    expect(short.stories).toEqual([])
    expect(short.events.some((event) => event.feature === 'contract-drafting')).toBe(true)
  })

  it('is loaded into an empty store at start, into its own project, labelled as demo data, with its anomalies', async () => {
    const harness = await startTestServer({ demo: true })
    try {
      const meta = await getJson(harness.url('/api/meta?project=demo'))
      expect(meta.body).toMatchObject({ demo: { loaded: true } })
      expect(meta.body.events).toBeGreaterThan(30_000)
      expect((await getJson(harness.url('/api/meta'))).body).toMatchObject({
        demo: { loaded: false },
        events: 0,
      })
      const summary = await getJson(harness.url('/api/summary?project=demo'))
      expect(summary.body.cost_usd).toBeGreaterThan(0)
      // The stories are found at once, not at the anomaly job's first run (demo-stories.test.ts).
      const listed = (await getJson(harness.url('/api/anomalies?project=demo'))).body.anomalies as Anomaly[]
      const kinds = new Set(listed.map((anomaly) => anomaly.kind))
      for (const kind of ['spend_spike', 'customer_hour', 'prompt_drift', 'duplicated_job', 'unpriced_model'])
        expect(kinds, kind).toContain(kind)
    } finally {
      await harness.stop()
    }
  }, 120_000)
})

function minuteBefore(minute: string): string {
  const [hours, minutes] = minute.split(':').map(Number) as [number, number]
  const total = hours * 60 + minutes - 1
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`
}
