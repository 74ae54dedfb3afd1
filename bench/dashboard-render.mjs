// How long each dashboard view takes to draw once the API has answered, at volume, in Debian's
// Chromium: from the last API response of a page load to the last chart drawn (ECharts' 'finished')
// and the last change React made to the view, whichever is later.
//
//   npm run bench:dashboard                                   (builds first; 10M events, made once)
//   npm run bench:dashboard -- --events 10000000 --data /work/bench-data/dashboard --runs 7 --warmup 1
//       --baseline /path/to/a/built/public   (another build of the dashboard, timed in the same run)
//       --views overview,models --profile /tmp/profiles
//
// 1. The store: N events varied from the demo product's (dashboard-store.mjs), built once into
//    `--data` (default: a folder in the system's temp directory) and reused by later runs.
// 2. The real server (`spendlens serve`, its own process) on that store.
// 3. Per round, each view loaded once per build in a fresh browser context, builds alternating which
//    goes first; the first round is a warm-up, not counted. A build is a folder like
//    packages/server/dist/public, served to the page in place of the server's own files (playwright
//    routes), so two builds meet the same server and the same API answers.
// 4. In the page, a mutation observer notes when each chart reports it has drawn (data-rendered,
//    set on ECharts' 'finished') and when React last changed anything in <main>; the load counts as
//    settled when no API request is in flight, nothing in <main> is busy and every chart has drawn.
//    The time after the API is the later of the two minus the end (resource timing) of the last API
//    response before it: an answer after the last drawing changed nothing on screen.
// 5. `--profile <folder>`: then one load per view and build under the V8 CPU profiler (CDP, 100 µs
//    sampling), saved as .cpuprofile, with the self time after the last API response summed by
//    script (ECharts, React, the dashboard) and its heaviest functions printed.
//    `--trace`: one load per view and build under a Chromium trace (devtools.timeline), the
//    renderer's main thread after the last API response split into script, style, layout, paint
//    and garbage collection (what the CPU profile shows as "(program)" is the native part).
//    BENCH_CURRENT=<folder> times another folder as "this build" (an unminified build profiles with
//    readable names: `npx vite build --minify false --outDir <folder>` in packages/dashboard).
//
// Figures only; nothing is asserted. The machine's load average is printed before and after.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { basename, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { ms, startSpendlensServer, table } from './bench-support.mjs'
import { dashboardStore } from './dashboard-store.mjs'

const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : process.argv[index + 1]
}
const EVENTS = Number(option('events', 10_000_000))
const RUNS = Number(option('runs', 7))
const WARMUP = Number(option('warmup', 1))
const DATA = option('data', join(tmpdir(), 'spendlens-dashboard-bench'))
const BASELINE = option('baseline', undefined)
const PROFILE = option('profile', undefined)
const TRACE = process.argv.includes('--trace')
const TRACES = Number(option('traces', 1))
const TARGET_MS = 150
const QUIET_MS = 400
const SETTLE_TIMEOUT_MS = 180_000
const VIEWPORT = { width: 1280, height: 900 }
const ALL_VIEWS = [
  'overview',
  'breakdowns',
  'customers',
  'customer',
  'models',
  'prompts',
  'latency',
  'requests',
  'anomalies',
  'budgets',
  'invoice',
]
const VIEWS = option('views', ALL_VIEWS.join(',')).split(',')
for (const view of VIEWS) if (!ALL_VIEWS.includes(view)) throw new Error(`unknown view ${view}`)

const CURRENT =
  process.env.BENCH_CURRENT ?? fileURLToPath(new URL('../packages/server/dist/public', import.meta.url))
const BUILDS = [
  ...(BASELINE ? [{ name: 'baseline', folder: BASELINE }] : []),
  { name: 'this build', folder: CURRENT },
]
const CONTENT_TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length / 2
  return sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2
}
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')

// ------------------------------------------------------------------ one page load

