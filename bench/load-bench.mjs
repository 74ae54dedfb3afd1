// What the server does under concurrent load with keys on, and whether slow clients hurt the others.
//
//   npm run bench:load                      (builds packages/sdk and packages/server, then runs this)
//   npm run bench:load -- --seconds 30 --clients 50 --batch 200 --readers 2 --slow 20 --warmup 3
//   npm run bench:load -- --seconds 5 --clients 10          (a quick look)
//   npm run bench:load -- --seconds 10 --rounds 5           (the slow clients' effect, five times)
//
// Two phases, each on a fresh server (`spendlens serve` on a temp DuckDB file, in its own process):
// "normal" (the ingest clients and the readers), then "with slow clients" (the same, plus SLOW raw
// sockets that hang on). Fresh stores keep the two alike: the second phase does not ingest into
// the first one's events. `--rounds N` runs N such pairs, alternating which goes first, and prints
// each pair's ratios and their geometric mean: on a shared machine the server's share of the CPU
// moves between phases, and one pair's ratio says as much about that as about the slow clients.
//
// - Keys: an admin key from `spendlens keys create` (before the server holds the file), then one
//   ingest key per client and a read key made through POST /api/keys with it (`--shared-key`: one
//   ingest key for every client). The server keeps its default per-key rate limits (what a deployment
//   runs, the limiter's cost included); with a key per client they do not bind, and 429s are counted
//   among the statuses (`--rate-limit-ingest N`, `--rate-limit-query N` are passed to the server).
// - Ingest clients: CLIENTS in a closed loop, each on its own keep-alive connection, sending the
//   next batch when the answer to the last arrives, as an SDK's HTTP sink does under back-pressure:
//   BATCH events (the sink's default batch size), gzipped JSON. The bodies are built before the
//   clock from generateDemoEvents (as bench:store builds them: new ids, times moved within their
//   hour, latencies scaled; the last two days, inside the server's ingest window); both phases send
//   the same bodies (each into a fresh store). A phase that needs more than were built builds them as
//   it goes (counted).
// - Readers: READERS dashboards, each sending the overview's six queries at once (POST /api/query,
//   last 7 days) with the read key, then pausing a second.
// - Slow clients (second phase), a third of each kind, on raw sockets: `idle` connects and sends
//   nothing; `headers` sends a request's headers a byte a second; `body` sends full headers (a valid
//   ingest key, Content-Length 100,000) and then the body a byte a second. One the server drops
//   reconnects at once, as an attacker would. The server drops headers after 10 s and a request after
//   60 s (CONNECTION_LIMITS in create-app.ts), checked every 30 s by Node (connectionsCheckingInterval):
//   the table says which were dropped, when, and with what answer.
//
// Measured: SECONDS after WARMUP seconds. Throughput counts the answers that arrive inside that
// window; latencies and statuses are of the requests started inside it (each waited for, however
// long it takes), as exact percentiles (every latency kept and sorted). Figures only; nothing is
// asserted.
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { gzipSync } from 'node:zlib'
import { generateDemoEvents } from '../packages/server/dist/demo/demo-data.js'
import {
  argument,
  cpuTimes,
  createKeyWithCli,
  fillTemplate,
  integer,
  movedWithinHour,
  ms,
  percentile,
  residentBytes,
  startSpendlensServer,
  table,
  templateParts,
} from './bench-support.mjs'

const SECONDS = argument('seconds', 30)
const WARMUP = argument('warmup', 3)
const CLIENTS = argument('clients', 50)
const BATCH = argument('batch', 200)
const READERS = argument('readers', 2)
const SLOW = argument('slow', 20)
const SHARED_KEY = process.argv.includes('--shared-key')
/** Pairs of phases (without and with slow clients), alternating which goes first. */
const ROUNDS = argument('rounds', 1)
/** Passed through to `spendlens serve` when given. */
const SERVER_ARGS = ['rate-limit-ingest', 'rate-limit-query'].flatMap((name) =>
  process.argv.includes(`--${name}`) ? [`--${name}`, String(argument(name))] : [],
)
/** Enough bodies for a phase at 25,000 events a second (more than the 2-core machine took). */
const BODIES = argument('bodies', Math.ceil((25_000 * (SECONDS + WARMUP)) / BATCH))
const READER_PAUSE_MS = 1000
const SLOW_KINDS = ['idle', 'headers', 'body']
const SLOW_BODY_BYTES = 100_000
const RSS_SAMPLE_MS = 250
const DAY_MS = 86_400_000

