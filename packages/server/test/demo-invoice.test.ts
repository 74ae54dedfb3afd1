import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostEvent } from 'spendlens'
import { emptyUsage, NANOS_PER_USD, priceUsage } from 'spendlens/internal'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateDemoEvents, loadDemo } from '../src/demo/demo-data.js'
import { DEMO_PROVIDER_PROJECTS, generateDemoInvoice } from '../src/demo/demo-invoice.js'
import { plantModelMigration } from '../src/demo/demo-migration.js'
import { reconcile } from '../src/invoice/reconcile.js'
import { syncStatuses } from '../src/invoice/sync-status.js'
import { INVOICE_LINE_FIELDS, type InvoiceLine } from '../src/schema/invoice-table.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'

const now = new Date('2026-11-22T18:00:00.000Z')
const events = generateDemoEvents({ now })
const { lines, truth } = generateDemoInvoice(events)

const DAY_MS = 86_400_000
const COST_SOURCES = new Set(['costs', 'cost_report'])
const nanosOf = (usd: number | null) => Math.round((usd ?? 0) * NANOS_PER_USD)
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** One day, provider and model: the events' side and the invoice's side, counted independently. */
interface Tally {
  day: string
  provider: string
  model: string | null
  trackedNanos: number
  trackedRequests: number
  tracked: Counts
  invoicedNanos: number
  reported: Counts
  reportedRequests: number | null
}
interface Counts {
  input: number
  cacheRead: number
  cacheWrite: number
  cacheWrite1h: number
  output: number
}
const noCounts = (): Counts => ({ input: 0, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, output: 0 })

function tally(events: readonly CostEvent[], lines: readonly InvoiceLine[]): Map<string, Tally> {
  const tallies = new Map<string, Tally>()
  const at = (day: string, provider: string, model: string | null) => {
    const key = `${day}|${provider}|${model}`
    let found = tallies.get(key)
    if (!found) {
      found = {
        day,
        provider,
        model,
        trackedNanos: 0,
        trackedRequests: 0,
        tracked: noCounts(),
        invoicedNanos: 0,
        reported: noCounts(),
        reportedRequests: null,
      }
      tallies.set(key, found)
    }
    return found
  }
  for (const event of events) {
    const found = at(event.ts.slice(0, 10), event.provider, event.model)
    found.trackedNanos += nanosOf(event.cost_usd)
    if (event.status === 'error') continue
    found.trackedRequests += 1
    found.tracked.input += event.input_tokens ?? 0
    found.tracked.cacheRead += event.cache_read_tokens ?? 0
    found.tracked.cacheWrite += event.cache_write_tokens ?? 0
    found.tracked.cacheWrite1h += event.cache_write_1h_tokens ?? 0
    found.tracked.output += event.output_tokens ?? 0
  }
  for (const line of lines) {
    const found = at(dayOf(line.bucket_start), line.provider, line.model)
    if (COST_SOURCES.has(line.source)) {
      found.invoicedNanos += line.amount_nanos ?? 0
      continue
    }
    found.reported.input += line.input_tokens ?? 0
    found.reported.cacheRead += line.cache_read_tokens ?? 0
    found.reported.cacheWrite += line.cache_write_tokens ?? 0
    found.reported.cacheWrite1h += line.cache_write_1h_tokens ?? 0
    found.reported.output += line.output_tokens ?? 0
    if (line.requests !== null) found.reportedRequests = (found.reportedRequests ?? 0) + line.requests
  }
  return tallies
}

const tallies = [...tally(events, lines).values()]
const ofModel = (model: string | null) => tallies.filter((current) => current.model === model)
const sum = <T>(items: readonly T[], value: (item: T) => number) =>
  items.reduce((total, item) => total + value(item), 0)
/** OpenAI's usage report has no cache writes: they are in its input. */
const reportedCounts = (item: Tally): Counts =>
  item.provider === 'openai' ? { ...item.tracked, cacheWrite: 0, cacheWrite1h: 0 } : item.tracked

