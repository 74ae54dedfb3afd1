// Charged by the provider (issue 17: a cost the provider charged beside the catalog's price) in a
// real browser against the real server (DuckDB in a temp directory): with calls OpenRouter and
// Perplexity charged ingested beside ordinary ones, the Models view shows per model the charged
// calls, what was charged, the catalog's price and the difference, each equal to the hand sums and
// to the API's answer to the same question; without charged calls in scope the panel is not there.
// Needs `npm run build` first: the server serves packages/server/dist/public.

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '@spendlens/server'
import type { QueryRow } from '@spendlens/server/api-types'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHARGED_TOTAL_QUERY, chargedModelsQuery, chargedRows } from '../src/lib/charged-costs'
import type { QueryShape } from '../src/lib/scope'
import { presetRange } from '../src/lib/time-range'
import { launchChromium } from './browser'

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts')
const TZ = 'Europe/Paris'
const HOUR = 3_600_000

let directory: string
let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const consoleErrors: string[] = []
const now = Date.now()

/** A call `hoursAgo` hours back (well inside the 30-day range whatever the time of day). */
function call(id: string, hoursAgo: number, fields: Record<string, unknown>) {
  return {
    event_id: `charged-e2e-${id}`,
    ts: now - hoursAgo * HOUR,
    operation: 'chat',
    input_tokens: 1000,
    output_tokens: 100,
    latency_ms: 500,
    feature: 'chat',
    ...fields,
  }
}

/** A call its provider charged, with the catalog's price of it (null: the catalog has none). */
function charged(
  id: string,
  hoursAgo: number,
  provider: string,
  model: string,
  cost: number,
  computed: number | null,
) {
  return call(id, hoursAgo, {
    provider,
    model,
    cost_usd: cost,
    pricing_status: 'client',
    price_source: `charged:${provider}`,
    computed_cost_usd: computed,
  })
}

const EVENTS = [
  charged('r1', 6, 'openrouter', 'openai/gpt-4o-mini', 0.00015, 0.000135),
  charged('r2', 5, 'openrouter', 'openai/gpt-4o-mini', 0.0003, 0.00027),
  charged('r3', 4, 'openrouter', 'mystery/model-x', 0.002, null),
  charged('p1', 3, 'perplexity', 'sonar', 0.005, 0.006),
  // Ordinary calls: priced by the server from the catalog, and a cost the sender supplied itself.
  call('n1', 2, { provider: 'openai', model: 'gpt-4o-mini-2024-07-18' }),
  call('s1', 1, { provider: 'openai', model: 'gpt-4o', cost_usd: 0.25, price_source: 'custom:acme' }),
]

/** The table's rows by hand (snapshot grain: the models as reported), most charged first. */
const EXPECTED = [
  // Perplexity charged $0.005 where the catalog says $0.006: 5000000 − 6000000 nano-dollars.
  {
    model: 'sonar',
    provider: 'perplexity',
    calls: '1',
    charged: '0.005',
    catalog: '0.006',
    difference: '-0.001',
  },
  // The catalog has no price: the difference is unknown, not the whole charge.
  {
    model: 'mystery/model-x',
    provider: 'openrouter',
    calls: '1',
    charged: '0.002',
    catalog: '',
    difference: '',
  },
  // 150000 + 300000 charged, 135000 + 270000 in the catalog: 45000 nano-dollars above.
  {
    model: 'openai/gpt-4o-mini',
    provider: 'openrouter',
    calls: '2',
    charged: '0.00045',
    catalog: '0.000405',
    difference: '0.000045',
  },
]
/** The footer: every charged call, 7450000 charged and 6405000 in the catalog (r3 has none: no difference). */
const EXPECTED_TOTAL = { calls: '4', charged: '0.00745', catalog: '0.006405', difference: '' }

/** The dashboard's question, asked of the API directly over its default range. */
async function apiRows(shape: QueryShape): Promise<QueryRow[]> {
  const range = presetRange('30d', TZ)
  const response = await fetch(new URL('api/query', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      from: range.from?.toISOString(),
      to: range.to?.toISOString(),
      timeZone: TZ,
      ...shape,
    }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { rows: QueryRow[] }).rows
}

