// Spans per second into POST /v1/traces (OTLP/HTTP, protobuf and JSON), beside the same calls as
// CostEvents into POST /v1/events, over HTTP into the real server.
//
//   npm run bench:otlp                                   (builds packages/sdk and packages/server, then runs this)
//   npm run bench:otlp -- --seconds 5 --rounds 5 --clients 8 --batch 200 --warmup 1
//
// Each round starts a fresh server (`spendlens serve` on a temp DuckDB file, its own process, an
// ingest key from `spendlens keys create`) and runs three phases on it, in an order that rotates
// from round to round: "events" (CostEvent JSON arrays to /v1/events, the SDK's own path), "otlp
// json" and "otlp protobuf" (ExportTraceServiceRequests to /v1/traces). Every request body is
// gzipped, as the SDK's HTTP sink and a collector's exporter with compression send them.
// - The same calls in all three: BATCH model calls per request (an exporter's batch), each an
//   OpenAI chat span as OpenLLMetry records it (GenAI attributes, association properties, the
//   prompt and the answer, which the server reads past and drops) or the CostEvent the SDK would
//   send for it. Every span and event has its own id (nothing is a duplicate); bodies are built
//   before the clock, enough for the phase at the expected rate (a phase that runs out builds more
//   as it goes, counted).
// - CLIENTS closed-loop senders per phase, each on its own keep-alive connection, sending the next
//   body when the answer to the last arrives. SECONDS measured after WARMUP seconds; a request
//   counts when its answer arrives inside the window, and every answer must be a 200 whose body
//   reports no rejection.
// Printed: spans (events) per second for each phase of each round, then per kind the median, the
// spread and the ratio of medians to /v1/events. The machine is shared: rounds and their spread
// say how noisy a figure is. Figures only; nothing is asserted.
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { gzipSync } from 'node:zlib'
import { argument, createKeyWithCli, integer, startSpendlensServer, table } from './bench-support.mjs'

const SECONDS = argument('seconds', 5)
const WARMUP = argument('warmup', 1)
const ROUNDS = argument('rounds', 5)
const CLIENTS = argument('clients', 8)
const BATCH = argument('batch', 200)
/** Bodies built ahead per phase: enough for this many spans a second. */
const EXPECTED_RATE = argument('expected-rate', 20_000)

// protobufjs and the vendored .proto files, as the server loads them (packages/server/proto).
const requireFromServer = createRequire(new URL('../packages/server/package.json', import.meta.url))
const protobuf = requireFromServer('protobufjs')
const root = new protobuf.Root()
const protoFolder = new URL('../packages/server/proto/', import.meta.url)
root.resolvePath = (_origin, target) => new URL(target, protoFolder).pathname
root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto')
const ExportRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest')

const PROMPT =
  'Summarise the customer ticket below in two sentences and say which team should own it. '.repeat(3)
const ANSWER = 'The customer was billed twice for the annual plan; billing should refund and confirm.'
let serial = 0
const hex = (value, digits) => value.toString(16).padStart(digits, '0')

/** One model call: its ids, times and usage, shared by its span and its CostEvent. */
function call(now) {
  const n = ++serial
  const start = now - (n % 3_600_000)
  return {
    traceId: hex(n, 32),
    spanId: hex(n, 16),
    startMs: start,
    endMs: start + 800 + (n % 700),
    input: 1000 + (n % 2000),
    cached: n % 3 === 0 ? 512 : 0,
    output: 100 + (n % 300),
    customer: `customer-${n % 50}`,
  }
}

const text = (key, value) => ({ key, value: { stringValue: value } })
const int = (key, value) => ({ key, value: { intValue: String(value) } })

function spanAttributes(c) {
  return [
    text('gen_ai.system', 'openai'),
    text('llm.request.type', 'chat'),
    text('gen_ai.request.model', 'gpt-4o-mini'),
    text('gen_ai.response.model', 'gpt-4o-mini-2024-07-18'),
    int('gen_ai.usage.input_tokens', c.input),
    int('gen_ai.usage.cache_read.input_tokens', c.cached),
    int('gen_ai.usage.output_tokens', c.output),
    int('llm.usage.total_tokens', c.input + c.output),
    text('gen_ai.prompt.0.role', 'user'),
    text('gen_ai.prompt.0.content', PROMPT),
    text('gen_ai.completion.0.content', ANSWER),
    text('traceloop.association.properties.customer_id', c.customer),
    text('traceloop.association.properties.feature', 'ticket-summary'),
  ]
}

/** An ExportTraceServiceRequest (JSON form, ids as hex) of `calls`. */
function exportRequest(calls) {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [text('service.name', 'support-api'), text('deployment.environment', 'production')],
        },
        scopeSpans: [
          {
            scope: { name: '@traceloop/instrumentation-openai', version: '0.27.0' },
            spans: calls.map((c) => ({
              traceId: c.traceId,
              spanId: c.spanId,
              name: 'openai.chat',
              kind: 3,
              startTimeUnixNano: `${c.startMs}000000`,
              endTimeUnixNano: `${c.endMs}000000`,
              attributes: spanAttributes(c),
              status: { code: 0 },
            })),
          },
        ],
      },
    ],
  }
}