describe('the demo invoice', () => {
  it('covers the demo events UTC days, one daily bucket per line', () => {
    const eventDays = new Set(events.map((event) => event.ts.slice(0, 10)))
    expect(new Set(lines.map((line) => dayOf(line.bucket_start)))).toEqual(eventDays)
    expect(lines.every((line) => line.bucket_end - line.bucket_start === DAY_MS)).toBe(true)
    expect(lines.every((line) => line.bucket_start % DAY_MS === 0)).toBe(true)
    expect(dayOf(truth.from)).toBe([...eventDays].sort()[0])
    expect(truth.to - truth.from).toBe(eventDays.size * DAY_MS)
  })

  it('bills each day and model of fully tracked traffic at exactly what its events cost, for the same tokens', () => {
    const planted = new Set([
      truth.untracked_usage.model,
      truth.price_difference.model,
      truth.unpriced_model.model,
      null,
    ])
    const tracked = tallies.filter((item) => !planted.has(item.model))
    const billed = tracked.filter((item) => item.invoicedNanos > 0)
    expect(new Set(billed.map((item) => item.model))).toEqual(
      new Set([
        'text-embedding-3-small',
        'text-embedding-3-large',
        'claude-haiku-4-5-20251001',
        'claude-opus-4-1-20250805',
        'claude-sonnet-4-5-20250929',
        'o4-mini-2025-04-16',
        'gpt-4.1-2025-04-14',
        'gpt-4.1-mini-2025-04-14',
        'gpt-4o-2024-08-06',
      ]),
    )
    expect(billed).toHaveLength(9 * 30)
    for (const item of tracked) {
      expect(item.invoicedNanos, `${item.day} ${item.model}`).toBe(item.trackedNanos)
      expect(item.reported, `${item.day} ${item.model}`).toEqual(reportedCounts(item))
      if (item.provider === 'openai') expect(item.reportedRequests ?? 0).toBe(item.trackedRequests)
    }
  })

  it('per provider and day, the invoice less its planted parts is the events cost to the nano', () => {
    const days = new Set(tallies.map((item) => `${item.day}|${item.provider}`))
    for (const key of days) {
      const [day, provider] = key.split('|')
      const items = tallies.filter((item) => item.day === day && item.provider === provider)
      const untracked = items
        .filter((item) => item.model === truth.untracked_usage.model)
        .map((item) => untrackedNanos(item))
      const discounted = items.filter((item) => item.model === truth.price_difference.model)
      const planted =
        sum(untracked, (nanos) => nanos) +
        sum(discounted, (item) => item.invoicedNanos - item.trackedNanos) +
        sum(
          items.filter((item) => item.model === truth.unpriced_model.model || item.model === null),
          (item) => item.invoicedNanos,
        )
      expect(sum(items, (item) => item.invoicedNanos) - planted, key).toBe(
        sum(items, (item) => item.trackedNanos),
      )
    }
  })

  it('(a) bills untracked calls on gpt-4o-mini: about 4% more requests and tokens, at the catalog price', () => {
    expect(truth.untracked_usage).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
    })
    const items = ofModel(truth.untracked_usage.model).filter((item) => item.reportedRequests !== null)
    expect(items).toHaveLength(30)
    const extraRequests = sum(items, (item) => (item.reportedRequests ?? 0) - item.trackedRequests)
    const trackedRequests = sum(items, (item) => item.trackedRequests)
    expect(extraRequests).toBe(truth.untracked_usage.requests)
    expect(extraRequests / trackedRequests).toBeGreaterThan(0.03)
    expect(extraRequests / trackedRequests).toBeLessThan(0.05)
    expect(sum(items, (item) => item.reported.input - item.tracked.input)).toBe(
      truth.untracked_usage.input_tokens,
    )
    expect(sum(items, (item) => item.reported.output - item.tracked.output)).toBe(
      truth.untracked_usage.output_tokens,
    )
    for (const item of items) {
      expect(item.reported.cacheRead).toBe(item.tracked.cacheRead)
      expect(item.invoicedNanos - item.trackedNanos, item.day).toBe(untrackedNanos(item))
    }
    expect(sum(items, untrackedNanos)).toBe(truth.untracked_usage.nanos)
    expect(truth.untracked_usage.usd).toBeGreaterThan(0.1)
  })

  it('(b) bills claude-sonnet-4 at the negotiated factor: the same tokens for less than the catalog', () => {
    expect(truth.price_difference).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-20250514',
      factor: 0.9,
    })
    const items = ofModel(truth.price_difference.model)
    expect(items.length).toBe(30)
    for (const item of items) {
      expect(item.reported).toEqual(item.tracked)
      // Rounded per cost line: at most half a nano-dollar for each token kind.
      expect(Math.abs(item.invoicedNanos - item.trackedNanos * 0.9)).toBeLessThanOrEqual(2.5)
    }
    expect(sum(items, (item) => item.invoicedNanos - item.trackedNanos)).toBe(truth.price_difference.nanos)
    expect(truth.price_difference.usd).toBeLessThan(-1)
  })

  it('(c) bills fine-tuning training on two days as OpenAI cost lines of no model', () => {
    const training = lines.filter((line) => line.model === null)
    expect(training).toHaveLength(2)
    for (const line of training) {
      expect(line).toMatchObject({
        provider: 'openai',
        source: 'costs',
        line_item: 'fine-tuning training',
        token_type: null,
        provider_project: truth.non_model.provider_project,
      })
    }
    expect(training.map((line) => dayOf(line.bucket_start))).toEqual(truth.non_model.days)
    expect(new Set(truth.non_model.days).size).toBe(2)
    expect(sum(training, (line) => line.amount_nanos ?? 0)).toBe(truth.non_model.nanos)
    expect(truth.non_model.nanos).toBe(38_400_000_000)
  })

  it('(d) bills the private fine-tuned model under its own name, though its events have no price', () => {
    const model = truth.unpriced_model.model
    expect(model).toBe('quill-legal-ft-v2')
    const billed = events.filter((event) => event.model === model && event.status === 'ok')
    // contract-drafting launches 16 days before the end of the demo: about seven calls a day since.
    expect(billed.length).toBeGreaterThan(50)
    expect(billed.every((event) => event.cost_usd === null)).toBe(true)
    const items = ofModel(model)
    for (const item of items) expect(item.reported).toEqual(reportedCounts(item))
    expect(sum(items, (item) => item.invoicedNanos)).toBe(truth.unpriced_model.nanos)
    expect(truth.unpriced_model.usd).toBeGreaterThan(1)
    const costs = lines.filter((line) => line.model === model && line.source === 'costs')
    expect(new Set(costs.map((line) => line.line_item))).toEqual(
      new Set([`${model}, input`, `${model}, output`]),
    )
    expect(new Set(costs.map((line) => line.provider_project))).toEqual(
      new Set([truth.unpriced_model.provider_project]),
    )
  })

  it('totals differ from the tracked cost by exactly the planted parts, in figures a reconciliation can check', () => {
    const costLines = lines.filter((line) => COST_SOURCES.has(line.source))
    const invoiced = (provider: string) =>
      sum(
        costLines.filter((line) => line.provider === provider),
        (line) => line.amount_nanos ?? 0,
      )
    const tracked = (provider: string) =>
      sum(
        events.filter((event) => event.provider === provider),
        (event) => nanosOf(event.cost_usd),
      )
    expect(invoiced('openai') - tracked('openai')).toBe(
      truth.untracked_usage.nanos + truth.non_model.nanos + truth.unpriced_model.nanos,
    )
    expect(invoiced('anthropic') - tracked('anthropic')).toBe(truth.price_difference.nanos)

    const { figures } = truth
    expect(nanosOf(figures.invoiced_usd)).toBe(invoiced('openai') + invoiced('anthropic'))
    expect(nanosOf(figures.tracked_usd)).toBe(tracked('openai') + tracked('anthropic'))
    expect(figures.unexplained_usd).toBe(0)
    expect(nanosOf(figures.untracked_usage_usd)).toBe(truth.untracked_usage.nanos)
    expect(nanosOf(figures.non_model_usd)).toBe(truth.non_model.nanos)
    // The private model's tokens are all tracked, at money spendlens does not know.
    expect(nanosOf(figures.price_difference_usd)).toBe(
      truth.price_difference.nanos + truth.unpriced_model.nanos,
    )
    expect(
      nanosOf(figures.gap_usd) -
        nanosOf(figures.untracked_usage_usd) -
        nanosOf(figures.price_difference_usd) -
        nanosOf(figures.non_model_usd),
    ).toBe(0)
    expect(nanosOf(truth.by_provider.anthropic.price_difference_usd)).toBe(truth.price_difference.nanos)
    expect(truth.by_provider.anthropic.untracked_usage_usd).toBe(0)
  })

  it('has the shapes of the providers reports as the sync stores them', () => {
    const sources = {
      openai: ['costs', 'usage/completions', 'usage/embeddings'],
      anthropic: ['cost_report', 'usage_report/messages'],
    }
    for (const line of lines) {
      expect(sources[line.provider]).toContain(line.source)
      const cost = COST_SOURCES.has(line.source)
      expect(Number.isInteger(line.amount_nanos), line.source).toBe(cost)
      expect(line.provider_project).toMatch(line.provider === 'openai' ? /^proj_\w+$/ : /^wrkspc_\w+$/)
      if (line.source === 'usage/completions') expect(line.requests).toBeGreaterThan(0)
      if (line.source === 'usage_report/messages') expect(line.requests).toBeNull()
      if (line.source === 'usage/embeddings') expect(line.output_tokens).toBeNull()
      if (line.source === 'costs' && line.model !== null)
        expect(line.line_item).toBe(`${line.model}, ${line.token_type}`)
      if (line.source === 'cost_report') {
        expect(line.cost_type).toBe('tokens')
        expect([
          'uncached_input_tokens',
          'cache_read_input_tokens',
          'cache_creation.ephemeral_5m_input_tokens',
          'cache_creation.ephemeral_1h_input_tokens',
          'output_tokens',
        ]).toContain(line.token_type)
      }
    }
    const claude = lines.find((line) => line.source === 'cost_report' && line.token_type === 'output_tokens')
    expect(claude?.line_item).toMatch(/^Claude \w+ [\d.]+ Usage - Output Tokens$/)
    // Two projects at each provider: the support agent's workspace apart from the product's.
    for (const provider of ['openai', 'anthropic'])
      expect(
        new Set(lines.filter((line) => line.provider === provider).map((line) => line.provider_project)).size,
      ).toBe(2)
    const support = new Set(
      lines.filter((line) => line.model === 'claude-sonnet-4-20250514').map((line) => line.provider_project),
    )
    expect(support).toEqual(new Set([truth.price_difference.provider_project]))
    expect(
      lines.filter((line) => line.provider === 'anthropic' && !support.has(line.provider_project)).length,
    ).toBeGreaterThan(0)
  })

  it('is the same for the same events and seed; another seed moves only the untracked calls', () => {
    expect(generateDemoInvoice(events)).toEqual({ lines, truth })
    const other = generateDemoInvoice(events, { seed: 7 })
    expect(other.truth.untracked_usage.nanos).not.toBe(truth.untracked_usage.nanos)
    const untouched = (list: InvoiceLine[]) =>
      list.filter((line) => line.model !== truth.untracked_usage.model)
    expect(untouched(other.lines)).toEqual(untouched(lines))
  })
})