// ------------------------------------------------------------------ bodies

/**
 * Gzipped bodies of BATCH events varied from the demo's last two days, body `index` holding events
 * index × BATCH onwards: BODIES of them built at once, before the clock, and any further one when a
 * client first asks for it (counted: it takes the bench's CPU while the server works).
 */
function bodySource() {
  const templates = generateDemoEvents({ days: 2, dailyRequests: 5000, seed: 11 })
  const parts = templates.map(templateParts)
  const now = Date.now()
  const run = now.toString(36)
  const bodies = []
  const build = (index) => {
    const items = new Array(BATCH)
    for (let offset = 0; offset < BATCH; offset++) {
      const k = index * BATCH + offset
      const template = templates[k % templates.length]
      const replica = Math.floor(k / templates.length)
      const moved = Math.min(now, movedWithinHour(Date.parse(template.ts), replica))
      const scale = 0.75 + ((replica * 0.618_034) % 1) * 0.5
      items[offset] = fillTemplate(parts[k % templates.length], {
        event_id: `"load-${run}-${k}"`,
        ts: `"${new Date(moved).toISOString()}"`,
        latency_ms: String(Math.round(template.latency_ms * scale)),
        provider_request_id: `"req_${run}_${k}"`,
      })
    }
    return gzipSync(`[${items.join(',')}]`, { level: 3 })
  }
  for (let index = 0; index < BODIES; index++) bodies.push(build(index))
  const source = {
    prebuilt: BODIES,
    builtLate: 0,
    gzipBytes: bodies.reduce((sum, body) => sum + body.length, 0),
    body(index) {
      while (bodies.length <= index) {
        bodies.push(build(bodies.length))
        source.builtLate++
      }
      return bodies[index]
    },
  }
  return source
}

// ------------------------------------------------------------------ HTTP

/** One request; resolves with its status and text, or { status: 'error', code } on a socket error. */
function send(url, { agent, method = 'POST', headers = {}, body }) {
  return new Promise((resolve) => {
    const outgoing = request(
      url,
      {
        method,
        agent,
        headers: body ? { ...headers, 'content-length': body.length } : headers,
      },
      (response) => {
        const chunks = []
        response.on('data', (chunk) => chunks.push(chunk))
        response.on('end', () =>
          resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString() }),
        )
        response.on('error', (error) => resolve({ status: 'error', code: error.code ?? error.message }))
      },
    )
    outgoing.on('error', (error) => resolve({ status: 'error', code: error.code ?? error.message }))
    outgoing.end(body)
  })
}

async function json(url, key, method, payload) {
  const answer = await send(url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: payload === undefined ? undefined : Buffer.from(JSON.stringify(payload)),
  })
  if (answer.status !== 200 && answer.status !== 201)
    throw new Error(`${method} ${url}: ${answer.status} ${answer.text ?? answer.code}`)
  return JSON.parse(answer.text)
}

/** The overview's six queries, as the dashboard sends them at once (cf. bench/store-bench.mjs). */
function overviewQueries() {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS
  const scope = {
    from: new Date(today - 6 * DAY_MS).toISOString(),
    to: new Date(today + DAY_MS).toISOString(),
    timeZone: 'UTC',
    filters: [],
  }
  const breakdown = [
    'requests',
    'cost_usd',
    'cost_per_request',
    'total_tokens',
    'avg_latency_ms',
    'error_rate',
  ]
  const byCost = { metric: 'cost_usd', direction: 'desc' }
  return [
    {
      ...scope,
      groupBy: [],
      metrics: ['requests', 'total_tokens', 'avg_latency_ms', 'cost_usd', 'unpriced_count'],
    },
    {
      ...scope,
      groupBy: [],
      bucket: 'day',
      metrics: ['requests', 'cost_usd', 'total_tokens'],
      limit: 10_000,
    },
    { ...scope, groupBy: ['feature'], metrics: [...breakdown, 'p95_latency_ms'], orderBy: byCost, limit: 20 },
    { ...scope, groupBy: ['model'], metrics: breakdown, orderBy: byCost, limit: 20 },
    { ...scope, groupBy: ['customer_id'], metrics: breakdown, orderBy: byCost, limit: 100 },
    {
      ...scope,
      groupBy: ['customer_id'],
      metrics: ['cost_usd', 'requests'],
      orderBy: byCost,
      limit: 20,
      others: true,
    },
  ].map((query) => Buffer.from(JSON.stringify(query)))
}

