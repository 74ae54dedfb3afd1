// The dashboard's overview as shipped, at volume: `npm run bench:store -- --volumes 1000000,10000000`.
//
// Per volume, a DuckDB store of N events (store-data.mjs: made once under /work/bench-data and kept):
// 1. Start: `spendlens serve` on it (its own process, as shipped: jobs on), the time until it
//    listens and until its first answer (GET /api/meta), its CPU time by then; START_RUNS restarts.
// 2. Over HTTP, as the dashboard sends them: every POST /api/query body of the overview, built by
//    the dashboard's own code (packages/dashboard/src/queries, bundled by dashboard-queries.mjs)
//    for its default view (last 30 days, UTC, cost stacked by feature): the first stage all at once,
//    then the query that waits for the top values. Per query and for the whole view, RUNS runs
//    after a warm-up; the server's RSS sampled every 50 ms throughout.
// 3. In process (the server stopped, the store opened here as the server opens it): each query
//    alone through store.query (planner, SQL, rows), and DuckDB's own time for the same SQL:
//    the statements store.trace records, run in their stages on a connection of a separate
//    @duckdb/node-api instance on the same file (rows fetched, not converted): the floor.
// 4. Bytes per event: the file's size over N.
import { statSync } from 'node:fs'
import { DuckDBInstance } from '@duckdb/node-api'
import { analyticsQuerySchema } from '../packages/server/dist/query/analytics-query.js'
import { openStore } from '../packages/server/dist/store/open-store.js'
import {
  cpuTimes,
  integer,
  ms,
  percentile,
  residentBytes,
  startSpendlensServer,
  table,
} from './bench-support.mjs'
import { loadDashboardQueries } from './dashboard-queries.mjs'
import { benchStore } from './store-data.mjs'

const START_RUNS = 3
const WARMUP = 2
const TARGET_MS = 100
const TARGET_BYTES = 40
const TARGET_RSS = 1e9
const TARGET_START_MS = 2000

/** Timed median and spread of `samples` as "median (min–max)". */
const summary = (samples) =>
  `${ms(percentile(samples, 50))} (${ms(Math.min(...samples))}–${ms(Math.max(...samples))})`