describe('loadDemo', () => {
  let folder: string
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-demo-invoice-'))
  })
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  const canonical = (list: readonly InvoiceLine[]) =>
    list.map((line) => JSON.stringify(INVOICE_LINE_FIELDS.map((field) => line[field]))).sort()

  it('stores the invoice in the default project of a DuckDB store, and the same lines again in a fresh one', async () => {
    const options = { now, days: 4 }
    const expected = generateDemoInvoice(generateDemoEvents(options)).lines
    const stored: InvoiceLine[][] = []
    for (const name of ['first.duckdb', 'second.duckdb']) {
      const store = await openDuckDBStore(join(folder, name))
      try {
        const loaded = await loadDemo(store, options)
        expect(loaded.invoiceLines).toBe(expected.length)
        const read = await store.invoiceLines({ project: 'default' })
        expect(read.every((line) => line.project === 'default')).toBe(true)
        stored.push(read.map(({ project: _project, ...line }) => line))
      } finally {
        await store.close()
      }
    }
    expect(new Set(expected.map((line) => `${line.provider} ${line.source}`)).size).toBe(5)
    expect(canonical(stored[0] ?? [])).toEqual(canonical(expected))
    expect(canonical(stored[1] ?? [])).toEqual(canonical(stored[0] ?? []))
  })

  it('reconciled, the loaded demo shows exactly its planted parts, by project where events know it', async () => {
    const options = { now, days: 30 }
    // loadDemo plants the model migration (demo-migration.ts) before the invoice is made of the events.
    const { truth: loaded } = generateDemoInvoice(plantModelMigration(generateDemoEvents(options)))
    const store = await openDuckDBStore(join(folder, 'reconciled.duckdb'))
    try {
      await loadDemo(store, options)
      const answer = await reconcile(store, {
        project: 'default',
        from: loaded.from,
        to: loaded.to,
        by: 'project',
        sync: await syncStatuses(store, 'default'),
      })
      for (const field of Object.keys(loaded.figures) as (keyof typeof loaded.figures)[]) {
        if (field === 'coverage')
          expect(answer.totals.coverage).toBeCloseTo(loaded.figures.coverage as number, 12)
        else expect(nanosOf(answer.totals[field]), field).toBe(nanosOf(loaded.figures[field]))
      }
      expect(answer.dominant).toBe('non_model')
      expect(answer.tracked_outside_invoice_usd).toBe(0)
      // OpenAI events carry their project, so its rows are by project; Anthropic's workspaces are not
      // known to events, so its money is one row of no project.
      const projects = answer.rows.map((row) => `${row.provider}:${row.project}`).sort()
      expect(projects).toEqual(
        [...Object.values(DEMO_PROVIDER_PROJECTS.openai.byFeature), DEMO_PROVIDER_PROJECTS.openai.default]
          .map((project) => `openai:${project}`)
          .concat('anthropic:null')
          .sort(),
      )
    } finally {
      await store.close()
    }
  })
})

/** The catalog's price of the tokens the provider reported beyond the tracked ones (none cached). */
function untrackedNanos(item: Tally): number {
  const input = item.reported.input - item.tracked.input
  const output = item.reported.output - item.tracked.output
  if (input === 0 && output === 0) return 0
  const price = priceUsage({
    provider: item.provider,
    model: item.model ?? '',
    usage: { ...emptyUsage(), input_tokens: input, output_tokens: output },
    ts: new Date(`${item.day}T00:00:00.000Z`),
    service_tier: 'default',
    batch: false,
  })
  return nanosOf(price.cost_usd)
}
