import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startFakeProvider } from '../../test/fake-provider.js'
import { openaiClient } from '../../test/harness.js'
import { buildCostEvent } from '../build-cost-event.js'
import { type CostEvent, emptyUsage } from '../cost-event.js'
import { createTracker } from '../tracker.js'
import { httpSink } from './http-sink.js'

interface ReceivedBatch {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: unknown
  /** The status the receiver answered with. */
  status: number
}

/** A stand-in for the spendlens server's ingest endpoint: answers the given statuses in turn, then 200. */
async function startReceiver(options: { statuses?: number[]; hang?: boolean } = {}) {
  const statuses = [...(options.statuses ?? [])]
  const received: ReceivedBatch[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const status = statuses.shift() ?? 200
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        status,
      })
      if (options.hang) return
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(JSON.stringify(status === 200 ? { accepted: 1 } : { error: { code: 'unavailable' } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const receiver = {
    url: `http://127.0.0.1:${port}`,
    received,
    /** Event ids of the batches the receiver accepted, in arrival order. */
    acceptedIds: () =>
      received
        .filter((batch) => batch.status === 200)
        .flatMap((batch) => (batch.body as CostEvent[]).map((event) => event.event_id)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  receivers.push(receiver)
  return receiver
}

const receivers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()))
})

function event(index: number): CostEvent {
  return buildCostEvent({
    event_id: `evt-${index}`,
    started_at: Date.UTC(2026, 0, 1, 12, 0, index),
    latency_ms: 100,
    ttft_ms: null,
    provider: 'openai',
    operation: 'chat',
    requested_model: 'gpt-4o-mini',
    model: 'gpt-4o-mini',
    provider_request_id: `req_${index}`,
    tags: { feature: 'sink-test' },
    usage: { ...emptyUsage(), input_tokens: 10, output_tokens: 5 },
    service_tier: null,
    batch: false,
    status: 'ok',
    error_type: null,
    http_status: 200,
    streamed: false,
  })
}

const quiet = { onWarning: () => undefined }

describe('httpSink', () => {
  it('posts the events as one JSON array to /v1/events with the API key', async () => {
    const receiver = await startReceiver()
    const sink = httpSink({ endpoint: `${receiver.url}/`, apiKey: 'sl-key', ...quiet })

    sink.write([event(1), event(2), event(3)])
    await sink.flush()

    expect(receiver.received).toHaveLength(1)
    const [batch] = receiver.received
    expect(batch).toMatchObject({ method: 'POST', path: '/v1/events' })
    expect(batch?.headers['content-type']).toBe('application/json')
    expect(batch?.headers.authorization).toBe('Bearer sl-key')
    expect(batch?.body).toStrictEqual([event(1), event(2), event(3)])
    expect(sink.stats?.()).toEqual({ sent: 3, pending: 0, dropped: 0, failedAttempts: 0 })
  })

  it('splits a long queue into batches of maxBatchSize, delivered in order', async () => {
    const receiver = await startReceiver()
    const sink = httpSink({ endpoint: receiver.url, maxBatchSize: 2, ...quiet })

    sink.write([1, 2, 3, 4, 5].map(event))
    await sink.flush()

    expect(receiver.received.map((batch) => (batch.body as CostEvent[]).length)).toEqual([2, 2, 1])
    expect(receiver.acceptedIds()).toEqual(['evt-1', 'evt-2', 'evt-3', 'evt-4', 'evt-5'])
  })

  it('sends on its own after flushIntervalMs without a flush() call', async () => {
    const receiver = await startReceiver()
    const sink = httpSink({ endpoint: receiver.url, flushIntervalMs: 10, ...quiet })

    sink.write([event(1)])
    await vi.waitFor(() => expect(receiver.acceptedIds()).toEqual(['evt-1']), { timeout: 5000 })
  })

  it('retries a 503 and delivers each event exactly once', async () => {
    const receiver = await startReceiver({ statuses: [503] })
    const sink = httpSink({ endpoint: receiver.url, ...quiet })

    sink.write([event(1), event(2)])
    sink.write([event(3)])
    await sink.flush()

    expect(receiver.received.map((batch) => batch.status)).toEqual([503, 200])
    expect(receiver.acceptedIds()).toEqual(['evt-1', 'evt-2', 'evt-3'])
    expect(sink.stats?.()).toEqual({ sent: 3, pending: 0, dropped: 0, failedAttempts: 1 })
  })

  it('drops a batch the server refuses with a 4xx instead of retrying it', async () => {
    const receiver = await startReceiver({ statuses: [400] })
    const warnings: string[] = []
    const sink = httpSink({ endpoint: receiver.url, onWarning: (message) => warnings.push(message) })

    sink.write([event(1)])
    await sink.flush()

    expect(receiver.received).toHaveLength(1)
    expect(sink.stats?.()).toMatchObject({ sent: 0, dropped: 1 })
    expect(warnings).toEqual([expect.stringContaining('HTTP 400')])
  })

  it('gives up after maxAttempts and lets flush() resolve', async () => {
    const receiver = await startReceiver({ statuses: [500, 500] })
    const sink = httpSink({ endpoint: receiver.url, maxAttempts: 2, ...quiet })

    sink.write([event(1)])
    await sink.flush()

    expect(receiver.received).toHaveLength(2)
    expect(sink.stats?.()).toEqual({ sent: 0, pending: 0, dropped: 1, failedAttempts: 2 })
  })

  it('does not let a server that never answers hang flush()', async () => {
    const receiver = await startReceiver({ hang: true })
    const sink = httpSink({ endpoint: receiver.url, maxAttempts: 1, requestTimeoutMs: 50, ...quiet })

    sink.write([event(1)])
    await sink.flush()

    expect(receiver.received).toHaveLength(1)
    expect(sink.stats?.()).toMatchObject({ sent: 0, dropped: 1 })
  })

  it('drops the oldest events beyond maxQueueSize and counts them', async () => {
    const receiver = await startReceiver()
    const sink = httpSink({ endpoint: receiver.url, maxQueueSize: 3, ...quiet })

    sink.write([1, 2, 3, 4, 5].map(event))
    await sink.flush()

    expect(receiver.acceptedIds()).toEqual(['evt-3', 'evt-4', 'evt-5'])
    expect(sink.stats?.()).toMatchObject({ sent: 3, dropped: 2 })
  })

  it('resolves flush() at once when nothing is pending', async () => {
    const receiver = await startReceiver()
    const sink = httpSink({ endpoint: receiver.url, ...quiet })

    await sink.flush()

    expect(receiver.received).toHaveLength(0)
  })

  it('is the tracker’s default sink: a wrapped call’s event reaches the server', async () => {
    const receiver = await startReceiver({ statuses: [503] })
    const fake = await startFakeProvider()
    receivers.push(fake)
    const tracker = createTracker({
      endpoint: receiver.url,
      apiKey: 'sl-key',
      tags: { feature: 'e2e' },
      ...quiet,
    })

    await tracker.wrap(openaiClient(fake)).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    await tracker.flush()

    const accepted = receiver.received.filter((batch) => batch.status === 200)
    expect(accepted).toHaveLength(1)
    const events = accepted[0]?.body as CostEvent[]
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ feature: 'e2e', provider: 'openai', input_tokens: 1200 })
    expect(receiver.received[0]?.body).toStrictEqual(events)
  })
})