/** The charged costs table: its body rows and its footer, each as column labels → raw values. */
async function chargedTable(
  page: Page,
): Promise<{ rows: Record<string, string>[]; total: Record<string, string> }> {
  await page.locator('[data-testid="charged-cost-table"] tbody tr').first().waitFor({ timeout: 30_000 })
  return page.evaluate(() => {
    const table = document.querySelector('[data-testid="charged-cost-table"]') as Element
    const labels = [...table.querySelectorAll('thead th')].map(
      (cell) =>
        cell.querySelector('button')?.firstChild?.textContent?.trim() ?? cell.textContent?.trim() ?? '',
    )
    const read = (row: Element) =>
      Object.fromEntries(
        [...row.querySelectorAll('th, td')].map((cell, index) => [
          labels[index] as string,
          cell.getAttribute('data-value') ?? '',
        ]),
      )
    return {
      rows: [...table.querySelectorAll('tbody tr')].map(read),
      total: read(table.querySelector('tfoot tr') as Element),
    }
  })
}

const figures = (row: Record<string, string>) => ({
  calls: row['Charged calls'],
  charged: row.Charged,
  catalog: row['Catalog price'],
  difference: row.Difference,
})

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-charged-e2e-'))
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
  describe(`charged by the provider at ${width} px`, () => {
    it('shows per model the charged cost, the catalog’s price and the difference, as the API answers', async () => {
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
        await page.goto(`${server.url}?view=models&range=30d&models=snapshot`)
        const { rows, total } = await chargedTable(page)
        expect(rows.map((row) => ({ model: row.Snapshot, provider: row.Provider, ...figures(row) }))).toEqual(
          EXPECTED,
        )
        expect(figures(total)).toEqual(EXPECTED_TOTAL)
        // Shown as dollars, the unknown as unknown.
        const cells = page.getByTestId('charged-cost-table').locator('tbody tr').nth(1).locator('td')
        await expect(cells.nth(3).textContent()).resolves.toBe('not in catalog')
        await expect(cells.nth(4).textContent()).resolves.toBe('—')

        // The same figures as the API's answer to the dashboard's questions.
        const api = chargedRows(await apiRows(chargedModelsQuery('model')))
        expect(
          api.map((row) => [
            row.model,
            row.provider,
            String(row.charged_requests),
            String(row.charged_cost_usd),
            String(row.computed_cost_usd ?? ''),
          ]),
        ).toEqual(
          rows.map((row) => [
            row.Snapshot,
            row.Provider,
            row['Charged calls'],
            row.Charged,
            row['Catalog price'],
          ]),
        )
        const [apiTotal] = await apiRows(CHARGED_TOTAL_QUERY)
        expect(
          [apiTotal?.charged_requests, apiTotal?.charged_cost_usd, apiTotal?.computed_cost_usd].map(String),
        ).toEqual([total['Charged calls'], total.Charged, total['Catalog price']])

        const clipped = await page.evaluate(() =>
          [
            document.documentElement,
            ...document.querySelectorAll('[data-testid="charged-cost-panel"] .table-scroll'),
          ]
            .filter((box) => box.scrollWidth > box.clientWidth + 1)
            .map((box) => box.getAttribute('data-testid') ?? box.className),
        )
        expect(clipped).toEqual([])
        await page
          .getByTestId('charged-cost-panel')
          .screenshot({ path: join(ARTIFACTS, `charged-cost-${width}.png`) })
      } finally {
        await context.close()
      }
    })
  })
}

describe('charged by the provider, elsewhere', () => {
  it('by family (the default), the panel is there with the API’s figures', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, timezoneId: TZ })
    try {
      const page = await context.newPage()
      await page.goto(`${server.url}?view=models&range=30d`)
      const { rows } = await chargedTable(page)
      const api = chargedRows(await apiRows(chargedModelsQuery('model_family')))
      expect(rows.map((row) => [row.Model, row.Charged])).toEqual(
        api.map((row) => [String(row.model_family), String(row.charged_cost_usd)]),
      )
    } finally {
      await context.close()
    }
  })

  it('is not there when no call in scope was charged by its provider', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, timezoneId: TZ })
    try {
      const page = await context.newPage()
      await page.goto(`${server.url}?view=models&range=30d&provider=openai`)
      // The models table answers first; the charged panel, asked at the same time, stays away.
      await page.locator('[data-testid="models-table"] tbody tr').first().waitFor({ timeout: 30_000 })
      await page.waitForLoadState('networkidle')
      await expect(page.getByTestId('charged-cost-panel').count()).resolves.toBe(0)
    } finally {
      await context.close()
    }
  })

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([])
  })
})
