import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { type CostEvent, httpSink, type SinkStats } from 'spendlens'
import { buildCostEvent, emptyUsage } from 'spendlens/internal'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getJson, startTestServer } from './server-helpers.js'

// The kill -9 test runs the built server (packages/server/dist) and the child-process tests the
// built SDK (packages/sdk/dist) in a process of their own: `npm test` builds first.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const SDK = createRequire(import.meta.url).resolve('spendlens')

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function tempFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix))
  cleanups.push(() => rm(folder, { recursive: true, force: true }))
  return folder
}

/** One request the sink made, as the test's fetch saw it. */
interface SentRequest {
  ids: string[]
  /** 0 when the request failed without an answer (connection refused or reset). */
  status: number
  answer?: { accepted?: number; duplicates?: number; rejected?: number }
}

/** An hour before the run: inside the window of timestamps the server accepts, whatever the date. */
const BASE_TIME = Date.now() - 3_600_000

function event(index: number): CostEvent {
  return buildCostEvent({
    event_id: `outage-${String(index).padStart(5, '0')}`,
    started_at: BASE_TIME + index,
    latency_ms: 120,
    ttft_ms: null,
    provider: 'openai',
    operation: 'chat',
    requested_model: 'gpt-4o-mini',
    model: 'gpt-4o-mini',
    provider_request_id: `req_${index}`,
    tags: { feature: 'outage-test', customer_id: `customer-${index % 7}` },
    usage: { ...emptyUsage(), input_tokens: 1000, output_tokens: 100 },
    service_tier: null,
    batch: false,
    status: 'ok',
    error_type: null,
    http_status: 200,
    streamed: false,
  })
}

const PER_PHASE = 600
const TOTAL = PER_PHASE * 4
const eventsOf = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, offset) => event(from + offset))
const idsOf = (from: number, to: number) => eventsOf(from, to).map((item) => item.event_id)

/** Writes events [from, to) in small bursts, yielding to the event loop between them. */
async function burst(sink: ReturnType<typeof httpSink>, from: number, to: number) {
  for (let index = from; index < to; index += 20) {
    sink.write(Array.from({ length: Math.min(20, to - index) }, (_, offset) => event(index + offset)))
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

/** A fetch that records each request the sink makes and the server's answer, for the sink to use. */
function recordingFetch(): { fetch: typeof fetch; requests: SentRequest[]; accepted: () => SentRequest[] } {
  const requests: SentRequest[] = []
  const recording: typeof fetch = async (input, init) => {
    const body = Buffer.from(init?.body as Uint8Array)
    const sent: SentRequest = {
      ids: (JSON.parse(gunzipSync(body).toString('utf8')) as CostEvent[]).map((item) => item.event_id),
      status: 0,
    }
    requests.push(sent)
    const response = await fetch(input, init)
    // Recorded once the whole answer arrived: only then does the sink count the request as answered.
    const answer = await response.clone().text()
    sent.status = response.status
    sent.answer = JSON.parse(answer)
    return response
  }
  return {
    fetch: recording,
    requests,
    accepted: () => requests.filter((request) => request.status === 200),
  }
}

/** Every stored event id, sorted, through the event log (pages of 1,000). */
async function storedIds(baseUrl: string): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null
  do {
    const from = new Date(BASE_TIME - 86_400_000).toISOString()
    const url = new URL(`/api/events?from=${from}&limit=1000`, baseUrl)
    if (cursor) url.searchParams.set('cursor', cursor)
    const page = (await (await fetch(url)).json()) as {
      events: { event_id: string }[]
      next_cursor: string | null
    }
    ids.push(...page.events.map((item) => item.event_id))
    cursor = page.next_cursor
  } while (cursor)
  return ids.sort()
}

async function freePort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** The environment without SPENDLENS_* variables, so a child sees only what the test gives it. */
function childEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment = { ...process.env, ...extra }
  for (const key of Object.keys(environment)) if (key.startsWith('SPENDLENS_')) delete environment[key]
  return environment
}