async function postQuery(url, body) {
  const response = await fetch(`${url}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`POST /api/query: ${response.status} ${text.slice(0, 300)}`)
  return JSON.parse(text).rows
}

/** The overview's queries for the store's data, as the dashboard builds them now. */
function overviewFor(dashboard, meta, now) {
  const view = dashboard.DEFAULT_VIEW
  const scope = dashboard.buildScope(view, 'UTC', meta, now)
  return dashboard.overviewQueries(scope, view, meta.first_ts)
}

/** How long a restart takes until the server answers: listening, first answer, its CPU seconds. */
async function timeStart(path) {
  const started = performance.now()
  const server = await startSpendlensServer(path)
  const listening = performance.now() - started
  const response = await fetch(`${server.url}/api/meta`)
  const meta = await response.json()
  const answered = performance.now() - started
  return { server, meta, listening, answered, cpu: cpuTimes(server.pid)?.process }
}

async function overHttp(path, dashboard, runs) {
  const starts = []
  for (let run = 0; run < START_RUNS; run++) {
    const start = await timeStart(path)
    starts.push(start)
    if (run < START_RUNS - 1) await start.server.stop()
  }
  const { server, meta } = starts.at(-1)
  let peakRss = residentBytes(server.pid) ?? 0
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, residentBytes(server.pid) ?? 0)
  }, 50)
  const now = new Date()
  const overview = overviewFor(dashboard, meta, now)
  const times = new Map()
  const whole = []
  const record = (name, value) => times.set(name, [...(times.get(name) ?? []), value])
  let later = []
  try {
    for (let run = 0; run < WARMUP + runs; run++) {
      const started = performance.now()
      const answers = await Promise.all(
        overview.first.map(async ({ name, request }) => {
          const begun = performance.now()
          const rows = await postQuery(server.url, request)
          if (run >= WARMUP) record(name, performance.now() - begun)
          return [name, rows]
        }),
      )
      const topRows = answers.find(([name]) => name === 'cost chart: top values')[1]
      later = overview.after(topRows)
      for (const { name, request } of later) {
        const begun = performance.now()
        await postQuery(server.url, request)
        if (run >= WARMUP) record(name, performance.now() - begun)
      }
      if (run >= WARMUP) whole.push(performance.now() - started)
    }
  } finally {
    clearInterval(sampler)
    await server.stop()
  }
  return { starts, meta, now, queries: [...overview.first, ...later], times, whole, peakRss }
}

async function inProcess(path, queries, runs) {
  const store = await openStore(path)
  const parsed = queries.map(({ name, request }) => ({
    name,
    query: { ...analyticsQuerySchema.parse(request), project: 'default' },
  }))
  const traced = []
  for (const { query } of parsed) traced.push(await store.trace(query))
  const ours = parsed.map(() => [])
  for (let run = 0; run < WARMUP + runs; run++)
    for (const [index, { query }] of parsed.entries()) {
      const started = performance.now()
      await store.query(query)
      if (run >= WARMUP) ours[index].push(performance.now() - started)
    }
  const plans = parsed.map(({ query }) => store.plan(query))
  await store.close()
  // DuckDB alone, on its own instance of the file (read only), the same statements in the same stages.
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' })
  const connections = await Promise.all(Array.from({ length: 4 }, () => instance.connect()))
  const floor = parsed.map(() => [])
  for (let run = 0; run < WARMUP + runs; run++)
    for (const [index, trace] of traced.entries()) {
      const started = performance.now()
      for (const stage of trace.stages)
        await Promise.all(
          stage.map((statement, slot) =>
            connections[slot % connections.length].runAndReadAll(statement.sql, statement.params),
          ),
        )
      if (run >= WARMUP) floor[index].push(performance.now() - started)
    }
  for (const connection of connections) connection.closeSync()
  instance.closeSync()
  return { ours, floor, plans, traced }
}

function describePlan(plan) {
  const sums = plan.sums.from === 'rollup' ? 'rollup' : `events (${plan.sums.reason})`
  return plan.percentiles ? `${sums}; p95 ${plan.percentiles.from}` : sums
}

/** One volume: its store, its start, its overview over HTTP and in process. */
export async function benchVolume(events, runs) {
  const path = await benchStore(events)
  const dashboard = await loadDashboardQueries()
  process.stderr.write(`${integer(events)}: serving ${path}\n`)
  const http = await overHttp(path, dashboard, runs)
  process.stderr.write(`${integer(events)}: in process\n`)
  const local = await inProcess(path, http.queries, runs)
  const bytes = statSync(path).size
  return { events, path, bytes, http, local }
}

export function reportVolume(result, runs) {
  const { events, bytes, http, local } = result
  console.log(
    `\n=== ${integer(events)} events (${http.meta.events === events ? 'all' : `${integer(http.meta.events)}`} served), DuckDB file ${integer(bytes / 1e6)} MB = ${(bytes / events).toFixed(1)} bytes/event`,
  )
  console.log(
    `start (${START_RUNS} restarts of spendlens serve on the store): listening ${http.starts.map((start) => ms(start.listening)).join(', ')} ms; ` +
      `first answer ${http.starts.map((start) => ms(start.answered)).join(', ')} ms; server CPU by then ${http.starts.map((start) => start.cpu?.toFixed(2)).join(', ')} s`,
  )
  console.log(
    `overview over HTTP (the dashboard's ${http.queries.length} POST /api/query bodies for its default view, ${runs} runs after ${WARMUP} warm-up): ` +
      `whole view ${summary(http.whole)} ms; server RSS peak ${integer(http.peakRss / 1e6)} MB`,
  )
  console.log(
    table(
      [
        'query',
        'route',
        'statements',
        'HTTP, all at once',
        'store.query alone',
        'DuckDB alone (floor)',
        'ours ÷ floor',
      ],
      http.queries.map(({ name }, index) => [
        name,
        describePlan(local.plans[index]),
        local.traced[index].stages.map((stage) => stage.length).join(' then '),
        summary(http.times.get(name)),
        summary(local.ours[index]),
        summary(local.floor[index]),
        `${(percentile(local.ours[index], 50) / percentile(local.floor[index], 50)).toFixed(2)}x`,
      ]),
    ),
  )
  console.log('times in ms: median (min–max)')
}

/** How each figure grew from volume to volume, against its target. */
export function reportGrowth(results) {
  console.log('\n=== growth with the events stored (medians)')
  const figures = [
    ['overview, whole view over HTTP (ms)', (r) => percentile(r.http.whole, 50), `< ${TARGET_MS} each query`],
    [
      'slowest query over HTTP (ms)',
      (r) => Math.max(...[...r.http.times.values()].map((samples) => percentile(samples, 50))),
      `< ${TARGET_MS}`,
    ],
    [
      'slowest query, store.query alone (ms)',
      (r) => Math.max(...r.local.ours.map((samples) => percentile(samples, 50))),
      `< ${TARGET_MS}`,
    ],
    [
      'slowest query, DuckDB alone (ms)',
      (r) => Math.max(...r.local.floor.map((samples) => percentile(samples, 50))),
      '',
    ],
    ['bytes per event', (r) => r.bytes / r.events, `< ${TARGET_BYTES}`],
    ['server RSS peak while serving (MB)', (r) => r.http.peakRss / 1e6, `< ${TARGET_RSS / 1e6}`],
    [
      'restart to first answer (ms)',
      (r) =>
        percentile(
          r.http.starts.map((start) => start.answered),
          50,
        ),
      `< ${TARGET_START_MS}`,
    ],
    [
      'server CPU until first answer (s)',
      (r) =>
        percentile(
          r.http.starts.map((start) => start.cpu ?? 0),
          50,
        ),
      '',
    ],
  ]
  const headers = [
    'figure',
    ...results.map((r) => integer(r.events)),
    ...results.slice(1).map((r, i) => `× ${integer(results[i].events)}→${integer(r.events)}`),
    'target',
  ]
  console.log(
    table(
      headers,
      figures.map(([label, value, target]) => {
        const values = results.map(value)
        return [
          label,
          ...values.map((v) => (v >= 100 ? integer(v) : v.toFixed(1))),
          ...values.slice(1).map((v, i) => `${(v / values[i]).toFixed(2)}`),
          target,
        ]
      }),
    ),
  )
}
