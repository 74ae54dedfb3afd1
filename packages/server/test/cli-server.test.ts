import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Credentials } from '../src/auth/credentials.js'
import { DEMO_PROJECT } from '../src/demo/demo-project.js'
import { type RunningServer, startServer } from '../src/start-server.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { runCli } from './cli-process.js'
import { EVENTS, PRICE_FILE } from './reprice-fixtures.js'

// The built CLI in processes of their own (`npx tsc -b packages/sdk packages/server` first) while a
// real server holds the DuckDB file on disk: DuckDB allows one writer, so every data command goes
// through the server's admin routes, found at 127.0.0.1:$SPENDLENS_PORT (docs/cli.md).

let folder: string
let storePath: string
let server: RunningServer
let adminKey: string
let readKey: string
/** The CLI's environment: the server's port, and its admin key. */
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-cli-server-'))
  storePath = join(folder, 'events.duckdb')
  const store = await openDuckDBStore(storePath)
  const credentials = await Credentials.open(store, { refresh: false })
  adminKey = (await credentials.createKey({ project: 'default', role: 'admin', name: 'cli' })).key
  readKey = (await credentials.createKey({ project: 'default', role: 'read', name: 'reader' })).key
  await credentials.close()
  await store.append(EVENTS)
  await store.close()
  server = await startServer({ store: storePath, port: 0, demo: false, anomalies: undefined })
  const port = new URL(server.url).port
  env = { ...process.env, SPENDLENS_PORT: port, SPENDLENS_ADMIN_KEY: adminKey, PORT: '1' }
})
afterAll(async () => {
  await server?.close()
  await rm(folder, { recursive: true, force: true })
})

const cli = (...args: string[]) => runCli([...args, '--store', storePath], env)