/** `spendlens serve` in a process of its own, resolved once it listens. */
async function serveInChild(storePath: string, port: number): Promise<ChildProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the server before this test`)
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--store', storePath, '--port', String(port), '--no-demo'],
    {
      env: childEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  cleanups.push(() => stopChild(child, 'SIGKILL'))
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ingest:')) resolve()
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.once('exit', (code, signal) =>
      reject(new Error(`the server ended (${code ?? signal}):\n${output}`)),
    )
  })
  return child
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  return exited
}

/**
 * A TCP front for a server that drops the first `refuse` connections as their request arrives, as a
 * server that dies or restarts mid-request does, and passes the others through untouched.
 */
async function connectionGate(targetPort: number, refuse: number) {
  let refused = 0
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const gate = createTcpServer((client) => {
    track(client)
    if (refused < refuse) {
      refused++
      // Once the request arrives. (A connection closed before it is written leaves Node 20's fetch
      // waiting for its timeout rather than failing.)
      client.once('data', () => client.destroy())
      return
    }
    const upstream = connect(targetPort, '127.0.0.1')
    track(upstream)
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    for (const socket of [client, upstream]) socket.on('error', end).on('close', end)
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        gate.close(() => resolve())
      }),
  )
  return { url: `http://127.0.0.1:${(gate.address() as AddressInfo).port}`, refused: () => refused }
}

/**
 * A short-lived app on the built SDK: its tracker's HTTP sink (default settings) gets the events of
 * `eventsFile`, then the process ends, by itself or after `await flush()`. It prints its sink's
 * stats as it exits.
 */
const SHORT_LIVED_APP = `
const config = JSON.parse(process.env.OUTAGE_CHILD)
const { createTracker, httpSink } = await import(config.sdk)
const { readFileSync } = await import('node:fs')
const sink = httpSink({ endpoint: config.endpoint, spool: { dir: config.spoolDir }, onWarning: () => undefined })
// The tracker installs the exit hooks (beforeExit, exit, signals) for its sinks.
globalThis.tracker = createTracker({ sinks: [sink] })
process.on('exit', () => console.log(JSON.stringify(sink.stats())))
sink.write(JSON.parse(readFileSync(config.eventsFile, 'utf8')))
if (config.end === 'await flush()') await globalThis.tracker.flush()
`

const ENDS = ['natural end', 'await flush()'] as const

