import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startFakeProvider } from '../../test/fake-provider.js'
import { openaiClient } from '../../test/harness.js'
import { type Receiver, startReceiver } from '../../test/receiver.js'
import { type CostEvent, emptyUsage } from '../cost-event.js'
import { buildCostEvent } from '../record/build-cost-event.js'
import { createTracker } from '../tracker.js'
import { httpSink } from './http-sink.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const started = await startReceiver(options)
  cleanups.push(() => started.close())
  return started
}

function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spendlens-spool-test-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Event ids in the spool folder's segment files, oldest segment first. */
function spooledIds(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as CostEvent).event_id),
    )
}

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
const events = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => event(from + i))
const ids = (from: number, to: number) => events(from, to).map((item) => item.event_id)

const quiet = { onWarning: () => undefined }
/** Fast retries, so a test of an outage does not wait out the production backoff. */
const fast = { retryDelayMs: 1, maxRetryDelayMs: 20 }

describe('httpSink delivery', () => {
  it('posts the events as one gzipped JSON array to /v1/events with the API key', async () => {
    const server = await receiver()
    const sink = httpSink({
      endpoint: `${server.url}/`,
      apiKey: 'sl-key',
      spool: { dir: spoolDir() },
      ...quiet,
    })

    sink.write([event(1), event(2), event(3)])
    await sink.flush()

    expect(server.received).toHaveLength(1)
    const [batch] = server.received
    expect(batch).toMatchObject({ method: 'POST', path: '/v1/events' })
    expect(batch?.headers['content-type']).toBe('application/json')
    expect(batch?.headers['content-encoding']).toBe('gzip')
    expect(batch?.headers.authorization).toBe('Bearer sl-key')
    expect(batch?.body).toStrictEqual([event(1), event(2), event(3)])
    expect(batch?.wireBytes).toBeLessThan(JSON.stringify(batch?.body).length)
    expect(sink.stats?.()).toEqual({ sent: 3, pending: 0, dropped: 0, failedAttempts: 0, spooled: 0 })
  })

  it('sends plain JSON with compression: none', async () => {
    const server = await receiver()
    const sink = httpSink({ endpoint: server.url, compression: 'none', spool: false, ...quiet })

    sink.write([event(1)])
    await sink.flush()

    expect(server.received[0]?.headers['content-encoding']).toBeUndefined()
    expect(server.received[0]?.wireBytes).toBe(JSON.stringify([event(1)]).length)
  })

  it('splits a long queue into batches of maxBatchSize, delivered in order', async () => {
    const server = await receiver()
    const sink = httpSink({ endpoint: server.url, maxBatchSize: 2, spool: { dir: spoolDir() }, ...quiet })

    sink.write(events(1, 5))
    await sink.flush()

    expect(server.received.map((batch) => (batch.body as CostEvent[]).length)).toEqual([2, 2, 1])
    expect(server.acceptedIds()).toEqual(ids(1, 5))
  })

  it('sends on its own after flushIntervalMs without a flush() call', async () => {
    const server = await receiver()
    const sink = httpSink({ endpoint: server.url, flushIntervalMs: 10, spool: { dir: spoolDir() }, ...quiet })

    sink.write([event(1)])
    await vi.waitFor(() => expect(server.acceptedIds()).toEqual(['evt-1']), { timeout: 10_000 })
  })

  it('resolves flush() at once when nothing is pending', async () => {
    const server = await receiver()
    const sink = httpSink({ endpoint: server.url, spool: { dir: spoolDir() }, ...quiet })

    await sink.flush()

    expect(server.received).toHaveLength(0)
  })

  it('counts events the server rejected as invalid in a 200 answer as dropped, with a warning', async () => {
    const warnings: string[] = []
    const fetchWithRejection: typeof fetch = async () =>
      new Response(
        JSON.stringify({
          accepted: 1,
          duplicates: 0,
          rejected: 1,
          results: [
            { index: 0, status: 'accepted' },
            { index: 1, status: 'rejected', errors: ['model: required'] },
          ],
        }),
        { status: 200 },
      )
    const sink = httpSink({
      endpoint: 'http://127.0.0.1:9',
      fetch: fetchWithRejection,
      spool: false,
      onWarning: (message) => warnings.push(message),
    })

    sink.write([event(1), event(2)])
    await sink.flush()

    expect(sink.stats?.()).toMatchObject({ sent: 1, dropped: 1 })
    expect(warnings).toEqual([expect.stringContaining('model: required')])
  })
})

