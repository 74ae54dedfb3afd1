// The invoice at volume: a year of daily buckets synced from an admin API, and the reconciliation
// over millions of events.
//
//   npm run bench:invoice                  (builds packages/sdk and packages/server, then runs this)
//   npm run bench:invoice -- --events 10000000 --runs 7 --engines duckdb,clickhouse
//
// 1. Sync: a local stand-in for OpenAI's Costs and Usage APIs (real HTTP on 127.0.0.1, OpenAI's
//    page envelope and cursors, at most 31 buckets a page for usage and 180 for costs, as the real
//    API) serves a year of daily buckets: 6 models × 3 projects × 3 cost line items, a fine-tuning
//    line, and usage per model and project. Timed per run, interleaved: the sync into a fresh
//    DuckDB store (syncInvoice: fetch, convert, replace, state), the same sync again over the
//    stored year (every bucket replaced), and the baseline: every page fetched and converted with
//    nothing stored, so the ratio is what storing adds.
// 2. Reconcile: N events (varied from the demo product's, 90 days of history) appended to a store in
//    process, an invoice made from their own daily totals (2% more usage and money, so every part of
//    the gap has work to do), then GET /api/invoice/reconcile's work (reconcile()) over the last 30
//    and 90 days by day, model and project, against the baseline: the one query of tracked cost
//    and tokens per day, provider, model and provider project it reads from the rollups.
//
// Figures only; nothing is asserted.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateDemoEvents } from '../packages/server/dist/demo/demo-data.js'
import { openaiReports } from '../packages/server/dist/invoice/openai-reports.js'
import { reconcile, trackedQuery } from '../packages/server/dist/invoice/reconcile.js'
import { syncInvoice } from '../packages/server/dist/invoice/sync-invoice.js'
import { syncStatuses } from '../packages/server/dist/invoice/sync-status.js'
import { invoiceLine } from '../packages/server/dist/schema/invoice-table.js'
import { openStore } from '../packages/server/dist/store/open-store.js'
import {
  appendVariedEvents,
  argument,
  integer,
  ms,
  percentile,
  spread,
  table,
  timed,
} from './bench-support.mjs'

const EVENTS = argument('events', 10_000_000)
const RUNS = argument('runs', 7)
const SYNC_DAYS = argument('sync-days', 365)
const ENGINES = (
  process.argv.includes('--engines') ? process.argv[process.argv.indexOf('--engines') + 1] : 'duckdb'
).split(',')
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
const HISTORY_DAYS = 90
const KEY = 'sk-admin-bench'

const median = (samples) => percentile(samples, 50)

// ------------------------------------------------------------------ 1. sync a year

const MODELS = [
  'gpt-4o-2024-08-06',
  'gpt-4o-mini-2024-07-18',
  'gpt-4.1-2025-04-14',
  'gpt-4.1-mini-2025-04-14',
  'o4-mini-2025-04-16',
  'text-embedding-3-small',
]
const PROJECTS = ['proj_app', 'proj_batch', 'proj_legal']

/** OpenAI's Costs and Usage APIs over `days` daily buckets ending at `to`, with OpenAI's paging. */
function yearOfBuckets(to, days) {
  const costs = []
  const usage = []
  for (let day = 0; day < days; day++) {
    const start = to - (days - day) * DAY_MS
    const bucket = { object: 'bucket', start_time: start / 1000, end_time: (start + DAY_MS) / 1000 }
    const costResults = []
    const usageResults = []
    for (const model of MODELS)
      for (const project of PROJECTS) {
        const scale = 1 + ((day * 7 + model.length + project.length) % 13)
        for (const kind of ['input', 'cached input', 'output'])
          costResults.push({
            object: 'organization.costs.result',
            amount: { value: scale * 0.123456789 * (kind === 'output' ? 4 : 1), currency: 'usd' },
            line_item: `${model}, ${kind}`,
            project_id: project,
            organization_id: 'org-bench',
          })
        usageResults.push({
          object: 'organization.usage.completions.result',
          input_tokens: scale * 100_000,
          input_cached_tokens: scale * 20_000,
          output_tokens: scale * 10_000,
          input_audio_tokens: 0,
          output_audio_tokens: 0,
          num_model_requests: scale * 50,
          model,
          project_id: project,
          batch: false,
          service_tier: 'default',
        })
      }
    costResults.push({
      object: 'organization.costs.result',
      amount: { value: 3.2, currency: 'usd' },
      line_item: 'fine-tuning training',
      project_id: 'proj_legal',
      organization_id: 'org-bench',
    })
    costs.push({ ...bucket, results: costResults })
    usage.push({ ...bucket, results: usageResults })
  }
  return { costs, 'usage/completions': usage }
}

