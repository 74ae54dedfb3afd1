import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BudgetList, QueryRow } from '../src/api/api-types.js'
import { Credentials } from '../src/auth/credentials.js'
import { createApp } from '../src/http/create-app.js'
import { METRIC_DIMENSIONS, METRIC_PERIODS, OTHER_VALUE, spendQuery } from '../src/metrics/metrics-figures.js'
import type { AnomalyRecord } from '../src/schema/anomalies-table.js'
import { ANOMALIES_TABLE } from '../src/schema/anomalies-table.js'
import { INVOICE_SYNC_TABLE } from '../src/schema/invoice-sync-table.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { runCli } from './cli-process.js'
import { event } from './server-helpers.js'

const TOP = 2

/** Today's calls: five features, two providers, three models, a call of an unknown model. */
function todaysEvents(): Record<string, unknown>[] {
  const ts = new Date().toISOString()
  const features = ['search', 'chat', 'summary', 'translate', 'tagging']
  return [
    ...features.flatMap((feature, index) =>
      Array.from({ length: index + 1 }, () =>
        event({
          ts,
          feature,
          environment: index % 2 ? 'production' : 'staging',
          input_tokens: 1000 * (index + 1),
        }),
      ),
    ),
    event({
      ts,
      provider: 'anthropic',
      model: 'claude-3-5-haiku-20241022',
      feature: 'chat',
      cache_read_tokens: 400,
    }),
    event({ ts, model: 'gpt-4o', feature: 'search', output_tokens: 900, reasoning_tokens: 0 }),
    event({ ts, model: 'a-model-no-catalog-knows', feature: 'search' }),
  ]
}

function anomaly(id: string, overrides: Partial<AnomalyRecord>): AnomalyRecord {
  return {
    id,
    project: 'default',
    kind: 'spend_spike',
    scopeDimension: '',
    scopeValue: '',
    start: Date.now() - 3_600_000,
    end: Date.now(),
    measure: 'cost_usd',
    observed: 10,
    expected: 1,
    moneyAtStakeNanos: 9e9,
    lastHourNanos: 9e9,
    severity: 'high',
    state: 'open',
    summary: 'made by the metrics suite',
    detectedAt: Date.now(),
    updatedAt: Date.now(),
    ...overrides,
  }
}

/** The value of the one sample of `family` with exactly these labels (the project aside). */
function sample(families: MetricFamily[], name: string, labels: Record<string, string>): number | undefined {
  const family = families.find((candidate) => candidate.name === name)
  const found = family?.metrics.filter((metric) => {
    const { project: _project, ...own } = metric.labels ?? {}
    return JSON.stringify(Object.entries(own).sort()) === JSON.stringify(Object.entries(labels).sort())
  })
  if (found && found.length > 1)
    throw new Error(`${name} has ${found.length} samples labelled ${JSON.stringify(labels)}`)
  return found?.[0]?.value === undefined ? undefined : Number(found[0].value)
}

const ENGINES: [string, (folder: string) => Promise<Store>][] = [
  ['DuckDB', (folder) => openStore(join(folder, 'events.duckdb'))],
  ['ClickHouse (chDB)', (folder) => openStore(`chdb://${join(folder, 'chdb')}`)],
]