describe('httpSink retries', () => {
  it('retries a 503 and delivers each event exactly once', async () => {
    const server = await receiver({ statuses: [503] })
    const sink = httpSink({ endpoint: server.url, spool: { dir: spoolDir() }, ...fast, ...quiet })

    sink.write([event(1), event(2)])
    sink.write([event(3)])
    await sink.flush()

    expect(server.received.map((batch) => batch.status)).toEqual([503, 200])
    expect(server.acceptedIds()).toEqual(ids(1, 3))
    expect(sink.stats?.()).toEqual({ sent: 3, pending: 0, dropped: 0, failedAttempts: 1, spooled: 0 })
  })

  it('waits at least as long as a 429 Retry-After asks before retrying', async () => {
    const server = await receiver({ statuses: [429], headers: [{ 'retry-after': '1' }] })
    const sink = httpSink({ endpoint: server.url, spool: { dir: spoolDir() }, retryDelayMs: 1, ...quiet })

    sink.write([event(1)])
    await sink.flush()

    expect(server.received.map((batch) => batch.status)).toEqual([429, 200])
    const [first, second] = server.received
    // A lower bound only: a loaded machine can make the gap longer, never shorter.
    expect((second?.arrivedAt ?? 0) - (first?.arrivedAt ?? 0)).toBeGreaterThanOrEqual(990)
  })

  it('spools a batch whose Retry-After is longer than maxRetryDelayMs and does not ask again before it', async () => {
    const dir = spoolDir()
    const server = await receiver({ statuses: [429], headers: [{ 'retry-after': '3600' }] })
    const sink = httpSink({ endpoint: server.url, spool: { dir }, maxRetryDelayMs: 1000, ...quiet })

    sink.write([event(1)])
    await sink.flush()
    sink.write([event(2)])
    await sink.flush()

    expect(server.received).toHaveLength(1)
    expect(spooledIds(dir)).toEqual(['evt-1', 'evt-2'])
    expect(sink.stats?.()).toMatchObject({ sent: 0, pending: 2, spooled: 2, dropped: 0 })
  })

  it('while the server is away, moves new events to the spool at the next interval, without a flush()', async () => {
    const dir = spoolDir()
    const server = await receiver({ statuses: [503], headers: [{ 'retry-after': '3600' }] })
    const sink = httpSink({
      endpoint: server.url,
      flushIntervalMs: 10,
      maxRetryDelayMs: 1000,
      spool: { dir },
      ...quiet,
    })

    sink.write([event(1)])
    await sink.flush()
    sink.write([event(2), event(3)])

    await vi.waitFor(() => expect(spooledIds(dir)).toEqual(ids(1, 3)), { timeout: 10_000 })
    expect(server.received).toHaveLength(1)
  })

  it('keeps the events of a refused key (401, 403) and says once what to set, then delivers them when it is accepted', async () => {
    const server = await receiver({ statuses: [401, 403] })
    const warnings: string[] = []
    const sink = httpSink({
      endpoint: server.url,
      spool: { dir: spoolDir() },
      ...fast,
      onWarning: (message) => warnings.push(message),
    })

    sink.write([event(1), event(2)])
    await sink.flush()
    // flush() tried, tried once more, and kept them.
    expect(server.received.map((batch) => batch.status)).toEqual([401, 403])
    expect(sink.stats?.()).toMatchObject({ sent: 0, dropped: 0, spooled: 2 })

    // The key is accepted again (fixed on the server): the next flush delivers them, each once.
    sink.write([event(3)])
    await sink.flush()
    expect(server.acceptedIds()).toEqual(ids(1, 3))
    expect(sink.stats?.()).toMatchObject({ sent: 3, dropped: 0 })
    expect(warnings).toEqual([
      expect.stringContaining('the server refused the API key (HTTP 401, none was set)'),
      expect.stringContaining('(HTTP 403); spooling them'),
    ])
  })

  it('drops a batch the server refuses with a 4xx instead of retrying it', async () => {
    const server = await receiver({ statuses: [400] })
    const warnings: string[] = []
    const sink = httpSink({
      endpoint: server.url,
      spool: { dir: spoolDir() },
      onWarning: (message) => warnings.push(message),
    })

    sink.write([event(1)])
    await sink.flush()

    expect(server.received).toHaveLength(1)
    expect(sink.stats?.()).toMatchObject({ sent: 0, dropped: 1, spooled: 0 })
    expect(warnings).toEqual([expect.stringContaining('HTTP 400')])
  })

  it('does not let a server that never answers hang flush(): both its tries time out, then the spool', async () => {
    const server = await receiver({ hang: true })
    const sink = httpSink({
      endpoint: server.url,
      requestTimeoutMs: 50,
      spool: { dir: spoolDir() },
      ...fast,
      ...quiet,
    })

    sink.write([event(1)])
    await sink.flush()

    expect(server.received).toHaveLength(2)
    expect(sink.stats?.()).toMatchObject({ sent: 0, dropped: 0, spooled: 1, failedAttempts: 2 })
  })
})