async function startAdminApi(data) {
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://bench')
    if (request.headers.authorization !== `Bearer ${KEY}`) return response.writeHead(401).end('{}')
    const name = url.pathname.replace('/v1/organization/', '')
    const from = Number(url.searchParams.get('start_time')) * 1000
    const to = Number(url.searchParams.get('end_time')) * 1000
    const held = (data[name] ?? []).filter(
      (bucket) => bucket.start_time * 1000 >= from && bucket.start_time * 1000 < to,
    )
    const offset = Number(url.searchParams.get('page') ?? 0)
    const end = offset + Number(url.searchParams.get('limit') ?? 7)
    const page = {
      object: 'page',
      data: held.slice(offset, end),
      has_more: end < held.length,
      next_page: end < held.length ? String(end) : null,
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

async function benchSync() {
  const to = Math.floor(Date.now() / DAY_MS) * DAY_MS
  const from = to - SYNC_DAYS * DAY_MS
  const api = await startAdminApi(yearOfBuckets(to, SYNC_DAYS))
  const sources = openaiReports({ key: KEY, baseUrl: api.url })
  const folder = mkdtempSync(join(tmpdir(), 'spendlens-bench-sync-'))
  const samples = { first: [], again: [], fetchOnly: [] }
  let lines = 0
  try {
    for (let run = 0; run < RUNS; run++) {
      samples.fetchOnly.push(
        await timed(async () => {
          for (const source of sources) await source.fetch(from, to, async () => undefined)
        }),
      )
      const store = await openStore(join(folder, `sync-${run}.duckdb`))
      try {
        const sync = () =>
          syncInvoice({
            store,
            project: 'default',
            provider: 'openai',
            sources,
            since: from,
            until: to,
            now: () => to + HOUR_MS,
          })
        samples.first.push(await timed(async () => ({ lines } = await sync())))
        samples.again.push(await timed(sync))
      } finally {
        await store.close()
      }
    }
  } finally {
    await api.close()
    rmSync(folder, { recursive: true, force: true })
  }
  const base = median(samples.fetchOnly)
  console.log(
    `\n1. Sync: ${SYNC_DAYS} daily buckets of OpenAI costs and usage (${integer(lines)} lines, 9 reports), ${RUNS} runs, median (min–max) ms`,
  )
  console.log(
    table(
      ['what', 'median ms', 'min–max', '× fetch only'],
      [
        [
          'fetch and convert every page, store nothing (baseline)',
          ms(base),
          spread(samples.fetchOnly),
          '1.00',
        ],
        [
          'sync into a fresh DuckDB store',
          ms(median(samples.first)),
          spread(samples.first),
          (median(samples.first) / base).toFixed(2),
        ],
        [
          'the same year again (every bucket replaced)',
          ms(median(samples.again)),
          spread(samples.again),
          (median(samples.again) / base).toFixed(2),
        ],
      ],
    ),
  )
}

// ------------------------------------------------------------------ 2. reconcile at volume

/** An invoice from the store's own daily totals per model: 2% more usage and money, and a fine-tuning line a day. */
async function makeInvoice(store, from, to) {
  const rows = []
  for (let start = from; start < to; start += 30 * DAY_MS)
    rows.push(
      ...(await store.query({
        from: new Date(start),
        to: new Date(Math.min(to, start + 30 * DAY_MS)),
        timeZone: 'UTC',
        bucket: 'day',
        filters: [{ dimension: 'provider', op: 'in', values: ['openai', 'anthropic'] }],
        groupBy: ['provider', 'model', 'provider_project'],
        metrics: ['cost_usd', 'input_tokens', 'cache_read_tokens', 'output_tokens', 'requests'],
      })),
    )
  for (const provider of ['openai', 'anthropic']) {
    const lines = []
    for (const row of rows.filter((current) => current.provider === provider)) {
      const day = Date.parse(row.bucket_start)
      const base = {
        provider,
        bucket_start: day,
        bucket_end: day + DAY_MS,
        model: row.model,
        provider_project: row.provider_project ?? null,
      }
      const grow = (value) => Math.round(Number(value ?? 0) * 1.02)
      lines.push(
        invoiceLine({
          ...base,
          source: provider === 'openai' ? 'usage/completions' : 'usage_report/messages',
          input_tokens: grow(row.input_tokens),
          cache_read_tokens: grow(row.cache_read_tokens),
          output_tokens: grow(row.output_tokens),
          requests: grow(row.requests),
        }),
      )
      lines.push(
        invoiceLine({
          ...base,
          source: provider === 'openai' ? 'costs' : 'cost_report',
          line_item: `${row.model}, output`,
          token_type: 'output',
          amount_nanos: Math.round(Number(row.cost_usd ?? 0) * 1.02 * 1e9),
        }),
      )
    }
    for (const source of provider === 'openai'
      ? ['usage/completions', 'costs']
      : ['usage_report/messages', 'cost_report'])
      await store.replaceInvoiceLines(
        { project: 'default', provider, source, from, to },
        lines.filter((line) => line.source === source),
      )
  }
  return rows.length
}

async function benchReconcile(engine) {
  const folder = mkdtempSync(join(tmpdir(), `spendlens-bench-reconcile-${engine}-`))
  const store = await openStore(
    engine === 'duckdb' ? join(folder, 'events.duckdb') : `chdb://${join(folder, 'chdb')}`,
  )
  try {
    const now = Math.floor(Date.now() / DAY_MS) * DAY_MS
    const templates = generateDemoEvents({ days: HISTORY_DAYS, now: new Date(now - 1) })
    const fillSeconds = await appendVariedEvents(store, templates, EVENTS, now - 1)
    const cells = await makeInvoice(store, now - HISTORY_DAYS * DAY_MS, now)
    await store.compactRollup?.()
    console.log(
      `\n2. Reconcile on ${engine}: ${integer(EVENTS)} events over ${HISTORY_DAYS} days appended in ${fillSeconds.toFixed(0)} s (${integer(EVENTS / fillSeconds)} events/s); an invoice of ${integer(cells)} day × model × project cells`,
    )
    const sync = await syncStatuses(store, 'default')
    const rows = []
    for (const days of [30, 90]) {
      const from = now - days * DAY_MS
      const baseline = () => store.query(trackedQuery('default', from, now))
      const samples = { baseline: [], day: [], model: [], project: [] }
      for (let run = 0; run < RUNS + 1; run++) {
        const round = {}
        round.baseline = await timed(baseline)
        for (const by of ['day', 'model', 'project'])
          round[by] = await timed(() => reconcile(store, { project: 'default', from, to: now, by, sync }))
        if (run === 0) continue // warm-up
        for (const key of Object.keys(samples)) samples[key].push(round[key])
      }
      const base = median(samples.baseline)
      rows.push([
        `${days} days`,
        'tracked-rows query alone (baseline)',
        ms(base),
        spread(samples.baseline),
        '1.00',
      ])
      for (const by of ['day', 'model', 'project'])
        rows.push([
          `${days} days`,
          `reconcile by ${by}`,
          ms(median(samples[by])),
          spread(samples[by]),
          (median(samples[by]) / base).toFixed(2),
        ])
    }
    console.log(table(['range', 'what', 'median ms', 'min–max', '× baseline'], rows))
  } finally {
    await store.close()
    rmSync(folder, { recursive: true, force: true })
  }
}

console.log(
  `spendlens invoice bench: node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? '?'}), ${RUNS} runs`,
)
await benchSync()
for (const engine of ENGINES) await benchReconcile(engine)
