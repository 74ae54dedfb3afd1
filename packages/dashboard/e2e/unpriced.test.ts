// The Unpriced models page (issue 17: "the dashboard lists them with the calls and tokens at stake,
// one place") in a real browser against the real server (DuckDB in a temp directory), with calls of
// two models no catalog prices ingested beside priced ones: the page lists exactly those models with
// the calls, tokens, first and last call and features ingested, the overview's mention of unpriced
// calls leads to it, and its figures are the API's answer to the same question, at 1280 and 1920 px.
// Needs `npm run build` first: the server serves packages/server/dist/public.

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '@spendlens/server'
import type { QueryRow } from '@spendlens/server/api-types'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { presetRange } from '../src/lib/time-range'
import { UNPRICED_MODELS_QUERY } from '../src/lib/unpriced-models'
import { launchChromium } from './browser'

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts')
const TZ = 'Europe/Paris'
const HOUR = 3_600_000

let directory: string
let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const consoleErrors: string[] = []
const now = Date.now()

/** A call `hoursAgo` hours back; without a cost, so the server prices it (or finds it has no price). */
function call(id: string, hoursAgo: number, fields: Record<string, unknown>) {
  return {
    event_id: `unpriced-e2e-${id}`,
    ts: now - hoursAgo * HOUR,
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o-mini-2024-07-18',
    input_tokens: 1000,
    output_tokens: 100,
    latency_ms: 500,
    customer_id: 'acme',
    ...fields,
  }
}

const EVENTS = [
  // Priced: the catalog knows gpt-4o-mini.
  call('p1', 5, { feature: 'chat' }),
  call('p2', 4, { feature: 'search' }),
  // acme-ft-v2 (openai): three calls in two features.
  call('a1', 50, { model: 'acme-ft-v2', feature: 'chat', input_tokens: 1200, output_tokens: 300 }),
  call('a2', 30, { model: 'acme-ft-v2', feature: 'chat', input_tokens: 800, output_tokens: 200 }),
  call('a3', 10, { model: 'acme-ft-v2', feature: 'summarize', input_tokens: 500, output_tokens: 50 }),
  // house-llm-7b (a self-named provider): one call.
  call('h1', 20, {
    provider: 'houseai',
    model: 'house-llm-7b',
    feature: 'search',
    input_tokens: 4000,
    output_tokens: 10,
  }),
]

/** The models and figures ingested above, worked out by hand (first/last seen are the calls' times). */
const EXPECTED = [
  {
    provider: 'openai',
    model: 'acme-ft-v2',
    calls: '3',
    // 1200 + 800 + 500, 300 + 200 + 50
    input: '2500',
    output: '550',
    first: new Date(now - 50 * HOUR).toISOString(),
    last: new Date(now - 10 * HOUR).toISOString(),
    features: 'chat (2), summarize (1)',
  },
  {
    provider: 'houseai',
    model: 'house-llm-7b',
    calls: '1',
    input: '4000',
    output: '10',
    first: new Date(now - 20 * HOUR).toISOString(),
    last: new Date(now - 20 * HOUR).toISOString(),
    features: 'search (1)',
  },
]

/** The dashboard's question, asked of the API directly over its default range (30 Paris days). */
async function apiRows(): Promise<QueryRow[]> {
  const range = presetRange('30d', TZ)
  const response = await fetch(new URL('api/query', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      from: range.from?.toISOString(),
      to: range.to?.toISOString(),
      timeZone: TZ,
      ...UNPRICED_MODELS_QUERY,
    }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { rows: QueryRow[] }).rows
}

/** The unpriced models table, each row as its column labels → raw values. */
async function unpricedTable(page: Page): Promise<Record<string, string>[]> {
  await page.locator('[data-testid="unpriced-models-table"] tbody tr').first().waitFor({ timeout: 30_000 })
  return page.evaluate(() => {
    const table = document.querySelector('[data-testid="unpriced-models-table"]') as Element
    const labels = [...table.querySelectorAll('thead th')].map(
      (cell) =>
        cell.querySelector('button')?.firstChild?.textContent?.trim() ?? cell.textContent?.trim() ?? '',
    )
    return [...table.querySelectorAll('tbody tr')].map((row) =>
      Object.fromEntries(
        [...row.querySelectorAll('th, td')].map((cell, index) => [
          labels[index] as string,
          cell.getAttribute('data-value') ?? '',
        ]),
      ),
    )
  })
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-unpriced-e2e-'))
  server = await startServer({ storePath: join(directory, 'spendlens.duckdb'), port: 0, logger: false })
  const response = await fetch(new URL('v1/events', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(EVENTS),
  })
  expect(response.status).toBe(200)
  browser = await launchChromium()
  await mkdir(ARTIFACTS, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (directory) await rm(directory, { recursive: true, force: true })
})