async function runShortLivedApp(config: {
  endpoint: string
  spoolDir: string
  events: CostEvent[]
  end: (typeof ENDS)[number]
}): Promise<{ code: number | null; stats: SinkStats; stderr: string }> {
  const eventsFile = join(config.spoolDir, '..', 'events.json')
  await writeFile(eventsFile, JSON.stringify(config.events))
  const { events: _events, ...rest } = config
  const child = spawn(process.execPath, ['--input-type=module', '-e', SHORT_LIVED_APP], {
    env: childEnvironment({
      OUTAGE_CHILD: JSON.stringify({ ...rest, eventsFile, sdk: pathToFileURL(SDK).href }),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  cleanups.push(() => stopChild(child, 'SIGKILL'))
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const code = await new Promise<number | null>((resolve) =>
    child.on('close', (exitCode) => resolve(exitCode)),
  )
  const lastLine = stdout.trim().split('\n').at(-1) ?? '{}'
  return { code, stats: JSON.parse(lastLine) as SinkStats, stderr }
}

describe('HTTP sink into the real server through an outage', () => {
  it('delivers every event of a burst exactly once when the server goes down mid-burst and comes back on the same port and file', async () => {
    const first = await startTestServer()
    const { storePath } = first
    const port = Number(new URL(first.server.url).port)
    const spoolDir = await mkdtemp(join(tmpdir(), 'spendlens-outage-spool-'))
    const { fetch: recording, requests, accepted } = recordingFetch()
    const warnings: string[] = []
    const sink = httpSink({
      endpoint: first.server.url,
      maxBatchSize: 50,
      flushIntervalMs: 5,
      maxQueueSize: 300,
      maxAttempts: 3,
      retryDelayMs: 5,
      maxRetryDelayMs: 100,
      requestTimeoutMs: 30_000,
      spool: { dir: spoolDir },
      fetch: recording,
      onWarning: (message) => warnings.push(message),
    })

    // Up: the burst starts and the server takes some of it.
    await burst(sink, 0, PER_PHASE)
    await vi.waitFor(() => expect(accepted().length).toBeGreaterThan(0), { timeout: 30_000 })
    // Down in the middle of the burst, keeping the DuckDB file.
    await Promise.all([first.stop(false), burst(sink, PER_PHASE, 2 * PER_PHASE)])
    await burst(sink, 2 * PER_PHASE, 3 * PER_PHASE)
    await vi.waitFor(() => expect(sink.stats?.().spooled).toBeGreaterThan(0), { timeout: 30_000 })
    expect(requests.some((request) => request.status === 0)).toBe(true)
    // Back on the same port and file; the burst goes on.
    const second = await startTestServer({ storePath, port })
    await burst(sink, 3 * PER_PHASE, TOTAL)
    await vi.waitFor(
      async () => {
        await sink.flush()
        expect(sink.stats?.()).toMatchObject({ pending: 0 })
      },
      { timeout: 60_000, interval: 50 },
    )

    const meta = await getJson(second.url('/api/meta'))
    await second.stop()
    await rm(dirname(storePath), { recursive: true, force: true })

    // Stored exactly once each.
    expect(meta.body.events).toBe(TOTAL)
    // The sink sent each event in exactly one accepted request…
    const acceptedIds = accepted().flatMap((request) => request.ids)
    expect(acceptedIds).toHaveLength(TOTAL)
    expect(new Set(acceptedIds).size).toBe(TOTAL)
    // …and the server never saw an event twice.
    const answers = accepted().map((request) => request.answer ?? {})
    expect(answers.reduce((sum, answer) => sum + (answer.accepted ?? 0), 0)).toBe(TOTAL)
    expect(answers.reduce((sum, answer) => sum + (answer.duplicates ?? 0), 0)).toBe(0)
    expect(sink.stats?.()).toMatchObject({ sent: TOTAL, dropped: 0, pending: 0, spooled: 0 })
    expect(warnings.some((warning) => warning.includes('could not deliver'))).toBe(true)
    expect((await readdir(spoolDir)).filter((name) => name.endsWith('.jsonl'))).toEqual([])
    await rm(spoolDir, { recursive: true, force: true })
  })

  it('loses no acknowledged event and stores none twice when the server is killed with SIGKILL mid-ingest and the sink resends', async () => {
    const storePath = join(await tempFolder('spendlens-kill-'), 'events.duckdb')
    const port = await freePort()
    const endpoint = `http://127.0.0.1:${port}`
    const { fetch: recording, requests, accepted } = recordingFetch()
    const sink = httpSink({
      endpoint,
      maxBatchSize: 50,
      flushIntervalMs: 5,
      maxAttempts: 3,
      retryDelayMs: 5,
      maxRetryDelayMs: 100,
      requestTimeoutMs: 30_000,
      spool: { dir: await tempFolder('spendlens-kill-spool-') },
      fetch: recording,
      onWarning: () => undefined,
    })
    const total = 3 * PER_PHASE

    let server = await serveInChild(storePath, port)
    await burst(sink, 0, PER_PHASE)
    await vi.waitFor(() => expect(accepted().length).toBeGreaterThan(0), { timeout: 30_000 })
    // kill -9 while the burst goes on: no shutdown, no last commit.
    await Promise.all([stopChild(server, 'SIGKILL'), burst(sink, PER_PHASE, 2 * PER_PHASE)])
    const acknowledgedBeforeKill = accepted().flatMap((request) => request.ids)
    server = await serveInChild(storePath, port)
    await burst(sink, 2 * PER_PHASE, total)
    await vi.waitFor(
      async () => {
        await sink.flush()
        expect(sink.stats?.()).toMatchObject({ pending: 0 })
      },
      { timeout: 60_000, interval: 50 },
    )
    const stored = await storedIds(endpoint)
    await stopChild(server, 'SIGTERM')

    expect(acknowledgedBeforeKill.length).toBeGreaterThan(0)
    expect(requests.some((request) => request.status === 0)).toBe(true)
    // Every event once: none acknowledged before the kill is missing, none resent is there twice.
    const storedSet = new Set(stored)
    expect(acknowledgedBeforeKill.filter((id) => !storedSet.has(id))).toEqual([])
    expect(stored).toEqual(idsOf(0, total).sort())
    expect(new Set(stored).size).toBe(total)
    expect(sink.stats?.()).toMatchObject({ sent: total, dropped: 0, pending: 0, spooled: 0 })
  })

  it('a long-running process replays its spool as soon as the server is back, long before the backoff tick', async () => {
    const port = await freePort()
    const spoolDir = await tempFolder('spendlens-back-spool-')
    const { fetch: recording, accepted } = recordingFetch()
    const sink = httpSink({
      endpoint: `http://127.0.0.1:${port}`,
      flushIntervalMs: 20,
      // The backoff tick after the failure is at least 30 s away (half of 60 s, the jitter's floor).
      maxAttempts: 1,
      retryDelayMs: 60_000,
      maxRetryDelayMs: 60_000,
      spool: { dir: spoolDir },
      fetch: recording,
      onWarning: () => undefined,
    })

    // The server is away: the app's events go to the spool.
    sink.write(eventsOf(0, 100))
    await vi.waitFor(() => expect(sink.stats?.()).toMatchObject({ spooled: 100 }), { timeout: 10_000 })
    // It is back; the app goes on writing, and never calls flush().
    const server = await startTestServer({ port })
    cleanups.push(() => server.stop())
    const backAt = performance.now()
    await burst(sink, 100, 200)
    await vi.waitFor(() => expect(sink.stats?.()).toMatchObject({ pending: 0 }), { timeout: 15_000 })

    // Well before the backoff tick, even on a loaded machine.
    expect(performance.now() - backAt).toBeLessThan(15_000)
    // The spool first, oldest first, then the new events, each once.
    expect(accepted().flatMap((request) => request.ids)).toEqual(idsOf(0, 200))
    expect(await storedIds(server.server.url)).toEqual(idsOf(0, 200).sort())
    expect((await readdir(spoolDir)).filter((name) => name.endsWith('.jsonl'))).toEqual([])
  })
})

describe('a short-lived process (child running the built SDK) and a server that is away', () => {
  for (const end of ENDS) {
    it(`a connection dropped as the process ends: flush()'s one more try delivers every event, none is left for the next process (${end})`, async () => {
      const server = await startTestServer()
      cleanups.push(() => server.stop())
      const gate = await connectionGate(Number(new URL(server.server.url).port), 1)
      const spoolDir = join(await tempFolder('spendlens-short-'), 'spool')

      const app = await runShortLivedApp({
        endpoint: gate.url,
        spoolDir,
        events: eventsOf(0, 40),
        end,
      })

      expect(app.code, app.stderr).toBe(0)
      expect(gate.refused()).toBe(1)
      expect(app.stats).toMatchObject({ sent: 40, pending: 0, dropped: 0, failedAttempts: 1, spooled: 0 })
      expect(await storedIds(server.server.url)).toEqual(idsOf(0, 40).sort())
      expect(existsSync(spoolDir)).toBe(false)
    })

    it(`exits while the server is away: code 0 after one more try, the events wait in the spool, and the next process replays each once (${end})`, async () => {
      const port = await freePort()
      const spoolDir = join(await tempFolder('spendlens-away-'), 'spool')
      const endpoint = `http://127.0.0.1:${port}`

      const app = await runShortLivedApp({
        endpoint,
        spoolDir,
        events: eventsOf(0, 40),
        end,
      })

      expect(app.code, app.stderr).toBe(0)
      // Its try and the one more, then the spool: no further try per beforeExit.
      expect(app.stats).toMatchObject({ sent: 0, pending: 40, dropped: 0, failedAttempts: 2, spooled: 40 })
      // The server is back; the next process replays the spool.
      const server = await startTestServer({ port })
      cleanups.push(() => server.stop())
      const next = httpSink({ endpoint, spool: { dir: spoolDir }, onWarning: () => undefined })
      await next.flush()
      expect(next.stats?.()).toMatchObject({ sent: 40, pending: 0, dropped: 0, spooled: 0 })
      expect(await storedIds(server.server.url)).toEqual(idsOf(0, 40).sort())
      expect((await readdir(spoolDir)).filter((name) => name.endsWith('.jsonl'))).toEqual([])
    })
  }
})