// ------------------------------------------------------------------ clients

/** What a phase's clients saw, counted only inside the measured window. */
function newTally() {
  return {
    latencies: [],
    requests: 0,
    events: 0,
    duplicates: 0,
    statuses: new Map(),
    overviews: [],
    queryStatuses: new Map(),
  }
}
const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1)

/** One SDK-like client: the next batch as soon as the last is answered, on its own connection. */
async function ingestClient(clock, url, key, source, cursor, tally, totals) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const headers = {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    authorization: `Bearer ${key}`,
  }
  while (performance.now() < clock.end) {
    const body = source.body(cursor.next++)
    const started = performance.now()
    const answer = await send(`${url}/v1/events`, { agent, headers, body })
    const finished = performance.now()
    const summary =
      answer.status === 200 && /"accepted":(\d+),"duplicates":(\d+)/.exec(answer.text.slice(0, 200))
    if (summary) totals.accepted += Number(summary[1]) + Number(summary[2])
    // Latency and status by when a request started (the last ones finish after the window: they
    // are waited for, so slow answers at the end are not left out); throughput by when it finished.
    if (started >= clock.measured) {
      tally.latencies.push(finished - started)
      count(tally.statuses, answer.status === 'error' ? answer.code : answer.status)
    }
    if (finished >= clock.measured && finished <= clock.end) {
      tally.requests++
      if (summary) {
        tally.events += Number(summary[1])
        tally.duplicates += Number(summary[2])
      }
    }
    // A refused or failed request is not retried in a tight loop.
    if (answer.status !== 200) await sleep(answer.status === 429 ? 1000 : 100)
  }
  agent.destroy()
}