describe('the data commands while spendlens serve holds the store', () => {
  it('export writes every event to JSON Lines and Parquet through the server', async () => {
    const jsonl = join(folder, 'out.jsonl')
    // Every project is more than a key of one project may take.
    expect((await cli('export', '--to', jsonl)).stderr).toContain(
      'this credential may not use every project: name one',
    )
    const run = await cli('export', '--to', jsonl, '--project', 'default')
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toContain(`Exported ${EVENTS.length} events through the server at ${server.url}`)
    const lines = (await readFile(jsonl, 'utf8')).trimEnd().split('\n')
    expect(lines.map((line) => JSON.parse(line).event_id).sort()).toEqual(
      EVENTS.map((event) => event.event_id).sort(),
    )

    const parquet = join(folder, 'out.parquet')
    expect((await cli('export', '--to', parquet, '--project', 'default')).status).toBe(0)
    // Read back with an import into a store of its own: the same events.
    const copy = join(folder, 'copy.duckdb')
    const back = await runCli(['import', '--store', copy, '--from', parquet, '--backfill'], env)
    expect(back.stdout).toMatch(new RegExp(`inserted\\s+${EVENTS.length}`))
  })

  it('import validates and stores a file through the server, as ingest does', async () => {
    const file = join(folder, 'in.jsonl')
    const fresh = EVENTS.slice(0, 2).map((event, index) => ({
      ...event,
      event_id: `through-server-${index}`,
      ts: new Date().toISOString(),
    }))
    await writeFile(
      file,
      `${fresh.map((event) => JSON.stringify(event)).join('\n')}\n{"ts":"bad"}\nnot json\n`,
    )
    const run = await cli('import', '--from', file)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/read\s+4/)
    expect(run.stdout).toMatch(/inserted\s+2/)
    expect(run.stdout).toMatch(/rejected\s+2/)
    expect(run.stdout).toContain('line 4: not valid JSON')
    expect((await server.store.stats('default')).events).toBe(EVENTS.length + 2)
    // Again: duplicates, as at ingest.
    expect((await cli('import', '--from', file)).stdout).toMatch(/duplicates\s+2/)
  })

  it('reprice recomputes costs through the server, with the price file sent along', async () => {
    const miniCost = async () =>
      (
        await server.store.query({
          from: new Date('2026-11-02T00:00:00Z'),
          to: new Date('2026-11-03T00:00:00Z'),
          timeZone: 'UTC',
          filters: [{ dimension: 'model', op: 'in', values: ['gpt-4o-mini'] }],
          groupBy: [],
          metrics: ['cost_usd'],
        })
      )[0]?.cost_usd as number
    const before = await miniCost()
    const prices = join(folder, 'prices.json')
    await writeFile(prices, PRICE_FILE)
    const run = await cli('reprice', '--prices', prices, '--project', 'default', '--format', 'json')
    expect(run.status, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(report.examined).toBe(EVENTS.length + 2)
    // reprice-cli.test.ts's figures, worked out by hand: gpt-4o-mini's two events at twice the price.
    expect(report.repriced).toContainEqual(
      expect.objectContaining({ model: 'gpt-4o-mini', events: 2, before_usd: 0.0063, after_usd: 0.0126 }),
    )
    // Stored: the difference the report states, $0.0063.
    expect((await miniCost()) - before).toBeCloseTo(0.0063, 10)
  })

  it('demo loads the demo into its own project through the server, and demo drop removes it whole', async () => {
    const loaded = await cli('demo', '--days', '1')
    expect(loaded.status, loaded.stderr).toBe(0)
    expect(loaded.stdout).toContain(`into the project "${DEMO_PROJECT}" of the server at ${server.url}`)
    const demoEvents = (await server.store.stats(DEMO_PROJECT)).events
    expect(demoEvents).toBeGreaterThan(0)
    const before = (await server.store.stats('default')).events

    const dropped = await cli('demo', 'drop')
    expect(dropped.status, dropped.stderr).toBe(0)
    expect(dropped.stdout).toContain(`Dropped the demo: ${demoEvents.toLocaleString('en-US')} events`)
    expect((await server.store.stats(DEMO_PROJECT)).events).toBe(0)
    expect(await server.store.projects()).not.toContain(DEMO_PROJECT)
    expect((await server.store.stats('default')).events).toBe(before)
    expect((await cli('demo', 'drop')).stdout).toContain('No demo data to drop.')
  })

  it('says what is missing when the server needs an admin key', async () => {
    const withoutKey = { ...env, SPENDLENS_ADMIN_KEY: undefined }
    const run = await runCli(['export', '--store', storePath, '--to', join(folder, 'x.jsonl')], withoutKey)
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('it needs an admin key (--key, or $SPENDLENS_ADMIN_KEY')
    const read = await runCli(['demo', 'drop', '--store', storePath, '--key', readKey], env)
    expect(read.status).toBe(1)
    expect(read.stderr).toContain('(this needs an admin key)')
  })

  it('says so when the store is held and no server answers at the port', async () => {
    const run = await runCli(['demo', 'drop', '--store', storePath], { ...env, SPENDLENS_PORT: '9' })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(
      'is held by another process (a running spendlens server: DuckDB allows one writer), and no spendlens server answers at http://127.0.0.1:9/',
    )
    expect(run.stderr).toContain('Pass --server <url>')
  })

  it('--server names the server to go through, whatever the store', async () => {
    const run = await runCli(['demo', 'drop', '--server', server.url, '--key', adminKey], {
      ...process.env,
    })
    expect(run.status, run.stderr).toBe(0)
  })
})

describe('the port of spendlens serve', () => {
  it.each([
    [['--port', 'abc'], {}, "option '--port <number>' argument 'abc' is invalid"],
    [['--port', '4600.5'], {}, "option '--port <number>' argument '4600.5' is invalid"],
    [['--port', '-1'], {}, "option '--port <number>' argument '-1' is invalid"],
    [['--port', '65536'], {}, "option '--port <number>' argument '65536' is invalid"],
    [[], { SPENDLENS_PORT: 'abc' }, 'SPENDLENS_PORT="abc": expected a port'],
    [[], { PORT: '70000' }, 'PORT="70000": expected a port'],
  ])('refuses %j %j, naming the flag or variable', async (args, variables, message) => {
    const run = await runCli(['serve', '--store', join(folder, 'never.duckdb'), ...args], {
      ...process.env,
      SPENDLENS_PORT: undefined,
      PORT: undefined,
      ...variables,
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain('a whole number from 0 (any free port) to 65535')
    expect(run.stderr).not.toContain('NaN')
  })
})