/**
 * The backoff tick of these tests is at least 30 s away (half of 60 s, the jitter's floor), so
 * anything that happens within a few seconds happened without it.
 */
const slowBackoff = { maxAttempts: 1, retryDelayMs: 60_000, maxRetryDelayMs: 60_000 }

describe('httpSink when the server comes back', () => {
  it('flush() tries once more after a failed attempt: the server gets every event, and the spool is never written', async () => {
    const dir = join(spoolDir(), 'spool')
    const server = await receiver({ statuses: [503] })
    // One attempt per batch: a second one can only be flush()'s.
    const sink = httpSink({ endpoint: server.url, maxAttempts: 1, spool: { dir }, ...fast, ...quiet })

    sink.write(events(1, 3))
    await sink.flush()

    expect(server.received.map((batch) => batch.status)).toEqual([503, 200])
    expect(server.acceptedIds()).toEqual(ids(1, 3))
    expect(existsSync(dir)).toBe(false)
    expect(sink.stats?.()).toEqual({ sent: 3, pending: 0, dropped: 0, failedAttempts: 1, spooled: 0 })
  })

  it('flush() tries a server known to be away once more, and replays the spool when it answers', async () => {
    const dir = spoolDir()
    const server = await receiver({ statuses: [503] })
    const sink = httpSink({
      endpoint: server.url,
      flushIntervalMs: 10,
      spool: { dir },
      ...slowBackoff,
      ...quiet,
    })

    // The background send fails: the server counts as away, the events wait in the spool.
    sink.write(events(1, 2))
    await vi.waitFor(() => expect(spooledIds(dir)).toEqual(ids(1, 2)), { timeout: 10_000 })
    await sink.flush()

    expect(server.received.map((batch) => batch.status)).toEqual([503, 200])
    expect(server.acceptedIds()).toEqual(ids(1, 2))
    expect(spooledIds(dir)).toEqual([])
    expect(sink.stats?.()).toMatchObject({ sent: 2, pending: 0, spooled: 0 })
  })

  it('after its last try failed, flush() tries again only once new events came (not once per beforeExit)', async () => {
    const dir = spoolDir()
    const server = await receiver({ statuses: [503, 503, 503] })
    const sink = httpSink({
      endpoint: server.url,
      flushIntervalMs: 60_000,
      spool: { dir },
      ...slowBackoff,
      ...quiet,
    })

    sink.write([event(1)])
    await sink.flush()
    expect(server.received).toHaveLength(2)
    await sink.flush()
    expect(server.received).toHaveLength(2)
    sink.write([event(2)])
    await sink.flush()

    expect(server.received).toHaveLength(3)
    expect(spooledIds(dir)).toEqual(ids(1, 2))
    expect(sink.stats?.()).toMatchObject({ sent: 0, dropped: 0, pending: 2, spooled: 2, failedAttempts: 3 })
  })

  it('while the server is away, new events make it probe at the flush interval and replay the spool at once, long before the backoff tick', async () => {
    const dir = spoolDir()
    const server = await receiver({ statuses: [503] })
    const sink = httpSink({
      endpoint: server.url,
      flushIntervalMs: 20,
      spool: { dir },
      ...slowBackoff,
      ...quiet,
    })
    sink.write(events(1, 4))
    await vi.waitFor(() => expect(spooledIds(dir)).toEqual(ids(1, 4)), { timeout: 10_000 })

    // The server answers again (its next status is 200); the app goes on writing, without flush().
    const backAt = performance.now()
    sink.write([event(5)])
    await vi.waitFor(() => expect(server.acceptedIds()).toEqual(ids(1, 5)), { timeout: 10_000 })

    // Well within the 30 s before the backoff tick, even on a loaded machine.
    expect(performance.now() - backAt).toBeLessThan(10_000)
    expect(server.received.map((batch) => batch.status)).toEqual([503, 200, 200])
    expect(spooledIds(dir)).toEqual([])
    expect(sink.stats?.()).toMatchObject({ sent: 5, pending: 0, spooled: 0 })
  })
})

