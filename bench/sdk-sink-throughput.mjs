// bench:sdk's HTTP sink throughput, in a process of its own (bench/sdk-overhead.mjs starts it):
// events built beforehand are fed to `httpSink` with its default settings as fast as it drains (at
// most 5,000 waiting) into the real server, then flushed. The memory the sink holds is the heap's
// growth over a second run (up to 20,000 events), after a GC at each sample (every 100 ms; the
// events fed are built and held before the clock). The server's CPU over the run comes from /proc. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { argument, cpuTimes } from './bench-support.mjs'
import { completion } from './sdk-fake-openai.mjs'

const option = (name) => process.argv[process.argv.indexOf(`--${name}`) + 1]
const SDK = option('sdk')
const URL_ = option('server')
const EVENTS = argument('events', 50_000)
/** Sink options over the defaults (JSON), for trying settings: `--options '{"maxBatchSize":1000}'`. */
const OPTIONS = JSON.parse(process.argv.includes('--options') ? option('options') : '{}')
const SERVER_PID = process.argv.includes('--server-pid') ? Number(option('server-pid')) : undefined
const sdk = await import(pathToFileURL(resolve(SDK, 'index.js')).href)
const internal = await import(pathToFileURL(resolve(SDK, 'internal.js')).href)

async function storedEvents() {
  const response = await fetch(`${URL_}/api/meta`)
  return (await response.json()).events
}

let counter = Math.floor(Math.random() * 1e9)
const makeEvents = (count) =>
  Array.from({ length: count }, () =>
    internal.buildCostEvent({
      event_id: `bench-${++counter}`,
      started_at: Date.UTC(2026, 10, 20) + (counter % 86_400_000),
      latency_ms: 420,
      ttft_ms: null,
      provider: 'openai',
      operation: 'chat',
      requested_model: 'gpt-4o-mini',
      model: completion.model,
      provider_request_id: `req_${counter}`,
      tags: {
        feature: ['chat', 'search', 'summarize'][counter % 3],
        customer_id: `customer-${counter % 50}`,
      },
      usage: {
        ...internal.emptyUsage(),
        input_tokens: 1200,
        cache_read_tokens: 1024,
        output_tokens: 300,
        reasoning_tokens: 0,
      },
      service_tier: 'default',
      batch: false,
      status: 'ok',
      error_type: null,
      http_status: 200,
      streamed: false,
    }),
  )

async function run(events, folder, sampleMemory) {
  const sink = sdk.httpSink({ endpoint: URL_, spool: { dir: join(folder, 'spool') }, ...OPTIONS })
  const before = await storedEvents()
  // What the sink holds: the heap after a GC, sampled every 100 ms, over the same before the run.
  const heldNow = () => {
    globalThis.gc?.()
    return process.memoryUsage().heapUsed
  }
  const heapBefore = heldNow()
  let heapPeak = heapBefore
  const sampler = sampleMemory
    ? setInterval(() => {
        heapPeak = Math.max(heapPeak, heldNow())
      }, 100)
    : undefined
  const cpu = process.cpuUsage()
  const serverCpu = SERVER_PID ? cpuTimes(SERVER_PID)?.process : undefined
  const start = performance.now()
  for (let index = 0; index < events.length; index += 1000) {
    while (sink.stats().pending > 5000) await new Promise((resolve) => setTimeout(resolve, 1))
    sink.write(events.slice(index, index + 1000))
    await new Promise(setImmediate)
  }
  await sink.flush()
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  const serverSeconds = serverCpu === undefined ? undefined : cpuTimes(SERVER_PID).process - serverCpu
  clearInterval(sampler)
  const stored = (await storedEvents()) - before
  return {
    perSecond: events.length / seconds,
    cpuUsPerEvent: (used.user + used.system) / events.length,
    serverCpuUsPerEvent: serverSeconds === undefined ? undefined : (serverSeconds * 1e6) / events.length,
    serverCores: serverSeconds === undefined ? undefined : serverSeconds / seconds,
    heldMB: (heapPeak - heapBefore) / 1e6,
    stored,
    ...sink.stats(),
  }
}

const folder = mkdtempSync(join(tmpdir(), 'spendlens-bench-sink-'))
await run(makeEvents(5000), folder, false) // warms the server, the connections and the JIT
const result = await run(makeEvents(EVENTS), folder, false)
// The memory pass apart: its GCs would count in the throughput pass's CPU.
const { heldMB } = await run(makeEvents(Math.min(EVENTS, 20_000)), folder, true)
rmSync(folder, { recursive: true, force: true })
console.log(JSON.stringify({ sdk: SDK, events: EVENTS, ...result, heldMB }))
process.exit(0)