/** A dashboard: the overview's six queries at once, then a pause. */
async function reader(clock, url, key, tally) {
  const agent = new Agent({ keepAlive: true, maxSockets: 6 })
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` }
  const queries = overviewQueries()
  while (performance.now() < clock.end) {
    const started = performance.now()
    const answers = await Promise.all(
      queries.map((body) => send(`${url}/api/query`, { agent, headers, body })),
    )
    const finished = performance.now()
    if (started >= clock.measured) {
      tally.overviews.push(finished - started)
      for (const answer of answers)
        count(tally.queryStatuses, answer.status === 'error' ? answer.code : answer.status)
    }
    await sleep(READER_PAUSE_MS)
  }
  agent.destroy()
}

/**
 * A slow client of `kind` on a raw socket, reconnecting whenever the server drops it, until the
 * phase ends. Each connection's fate goes into `connections`.
 */
async function slowClient(clock, url, key, kind, connections) {
  const { hostname, port } = new URL(url)
  const head =
    `POST /v1/events HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${key}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${SLOW_BODY_BYTES}\r\n\r\n`
  while (performance.now() < clock.end) {
    const record = {
      kind,
      openedAt: performance.now(),
      droppedAfter: undefined,
      answer: '',
      closedByUs: false,
    }
    connections.push(record)
    await new Promise((resolve) => {
      const socket = connect(Number(port), hostname)
      let sent = 0
      let timer
      const trickle = (text) => {
        timer = setInterval(() => {
          if (sent < text.length) socket.write(text[sent++])
        }, 1000)
      }
      socket.on('connect', () => {
        if (kind === 'headers') trickle(head)
        if (kind === 'body') {
          socket.write(head)
          trickle(`[${' '.repeat(SLOW_BODY_BYTES - 1)}`)
        }
      })
      socket.on('data', (chunk) => {
        if (!record.answer) record.answer = chunk.toString().split('\r\n')[0]
      })
      socket.on('error', () => undefined)
      socket.on('close', () => {
        clearInterval(timer)
        clearTimeout(stop)
        if (!record.closedByUs) record.droppedAfter = performance.now() - record.openedAt
        resolve()
      })
      const stop = setTimeout(
        () => {
          record.closedByUs = true
          socket.destroy()
        },
        Math.max(0, clock.end - performance.now()),
      )
    })
  }
}

// ------------------------------------------------------------------ a phase

async function runPhase(name, source, slowCount) {
  const folder = mkdtempSync(join(tmpdir(), 'spendlens-load-bench-'))
  const location = join(folder, 'load.duckdb')
  try {
    const adminKey = createKeyWithCli(location, 'admin', 'load-bench')
    const server = await startSpendlensServer(location, SERVER_ARGS)
    try {
      return await measurePhase(name, source, slowCount, server, adminKey)
    } finally {
      await server.stop()
    }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

/** A phase's load against a running server whose store holds `adminKey`. */
async function measurePhase(name, source, slowCount, server, adminKey) {
  const newKey = async (role, keyName) =>
    (await json(`${server.url}/api/keys`, adminKey, 'POST', { role, name: keyName })).key
  const ingestKeys = []
  for (let index = 0; index < (SHARED_KEY ? 1 : CLIENTS); index++)
    ingestKeys.push(await newKey('ingest', `load-client-${index}`))
  const readKey = await newKey('read', 'load-reader')
  const idleBytes = residentBytes(server.pid)

  process.stderr.write(`${name}: ${WARMUP} s warm-up, then ${SECONDS} s measured\n`)
  const started = performance.now()
  const clock = { measured: started + WARMUP * 1000, end: started + (WARMUP + SECONDS) * 1000 }
  const tally = newTally()
  const totals = { accepted: 0 }
  const cursor = { next: 0 }
  const builtBefore = source.builtLate
  const memory = { peak: idleBytes ?? 0, last: idleBytes }
  const sampler = setInterval(() => {
    const bytes = residentBytes(server.pid)
    if (bytes === undefined) return
    memory.peak = Math.max(memory.peak, bytes)
    memory.last = bytes
  }, RSS_SAMPLE_MS)
  // CPU over the measured window exactly: the requests still in flight at its end are waited
  // for, but their time is not the window's.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 })
  const cpuWindow = {}
  const atStart = sleep(clock.measured - performance.now()).then(() => {
    cpuWindow.server = cpuTimes(server.pid)
    cpuWindow.client = process.cpuUsage()
    loopDelay.enable()
  })
  const atEnd = sleep(clock.end - performance.now()).then(() => {
    const after = cpuTimes(server.pid)
    const client = process.cpuUsage(cpuWindow.client)
    loopDelay.disable()
    cpuWindow.cpu = cpuWindow.server &&
      after && {
        server: after.process - cpuWindow.server.process,
        client: (client.user + client.system) / 1e6,
        busy: after.busy - cpuWindow.server.busy,
        idle: after.idle - cpuWindow.server.idle,
        steal: after.steal - cpuWindow.server.steal,
      }
  })
  const connections = []
  await Promise.all([
    atStart,
    atEnd,
    ...Array.from({ length: CLIENTS }, (_, index) =>
      ingestClient(clock, server.url, ingestKeys[index % ingestKeys.length], source, cursor, tally, totals),
    ),
    ...Array.from({ length: READERS }, () => reader(clock, server.url, readKey, tally)),
    ...Array.from({ length: slowCount }, (_, index) =>
      slowClient(clock, server.url, ingestKeys[0], SLOW_KINDS[index % SLOW_KINDS.length], connections),
    ),
  ])
  clearInterval(sampler)
  const endBytes = residentBytes(server.pid)
  const stored = (await json(`${server.url}/api/meta`, readKey, 'GET')).events
  return {
    name,
    tally,
    cpu: cpuWindow.cpu,
    memory: { idle: idleBytes, peak: memory.peak, end: endBytes ?? memory.last },
    stored,
    accepted: totals.accepted,
    builtLate: source.builtLate - builtBefore,
    clientLoopP99: loopDelay.percentile(99) / 1e6,
    connections,
  }
}

// ------------------------------------------------------------------ output

const mb = (bytes) => (bytes === undefined ? '-' : integer(bytes / 2 ** 20))
const statuses = (map) =>
  [...map]
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
    .map(([status, times]) => `${status}: ${integer(times)}`)
    .join(', ') || '-'

function report(phases) {
  console.log(
    `\nper phase (${SECONDS} s measured after ${WARMUP} s warm-up; latencies in ms, exact percentiles of every ` +
      'request started in the window; RSS = the server process, sampled every 250 ms)',
  )
  console.log(
    table(
      [
        'phase',
        'events/s',
        'requests/s',
        'p50',
        'p99',
        'max',
        'ingest statuses',
        'overviews',
        'overview p50',
        'overview p99',
        'RSS idle MB',
        'peak',
        'end',
        'server cores',
      ],
      phases.map(({ name, tally, memory, cpu }) => [
        name,
        integer(tally.events / SECONDS),
        integer(tally.requests / SECONDS),
        ms(percentile(tally.latencies, 50)),
        ms(percentile(tally.latencies, 99)),
        ms(Math.max(...tally.latencies)),
        statuses(tally.statuses),
        integer(tally.overviews.length),
        tally.overviews.length ? ms(percentile(tally.overviews, 50)) : '-',
        tally.overviews.length ? ms(percentile(tally.overviews, 99)) : '-',
        mb(memory.idle),
        mb(memory.peak),
        mb(memory.end),
        cpu ? (cpu.server / SECONDS).toFixed(2) : '-',
      ]),
    ),
  )
  for (const phase of phases) {
    const { name, tally, cpu, stored, accepted, builtLate, clientLoopP99 } = phase
    const notes = [
      `stored ${integer(stored)} of ${integer(accepted)} acknowledged events`,
      tally.duplicates ? `${integer(tally.duplicates)} duplicates` : '',
      builtLate ? `${integer(builtLate)} bodies built during the phase (more than --bodies)` : '',
      READERS ? `query statuses ${statuses(tally.queryStatuses)}` : '',
    ].filter(Boolean)
    console.log(`${name}: ${notes.join('; ')}`)
    if (cpu) {
      const all = cpu.busy + cpu.idle + cpu.steal
      const share = (seconds) => `${((seconds / all) * 100).toFixed(0)}%`
      const perEvent = ms((cpu.server * 1e6) / Math.max(1, tally.events))
      console.log(
        `  CPU: server ${(cpu.server / SECONDS).toFixed(2)} cores (${perEvent} µs/event), ` +
          `bench client ${(cpu.client / SECONDS).toFixed(2)} (its event loop's delay p99 ${ms(clientLoopP99)} ms); ` +
          `machine ${share(cpu.busy)} busy, ${share(cpu.steal)} stolen by the hypervisor`,
      )
    }
  }

  const slowPhases = phases.filter((phase) => phase.slow)
  if (!slowPhases.length) return
  const connections = slowPhases.flatMap((phase) => phase.connections)
  console.log(
    `\nslow clients (${SLOW} raw sockets for the whole ${WARMUP + SECONDS} s phase, each reconnecting when dropped` +
      `${ROUNDS > 1 ? `; ${ROUNDS} phases together` : ''}): the server drops headers after 10 s and a request ` +
      'after 60 s, found by a check every 30 s',
  )
  console.log(
    table(
      ['kind', 'connections', 'dropped by the server', 'after (median s)', 'answer', 'open at the end'],
      SLOW_KINDS.map((kind) => {
        const mine = connections.filter((connection) => connection.kind === kind)
        const dropped = mine.filter((connection) => connection.droppedAfter !== undefined)
        const after = dropped.map((connection) => connection.droppedAfter / 1000)
        const answers = [...new Set(dropped.map((connection) => connection.answer || '(closed)'))]
        return [
          kind,
          integer(mine.length),
          integer(dropped.length),
          dropped.length ? percentile(after, 50).toFixed(1) : '-',
          answers.join(', ') || '-',
          integer(mine.length - dropped.length),
        ]
      }),
    ),
  )

  // Each round's phases ran one after the other, so a ratio within a round compares like with like
  // as far as a shared machine allows; the server's share of the CPU is printed beside it.
  const p99 = (phase) => percentile(phase.tally.latencies, 99)
  const p50 = (phase) => percentile(phase.tally.latencies, 50)
  const cores = (phase) => (phase.cpu ? (phase.cpu.server / SECONDS).toFixed(2) : '-')
  const rounds = Array.from({ length: ROUNDS }, (_, round) => {
    const normal = phases.find((phase) => phase.round === round && !phase.slow)
    const withSlow = phases.find((phase) => phase.round === round && phase.slow)
    return {
      normal,
      withSlow,
      p99: p99(withSlow) / p99(normal),
      p50: p50(withSlow) / p50(normal),
      events: withSlow.tally.events / normal.tally.events,
    }
  })
  console.log('\nnormal clients with the slow clients vs without (ratios > 1: slower with them)')
  console.log(
    table(
      [
        'round',
        'p99 with',
        'p99 without',
        'p99 ratio',
        'p50 ratio',
        'events/s ratio',
        'server cores with/without',
      ],
      rounds.map(({ normal, withSlow, ...ratio }, round) => [
        round + 1,
        ms(p99(withSlow)),
        ms(p99(normal)),
        `${ratio.p99.toFixed(2)}x`,
        `${ratio.p50.toFixed(2)}x`,
        `${ratio.events.toFixed(2)}x`,
        `${cores(withSlow)} / ${cores(normal)}`,
      ]),
    ),
  )
  if (ROUNDS > 1) {
    // Ratios average as logarithms: 2x and 0.5x make 1x.
    const mean = (key) => Math.exp(rounds.reduce((sum, round) => sum + Math.log(round[key]), 0) / ROUNDS)
    console.log(
      `geometric mean of ${ROUNDS} rounds: p99 ${mean('p99').toFixed(2)}x, p50 ${mean('p50').toFixed(2)}x, ` +
        `events/s ${mean('events').toFixed(2)}x`,
    )
  }
}