/** What the page records: when a chart last drew and when React last changed <main>. */
function recordDrawing() {
  window.__drawing = { chartAt: 0, domAt: 0, draws: 0 }
  new MutationObserver((mutations) => {
    const now = performance.now()
    for (const mutation of mutations) {
      const target = mutation.target.nodeType === 1 ? mutation.target : mutation.target.parentElement
      if (!target?.closest('main')) continue
      if (mutation.type === 'attributes' && mutation.attributeName === 'data-rendered') {
        if (target.getAttribute('data-rendered') === 'true') {
          window.__drawing.chartAt = now
          window.__drawing.draws++
        }
      } else window.__drawing.domAt = now
    }
  }).observe(document, { attributes: true, childList: true, characterData: true, subtree: true })
}

/** Serves the build in `folder` for every request but the API's. */
async function serveBuild(page, origin, folder) {
  await page.route(
    (url) => url.origin === origin && !url.pathname.startsWith('/api/'),
    (route) => {
      const path = new URL(route.request().url()).pathname
      const file = path === '/' || !extname(path) ? 'index.html' : path.slice(1)
      try {
        const body = readFileSync(join(folder, file))
        return route.fulfill({
          body,
          contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        })
      } catch {
        return route.fulfill({ status: 404, body: 'not found' })
      }
    },
  )
}

/** Loads `url` with `build`, waits until the view has settled, and answers what it measured. */
async function measureLoad(browser, url, build, profiler, tracing = false) {
  const context = await browser.newContext({ viewport: VIEWPORT })
  const page = await context.newPage()
  await page.addInitScript(recordDrawing)
  await serveBuild(page, new URL(url).origin, build.folder)
  let inFlight = 0
  let lastSettledAt = performance.now()
  const isApi = (request) => new URL(request.url()).pathname.startsWith('/api/')
  page.on('request', (request) => {
    if (isApi(request)) inFlight++
  })
  const done = (request) => {
    if (!isApi(request)) return
    inFlight--
    lastSettledAt = performance.now()
  }
  page.on('requestfinished', done)
  page.on('requestfailed', done)
  const session = profiler ? await context.newCDPSession(page) : undefined
  if (session) {
    await session.send('Profiler.enable')
    await session.send('Profiler.setSamplingInterval', { interval: 100 })
    await session.send('Profiler.start')
  }
  if (tracing)
    await browser.startTracing(page, { categories: ['devtools.timeline', 'v8.execute', 'toplevel'] })
  await page.goto(url)
  const deadline = performance.now() + SETTLE_TIMEOUT_MS
  let state
  for (;;) {
    state = await page.evaluate(() => {
      const main = document.querySelector('main')
      const charts = main ? [...main.querySelectorAll('[data-rendered]')] : []
      return {
        ready:
          main !== null &&
          main.querySelector('[aria-busy="true"]') === null &&
          charts.every((chart) => chart.getAttribute('data-rendered') === 'true'),
        charts: charts.length,
        sinceChange: performance.now() - Math.max(window.__drawing.chartAt, window.__drawing.domAt),
      }
    })
    const quiet = inFlight === 0 && performance.now() - lastSettledAt > QUIET_MS
    if (state.ready && quiet && state.sinceChange > QUIET_MS) break
    if (performance.now() > deadline)
      throw new Error(
        `${url} (${build.name}) did not settle in ${SETTLE_TIMEOUT_MS} ms: ${JSON.stringify({ ...state, inFlight })}`,
      )
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const timing = await page.evaluate(() => {
    const api = performance
      .getEntriesByType('resource')
      .filter((entry) => new URL(entry.name).pathname.startsWith('/api/'))
    const { chartAt, domAt, draws } = window.__drawing
    const drawnAt = Math.max(chartAt, domAt)
    // The answer the last drawing waited for: an answer after it that changed nothing on screen
    // (equal figures, an empty warning) would hide the drawing before it.
    const answered = api.map((entry) => entry.responseEnd).filter((end) => end <= drawnAt)
    const lastApi = answered.length > 0 ? Math.max(...answered) : drawnAt
    return {
      calls: api.length,
      lastApi,
      answersAfterDrawn: api.length - answered.length,
      chartAfter: chartAt - lastApi,
      domAfter: domAt - lastApi,
      draws,
      // To place the CPU profile's samples on this clock (see summariseProfile).
      epochNow: performance.timeOrigin + performance.now(),
      timeOrigin: performance.timeOrigin,
    }
  })
  let profile
  if (session) profile = (await session.send('Profiler.stop')).profile
  const trace = tracing ? JSON.parse((await browser.stopTracing()).toString('utf8')) : undefined
  await context.close()
  const afterApi = Math.max(0, timing.chartAfter, timing.domAfter)
  return { ...timing, charts: state.charts, afterApi, profile, trace }
}

// ------------------------------------------------------------------ profiles

/** Which script a profile's function belongs to, by its chunk's name. */
function scriptOf(frame) {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)'
  const name = basename(new URL(frame.url).pathname)
  return name.replace(/-[\w-]{8}\.js$/, '')
}

