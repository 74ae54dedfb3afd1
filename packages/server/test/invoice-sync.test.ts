import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { anthropicReports } from '../src/invoice/anthropic-reports.js'
import { openaiReports } from '../src/invoice/openai-reports.js'
import { syncInvoice } from '../src/invoice/sync-invoice.js'
import { syncStatuses } from '../src/invoice/sync-status.js'
import type { StoredInvoiceLine } from '../src/schema/invoice-table.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { anthropicReportData } from './anthropic-report-data.js'
import { CLI, exited } from './cli-process.js'
import {
  type FakeAdminApi,
  readOpenAIFixture,
  startFakeAnthropicAdmin,
  startFakeOpenAIAdmin,
} from './fake-admin-api.js'

/**
 * Syncs end to end: the real report clients against the fake admin APIs over HTTP, into real
 * stores on disk (DuckDB, and ClickHouse through chDB), and the CLI in a process of its own that is
 * killed half way. The fixtures are real OpenAI outputs: 31 days, totals in totals.json.
 */
const DAY = 86_400_000
const FIXTURE_FROM = Date.UTC(2025, 0, 11)
const FIXTURE_TO = Date.UTC(2025, 1, 11)
const totals = readOpenAIFixture<Record<string, number>>('totals.json')
/** The fixture costs, each line converted to whole nano-dollars (invoice-reports.test.ts shows why not totals.json's 373). */
const FIXTURE_COST_NANOS = 284_939_439_369

const sum = (lines: StoredInvoiceLine[], field: keyof StoredInvoiceLine, source?: string) =>
  lines
    .filter((line) => !source || line.source === source)
    .reduce((acc, line) => acc + Number(line[field] ?? 0), 0)

function checkFixtureTotals(lines: StoredInvoiceLine[]) {
  expect(sum(lines, 'amount_nanos', 'costs')).toBe(FIXTURE_COST_NANOS)
  expect(sum(lines, 'input_tokens', 'usage/completions')).toBe(totals.input_tokens)
  expect(sum(lines, 'output_tokens', 'usage/completions')).toBe(totals.output_tokens)
  expect(sum(lines, 'cache_read_tokens', 'usage/completions')).toBe(totals.input_cached_tokens)
  expect(sum(lines, 'requests', 'usage/completions')).toBe(totals.num_model_requests)
  expect(lines.filter((line) => line.source === 'costs')).toHaveLength(totals.cost_buckets as number)
  expect(lines.filter((line) => line.source === 'usage/completions')).toHaveLength(
    totals.usage_buckets as number,
  )
}