// ------------------------------------------------------------------ main

process.stderr.write(`building ${integer(BODIES)} bodies of ${BATCH} events\n`)
const started = performance.now()
const source = bodySource()
const buildSeconds = (performance.now() - started) / 1000
console.log(
  `spendlens load bench: node ${process.version}, ${process.platform}/${process.arch}, ` +
    `${availableParallelism()} CPUs (${cpus()[0]?.model.trim()}); the server and this bench share them`,
)
console.log(
  `server: spendlens serve on a temp DuckDB file, its own process, a fresh store per phase; keys on: ` +
    (SHARED_KEY ? 'one ingest key shared by every client' : `an ingest key per client (${CLIENTS})`) +
    ` and a read key, made through POST /api/keys with an admin key from \`spendlens keys create\`; ` +
    `rate limits ${SERVER_ARGS.length ? SERVER_ARGS.join(' ') : 'the server defaults (6,000 ingest and 1,200 query requests a minute per key)'}`,
)
console.log(
  `load: ${CLIENTS} ingest clients in a closed loop, each on its own keep-alive connection, ` +
    `${BATCH} events a request (gzip, as the SDK sends); ${READERS} readers sending the overview's 6 queries at once, ` +
    `then a ${READER_PAUSE_MS / 1000} s pause; bodies built before the clock: ${integer(source.prebuilt)} ` +
    `(${integer(source.gzipBytes / 2 ** 20)} MB gzipped) in ${buildSeconds.toFixed(1)} s`,
)
// Rounds alternate which phase goes first, so a drift in the machine's other load does not always
// favour the same one.
const phases = []
for (let round = 0; round < ROUNDS; round++) {
  const order = SLOW > 0 ? (round % 2 === 0 ? [false, true] : [true, false]) : [false]
  for (const slow of order) {
    const name = `${slow ? `with ${SLOW} slow` : 'normal'}${ROUNDS > 1 ? `, round ${round + 1}` : ''}`
    phases.push({ ...(await runPhase(name, source, slow ? SLOW : 0)), round, slow })
  }
}
report(phases)