/** The same request as protobuf: ids as bytes, times as longs. */
function protobufBody(calls) {
  const message = exportRequest(calls)
  for (const span of message.resourceSpans[0].scopeSpans[0].spans) {
    span.traceId = Buffer.from(span.traceId, 'hex')
    span.spanId = Buffer.from(span.spanId, 'hex')
  }
  return ExportRequest.encode(ExportRequest.fromObject(message)).finish()
}

/** The CostEvents the SDK would send for `calls`. */
function eventsBody(calls) {
  return JSON.stringify(
    calls.map((c) => ({
      event_id: `evt-${c.traceId}`,
      ts: c.startMs,
      latency_ms: c.endMs - c.startMs,
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-mini-2024-07-18',
      requested_model: 'gpt-4o-mini',
      input_tokens: c.input,
      cache_read_tokens: c.cached,
      output_tokens: c.output,
      customer_id: c.customer,
      feature: 'ticket-summary',
      environment: 'production',
      tags: { 'service.name': 'support-api' },
      sdk: 'spendlens-js',
    })),
  )
}

const KINDS = {
  events: { path: '/v1/events', type: 'application/json', build: eventsBody },
  'otlp json': {
    path: '/v1/traces',
    type: 'application/json',
    build: (calls) => JSON.stringify(exportRequest(calls)),
  },
  'otlp protobuf': { path: '/v1/traces', type: 'application/x-protobuf', build: protobufBody },
}

function buildBodies(kind, count) {
  const now = Date.now()
  return Array.from({ length: count }, () => {
    const calls = Array.from({ length: BATCH }, () => call(now))
    return gzipSync(KINDS[kind].build(calls))
  })
}

function post(agent, url, key, kind, body) {
  return new Promise((resolve, reject) => {
    const target = new URL(KINDS[kind].path, url)
    const outgoing = request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': KINDS[kind].type,
          'content-encoding': 'gzip',
          'content-length': body.length,
        },
      },
      (response) => {
        const chunks = []
        response.on('data', (chunk) => chunks.push(chunk))
        response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks) }))
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

/** Whether an answer stored the whole batch: /v1/events counts, /v1/traces an empty response. */
function wholeBatchStored(kind, answer) {
  if (answer.status !== 200) return false
  if (kind === 'events') return JSON.parse(answer.body.toString()).rejected === 0
  if (kind === 'otlp json') return !JSON.parse(answer.body.toString()).partialSuccess
  return answer.body.length === 0 // an ExportTraceServiceResponse without partial_success
}

async function phase(url, key, kind) {
  const needed = Math.ceil(((SECONDS + WARMUP) * EXPECTED_RATE * 1.5) / BATCH)
  const bodies = buildBodies(kind, needed)
  let built = 0
  const begin = performance.now()
  const windowStart = begin + WARMUP * 1000
  const windowEnd = windowStart + SECONDS * 1000
  let spans = 0
  let failures = 0
  const sender = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    while (performance.now() < windowEnd) {
      let body = bodies.pop()
      if (!body) {
        body = buildBodies(kind, 1)[0]
        built++
      }
      const answer = await post(agent, url, key, kind, body)
      const now = performance.now()
      if (!wholeBatchStored(kind, answer)) failures++
      else if (now >= windowStart && now <= windowEnd) spans += BATCH
    }
    agent.destroy()
  }
  await Promise.all(Array.from({ length: CLIENTS }, sender))
  return { rate: spans / SECONDS, failures, built }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const kinds = Object.keys(KINDS)
const rates = Object.fromEntries(kinds.map((kind) => [kind, []]))
const rows = []
console.log(
  `bench:otlp: ${ROUNDS} rounds × ${kinds.length} phases of ${SECONDS} s (after ${WARMUP} s warm-up), ${CLIENTS} clients, ${BATCH} calls a request, gzipped`,
)
for (let round = 0; round < ROUNDS; round++) {
  const folder = mkdtempSync(join(tmpdir(), 'spendlens-otlp-bench-'))
  const store = join(folder, 'events.duckdb')
  const key = createKeyWithCli(store, 'ingest')
  const server = await startSpendlensServer(store, ['--rate-limit-ingest', '0'])
  try {
    const order = kinds.map((_, index) => kinds[(index + round) % kinds.length])
    const row = [round + 1]
    const measured = {}
    for (const kind of order) {
      measured[kind] = await phase(server.url, key, kind)
      rates[kind].push(measured[kind].rate)
      await sleep(500)
    }
    for (const kind of kinds) {
      const { rate, failures, built } = measured[kind]
      row.push(
        `${integer(rate)}${failures ? ` (${failures} failed)` : ''}${built ? ` (+${built} built)` : ''}`,
      )
    }
    row.push(order.join(' → '))
    rows.push(row)
  } finally {
    await server.stop()
    rmSync(folder, { recursive: true, force: true })
  }
}
console.log(table(['round', ...kinds.map((kind) => `${kind} /s`), 'order'], rows))
const base = median(rates.events)
console.log()
console.log(
  table(
    ['kind', 'median spans/s', 'min–max', 'vs /v1/events'],
    kinds.map((kind) => [
      kind,
      integer(median(rates[kind])),
      `${integer(Math.min(...rates[kind]))}–${integer(Math.max(...rates[kind]))}`,
      `${(median(rates[kind]) / base).toFixed(2)}×`,
    ]),
  ),
)
