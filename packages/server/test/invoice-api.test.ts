import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { InvoiceSyncAnswer, ReconcileAnswer } from '../src/api/api-types.js'
import { openaiReports } from '../src/invoice/openai-reports.js'
import { type RunningServer, startServer } from '../src/start-server.js'
import { openStore } from '../src/store/open-store.js'
import { runCli } from './cli-process.js'
import { type FakeAdminApi, startFakeOpenAIAdmin } from './fake-admin-api.js'

/**
 * The invoice over HTTP and on the command line: the background sync a server runs with an admin
 * key (against the fake admin API), the sync status, a sync started by an admin, and the
 * reconciliation as JSON and CSV, on the real server and the real CLI.
 */
const FROM = '2025-01-11'
const TO = '2025-02-10'

describe('the invoice over HTTP and on the command line', () => {
  let folder: string
  let fake: FakeAdminApi
  let server: RunningServer
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-invoice-api-'))
    fake = await startFakeOpenAIAdmin()
  })
  afterEach(async () => {
    await server?.close()
    await fake.close()
    await rm(folder, { recursive: true, force: true })
  })

  const get = async <T>(path: string) => {
    const response = await fetch(new URL(path, server.url))
    return { status: response.status, body: (await response.json()) as T }
  }

  it('a server with an admin key syncs in the background, says where it stands, and syncs again on demand', async () => {
    server = await startServer({
      store: join(folder, 'spendlens.duckdb'),
      port: 0,
      demo: false,
      invoiceSync: {
        project: 'default',
        intervalMs: 3_600_000,
        sources: { openai: openaiReports({ key: fake.key, baseUrl: fake.url }) },
      },
    })
    // The first run starts with the server, and reads from the first of last month: none of the
    // fixtures' days (January 2025), so it stores nothing but says it ran.
    await waitFor(
      async () =>
        (await get<InvoiceSyncAnswer>('api/invoice/sync')).body.providers[0]?.last_success_at !== null,
    )
    const { body } = await get<InvoiceSyncAnswer>('api/invoice/sync')
    expect(body.providers.map((status) => [status.provider, status.configured, status.last_error])).toEqual([
      ['openai', true, null],
      ['anthropic', false, null],
    ])
    expect(body.providers[0]?.next_run_at).not.toBeNull()
    const requestsBefore = fake.requests.length

    const run = await fetch(new URL('api/invoice/sync/run', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'openai' }),
    })
    expect(run.status).toBe(202)
    expect(await run.json()).toEqual({ started: ['openai'] })
    await waitFor(async () => fake.requests.length > requestsBefore)

    const refused = await fetch(new URL('api/invoice/sync/run', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'anthropic' }),
    })
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('sync_not_configured')
  })

  it('reconcile answers JSON and CSV for the synced days, and refuses what it cannot read', async () => {
    const location = join(folder, 'spendlens.duckdb')
    const sync = await runCli(
      ['sync', 'openai', '--store', location, '--base-url', fake.url, '--since', FROM, '--until', TO],
      { ...process.env, OPENAI_ADMIN_KEY: fake.key },
    )
    expect(sync.status, sync.stderr).toBe(0)

    // The terminal: the contract's JSON (totals with invoiced_usd, tracked_usd and coverage).
    const printedRun = await runCli([
      'reconcile',
      '--store',
      location,
      '--since',
      FROM,
      '--until',
      TO,
      '--format',
      'json',
    ])
    expect(printedRun.status, printedRun.stderr).toBe(0)
    const printed = JSON.parse(printedRun.stdout) as ReconcileAnswer
    // No events: every invoiced day is before tracking, never mixed into the figures.
    expect(printed.totals).toMatchObject({ invoiced_usd: 0, tracked_usd: 0, coverage: null })
    expect(printed.before_tracking?.invoiced_usd).toBeCloseTo(284.939439369, 9)
    const table = await runCli(['reconcile', '--store', location, '--since', FROM, '--until', TO])
    expect(table.stdout).toContain('Before tracking (until 2025-02-11), not attributed: $284.94 invoiced.')

    server = await startServer({ store: location, port: 0, demo: false })
    const { status, body } = await get<ReconcileAnswer>(
      `api/invoice/reconcile?from=${FROM}&to=${TO}&by=model`,
    )
    expect(status).toBe(200)
    expect(body).toEqual({ ...printed, by: 'model', rows: [] })
    expect(body.sync[0]).toMatchObject({
      provider: 'openai',
      configured: false,
      synced_until: '2025-02-11T00:00:00.000Z',
    })

    const csv = await fetch(
      new URL(`api/invoice/reconcile?from=${FROM}&to=${TO}&format=csv&table=before_tracking`, server.url),
    )
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    const records = parse(await csv.text(), { columns: true }) as Record<string, string>[]
    expect(records).toHaveLength(1)
    expect(Number(records[0]?.invoiced_usd)).toBeCloseTo(284.939439369, 9)

    for (const query of [
      'by=week',
      'from=2025-13-01',
      `from=${TO}&to=${FROM}`,
      'from=2020-01-01&to=2025-01-01',
    ]) {
      const bad = await get<{ error: { code: string; message: string } }>(`api/invoice/reconcile?${query}`)
      expect(bad.status, query).toBe(400)
      expect(bad.body.error.code).toBe('bad_request')
    }
  })

  it('the sync state and lines of a project stay in it', async () => {
    const location = join(folder, 'spendlens.duckdb')
    const sync = await runCli(
      [
        'sync',
        'openai',
        '--store',
        location,
        '--base-url',
        fake.url,
        '--since',
        FROM,
        '--until',
        TO,
        '--project',
        'alpha',
      ],
      { ...process.env, OPENAI_ADMIN_KEY: fake.key },
    )
    expect(sync.status, sync.stderr).toBe(0)
    const store = await openStore(location)
    try {
      expect(await store.invoiceLines({ project: 'default' })).toEqual([])
      expect((await store.invoiceLines({ project: 'alpha' })).length).toBe(62)
    } finally {
      await store.close()
    }
  })
})

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