for (const engine of ['duckdb', 'clickhouse'] as const) {
  describe(`invoice sync into ${engine}`, () => {
    let folder: string
    let store: Store
    let fake: FakeAdminApi
    beforeEach(async () => {
      folder = await mkdtemp(join(tmpdir(), `spendlens-sync-${engine}-`))
      store = await openStore(
        engine === 'duckdb' ? join(folder, 'events.duckdb') : `chdb://${join(folder, 'chdb')}`,
      )
      fake = await startFakeOpenAIAdmin({ maxBucketsPerPage: 7 })
    })
    afterEach(async () => {
      await store.close()
      await fake.close()
      await rm(folder, { recursive: true, force: true })
    })

    const sync = (now = FIXTURE_TO + DAY) =>
      syncInvoice({
        store,
        project: 'default',
        provider: 'openai',
        sources: openaiReports({ key: fake.key, baseUrl: fake.url, retryBaseMs: 10 }),
        since: FIXTURE_FROM,
        until: FIXTURE_TO,
        now: () => now,
      })

    it('stores every fixture bucket once; run again with a 429 and a revised bucket, still once, revised', async () => {
      const first = await sync()
      expect(first.lines).toBe(62)
      checkFixtureTotals(await store.invoiceLines({ project: 'default' }))

      // The provider revises the last day's cost, and rate-limits the second run once.
      const lastDay = FIXTURE_TO - DAY
      fake.revise('costs', lastDay, [
        {
          object: 'organization.costs.result',
          amount: { value: 1.5, currency: 'usd' },
          line_item: null,
          project_id: null,
        },
      ])
      fake.fail({ status: 429, retryAfter: '1' })
      await sync()
      const lines = await store.invoiceLines({ project: 'default' })
      const before = (await store.invoiceLines({ project: 'default', from: lastDay, to: FIXTURE_TO })).find(
        (line) => line.source === 'costs',
      )
      expect(before?.amount_nanos).toBe(1_500_000_000)
      expect(lines.filter((line) => line.source === 'costs')).toHaveLength(31)
      expect(fake.requests.some((request) => request.status === 429)).toBe(true)

      const [status] = await syncStatuses(store, 'default')
      expect(status).toMatchObject({
        provider: 'openai',
        organization: 'org-GLHrIv00VVN9dEQC2b4wsBkf',
        synced_from: new Date(FIXTURE_FROM).toISOString(),
        synced_until: new Date(FIXTURE_TO).toISOString(),
        last_error: null,
        lines: 62,
      })
    })

    it('a refused key fails the run and leaves the reason in the sync state', async () => {
      await expect(
        syncInvoice({
          store,
          project: 'default',
          provider: 'openai',
          sources: openaiReports({ key: 'sk-wrong', baseUrl: fake.url }),
          since: FIXTURE_FROM,
          until: FIXTURE_TO,
        }),
      ).rejects.toThrow(/admin key/)
      const [status] = await syncStatuses(store, 'default')
      expect(status?.last_error).toMatch(/OpenAI answered 401: .*admin-keys/)
      expect(status?.synced_until).toBeNull()
      expect(await store.invoiceLines({ project: 'default' })).toEqual([])
    })
  })
}

