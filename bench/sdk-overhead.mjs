// What the spendlens SDK costs the app, all of it, measured with the real official `openai` client.
//
//   npm run bench:sdk              (builds packages/sdk and packages/server, then runs this)
//   node bench/sdk-overhead.mjs --sets 3 --rounds 3 --calls 3000 --sections side,sink,caller
//   node bench/sdk-overhead.mjs --before <dir of another build's packages/sdk/dist>
//
// 1. Side by side (the figure users feel): one process per variant (bench/sdk-variant.mjs), each
//    making sequential chat calls against a fake OpenAI in a process of its own: the raw client,
//    spendlens with a callback sink, spendlens with its default HTTP sink into a real `spendlens
//    serve` on this machine, Langfuse's OpenAI wrapper, OpenLLMetry's OpenAI instrumentation, and a
//    bare loopback proxy hop. `--sets` × `--rounds` blocks of `--calls` calls per variant: the
//    variants take turns set by set (the order rotating), each process timing `--rounds` blocks
//    after a warm-up. A block's wall clock and CPU (every thread of the process) run until the
//    variant has flushed, so building, pricing, serializing and sending are inside. Ratios pair each
//    block with raw's block of the same set and round, so the machine's load hits both alike.
// 2. HTTP sink throughput: events/s from one process with the default settings into the real
//    server, with the memory the sink holds while it runs.
// 3. The caller's path alone, in process (a `fetch` that answers from memory): where the wrapper's
//    own work on the caller's await shows without socket noise.
//
// The peers are installed only for this benchmark (bench/peers, `npm ci` there on first use).
// Figures only; nothing is asserted.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import OpenAI from 'openai'
import { argument, startSpendlensServer, table } from './bench-support.mjs'
import { answer } from './sdk-fake-openai.mjs'

const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : process.argv[index + 1]
}
const SETS = argument('sets', 3)
const ROUNDS = argument('rounds', 3)
const CALLS = argument('calls', 3000)
const WARMUP = argument('warmup', 500)
const SINK_EVENTS = argument('events', 50_000)
const SINK_REPEATS = argument('sink-repeats', 3)
const ITERATIONS = argument('iterations', 5000)
const SECTIONS = option('sections', 'side,sink,caller').split(',')
const VARIANTS = option('variants', undefined)?.split(',')
const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const SDK = here('../packages/sdk/dist')
const BEFORE = option('before', undefined)
const TARGET_CPU_US = 20
const TARGET_RATIO = { 'spendlens-callback': 1.05, 'spendlens-http': 1.1 }

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const f1 = (value) => value.toFixed(1)
const range = (values, format = f1) => `${format(Math.min(...values))}–${format(Math.max(...values))}`
const ratio = (value) => `${value.toFixed(3)}x`
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')

// ------------------------------------------------------------------ processes

/** Starts `node <script> …args`, resolved with its URL once it prints `listening <url>`. */
async function startListener(script, args) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = /listening (\S+)/.exec(output)
      if (match) resolve(match[1])
    })
    child.on('exit', (code) => reject(new Error(`${script} exited (${code}) before it listened`)))
  })
  return { url, stop: () => child.kill('SIGTERM') }
}

