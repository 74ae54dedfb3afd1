import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type CostEvent, createTracker } from '../src/index.js'
import { type FakeProvider, startFakeProvider } from './fake-provider.js'
import { type Receiver, startReceiver } from './receiver.js'

// These tests run the built SDK (packages/sdk/dist) in a child process: `npm test` builds first.
const CHILD = fileURLToPath(new URL('./fixtures/exit-child.mjs', import.meta.url))
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url))
const CALLS = 6

let fake: FakeProvider
beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` before these tests`)
  fake = await startFakeProvider()
})
afterAll(() => fake.close())

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
  const dir = mkdtempSync(join(tmpdir(), 'spendlens-exit-test-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Events in the spool's segment files, oldest first. */
function spooled(dir: string): CostEvent[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as CostEvent),
    )
}

function accepted(server: Receiver): CostEvent[] {
  return server.received.filter((batch) => batch.status === 200).flatMap((batch) => batch.body as CostEvent[])
}

interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the child app; `signal` is sent once it printed `ready`. */
function runChild(
  config: { endpoint: string; spoolDir: string; end: 'natural' | 'exit' | 'signal'; appListener?: string },
  signal?: NodeJS.Signals,
): Promise<ChildResult> {
  const environment = { ...process.env }
  for (const key of Object.keys(environment)) if (key.startsWith('SPENDLENS_')) delete environment[key]
  const child = spawn(
    process.execPath,
    [CHILD, JSON.stringify({ ...config, providerURL: fake.openaiBaseURL, calls: CALLS })],
    { env: environment, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    if (signal && stdout.includes('ready\n') && child.signalCode === null && !child.killed) child.kill(signal)
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve) => {
    child.on('close', (code, exitSignal) => resolve({ code, signal: exitSignal, stdout, stderr }))
  })
}

/** Every one of the child's CALLS events exactly once across the receiver and the spool. */
function expectEachEventOnce(delivered: CostEvent[], inSpool: CostEvent[], child: ChildResult) {
  const all = [...delivered, ...inSpool]
  expect(all, `child stderr:\n${child.stderr}`).toHaveLength(CALLS)
  expect(new Set(all.map((event) => event.event_id)).size).toBe(CALLS)
  expect(all.every((event) => event.feature === 'exit-test')).toBe(true)
}

/** A new tracker (a later process) replays the spool: afterwards the server has every event once. */
async function replay(dir: string, server: Receiver, before: CostEvent[]) {
  const inSpool = spooled(dir)
  const tracker = createTracker({ endpoint: server.url, spool: { dir }, onWarning: () => undefined })
  await tracker.flush()
  const all = accepted(server)
  expect(all.slice(before.length).map((event) => event.event_id)).toEqual(
    inSpool.map((event) => event.event_id),
  )
  expect(new Set(all.map((event) => event.event_id)).size).toBe(CALLS)
  expect(all).toHaveLength(CALLS)
  expect(spooled(dir)).toEqual([])
}

describe('events survive the end of the process (child process running the built SDK)', () => {
  it('a natural exit delivers every event before the process ends', async () => {
    const server = await receiver()
    const dir = spoolDir()

    const child = await runChild({ endpoint: server.url, spoolDir: dir, end: 'natural' })

    expect(child.code, child.stderr).toBe(0)
    expect(accepted(server)).toHaveLength(CALLS)
    expectEachEventOnce(accepted(server), spooled(dir), child)
  })

  it('a natural exit with the server down does not hang: the events wait in the spool', async () => {
    const dir = spoolDir()

    const child = await runChild({
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      spoolDir: dir,
      end: 'natural',
    })

    expect(child.code, child.stderr).toBe(0)
    expect(spooled(dir)).toHaveLength(CALLS)
    expectEachEventOnce([], spooled(dir), child)
    const server = await receiver()
    await replay(dir, server, [])
  })

  it('process.exit() spools what was not yet sent, and the next process replays it', async () => {
    const server = await receiver()
    const dir = spoolDir()

    const child = await runChild({ endpoint: server.url, spoolDir: dir, end: 'exit' })

    expect(child.code, child.stderr).toBe(0)
    // The last call's event was still waiting for the tracker's setImmediate when exit() came.
    expect(spooled(dir).length).toBeGreaterThanOrEqual(1)
    const delivered = accepted(server)
    expectEachEventOnce(delivered, spooled(dir), child)
    await replay(dir, server, delivered)
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} spools the pending events, then ends the process by ${signal} as if spendlens were not there`, async () => {
      // The server takes the requests and never answers: every event is in flight or in memory.
      const hanging = await receiver({ hang: true })
      const dir = spoolDir()

      const child = await runChild({ endpoint: hanging.url, spoolDir: dir, end: 'signal' }, signal)

      expect(child.signal, `${child.stdout}\n${child.stderr}`).toBe(signal)
      expect(child.code).toBeNull()
      expectEachEventOnce([], spooled(dir), child)
      await replay(dir, await receiver(), [])
    })
  }

  it('SIGTERM with the app’s own listener: the app decides when to exit, and no event is lost or sent twice', async () => {
    const server = await receiver()
    const dir = spoolDir()

    const child = await runChild(
      { endpoint: server.url, spoolDir: dir, end: 'signal', appListener: 'SIGTERM' },
      'SIGTERM',
    )

    expect(child.signal, child.stderr).toBeNull()
    expect(child.code).toBe(7)
    expect(child.stdout).toContain('app-shutdown')
    const delivered = accepted(server)
    expectEachEventOnce(delivered, spooled(dir), child)
    await replay(dir, server, delivered)
  })
})