describe('invoice sync', () => {
  let folder: string
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-sync-'))
  })
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it('an incremental run starts at the last complete day less the revised days', async () => {
    const fake = await startFakeOpenAIAdmin()
    const store = await openStore(join(folder, 'events.duckdb'))
    try {
      const run = (now: number) =>
        syncInvoice({
          store,
          project: 'default',
          provider: 'openai',
          sources: openaiReports({ key: fake.key, baseUrl: fake.url }).filter(
            (source) => source.source === 'costs',
          ),
          since: undefined,
          now: () => now,
        })
      // First run: from the first of last month to the end of today.
      const first = await run(Date.UTC(2025, 1, 5, 12))
      expect([first.from, first.to]).toEqual([Date.UTC(2025, 0, 1), Date.UTC(2025, 1, 6)])
      // The next: today (Feb 5) was not complete, so from Feb 5 less three revised days.
      const second = await run(Date.UTC(2025, 1, 7, 12))
      expect([second.from, second.to]).toEqual([Date.UTC(2025, 1, 2), Date.UTC(2025, 1, 8)])
      const lines = await store.invoiceLines({ project: 'default' })
      expect(lines).toHaveLength(new Set(lines.map((line) => line.bucket_start)).size)
      expect(lines.length).toBe(28)
    } finally {
      await store.close()
      await fake.close()
    }
  })

  it('an organization is synced into one project', async () => {
    const fake = await startFakeOpenAIAdmin()
    const store = await openStore(join(folder, 'events.duckdb'))
    try {
      const sources = openaiReports({ key: fake.key, baseUrl: fake.url }).filter(
        (source) => source.source === 'costs',
      )
      const run = () =>
        syncInvoice({
          store,
          project: 'default',
          provider: 'openai',
          sources,
          since: FIXTURE_FROM,
          until: FIXTURE_TO,
        })
      await run()
      fake.revise('costs', FIXTURE_FROM, [
        {
          object: 'organization.costs.result',
          amount: { value: 1, currency: 'usd' },
          line_item: null,
          project_id: null,
          organization_id: 'org-SomeoneElse',
        },
      ])
      await expect(run()).rejects.toThrow(/org-GLHrIv00VVN9dEQC2b4wsBkf.*org-SomeoneElse.*project of its own/)
    } finally {
      await store.close()
      await fake.close()
    }
  })

  it('Anthropic: every bucket once over pages, run twice, totals exact', async () => {
    const from = Date.UTC(2026, 9, 1)
    const { data, totals: expected } = anthropicReportData(from, 40)
    const fake = await startFakeAnthropicAdmin({ data })
    const store = await openStore(join(folder, 'events.duckdb'))
    try {
      for (let run = 0; run < 2; run++)
        await syncInvoice({
          store,
          project: 'default',
          provider: 'anthropic',
          sources: anthropicReports({ key: fake.key, baseUrl: fake.url }),
          since: from,
          until: from + 40 * DAY,
          now: () => from + 41 * DAY,
        })
      const lines = await store.invoiceLines({ project: 'default' })
      expect(sum(lines, 'amount_nanos', 'cost_report')).toBe(expected.amount_nanos)
      expect(sum(lines, 'input_tokens', 'usage_report/messages')).toBe(expected.input_tokens)
      expect(sum(lines, 'cache_write_1h_tokens', 'usage_report/messages')).toBe(
        expected.cache_write_1h_tokens,
      )
      expect(lines.filter((line) => line.source === 'cost_report')).toHaveLength(expected.cost_lines)
      expect(lines.filter((line) => line.source === 'usage_report/messages')).toHaveLength(
        expected.usage_lines,
      )
    } finally {
      await store.close()
      await fake.close()
    }
  })

  it('the CLI killed half way, then run again, stores every bucket once', async () => {
    const fake = await startFakeOpenAIAdmin({ maxBucketsPerPage: 3, delayMs: 150 })
    const location = join(folder, 'events.duckdb')
    const args = [
      'sync',
      'openai',
      '--store',
      location,
      '--base-url',
      fake.url,
      '--since',
      '2025-01-11',
      '--until',
      '2025-02-10',
    ]
    const env = { ...process.env, OPENAI_ADMIN_KEY: fake.key }
    try {
      const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      // Killed once a few pages of the costs report are stored.
      await waitFor(() => fake.requests.filter((request) => request.status === 200).length >= 4)
      child.kill('SIGKILL')
      await exited(child)
      const half = await openStore(location)
      const partial = await half.invoiceLines({ project: 'default' })
      const [state] = await syncStatuses(half, 'default')
      await half.close()
      expect(partial.length).toBeGreaterThan(0)
      expect(partial.length).toBeLessThan(62)
      expect(state?.synced_until).toBeNull()

      const rerun = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      rerun.stdout?.on('data', (chunk) => {
        output += chunk
      })
      expect(await exited(rerun)).toBe(0)
      expect(output).toMatch(
        /Synced 62 lines of openai reports .* from 2025-01-11 to 2025-02-10 into project default/,
      )
      const store = await openStore(location)
      try {
        checkFixtureTotals(await store.invoiceLines({ project: 'default' }))
      } finally {
        await store.close()
      }
    } finally {
      await fake.close()
    }
  }, 60_000)

  it('the CLI says in one line that an admin key is needed', async () => {
    const fake = await startFakeOpenAIAdmin()
    try {
      const missing = spawn(process.execPath, [CLI, 'sync', 'openai', '--store', join(folder, 'a.duckdb')], {
        env: { ...process.env, OPENAI_ADMIN_KEY: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const refused = spawn(
        process.execPath,
        [
          CLI,
          'sync',
          'openai',
          '--store',
          join(folder, 'b.duckdb'),
          '--base-url',
          fake.url,
          '--since',
          '2025-01-11',
        ],
        {
          env: { ...process.env, OPENAI_ADMIN_KEY: 'sk-admin-not-this-one' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      for (const [child, pattern] of [
        [missing, /^spendlens: set OPENAI_ADMIN_KEY: .*admin key.*admin-keys\n$/],
        [refused, /spendlens: OpenAI answered 401: .*organization\/admin-keys\n$/],
      ] as const) {
        let stderr = ''
        child.stderr?.on('data', (chunk) => {
          stderr += chunk
        })
        expect(await exited(child)).toBe(1)
        expect(stderr.split('\n').filter(Boolean).at(-1)).toMatch(/admin-keys/)
        expect(stderr).toMatch(pattern)
        expect(stderr).not.toContain('sk-admin-not-this-one')
      }
    } finally {
      await fake.close()
    }
  }, 30_000)
})

async function waitFor(condition: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