/** Runs `node <script> …args` to the end; its last stdout line, as JSON. */
function runJson(script, args, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited ${code}`))
      resolve(JSON.parse(output.trim().split('\n').at(-1)))
    })
  })
}

/** The peers live in bench/peers with their own lockfile, installed on first use only. */
function installPeers() {
  if (existsSync(here('./peers/node_modules/langfuse'))) return
  console.log('installing the peers (bench/peers: npm ci) …')
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: here('./peers'),
    stdio: 'inherit',
  })
  if (result.status !== 0) throw new Error('npm ci in bench/peers failed')
}

// ------------------------------------------------------------------ 1. side by side

async function sideBySide(server) {
  if (!VARIANTS || VARIANTS.includes('langfuse') || VARIANTS.includes('openllmetry')) installPeers()
  const provider = await startListener(here('./sdk-fake-openai.mjs'), ['provider'])
  const proxy = await startListener(here('./sdk-fake-openai.mjs'), ['proxy', provider.url])
  const variants = [
    { name: 'raw', label: 'raw openai client' },
    { name: 'spendlens-callback', label: 'spendlens, callback sink', sdk: SDK },
    { name: 'spendlens-http', label: 'spendlens, HTTP sink → spendlens serve', sdk: SDK },
    ...(BEFORE
      ? [
          { name: 'spendlens-callback', label: 'before: spendlens, callback sink', sdk: BEFORE },
          { name: 'spendlens-http', label: 'before: spendlens, HTTP sink', sdk: BEFORE },
        ]
      : []),
    { name: 'langfuse', label: 'Langfuse observeOpenAI' },
    { name: 'openllmetry', label: 'OpenLLMetry (traceloop) instrumentation' },
    { name: 'proxy', label: 'bare loopback proxy hop' },
  ].filter((variant) => variant.name === 'raw' || !VARIANTS || VARIANTS.includes(variant.name))
  const results = variants.map(() => [])
  const stats = variants.map(() => undefined)
  console.log(
    `\n1. Side by side: ${variants.length} variants × ${SETS} sets × ${ROUNDS} rounds of ${CALLS.toLocaleString('en-US')} sequential chat calls (after ${WARMUP} warm-up calls per process), one process per variant and set; load average ${load()}`,
  )
  for (let set = 0; set < SETS; set++) {
    const order = variants.map((_, index) => (index + set) % variants.length)
    for (const index of order) {
      const variant = variants[index]
      const result = await runJson(here('./sdk-variant.mjs'), [
        '--variant',
        variant.name,
        ...(variant.sdk ? ['--sdk', variant.sdk] : []),
        '--calls',
        String(CALLS),
        '--rounds',
        String(ROUNDS),
        '--warmup',
        String(WARMUP),
        '--provider',
        provider.url,
        '--proxy',
        proxy.url,
        '--server',
        server.url,
      ])
      results[index][set] = result.rounds
      stats[index] = result.stats
    }
    console.log(`  set ${set + 1}/${SETS} done; load average ${load()}`)
  }
  provider.stop()
  proxy.stop()

  const raw = results[0]
  const rows = variants.map((variant, index) => {
    const blocks = results[index].flat()
    const pairs = results[index].flatMap((rounds, set) =>
      rounds.map((block, round) => ({ block, raw: raw[set][round] })),
    )
    const wallRatios = pairs.map(({ block, raw }) => block.wallUs / raw.wallUs)
    const latencyRatios = pairs.map(({ block, raw }) => block.medianUs / raw.medianUs)
    const cpuAdded = pairs.map(({ block, raw }) => block.cpuUs - raw.cpuUs)
    const target = TARGET_RATIO[variant.name]
    const addedCpu = median(cpuAdded)
    const wallRatio = median(wallRatios)
    return [
      variant.label,
      f1(median(blocks.map((block) => block.wallUs))),
      `${ratio(wallRatio)} (${range(wallRatios, ratio)})`,
      `${ratio(median(latencyRatios))} (${range(latencyRatios, ratio)})`,
      f1(median(blocks.map((block) => block.cpuUs))),
      index === 0 ? '' : `${f1(addedCpu)} (${range(cpuAdded)})`,
      index === 0 ? '' : ratio(median(pairs.map(({ block, raw }) => block.cpuUs / raw.cpuUs))),
      target
        ? `${addedCpu < TARGET_CPU_US ? 'yes' : 'NO'} / ${wallRatio <= target ? 'yes' : 'NO'} (≤ ${target}x)`
        : '',
    ]
  })
  console.log(
    table(
      [
        'variant',
        'wall µs/call',
        'wall ratio to raw (min–max)',
        'median call ratio (min–max)',
        'CPU µs/call',
        'CPU added µs (min–max)',
        'CPU ratio',
        `CPU < ${TARGET_CPU_US} µs / wall`,
      ],
      rows,
    ),
  )
  console.log(
    `wall µs/call: a block's wall time (calls and the final flush) per call, median of ${SETS * ROUNDS} blocks; ratios pair each block with raw's of the same set and round (median, then min–max over the pairs).
median call ratio: the median single call's time over raw's (what the caller's await sees, without the deferred work).
CPU: process.cpuUsage() over the block (every thread: the app's, GC, libuv's pool for gzip), per call; "added" is over raw's block.`,
  )
  for (const [index, variant] of variants.entries())
    if (stats[index]) console.log(`  ${variant.label}: ${JSON.stringify(stats[index])}`)
}