describe('httpSink disk spool', () => {
  it('spools a batch that failed flush()’s try and its one more, lets flush() resolve, and replays it when the server answers', async () => {
    const dir = spoolDir()
    const server = await receiver({ statuses: [500, 500] })
    const warnings: string[] = []
    const sink = httpSink({
      endpoint: server.url,
      spool: { dir },
      ...fast,
      onWarning: (message) => warnings.push(message),
    })

    sink.write([event(1), event(2)])
    await sink.flush()

    expect(server.received).toHaveLength(2)
    expect(spooledIds(dir)).toEqual(['evt-1', 'evt-2'])
    expect(sink.stats?.()).toEqual({ sent: 0, pending: 2, dropped: 0, failedAttempts: 2, spooled: 2 })
    expect(warnings).toEqual([expect.stringContaining('could not deliver')])

    await vi.waitFor(
      async () => {
        await sink.flush()
        expect(server.acceptedIds()).toEqual(['evt-1', 'evt-2'])
      },
      { timeout: 20_000, interval: 25 },
    )
    expect(spooledIds(dir)).toEqual([])
    expect(sink.stats?.()).toMatchObject({ sent: 2, pending: 0, dropped: 0, spooled: 0 })
  })

  it('spills to the spool beyond maxQueueSize instead of dropping, and delivers every event in order', async () => {
    const dir = spoolDir()
    const server = await receiver()
    const sink = httpSink({
      endpoint: server.url,
      maxQueueSize: 3,
      maxBatchSize: 2,
      flushIntervalMs: 60_000,
      spool: { dir },
      ...quiet,
    })

    sink.write(events(1, 1))
    sink.write(events(2, 2))
    sink.write(events(3, 5))
    // The fifth event took memory past 3: all five moved to disk, in order.
    expect(spooledIds(dir)).toEqual(ids(1, 5))
    expect(sink.stats?.()).toMatchObject({ dropped: 0, spooled: 5 })
    await sink.flush()

    expect(server.acceptedIds()).toEqual(ids(1, 5))
    expect(sink.stats?.()).toMatchObject({ sent: 5, pending: 0, dropped: 0, spooled: 0 })
    expect(spooledIds(dir)).toEqual([])
  })

  it('without a spool, drops the oldest events beyond maxQueueSize, counted and warned', async () => {
    const server = await receiver()
    const warnings: string[] = []
    const sink = httpSink({
      endpoint: server.url,
      maxQueueSize: 3,
      spool: false,
      onWarning: (message) => warnings.push(message),
    })

    sink.write(events(1, 5))
    await sink.flush()

    expect(server.acceptedIds()).toEqual(ids(3, 5))
    expect(sink.stats?.()).toMatchObject({ sent: 3, dropped: 2 })
    expect(warnings).toEqual([expect.stringContaining('dropped 2 events')])
  })

  it('counts and warns about what it drops when the server is away and the disk refuses too', async () => {
    // A spool folder under a regular file can never be created.
    const blocker = join(spoolDir(), 'not-a-folder')
    writeFileSync(blocker, '')
    // Each flush() below tries at most twice.
    const server = await receiver({ statuses: [503, 503, 503, 503] })
    const warnings: string[] = []
    const sink = httpSink({
      endpoint: server.url,
      maxAttempts: 1,
      maxQueueSize: 3,
      spool: { dir: join(blocker, 'spool') },
      ...fast,
      onWarning: (message) => warnings.push(message),
    })

    sink.write(events(1, 2))
    await sink.flush()
    sink.write(events(3, 5))
    await sink.flush()

    expect(sink.stats?.()).toMatchObject({ sent: 0, dropped: 2, pending: 3, spooled: 0 })
    expect(warnings.some((warning) => warning.includes('could not spool'))).toBe(true)
    expect(warnings.some((warning) => warning.includes('dropped 2 events'))).toBe(true)
    // What stayed in memory is delivered once the server answers (after its 503s).
    await vi.waitFor(
      async () => {
        await sink.flush()
        expect(server.acceptedIds()).toEqual(ids(3, 5))
      },
      { timeout: 20_000, interval: 25 },
    )
  })

  it('flushSync writes what is in memory to the spool synchronously, without a request', async () => {
    const dir = spoolDir()
    const server = await receiver()
    const sink = httpSink({ endpoint: server.url, flushIntervalMs: 60_000, spool: { dir }, ...quiet })

    sink.write(events(1, 3))
    sink.flushSync?.()

    expect(spooledIds(dir)).toEqual(ids(1, 3))
    expect(server.received).toHaveLength(0)
    expect(sink.stats?.()).toMatchObject({ pending: 3, spooled: 3 })
  })

  it('does not send twice a batch spooled by flushSync while its request was in flight', async () => {
    const dir = spoolDir()
    const server = await receiver()
    server.holdNext()
    const sink = httpSink({ endpoint: server.url, spool: { dir }, ...quiet })

    sink.write(events(1, 2))
    const flushed = sink.flush()
    await vi.waitFor(() => expect(server.heldCount()).toBe(1), { timeout: 10_000 })
    // What SIGTERM does when the app has its own listener and keeps running.
    sink.flushSync?.()
    expect(spooledIds(dir)).toEqual(['evt-1', 'evt-2'])
    server.releaseHeld()
    await flushed
    await sink.flush()

    expect(server.acceptedIds()).toEqual(['evt-1', 'evt-2'])
    expect(spooledIds(dir)).toEqual([])
    expect(sink.stats?.()).toMatchObject({ sent: 2, pending: 0, spooled: 0 })
  })

  it('replays a spool left by a previous process first, oldest segment first, each event once', async () => {
    const dir = spoolDir()
    // Segments of an earlier process that had this pid (as in a container); the instance id differs.
    const owner = `${process.pid}-deadbeef`
    const segment = (key: string, batch: CostEvent[]) =>
      writeFileSync(
        join(dir, `${key}-${batch.length}.${owner}.jsonl`),
        `${batch.map((item) => JSON.stringify(item)).join('\n')}\n`,
      )
    segment('1767225600000-00000002', events(3, 4))
    segment('1767225600000-00000001', events(1, 2))
    const server = await receiver()
    const sink = httpSink({ endpoint: server.url, spool: { dir }, ...quiet })

    sink.write([event(5)])
    await sink.flush()

    expect(server.acceptedIds()).toEqual(ids(1, 5))
    expect(server.received.map((batch) => (batch.body as CostEvent[]).length)).toEqual([2, 2, 1])
    expect(spooledIds(dir)).toEqual([])
  })

  it('is the tracker’s default sink: a wrapped call’s event reaches the server', async () => {
    const server = await receiver({ statuses: [503] })
    const fake = await startFakeProvider()
    cleanups.push(() => fake.close())
    const tracker = createTracker({
      endpoint: server.url,
      apiKey: 'sl-key',
      tags: { feature: 'e2e' },
      spool: { dir: spoolDir() },
      ...quiet,
    })

    await tracker.wrap(openaiClient(fake)).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    await tracker.flush()

    const accepted = server.received.filter((batch) => batch.status === 200)
    expect(accepted).toHaveLength(1)
    const sent = accepted[0]?.body as CostEvent[]
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ feature: 'e2e', provider: 'openai', input_tokens: 1200 })
    expect(server.received[0]?.body).toStrictEqual(sent)
  })
})