describe.each(ENGINES)('GET /metrics on %s', (_engine, open) => {
  let folder: string
  let store: Store
  let app: FastifyInstance
  let base: string
  const keys: Record<'ingest' | 'read' | 'admin' | 'otherRead', string> = {
    ingest: '',
    read: '',
    admin: '',
    otherRead: '',
  }

  /** A scrape as Prometheus sends it, with the key as a bearer token (none for null). */
  const scrape = async (key: string | null = keys.read, path = '/metrics') =>
    fetch(`${base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} })
  const families = async () => {
    const response = await scrape()
    expect(response.status).toBe(200)
    return parsePrometheusTextFormat(await response.text())
  }

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-metrics-'))
    store = await open(folder)
    const credentials = await Credentials.open(store, { refresh: false })
    for (const role of ['ingest', 'read', 'admin'] as const)
      keys[role] = (await credentials.createKey({ role, name: `the ${role} key` })).key
    keys.otherRead = (await credentials.createKey({ project: 'other', role: 'read' })).key
    app = await createApp({
      store,
      credentials,
      publicDir: join(folder, 'no-dashboard'),
      rateLimits: { ingestPerMinute: 0, queryPerMinute: 0 },
      metrics: { top: TOP, cacheMs: 0 },
    })
    base = await app.listen({ port: 0, host: '127.0.0.1' })
    const sent = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify([...todaysEvents(), { event_id: 'not-an-event' }]),
    })
    expect(sent.status).toBe(200)
    const budget = await fetch(`${base}/api/budgets/monthly`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ period: 'month', amountUsd: 0.01 }),
    })
    expect(budget.status).toBe(201)
    await store.writeRecords(ANOMALIES_TABLE, [
      anomaly('a1', {}),
      anomaly('a2', { scopeDimension: 'feature', scopeValue: 'chat' }),
      anomaly('a3', { kind: 'error_storm', severity: 'medium' }),
      anomaly('a4', { kind: 'error_storm', state: 'resolved' }),
      anomaly('a5', { project: 'other' }),
    ])
    await store.writeRecords(INVOICE_SYNC_TABLE, [
      {
        id: 'default/openai',
        project: 'default',
        provider: 'openai',
        organization: 'org-test',
        syncedFrom: Date.UTC(2026, 10, 1),
        syncedUntil: Date.UTC(2026, 11, 1),
        lastRunAt: Date.UTC(2026, 11, 2, 8),
        lastSuccessAt: Date.UTC(2026, 11, 2, 7),
        lastError: 'the admin key was refused',
        lines: 12,
      },
    ])
  }, 60_000)

  afterAll(async () => {
    await app?.close()
    await store?.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('answers in the Prometheus text format, every series labelled with the project', async () => {
    const response = await scrape()
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const parsed = parsePrometheusTextFormat(await response.text())
    expect(parsed.length).toBeGreaterThan(10)
    for (const family of parsed)
      for (const metric of family.metrics) expect(metric.labels?.project, family.name).toBe('default')
  })

  it('shows the query model’s cost, requests and tokens for every period and dimension, the rest as __other__', async () => {
    const parsed = await families()
    for (const period of METRIC_PERIODS)
      for (const dimension of METRIC_DIMENSIONS) {
        const rows: QueryRow[] = await store.query(spendQuery('default', period, dimension, TOP, Date.now()))
        expect(rows.length).toBeGreaterThan(0)
        for (const row of rows) {
          const value = row.others ? OTHER_VALUE : String(row[dimension])
          const labels = { period, by: dimension, [dimension]: value }
          expect(sample(parsed, 'spendlens_requests', labels), JSON.stringify(labels)).toBe(row.requests)
          expect(sample(parsed, 'spendlens_cost_usd', labels)).toBeCloseTo(row.cost_usd as number, 12)
          expect(sample(parsed, 'spendlens_unpriced_requests', labels)).toBe(row.unpriced_count)
          expect(sample(parsed, 'spendlens_tokens', { ...labels, kind: 'input' })).toBe(row.input_tokens)
          expect(sample(parsed, 'spendlens_tokens', { ...labels, kind: 'output' })).toBe(row.output_tokens)
          expect(sample(parsed, 'spendlens_tokens', { ...labels, kind: 'cache_read' })).toBe(
            row.cache_read_tokens,
          )
        }
        const series = parsed
          .find((family) => family.name === 'spendlens_requests')
          ?.metrics.filter((metric) => metric.labels?.period === period && metric.labels?.by === dimension)
        expect(series?.length).toBe(rows.length)
      }
  })

  it('keeps at most the top N values per label, the rest summed under __other__', async () => {
    const parsed = await families()
    const features = parsed
      .find((family) => family.name === 'spendlens_requests')
      ?.metrics.filter((metric) => metric.labels?.period === 'day' && metric.labels?.by === 'feature')
      .map((metric) => metric.labels?.feature)
    // Five features were sent: the two that cost most, and the other three as one.
    expect(features).toHaveLength(TOP + 1)
    expect(features).toContain(OTHER_VALUE)
    const [total] = await store.query({
      ...spendQuery('default', 'day', 'feature', TOP, Date.now()),
      groupBy: [],
      limit: undefined,
      others: undefined,
      orderBy: undefined,
    })
    const summed = parsed
      .find((family) => family.name === 'spendlens_requests')
      ?.metrics.filter((metric) => metric.labels?.period === 'day' && metric.labels?.by === 'feature')
      .reduce((sum, metric) => sum + Number(metric.value), 0)
    expect(summed).toBe(total?.requests)
  })

  it('shows each budget’s spend and amount as GET /api/budgets does', async () => {
    const parsed = await families()
    const answer = (await (
      await fetch(`${base}/api/budgets`, { headers: { authorization: `Bearer ${keys.read}` } })
    ).json()) as BudgetList
    expect(answer.budgets).toHaveLength(1)
    for (const budget of answer.budgets) {
      const labels = { budget: budget.id, name: budget.name, period: budget.period }
      expect(sample(parsed, 'spendlens_budget_spent_usd', labels)).toBeCloseTo(budget.status.spent_usd, 12)
      expect(sample(parsed, 'spendlens_budget_amount_usd', labels)).toBe(budget.amountUsd)
      expect(sample(parsed, 'spendlens_budget_used_ratio', labels)).toBeCloseTo(budget.status.used, 12)
    }
  })

  it('counts the project’s open anomalies by kind and severity, not resolved ones or other projects’', async () => {
    const parsed = await families()
    expect(sample(parsed, 'spendlens_anomalies_open', { kind: 'spend_spike', severity: 'high' })).toBe(2)
    expect(sample(parsed, 'spendlens_anomalies_open', { kind: 'error_storm', severity: 'medium' })).toBe(1)
    expect(
      sample(parsed, 'spendlens_anomalies_open', { kind: 'error_storm', severity: 'high' }),
    ).toBeUndefined()
  })

  it('shows the last successful invoice sync per provider and whether the last run failed', async () => {
    const parsed = await families()
    expect(sample(parsed, 'spendlens_invoice_last_success_timestamp_seconds', { provider: 'openai' })).toBe(
      Date.UTC(2026, 11, 2, 7) / 1000,
    )
    expect(sample(parsed, 'spendlens_invoice_sync_failing', { provider: 'openai' })).toBe(1)
    expect(
      sample(parsed, 'spendlens_invoice_last_success_timestamp_seconds', { provider: 'anthropic' }),
    ).toBeUndefined()
  })

  it('counts the events ingest accepted and rejected since start', async () => {
    const parsed = await families()
    expect(sample(parsed, 'spendlens_ingest_events_accepted_total', {})).toBe(todaysEvents().length)
    expect(sample(parsed, 'spendlens_ingest_events_rejected_total', {})).toBe(1)
    expect(parsed.find((family) => family.name === 'spendlens_ingest_events_accepted_total')?.type).toBe(
      'COUNTER',
    )
  })

  it('needs a read key: none is a 401, an ingest key a 403, an admin key may', async () => {
    expect((await scrape(null)).status).toBe(401)
    expect((await scrape('not-a-key')).status).toBe(401)
    expect((await scrape(keys.ingest)).status).toBe(403)
    expect((await scrape(keys.admin)).status).toBe(200)
  })

  it('shows another project only to a credential of that project', async () => {
    expect((await scrape(keys.admin, '/metrics?project=other')).status).toBe(403)
    const response = await scrape(keys.otherRead)
    expect(response.status).toBe(200)
    const parsed = parsePrometheusTextFormat(await response.text())
    expect(sample(parsed, 'spendlens_anomalies_open', { kind: 'spend_spike', severity: 'high' })).toBe(1)
    expect(sample(parsed, 'spendlens_ingest_events_accepted_total', {})).toBe(0)
    expect(parsed.find((family) => family.name === 'spendlens_requests')?.metrics).toEqual([])
    for (const family of parsed)
      for (const metric of family.metrics) expect(metric.labels?.project, family.name).toBe('other')
  })

  it('uses only metric names it exports in the Grafana dashboard of the docs', async () => {
    const dashboard = await readFile(
      new URL('../../../docs/grafana/spendlens-dashboard.json', import.meta.url),
      'utf8',
    )
    const used = new Set(JSON.stringify(JSON.parse(dashboard)).match(/spendlens_[a-z_]+/g))
    expect(used.size).toBeGreaterThan(5)
    const exported = new Set((await families()).map((family) => family.name))
    for (const name of used) expect(exported, name).toContain(name)
  })
})

describe('GET /metrics figures from the store', () => {
  let folder: string
  let store: Store
  let app: FastifyInstance
  let base: string

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-metrics-cache-'))
    store = await openStore(join(folder, 'events.duckdb'))
    app = await createApp({ store, publicDir: join(folder, 'no-dashboard'), metrics: { cacheMs: 60_000 } })
    base = await app.listen({ port: 0, host: '127.0.0.1' })
  })

  afterAll(async () => {
    await app?.close()
    await store?.close()
    await rm(folder, { recursive: true, force: true })
  })

  const requestsToday = async () => {
    const response = await fetch(`${base}/metrics`)
    expect(response.status).toBe(200)
    const parsed = parsePrometheusTextFormat(await response.text())
    return {
      stored: sample(parsed, 'spendlens_requests', { period: 'day', by: 'provider', provider: 'openai' }),
      accepted: sample(parsed, 'spendlens_ingest_events_accepted_total', {}),
    }
  }

  it('are open without a key on a server that has none, and reused within the cache time while the counters move', async () => {
    const post = () =>
      fetch(`${base}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([event({ ts: new Date().toISOString() })]),
      })
    expect((await post()).status).toBe(200)
    expect(await requestsToday()).toEqual({ stored: 1, accepted: 1 })
    expect((await post()).status).toBe(200)
    expect(await requestsToday()).toEqual({ stored: 1, accepted: 2 })
  })
})

describe('spendlens serve --metrics-top', () => {
  it.each(['0', '1001', '2.5', 'abc'])('refuses %s, naming the flag and the range', async (value) => {
    const run = await runCli([
      'serve',
      '--store',
      join(tmpdir(), 'never-opened.duckdb'),
      '--metrics-top',
      value,
    ])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("option '--metrics-top <count>' argument")
    expect(run.stderr).toContain('an integer from 1 to 1000')
  })
})