// ------------------------------------------------------------------ 2. HTTP sink throughput

async function sinkThroughput(server) {
  const builds = [{ label: 'this build', sdk: SDK }, ...(BEFORE ? [{ label: 'before', sdk: BEFORE }] : [])]
  const results = builds.map(() => [])
  console.log(
    `\n2. HTTP sink into the real spendlens server (its own process, DuckDB temp file, 127.0.0.1): ${SINK_EVENTS.toLocaleString('en-US')} events fed as fast as it drains (at most 5,000 waiting), default settings, ${SINK_REPEATS} runs per build, one process each, interleaved; load average ${load()}`,
  )
  for (let repeat = 0; repeat < SINK_REPEATS; repeat++)
    for (const [index, build] of repeat % 2 ? [...builds.entries()].reverse() : [...builds.entries()])
      results[index].push(
        await runJson(
          here('./sdk-sink-throughput.mjs'),
          [
            '--sdk',
            build.sdk,
            '--server',
            server.url,
            '--server-pid',
            String(server.pid),
            '--events',
            String(SINK_EVENTS),
          ],
          ['--expose-gc'],
        ),
      )
  const integer = (value) => Math.round(value).toLocaleString('en-US')
  console.log(
    table(
      [
        'build',
        'events/s delivered',
        '(min–max)',
        'CPU µs/event',
        'server CPU µs/event',
        'held MB (heap growth)',
        '(min–max)',
        'stored',
        'dropped',
      ],
      builds.map((build, index) => {
        const runs = results[index]
        return [
          build.label,
          integer(median(runs.map((run) => run.perSecond))),
          range(
            runs.map((run) => run.perSecond),
            integer,
          ),
          f1(median(runs.map((run) => run.cpuUsPerEvent))),
          runs[0].serverCpuUsPerEvent === undefined
            ? '-'
            : f1(median(runs.map((run) => run.serverCpuUsPerEvent))),
          f1(median(runs.map((run) => run.heldMB))),
          range(runs.map((run) => run.heldMB)),
          runs.map((run) => run.stored).join(' / '),
          runs.reduce((sum, run) => sum + run.dropped, 0),
        ]
      }),
    ),
  )
  console.log(
    `CPU µs/event: the sending process's (serializing, gzip on libuv's pool, HTTP); the server's from /proc over the same run. held MB: the heap's growth after a GC, sampled every 100 ms in a second run of up to 20,000 events. load average ${load()}`,
  )
}

// ------------------------------------------------------------------ 3. the caller's path in process

/** A `fetch` that never opens a socket: the answer is built in memory. */
const memoryFetch = async (_url, init) => {
  const { type, text } = answer(String(init.body))
  return new Response(text, { status: 200, headers: { 'content-type': type, 'x-request-id': 'req_bench' } })
}