/**
 * The self time of the samples taken after the last API response, summed by script and by
 * function. The profile's clock (µs, monotonic) is placed on the page's by its end, taken a moment
 * after the page's own epochNow: good to a few ms.
 */
function summariseProfile(profile, timing) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const windowStart = profile.endTime - (timing.epochNow - timing.timeOrigin - timing.lastApi) * 1000
  const byScript = new Map()
  const byFunction = new Map()
  let at = profile.startTime
  let total = 0
  for (let index = 0; index < profile.samples.length; index++) {
    at += profile.timeDeltas[index]
    const next = profile.timeDeltas[index + 1] ?? 0
    if (at < windowStart) continue
    const frame = nodes.get(profile.samples[index]).callFrame
    if (frame.functionName === '(idle)') continue
    const script = scriptOf(frame)
    const us = next
    total += us
    byScript.set(script, (byScript.get(script) ?? 0) + us)
    const key = `${frame.functionName || '(anonymous)'} ${script}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
  }
  const top = (map, count) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => `${name} ${ms(us / 1000)}`)
  return { busyMs: total / 1000, scripts: top(byScript, 6), functions: top(byFunction, 8) }
}

/** The trace's events by kind: what the renderer's main thread does, as DevTools names it. */
const TRACE_KINDS = {
  script: [
    'FunctionCall',
    'EvaluateScript',
    'RunMicrotasks',
    'TimerFire',
    'FireAnimationFrame',
    'EventDispatch',
  ],
  style: ['UpdateLayoutTree', 'RecalculateStyles'],
  layout: ['Layout'],
  paint: ['PrePaint', 'Paint', 'Layerize', 'Commit', 'PaintImage', 'UpdateLayer'],
  gc: ['MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'BlinkGC.AtomicPhase'],
}

/**
 * The renderer main thread's time after the last API response until the view was drawn, by kind:
 * `busy` is its top-level tasks; layout and style forced by a script count in both (a forced
 * layout runs inside the script that read a size). Nested events of one kind count once.
 */
function summariseTrace(trace, afterApi) {
  const events = trace.traceEvents ?? trace
  const sent = events.filter((event) => event.name === 'ResourceSendRequest')
  const page = sent.find((event) => event.args.data.resourceType === 'Document')
  const api = new Set(
    sent
      .filter((event) => new URL(event.args.data.url).pathname.startsWith('/api/'))
      .map((event) => event.args.data.requestId),
  )
  const main = events.find(
    (event) =>
      event.name === 'thread_name' && event.pid === page?.pid && event.args?.name === 'CrRendererMain',
  )
  if (!page || !main || api.size === 0) return undefined
  const from = Math.max(
    ...events
      .filter((event) => event.name === 'ResourceFinish' && api.has(event.args.data.requestId))
      .map((event) => event.ts),
  )
  const to = from + afterApi * 1000
  const sums = { busy: 0 }
  const overlap = (event) => Math.max(0, Math.min(to, event.ts + event.dur) - Math.max(from, event.ts))
  // Events of a kind nest (a microtask run inside a function call): only the outermost counts.
  const ends = {}
  const mainEvents = events
    .filter((event) => event.ph === 'X' && event.pid === main.pid && event.tid === main.tid)
    .sort((a, b) => a.ts - b.ts)
  for (const event of mainEvents) {
    const kind =
      event.name === 'RunTask' || event.name === 'ThreadControllerImpl::RunTask'
        ? 'busy'
        : Object.keys(TRACE_KINDS).find((name) => TRACE_KINDS[name].includes(event.name))
    if (!kind || event.ts < (ends[kind] ?? 0)) continue
    ends[kind] = event.ts + event.dur
    sums[kind] = (sums[kind] ?? 0) + overlap(event)
    // The thread's CPU time in its tasks (tdur), the part inside the window: what the work cost,
    // without the time the thread waited for a core (a loaded machine's share of every wall figure).
    if (kind === 'busy' && event.dur > 0 && event.tdur !== undefined)
      sums.cpu = (sums.cpu ?? 0) + (overlap(event) * event.tdur) / event.dur
  }
  return Object.fromEntries(Object.entries(sums).map(([kind, us]) => [kind, us / 1000]))
}

// ------------------------------------------------------------------ the run

const loadBefore = load()
const data = await dashboardStore(DATA, EVENTS)
const server = await startSpendlensServer(data.path)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
try {
  // The customer page shows the customer that spent most over the default range.
  const top = await fetch(`${server.url}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      from: new Date(data.end - 30 * 86_400_000).toISOString(),
      groupBy: ['customer_id'],
      metrics: ['cost_usd'],
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit: 1,
    }),
  }).then((response) => response.json())
  const customer = top.rows?.[0]?.customer_id
  const urlOf = (view) =>
    `${server.url}/?view=${view}${view === 'customer' ? `&customer=${encodeURIComponent(customer)}` : ''}`

  process.stderr.write(
    `${browser.version()}; ${EVENTS.toLocaleString('en-US')} events (built ${new Date(data.end).toISOString()}); load average ${loadBefore}\n`,
  )
  const samples = new Map(VIEWS.map((view) => [view, new Map(BUILDS.map((build) => [build.name, []]))]))
  const facts = new Map()
  for (let round = 1 - WARMUP; round <= RUNS; round++) {
    for (const view of VIEWS) {
      const order = round % 2 ? [...BUILDS].reverse() : BUILDS
      for (const build of order) {
        const result = await measureLoad(browser, urlOf(view), build, false)
        if (round > 0) samples.get(view).get(build.name).push(result.afterApi)
        if (process.env.BENCH_DEBUG)
          process.stderr.write(
            `${view} ${build.name}: ${JSON.stringify({ ...result, profile: undefined })}\n`,
          )
        if (build.folder === CURRENT) facts.set(view, result)
      }
    }
    process.stderr.write(`round ${round}/${RUNS}${round <= 0 ? ' (warm-up)' : ''}; load average ${load()}\n`)
  }

  const profiles = []
  if (PROFILE) {
    mkdirSync(PROFILE, { recursive: true })
    for (const view of VIEWS)
      for (const build of BUILDS) {
        const result = await measureLoad(browser, urlOf(view), build, true)
        const file = join(PROFILE, `${view}-${build.name.replace(/\W+/g, '-')}.cpuprofile`)
        writeFileSync(file, JSON.stringify(result.profile))
        writeFileSync(
          file.replace(/cpuprofile$/, 'timing.json'),
          JSON.stringify({ ...result, profile: undefined }),
        )
        profiles.push({
          view,
          build: build.name,
          file,
          afterApi: result.afterApi,
          ...summariseProfile(result.profile, result),
        })
      }
  }

  const traces = []
  if (TRACE)
    for (let round = 0; round < TRACES; round++)
      for (const view of VIEWS)
        for (const build of round % 2 ? [...BUILDS].reverse() : BUILDS) {
          const result = await measureLoad(browser, urlOf(view), build, false, true)
          if (process.env.BENCH_DEBUG) writeFileSync('/tmp/drawperf-trace.json', JSON.stringify(result.trace))
          const summary = summariseTrace(result.trace, result.afterApi)
          if (process.env.BENCH_DEBUG)
            process.stderr.write(
              `traced ${view} ${build.name}: ${ms(result.afterApi)} ${JSON.stringify(summary)}\n`,
            )
          traces.push({ view, build: build.name, afterApi: result.afterApi, ...summary })
        }

  console.log(
    `spendlens dashboard drawing: ${browser.version()}, viewport ${VIEWPORT.width}×${VIEWPORT.height}, default range (30 days)`,
  )
  console.log(
    `store: ${EVENTS.toLocaleString('en-US')} events (dashboard-store.mjs, built ${new Date(data.end).toISOString()}), served by spendlens serve in its own process`,
  )
  console.log(
    `${RUNS} loads per view and build after ${WARMUP} warm-up round(s), interleaved; ms from the last API response to the last chart drawn or change to the view; load average ${loadBefore} before, ${load()} after\n`,
  )
  const headers = ['view', 'API calls', 'charts']
  for (const build of BUILDS) headers.push(`${build.name} median`, 'min–max')
  if (BASELINE) headers.push('ratio')
  headers.push(`≤ ${TARGET_MS} ms`)
  const rows = VIEWS.map((view) => {
    const fact = facts.get(view)
    const row = [view, fact.calls, fact.charts]
    const medians = []
    for (const build of BUILDS) {
      const values = samples.get(view).get(build.name)
      medians.push(median(values))
      row.push(ms(median(values)), `${ms(Math.min(...values))}–${ms(Math.max(...values))}`)
    }
    if (BASELINE) row.push(`${(medians[1] / medians[0]).toFixed(2)}x`)
    row.push(medians.at(-1) <= TARGET_MS ? 'yes' : 'NO')
    return row
  })
  console.log(table(headers, rows))
  if (traces.length > 0) {
    const kinds = ['busy', 'cpu', ...Object.keys(TRACE_KINDS)]
    console.log(
      `\n${TRACES} traced load(s) per view and build, interleaved: the renderer's main thread from the last API response to drawn, ms, median (busy: its tasks' wall time; cpu: their thread CPU time, without the waits for a core, with its min–max; script includes the layout and style it forces)`,
    )
    const rows = []
    for (const view of VIEWS)
      for (const build of BUILDS) {
        const mine = traces.filter((trace) => trace.view === view && trace.build === build.name)
        const of = (kind) => mine.map((trace) => trace[kind] ?? 0)
        rows.push([
          view,
          build.name,
          ms(median(of('afterApi'))),
          ...kinds.map((kind) => ms(median(of(kind)))),
          `${ms(Math.min(...of('cpu')))}–${ms(Math.max(...of('cpu')))}`,
        ])
      }
    console.log(table(['view', 'build', 'after API', ...kinds, 'cpu min–max'], rows))
  }
  for (const profile of profiles) {
    console.log(
      `\nprofile ${profile.view} (${profile.build}): ${ms(profile.afterApi)} ms after the API, ${ms(profile.busyMs)} ms busy; ${profile.file}`,
    )
    console.log(`  by script: ${profile.scripts.join(', ')}`)
    for (const line of profile.functions) console.log(`  ${line}`)
  }
} finally {
  await browser.close()
  await server.stop()
}
