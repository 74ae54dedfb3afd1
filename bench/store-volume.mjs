// Every dashboard view as shipped, at volume: `npm run bench:store -- --volumes 1000000,10000000`.
//
// Per volume, a DuckDB store of N events (store-data.mjs: made once under /work/bench-data and kept):
// 1. Start: `spendlens serve` on it (its own process, as shipped: jobs on), the time until it
//    listens and until its first answer (GET /api/meta), its CPU time by then; START_RUNS restarts.
// 2. Over HTTP, as the dashboard sends them: every API request of every view (POST /api/query
//    bodies, and the other endpoints a view reads: GET /api/events, /api/anomalies, /api/long-context,
//    /api/unit-economics, /api/model-migrations, /api/budgets, /api/invoice/…), built by the
//    dashboard's own code (packages/dashboard/src/queries: the views ask through the same
//    functions; bundled by dashboard-queries.mjs) for each view's default state (last 30 days, UTC;
//    the customer page of the customer with the highest cost): a view's first stage all at once,
//    then the requests that wait for its answers. The views load in turn, RUNS times after a
//    warm-up; per view its whole load and its slowest request, per request its time with the
//    view's others in flight; the server's RSS sampled every 50 ms throughout.
// 3. In process (the server stopped, the store opened here as the server opens it): each distinct
//    POST /api/query body alone through store.query (planner, SQL, rows; the same function the
//    route calls), and DuckDB's own time for the same SQL: the statements store.trace records, run
//    in their stages on a connection of a separate @duckdb/node-api instance on the same file (rows
//    fetched, not converted): the floor. The other endpoints have no single SQL: HTTP only.
// 4. Bytes per event: the file's size over N.
import { statSync } from 'node:fs'
import { DuckDBInstance } from '@duckdb/node-api'
import { analyticsQuerySchema } from '../packages/server/dist/query/analytics-query.js'
import { openStore } from '../packages/server/dist/store/open-store.js'
import {
  argument,
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
const WARMUP = argument('warmup', 2)
const TARGET_MS = 100
const TARGET_BYTES = 40
const TARGET_RSS = 1e9
const TARGET_START_MS = 2000

/** Timed median and spread of `samples` as "median (min–max)". */
const summary = (samples) =>
  `${ms(percentile(samples, 50))} (${ms(Math.min(...samples))}–${ms(Math.max(...samples))})`

/** One request as the dashboard sends it: a POST /api/query body, or another endpoint's GET (or POST with a body). */
async function send(base, entry) {
  const query = 'request' in entry
  const body = query ? entry.request : entry.body
  const response = await fetch(`${base}/${query ? 'api/query' : entry.url}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`${entry.name}: ${response.status} ${text.slice(0, 300)}`)
  const answer = JSON.parse(text)
  return query ? answer.rows : answer
}

/**
 * Every view's requests for the store's data, as the dashboard builds them now: its default state
 * (last 30 days, UTC), the customer page of the customer with the highest cost.
 */
async function viewsFor(dashboard, base, meta, now) {
  const context = (name, extra = {}) => {
    const view = { ...dashboard.DEFAULT_VIEW, view: name, ...extra }
    return { scope: dashboard.buildScope(view, 'UTC', meta, now), view, meta }
  }
  // The overview's top customers list reads the rollup: cheap at any volume.
  const overview = dashboard.VIEW_REQUESTS.overview(context('overview'))
  const top = (
    await send(
      base,
      overview.first.find((entry) => entry.name === 'top list: customer_id'),
    )
  ).find((row) => !row.others)
  return Object.entries(dashboard.VIEW_REQUESTS).map(([name, build]) => ({
    name: name === 'customer' ? `customer (${top?.customer_id})` : name,
    requests: build(context(name, name === 'customer' ? { customer: String(top?.customer_id ?? '') } : {})),
  }))
}

/** One load of a view over HTTP: its first requests at once, then those that wait for their answers. */
async function loadView(base, requests) {
  const started = performance.now()
  const answers = new Map()
  const times = new Map()
  const failed = new Map()
  const timed = async (entry) => {
    const begun = performance.now()
    try {
      answers.set(entry.name, await send(base, entry))
    } catch (error) {
      // A refusal (the server's query time limit) is a figure too: its time, and what it answered.
      failed.set(entry.name, error.message.replace(/^[^:]*: /, '').slice(0, 40))
    }
    times.set(entry.name, performance.now() - begun)
  }
  await Promise.all(requests.first.map(timed))
  const later = requests.after(answers)
  await Promise.all(later.map(timed))
  return { whole: performance.now() - started, times, failed, sent: [...requests.first, ...later] }
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
  try {
    const views = (await viewsFor(dashboard, server.url, meta, now)).map((view) => ({
      ...view,
      times: new Map(),
      failed: new Map(),
      whole: [],
      slowest: [],
      sent: [],
    }))
    // Run by run, every view in turn (one view loading at a time, as a person switching views).
    for (let run = 0; run < WARMUP + runs; run++)
      for (const view of views) {
        const load = await loadView(server.url, view.requests)
        view.sent = load.sent
        if (run < WARMUP) continue
        view.whole.push(load.whole)
        view.slowest.push(Math.max(...load.times.values()))
        for (const [name, time] of load.times) view.times.set(name, [...(view.times.get(name) ?? []), time])
        for (const [name, error] of load.failed)
          view.failed.set(name, [...(view.failed.get(name) ?? []), error])
      }
    return { starts, meta, now, views, peakRss }
  } finally {
    clearInterval(sampler)
    await server.stop()
  }
}

/** The POST /api/query bodies of every view, each once. */
function distinctQueries(views) {
  const byKey = new Map()
  for (const view of views)
    for (const entry of view.sent)
      if ('request' in entry) {
        const key = JSON.stringify(entry.request)
        if (!byKey.has(key)) byKey.set(key, { name: `${view.name}: ${entry.name}`, request: entry.request })
      }
  return byKey
}

async function inProcess(path, views, runs) {
  const queries = distinctQueries(views)
  const store = await openStore(path)
  const parsed = [...queries.values()].map(({ name, request }) => ({
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
  // By body, for each view's rows.
  const byKey = new Map(
    [...queries.keys()].map((key, index) => [
      key,
      { ours: ours[index], floor: floor[index], plan: plans[index], trace: traced[index] },
    ]),
  )
  return { byKey }
}

function describePlan(plan) {
  const sums = plan.sums.from === 'rollup' ? 'rollup' : `events (${plan.sums.reason})`
  return plan.percentiles ? `${sums}; p95 ${plan.percentiles.from}` : sums
}

/** One volume: its store, its start, every view over HTTP, and each query in process. */
export async function benchVolume(events, runs) {
  const path = await benchStore(events)
  const dashboard = await loadDashboardQueries()
  process.stderr.write(`${integer(events)}: serving ${path}\n`)
  const http = await overHttp(path, dashboard, runs)
  process.stderr.write(`${integer(events)}: in process\n`)
  const local = await inProcess(path, http.views, runs)
  const bytes = statSync(path).size
  return { events, path, bytes, http, local }
}

const median = (samples) => percentile(samples, 50)

/** A view's requests with their in-process figures (POST /api/query bodies) or none (other endpoints). */
function viewRows(view, local) {
  return view.sent.map((entry) => ({
    entry,
    http: view.times.get(entry.name) ?? [],
    local: 'request' in entry ? local.byKey.get(JSON.stringify(entry.request)) : undefined,
  }))
}

/** The sum of a view's per-query medians in process (ours, or DuckDB's): what its queries cost one after another. */
const summed = (rows, key) => rows.reduce((sum, row) => sum + (row.local ? median(row.local[key]) : 0), 0)

/** The view's queries that read the raw events (their sums, or their percentiles) rather than a rollup. */
const onEvents = (rows) =>
  rows.filter(
    (row) =>
      row.local && (row.local.plan.sums.from !== 'rollup' || row.local.plan.percentiles?.from === 'events'),
  )

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
    `every view over HTTP (the requests the dashboard's own code builds for its default state: packages/dashboard/src/queries), ` +
      `${runs} loads per view after ${WARMUP} warm-up, the views in turn; server RSS peak ${integer(http.peakRss / 1e6)} MB`,
  )
  console.log(
    table(
      [
        'view',
        'requests',
        'whole view',
        'slowest request',
        'slowest (by median)',
        'queries in process: ours',
        'DuckDB alone (floor)',
        `< ${TARGET_MS} ms`,
        'read the events',
      ],
      http.views.map((view) => {
        const rows = viewRows(view, local)
        const queries = rows.filter((row) => row.local).length
        const slowest = rows.reduce((worst, row) => (median(row.http) > median(worst.http) ? row : worst))
        const events = onEvents(rows)
        return [
          view.name,
          `${queries} + ${rows.length - queries}`,
          `${summary(view.whole)}${view.failed.size ? ` (${[...view.failed.values()].flat().length} refused)` : ''}`,
          summary(view.slowest),
          slowest.entry.name,
          queries ? ms(summed(rows, 'ours')) : '—',
          queries ? ms(summed(rows, 'floor')) : '—',
          median(view.whole) < TARGET_MS ? 'yes' : 'NO',
          events.length
            ? events.map((row) => `${row.entry.name} (${ms(median(row.local.ours))} ms)`).join('; ')
            : '',
        ]
      }),
    ),
  )
  console.log(
    'requests: POST /api/query bodies + other endpoints (GET /api/events, /api/anomalies, /api/long-context, …); ' +
      'whole view: from the first request to the last answer (the requests that wait for an answer sent when the first stage has answered); ' +
      "slowest request: the longest of each load (its others in flight); in process: the sum of its queries' medians, each alone. " +
      'times in ms: median (min–max)',
  )
  console.log('\nevery request')
  console.log(
    table(
      [
        'view',
        'request',
        'route',
        'statements',
        'HTTP, the view at once',
        'store.query alone',
        'DuckDB alone (floor)',
        'ours ÷ floor',
      ],
      http.views.flatMap((view) =>
        viewRows(view, local).map((row) => [
          view.name,
          row.entry.name,
          row.local
            ? describePlan(row.local.plan)
            : 'request' in row.entry
              ? ''
              : row.entry.url.split('?')[0],
          row.local ? row.local.trace.stages.map((stage) => stage.length).join(' then ') : '',
          `${row.http.length ? summary(row.http) : ''}${view.failed.has(row.entry.name) ? `; ${view.failed.get(row.entry.name).length} failed: ${view.failed.get(row.entry.name)[0]}` : ''}`,
          row.local ? summary(row.local.ours) : '',
          row.local ? summary(row.local.floor) : '',
          row.local ? `${(median(row.local.ours) / median(row.local.floor)).toFixed(2)}x` : '',
        ]),
      ),
    ),
  )
  console.log(
    "times in ms: median (min–max); route: where the query's sums are read (rollup, or the events and why)",
  )
}

/** How each figure grew from volume to volume, against its target. */
export function reportGrowth(results) {
  console.log('\n=== growth with the events stored (medians)')
  const viewNames = results[0].http.views.map((view) => view.name)
  const figures = [
    ...viewNames.map((name, index) => [
      `${name}: whole view over HTTP (ms)`,
      (r) => median(r.http.views[index].whole),
      `< ${TARGET_MS}`,
    ]),
    [
      'slowest request of any view over HTTP (ms)',
      (r) => Math.max(...r.http.views.map((entry) => median(entry.slowest))),
      `< ${TARGET_MS}`,
    ],
    [
      'slowest query, store.query alone (ms)',
      (r) => Math.max(...[...r.local.byKey.values()].map((entry) => median(entry.ours))),
      `< ${TARGET_MS}`,
    ],
    [
      'slowest query, DuckDB alone (ms)',
      (r) => Math.max(...[...r.local.byKey.values()].map((entry) => median(entry.floor))),
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