async function callersPath() {
  const builds = [{ label: 'this build', sdk: SDK }, ...(BEFORE ? [{ label: 'before', sdk: BEFORE }] : [])]
  const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How long do refunds take?' }] }
  const call = async (client, streamed) => {
    if (!streamed) return client.chat.completions.create(request)
    const options = streamed === 'usage' ? { stream_options: { include_usage: true } } : {}
    const stream = await client.chat.completions.create({ ...request, stream: true, ...options })
    for await (const _chunk of stream);
  }
  const options = {
    apiKey: 'sk-bench',
    maxRetries: 0,
    baseURL: 'http://memory.invalid/v1',
    fetch: memoryFetch,
  }
  const subjects = [{ label: 'plain', client: new OpenAI(options), flush: async () => undefined }]
  for (const build of builds) {
    const { createTracker, callbackSink } = await import(pathToFileURL(resolve(build.sdk, 'index.js')).href)
    const tracker = createTracker({ sinks: [callbackSink(() => undefined)], onWarning: () => undefined })
    subjects.push({
      label: build.label,
      client: tracker.wrap(new OpenAI(options), { feature: 'bench' }),
      flush: () => tracker.flush(),
    })
  }
  // Each call is timed twice: the caller's await (wall clock), and the CPU of the call together with
  // the tracker's flush right after it, which builds and prices its event and hands it to the sink
  // (a callback): everything a tracked call costs, call by call. A tracker on its own builds the
  // calls of a few milliseconds together, which costs less per event (section 1 counts that); here
  // each event is built alone, between two calls, the dearer way: an upper bound. Per call, a
  // neighbour taking the core between calls does not count, and the median of thousands is robust
  // to a loaded machine.
  const timed = async (subject, streamed) => {
    const cpu = process.cpuUsage()
    const start = performance.now()
    await call(subject.client, streamed)
    const awaitUs = (performance.now() - start) * 1000
    await subject.flush()
    const used = process.cpuUsage(cpu)
    return { awaitUs, cpuUs: used.user + used.system }
  }
  const SLICES = 5
  const rows = []
  for (const [kind, streamed] of [
    ['chat', false],
    ['chat stream', true],
    ['stream, usage asked', 'usage'],
  ]) {
    for (let i = 0; i < 1000; i++) for (const subject of subjects) await timed(subject, streamed)
    const times = subjects.map(() => [])
    for (let i = 0; i < ITERATIONS; i++)
      for (let turn = 0; turn < subjects.length; turn++) {
        const index = (turn + i) % subjects.length
        times[index].push(await timed(subjects[index], streamed))
      }
    const sliceOf = (values, slice) =>
      values.slice((slice * values.length) / SLICES, ((slice + 1) * values.length) / SLICES)
    const plainAwait = median(times[0].map((time) => time.awaitUs))
    const plainCpu = median(times[0].map((time) => time.cpuUs))
    for (const [index, subject] of subjects.entries()) {
      const awaitUs = median(times[index].map((time) => time.awaitUs))
      const cpuUs = median(times[index].map((time) => time.cpuUs))
      const addedBySlice = Array.from(
        { length: SLICES },
        (_, slice) =>
          median(sliceOf(times[index], slice).map((time) => time.cpuUs)) -
          median(sliceOf(times[0], slice).map((time) => time.cpuUs)),
      )
      rows.push([
        kind,
        subject.label,
        f1(awaitUs),
        index === 0 ? '' : f1(awaitUs - plainAwait),
        f1(cpuUs),
        index === 0 ? '' : `${f1(cpuUs - plainCpu)} (${range(addedBySlice)})`,
        index === 0 ? '' : cpuUs - plainCpu < TARGET_CPU_US ? 'yes' : 'NO',
      ])
    }
  }
  console.log(
    `\n3. In process, call by call (the client's fetch answers from memory; ${ITERATIONS} calls of each client and kind, interleaved, after 1,000 warm-up; µs at the median); load average ${load()}`,
  )
  console.log(
    table(
      [
        'call',
        'client',
        "caller's await",
        'added',
        'CPU, event built alone',
        `added (min–max of ${SLICES} slices)`,
        `< ${TARGET_CPU_US} µs`,
      ],
      rows,
    ),
  )
  console.log(
    `caller's await: the wall time of the awaited call alone. CPU, event built alone: process.cpuUsage() over the call and the tracker's flush right after it (the event built, priced and handed to a callback sink), an upper bound of the per-call cost (a tracker builds the events of a few ms together, section 1); the HTTP sink's sending is in section 1.`,
  )
}

// ------------------------------------------------------------------ run

const openaiVersion = (await import('openai/version')).VERSION
console.log(
  `spendlens SDK overhead: node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim()}), openai ${openaiVersion}; load average ${load()}${BEFORE ? `; before = ${BEFORE}` : ''}`,
)
const folder = mkdtempSync(join(tmpdir(), 'spendlens-bench-'))
const server = await startSpendlensServer(join(folder, 'bench.duckdb'))
try {
  if (SECTIONS.includes('side')) await sideBySide(server)
  if (SECTIONS.includes('sink')) await sinkThroughput(server)
  if (SECTIONS.includes('caller')) await callersPath()
} finally {
  await server.stop()
  rmSync(folder, { recursive: true, force: true })
}
