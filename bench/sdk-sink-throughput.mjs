// bench:sdk's HTTP sink throughput, in a process of its own (bench/sdk-overhead.mjs starts it):
// events built beforehand are fed to `httpSink` with its default settings as fast as it drains (at
// most 5,000 waiting) into the real server, then flushed. The memory the sink holds is the heap's
// growth over the run (sampled every 20 ms, after a GC before it: the events fed are built and held
// before the clock). Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { argument } from './bench-support.mjs'
import { completion } from './sdk-fake-openai.mjs'

const option = (name) => process.argv[process.argv.indexOf(`--${name}`) + 1]
const SDK = option('sdk')
const URL_ = option('server')
const EVENTS = argument('events', 50_000)
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

async function run(events, folder) {
  const sink = sdk.httpSink({ endpoint: URL_, spool: { dir: join(folder, 'spool') } })
  const before = await storedEvents()
  globalThis.gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  let heapPeak = heapBefore
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
  }, 20)
  const cpu = process.cpuUsage()
  const start = performance.now()
  for (let index = 0; index < events.length; index += 1000) {
    while (sink.stats().pending > 5000) await new Promise((resolve) => setTimeout(resolve, 1))
    sink.write(events.slice(index, index + 1000))
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
    await new Promise(setImmediate)
  }
  await sink.flush()
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  clearInterval(sampler)
  const stored = (await storedEvents()) - before
  return {
    perSecond: events.length / seconds,
    cpuUsPerEvent: (used.user + used.system) / events.length,
    heldMB: (heapPeak - heapBefore) / 1e6,
    stored,
    ...sink.stats(),
  }
}

const folder = mkdtempSync(join(tmpdir(), 'spendlens-bench-sink-'))
await run(makeEvents(5000), folder) // warms the server, the connections and the JIT
const result = await run(makeEvents(EVENTS), folder)
rmSync(folder, { recursive: true, force: true })
console.log(JSON.stringify({ sdk: SDK, events: EVENTS, ...result }))
process.exit(0)