for (const width of [1280, 1920]) {
  describe(`the unpriced models at ${width} px`, () => {
    it('the overview’s unpriced mention leads to the list of exactly the models and figures ingested', async () => {
      const context = await browser.newContext({
        viewport: { width, height: 1000 },
        colorScheme: 'light',
        timezoneId: TZ,
      })
      try {
        const page = await context.newPage()
        page.on('console', (message) => {
          if (message.type() === 'error') consoleErrors.push(`${width}: ${message.text()}`)
        })
        page.on('pageerror', (error) => consoleErrors.push(`${width}: ${error.message}`))
        await page.goto(`${server.url}?view=overview&range=30d`)
        const link = page.getByTestId('unpriced-note-link')
        // 3 acme-ft-v2 calls + 1 house-llm-7b call.
        await expect(link.textContent({ timeout: 30_000 })).resolves.toBe('4 calls with unknown price')
        await link.click()
        await page.getByTestId('view-unpriced').waitFor()
        expect(new URL(page.url()).searchParams.get('view')).toBe('unpriced')

        const rows = await unpricedTable(page)
        expect(
          rows.map((row) => ({
            provider: row.Provider,
            model: row.Model,
            calls: row.Calls,
            input: row['Input tokens'],
            output: row['Output tokens'],
            first: row['First seen'],
            last: row['Last seen'],
            features: row['Features (calls)'],
          })),
        ).toEqual(EXPECTED)

        // The same figures as the API's answer to the dashboard's question, summed per model.
        const api = await apiRows()
        for (const row of rows) {
          const of = api.filter((entry) => entry.provider === row.Provider && entry.model === row.Model)
          const sum = (metric: 'requests' | 'input_tokens' | 'output_tokens') =>
            String(of.reduce((total, entry) => total + Number(entry[metric]), 0))
          expect([row.Calls, row['Input tokens'], row['Output tokens']]).toEqual([
            sum('requests'),
            sum('input_tokens'),
            sum('output_tokens'),
          ])
          const first = Math.min(...of.map((entry) => Number(entry.first_seen_ms)))
          expect(row['First seen']).toBe(new Date(first).toISOString())
        }
        expect(api.map((entry) => `${entry.provider}/${entry.model}/${entry.feature}`).sort()).toEqual([
          'houseai/house-llm-7b/search',
          'openai/acme-ft-v2/chat',
          'openai/acme-ft-v2/summarize',
        ])

        await expect(page.getByTestId('unpriced-help').textContent()).resolves.toContain('spendlens reprice')
        const clipped = await page.evaluate(() =>
          [
            document.documentElement,
            ...document.querySelectorAll('[data-testid="unpriced-models"] .table-scroll'),
          ]
            .filter((box) => box.scrollWidth > box.clientWidth + 1)
            .map((box) => box.getAttribute('data-testid') ?? box.className),
        )
        expect(clipped).toEqual([])
        await page.screenshot({ path: join(ARTIFACTS, `unpriced-${width}.png`), fullPage: true })

        // Back on the overview, the Unpriced calls card leads to the same page.
        await page.goBack()
        await page.getByTestId('unpriced-card-link').click()
        await page.getByTestId('unpriced-models-table').waitFor()
      } finally {
        await context.close()
      }
    })
  })
}

describe('the unpriced models, elsewhere', () => {
  it('a breakdown table’s note links to them', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, timezoneId: TZ })
    try {
      const page = await context.newPage()
      await page.goto(`${server.url}?view=breakdowns&range=30d&by=feature`)
      const note = page.getByTestId('unpriced-table-note')
      await expect(note.textContent({ timeout: 30_000 })).resolves.toContain('4 calls of unknown price')
      await note.getByRole('link').click()
      await page.getByTestId('unpriced-models-table').waitFor()
    } finally {
      await context.close()
    }
  })

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([])
  })
})
