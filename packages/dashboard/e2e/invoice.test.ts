// The Invoice view in a real browser against real servers. On the demo (its events and the
// providers' simulated invoice, server/src/demo/demo-invoice.ts) every figure on the page is checked
// against GET /api/invoice/reconcile, at 1280 and 1920 px. On a store without invoice whose OpenAI
// sync is configured with a stand-in report source: the empty state, a failed run, Sync now, the
// invoice before tracking and its estimate, and Sync now hidden from a read key. Needs
// `npm run build` first: the server serves packages/server/dist/public.

import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type StartServerOptions, type Store, startServer } from '@spendlens/server'
import type { InvoiceSyncAnswer, ReconcileAnswer } from '@spendlens/server/api-types'
import { parse } from 'csv-parse/sync'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatCoverage, formatUsd } from '../src/lib/format'
import { invoiceDays } from '../src/lib/invoice-period'
import { addDays, dateLabel, daysBetween } from '../src/lib/zoned-time'
import { launchChromium } from './browser'

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts')
/** The browser's zone: the invoice's days are UTC days whatever it is. */
const TZ = 'Europe/Paris'
const DAY = 86_400_000

type Server = Awaited<ReturnType<typeof startServer>>
type InvoiceLine = Parameters<Store['replaceInvoiceLines']>[1][number]
type ReportSource = NonNullable<NonNullable<StartServerOptions['invoiceSync']>['sources']['openai']>[number]

let directory: string
/** The demo: its events and its providers' invoice. */
let demo: Server
/** No invoice yet; OpenAI's sync configured with the stand-in below. */
let bare: Server
let browser: Browser
let context: BrowserContext
let page: Page
const consoleErrors: string[] = []

/** GET /api/invoice/reconcile, as the test's own question to the server. */
async function reconcile(server: Server, params: Record<string, string>): Promise<ReconcileAnswer> {
  const response = await fetch(new URL(`api/invoice/reconcile?${new URLSearchParams(params)}`, server.url))
  expect(response.status).toBe(200)
  return (await response.json()) as ReconcileAnswer
}

async function open(server: Server, search: string) {
  await page.goto(`${server.url}?${search}`)
}

async function waitRendered(testId: string) {
  await page.locator(`[data-testid="${testId}"][data-rendered="true"]`).waitFor({ timeout: 20_000 })
}

/** A stat card's raw figure, once it has one. */
async function stat(testId: string): Promise<number> {
  const locator = page.locator(`[data-testid="${testId}"][data-value]`)
  await locator.waitFor({ timeout: 20_000 })
  return Number(await locator.getAttribute('data-value'))
}

/** The raw values behind a table's body cells, row by row (the totals row left out). */
async function bodyValues(testId: string): Promise<string[][]> {
  await page.locator(`[data-testid="${testId}"] tbody tr`).first().waitFor({ timeout: 20_000 })
  // Past 50 rows a table shows the first 50 and a "Show all" (components/data-table.tsx).
  const showAll = page.getByTestId(`${testId}-show-all`)
  if ((await showAll.count()) > 0 && (await showAll.textContent())?.startsWith('Show all'))
    await showAll.click()
  return page.evaluate(
    (id) =>
      [...document.querySelectorAll(`[data-testid="${id}"] tbody tr`)].map((row) =>
        [...row.querySelectorAll('th, td')].map((cell) => cell.getAttribute('data-value') ?? ''),
      ),
    testId,
  )
}

/** The text cells of a chart's hidden table, row by row. */
async function hiddenTable(id: string): Promise<string[][]> {
  return page.evaluate(
    (tableId) =>
      [...document.querySelectorAll(`#${tableId} tbody tr`)].map((row) =>
        [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? ''),
      ),
    id,
  )
}

async function downloadText(trigger: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), trigger()])
  return readFile((await download.path()) as string, 'utf8')
}

async function screenshot(name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** Elements of the page wider than their box (a table that scrolls sideways, the page itself). */
async function clipped(): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = [document.documentElement, ...document.querySelectorAll('main .table-scroll, main .panel')]
    return boxes
      .filter((box) => box.scrollWidth > box.clientWidth)
      .map(
        (box) =>
          `${box.closest('[data-testid]')?.getAttribute('data-testid') ?? box.tagName}: ${box.scrollWidth} > ${box.clientWidth}`,
      )
  })
}

/** The start of the current UTC day. */
const today = () => Math.floor(Date.now() / DAY) * DAY

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-invoice-e2e-'))
  // The demo in the default project, where this test's own questions to the API go (a new
  // server puts it in a project of its own: e2e/demo-banner.test.ts).
  demo = await startServer({
    storePath: join(directory, 'demo.duckdb'),
    port: 0,
    logger: false,
    demoProject: 'default',
  })
  browser = await launchChromium()
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    timezoneId: TZ,
  })
  page = await context.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(error.message))
  await mkdir(ARTIFACTS, { recursive: true })
})

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await demo?.close()
  await bare?.close()
  if (directory) await rm(directory, { recursive: true, force: true })
})

describe('on the demo, every figure is the server’s', () => {
  /** Three weeks up to yesterday: whole days the demo's invoice covers, every tracked dollar reconciled. */
  const yesterday = addDays(dateLabel(new Date(), 'UTC'), -1)
  const past = { first: addDays(yesterday, -20), last: yesterday }

  it('says how much of the month-to-date invoice the events explain, as GET /api/invoice/reconcile does', async () => {
    await open(demo, 'view=invoice')
    const days = invoiceDays('mtd', new Date())
    const answer = await reconcile(demo, { from: days.first, to: days.last, by: 'day' })
    expect(answer.totals.invoiced_usd).toBeGreaterThan(0)
    expect(await stat('invoice-invoiced')).toBe(answer.totals.invoiced_usd)
    expect(await stat('invoice-tracked')).toBe(answer.totals.tracked_usd)
    expect(await stat('invoice-coverage')).toBe(answer.totals.coverage)
    const coverage = formatCoverage(answer.totals.coverage)
    await expect(page.getByTestId('invoice-coverage').textContent()).resolves.toBe(coverage)
    await expect(page.getByTestId('invoice-invoiced').textContent()).resolves.toBe(
      formatUsd(answer.totals.invoiced_usd),
    )
    const summary = (await page.getByTestId('invoice-summary').textContent()) ?? ''
    expect(summary).toBe(answer.summary)
    expect(summary).toContain(`spendlens explains ${coverage}`)
    await expect(page.getByTestId('invoice-dominant').getAttribute('data-part')).resolves.toBe(
      answer.dominant,
    )
    // The view is in the URL; month to date is the default, so not written.
    const params = new URL(page.url()).searchParams
    expect([params.get('view'), params.get('period')]).toEqual(['invoice', null])
  })

  it('draws invoiced against tracked and the gap in parts per UTC day, the days the API answers', async () => {
    await page.getByTestId('invoice-period-30d').click()
    expect(new URL(page.url()).searchParams.get('period')).toBe('30d')
    const days = invoiceDays('30d', new Date())
    const answer = await reconcile(demo, { from: days.first, to: days.last, by: 'day' })
    await waitRendered('invoice-days-chart')
    await waitRendered('gap-parts-chart')
    await expect.poll(() => stat('invoice-invoiced'), { timeout: 15_000 }).toBe(answer.totals.invoiced_usd)
    const daily = await hiddenTable('invoice-days-table')
    expect(daily).toHaveLength(daysBetween(days.first, days.last) + 1)
    for (const row of answer.rows) {
      const cells = daily[daysBetween(days.first, row.day as string)]
      expect(cells?.slice(1, 3)).toEqual([formatUsd(row.invoiced_usd), formatUsd(row.tracked_usd)])
    }
    // Every part the API finds on some day is a non-empty series of the parts chart.
    const parts = await hiddenTable('gap-parts-table')
    const named = { untracked_usage: 1, price_difference: 2, non_model: 3, unexplained: 4 } as const
    for (const [part, column] of Object.entries(named)) {
      const found = answer.rows.some((row) => row[`${part as keyof typeof named}_usd`] !== 0)
      const drawn = parts.some((cells) => !['$0.00', '—'].includes(cells[column] ?? '—'))
      expect(drawn).toBe(found)
    }
    expect(answer.totals.non_model_usd).toBeGreaterThan(0)
    await screenshot('view-invoice')
  })

  it('lists the by-model rows the API answers, links each into the Models view, and downloads them as CSV', async () => {
    const days = past
    await open(demo, `view=invoice&period=${days.first}..${days.last}`)
    const answer = await reconcile(demo, { from: days.first, to: days.last, by: 'model' })
    const rows = await bodyValues('invoice-by-model')
    expect(rows.map((cells) => [cells[0], cells[1], Number(cells[3]), Number(cells[4])])).toEqual(
      answer.rows.map((row) => [row.model ?? '', row.provider, row.invoiced_usd, row.tracked_usd]),
    )
    expect(rows.map((cells) => cells[5])).toEqual(answer.rows.map((row) => String(row.coverage ?? '')))

    const csv = await downloadText(() => page.getByTestId('invoice-by-model-csv').click())
    const records = parse(csv, { columns: true }) as Record<string, string>[]
    expect(Object.keys(records[0] ?? {})).toEqual([
      'Model',
      'Provider',
      'Snapshots',
      'Invoiced',
      'Tracked',
      'Coverage',
      'Untracked usage',
      'Price difference',
      'Non-model lines',
      'Unexplained',
    ])
    expect(records.map((record) => [record.Model, Number(record.Invoiced)])).toEqual([
      ...answer.rows.map((row) => [row.model ?? '', row.invoiced_usd]),
      ['Total', answer.totals.invoiced_usd],
    ])

    // The largest model with tracked cost opens in the Models view: same UTC days, its provider and names.
    const row = answer.rows.find((candidate) => candidate.model && candidate.tracked_usd > 0)
    if (!row?.model || !row.provider) throw new Error('the demo has no tracked model')
    await page.getByRole('link', { name: `Model ${row.model} of ${row.provider} over these days` }).click()
    await page.getByTestId('view-models').waitFor()
    const params = new URL(page.url()).searchParams
    expect([
      params.get('view'),
      params.get('range'),
      params.get('from'),
      params.get('to'),
      params.get('tz'),
    ]).toEqual(['models', 'custom', days.first, days.last, 'UTC'])
    expect(params.getAll('provider')).toEqual([row.provider])
    expect(params.getAll('model').sort()).toEqual([...new Set([row.model, ...(row.snapshots ?? [])])].sort())
    const providers = await bodyValues('providers-table')
    expect(providers.map((cells) => cells[0])).toEqual([row.provider])
    // What the Models view counts for it is what the invoice view called tracked.
    expect(answer.tracked_outside_invoice_usd).toBe(0)
    expect(Number(providers[0]?.[1])).toBeCloseTo(row.tracked_usd, 6)
    await page.goBack()
    await page.getByTestId('view-invoice').waitFor()
  })

  it('switches the table to the line items and the projects of the same invoice', async () => {
    const days = past
    await page.getByTestId('invoice-table-line_item').click()
    expect(new URL(page.url()).searchParams.get('table')).toBe('line_item')
    const daily = await reconcile(demo, { from: days.first, to: days.last, by: 'day' })
    const items = await bodyValues('invoice-line-items')
    expect(items.map((cells) => [cells[0], Number(cells[4])])).toEqual(
      daily.line_items.map((item) => [item.line_item ?? '', item.invoiced_usd]),
    )
    await page.getByTestId('invoice-table-project').click()
    const byProject = await reconcile(demo, { from: days.first, to: days.last, by: 'project' })
    await expect
      .poll(async () => (await bodyValues('invoice-by-project')).map((cells) => [cells[0], Number(cells[2])]))
      .toEqual(byProject.rows.map((row) => [row.project ?? '', row.invoiced_usd]))
    expect(byProject.rows.length).toBeGreaterThan(1)
    await page.getByTestId('invoice-table-model').click()
  })

  it('clips nothing at 1280 and 1920 px, whichever table is shown', async () => {
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 })
      for (const table of ['model', 'line_item', 'project']) {
        await page.getByTestId(`invoice-table-${table}`).click()
        await page.locator('[data-testid="invoice-table-panel"] tbody tr').first().waitFor()
        await waitRendered('gap-parts-chart')
        expect(await clipped(), `${table} at ${width} px`).toEqual([])
      }
      await screenshot(`view-invoice-${width}`)
    }
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.getByTestId('invoice-table-model').click()
  })
})

/**
 * OpenAI's cost and usage reports as the sync reads them, in a test's hands: the first run waits for
 * `failFirstRun` and fails (an admin key refused); later runs answer a gpt-4o-mini invoice for the
 * four days before today, three of them before the first tracked event.
 */
const REFUSED =
  'OpenAI refused the admin key (401): make one at platform.openai.com/settings/organization/admin-keys'
let failFirstRun: () => void = () => undefined
const firstRunGate = new Promise<void>((resolve) => {
  failFirstRun = resolve
})
let costRuns = 0

function line(fields: Partial<InvoiceLine> & Pick<InvoiceLine, 'source' | 'bucket_start'>): InvoiceLine {
  return {
    provider: 'openai',
    bucket_end: fields.bucket_start + DAY,
    provider_project: null,
    api_key_id: null,
    model: 'gpt-4o-mini-2024-07-18',
    line_item: null,
    cost_type: null,
    token_type: null,
    service_tier: null,
    context_window: null,
    batch: null,
    amount_nanos: null,
    currency: null,
    quantity: null,
    quantity_unit: null,
    requests: null,
    input_tokens: null,
    cache_read_tokens: null,
    cache_write_tokens: null,
    cache_write_1h_tokens: null,
    output_tokens: null,
    input_audio_tokens: null,
    output_audio_tokens: null,
    images: null,
    characters: null,
    seconds: null,
    web_search_requests: null,
    sessions: null,
    usage_bytes: null,
    ...fields,
  }
}

const invoicedDays = () => [4, 3, 2, 1].map((daysAgo) => today() - daysAgo * DAY)

const costs: ReportSource = {
  provider: 'openai',
  source: 'costs',
  async fetch(from, to, onPage) {
    costRuns++
    if (costRuns === 1) {
      await firstRunGate
      throw new Error(REFUSED)
    }
    const lines = invoicedDays().flatMap((day) =>
      (['input', 'output'] as const).map((kind) =>
        line({
          source: 'costs',
          bucket_start: day,
          line_item: `gpt-4o-mini-2024-07-18, ${kind}`,
          token_type: kind,
          // 12 calls of 100,000 input and 10,000 output tokens a day, at the catalog's price.
          amount_nanos: kind === 'input' ? 180_000_000 : 72_000_000,
          currency: 'usd',
        }),
      ),
    )
    await onPage({ from, to, lines })
  },
}

const usage: ReportSource = {
  provider: 'openai',
  source: 'usage/completions',
  async fetch(from, to, onPage) {
    const lines = invoicedDays().map((day) =>
      line({
        source: 'usage/completions',
        bucket_start: day,
        requests: 12,
        input_tokens: 1_200_000,
        cache_read_tokens: 0,
        output_tokens: 120_000,
        batch: false,
      }),
    )
    await onPage({ from, to, lines })
  },
}

/** Ten calls yesterday (the first tracked day) and three today, each 100,000 tokens in and 10,000 out. */
async function ingestCalls(server: Server) {
  const calls = [
    ...Array.from({ length: 10 }, (_, index) => ({ day: today() - DAY, index })),
    ...Array.from({ length: 3 }, (_, index) => ({ day: today(), index })),
  ]
  const response = await fetch(new URL('v1/events', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      calls.map(({ day, index }) => ({
        event_id: `invoice-e2e-${day}-${index}`,
        ts: Math.min(Date.now() - 1000, day + (index + 1) * 60_000),
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4o-mini-2024-07-18',
        input_tokens: 100_000,
        output_tokens: 10_000,
        latency_ms: 800,
        feature: index % 2 ? 'tagging' : 'search',
        customer_id: index % 3 ? 'acme' : 'globex',
      })),
    ),
  })
  expect(response.status).toBe(200)
}

describe('a store without invoice, its OpenAI sync configured', () => {
  beforeAll(async () => {
    bare = await startServer({
      storePath: join(directory, 'bare.duckdb'),
      port: 0,
      logger: false,
      demo: false,
      invoiceSync: { project: 'default', sources: { openai: [costs, usage] } },
    })
    await ingestCalls(bare)
  })

  afterAll(() => failFirstRun())

  it('explains how to sync instead of drawing zeros, while the first run goes on', async () => {
    await open(bare, 'view=invoice&period=30d')
    const empty = page.getByTestId('invoice-empty')
    await empty.waitFor({ timeout: 20_000 })
    await expect(empty.textContent()).resolves.toMatch(/OPENAI_ADMIN_KEY=.*spendlens sync openai/)
    expect(await page.getByTestId('invoice-days-chart').count()).toBe(0)
    const days = invoiceDays('30d', new Date())
    const answer = await reconcile(bare, { from: days.first, to: days.last, by: 'day' })
    expect(answer.tracked_outside_invoice_usd).toBeGreaterThan(0)
    expect(await stat('invoice-outside-note')).toBe(answer.tracked_outside_invoice_usd)
    await expect(page.getByTestId('sync-openai').textContent()).resolves.toContain('Syncing now…')
    await expect(page.getByTestId('sync-now-openai').isDisabled()).resolves.toBe(true)
    await expect(page.getByTestId('sync-not-configured-anthropic').textContent()).resolves.toContain(
      'ANTHROPIC_ADMIN_KEY',
    )
    expect(await page.getByTestId('sync-now-anthropic').count()).toBe(0)
    await screenshot('view-invoice-empty')
  })

  it('shows a failed run’s error in one red line', async () => {
    failFirstRun()
    const error = page.getByTestId('sync-error-openai')
    await error.waitFor({ timeout: 20_000 })
    const status = (await (await fetch(new URL('api/invoice/sync', bare.url))).json()) as InvoiceSyncAnswer
    expect(status.providers.find((entry) => entry.provider === 'openai')?.last_error).toBe(REFUSED)
    await expect(error.textContent()).resolves.toBe(REFUSED)
    // The panel re-renders as the sync status is polled: read the style once the line is settled
    // on the page (a node being replaced has no computed style for a moment).
    const lookOf = () =>
      error.evaluate((element) => {
        const style = getComputedStyle(element)
        return {
          color: style.color,
          whiteSpace: style.whiteSpace,
          lines: element.clientHeight / Number.parseFloat(style.lineHeight),
        }
      })
    await expect.poll(async () => (await lookOf()).color, { timeout: 10_000 }).toBe('rgb(185, 28, 28)')
    const look = await lookOf()
    expect(look.whiteSpace).toBe('nowrap')
    expect(look.lines).toBeLessThan(1.5)
  })

  it('runs the sync again on Sync now, and the figures follow', async () => {
    await page.getByTestId('sync-now-openai').click()
    await expect.poll(() => page.getByTestId('sync-error-openai').count(), { timeout: 20_000 }).toBe(0)
    const days = invoiceDays('30d', new Date())
    const answer = await reconcile(bare, { from: days.first, to: days.last, by: 'day' })
    expect(answer.totals.invoiced_usd).toBeCloseTo(0.252, 9)
    await expect.poll(() => stat('invoice-invoiced'), { timeout: 20_000 }).toBe(answer.totals.invoiced_usd)
    expect(await stat('invoice-coverage')).toBe(answer.totals.coverage)
    await expect(page.getByTestId('sync-openai').textContent()).resolves.toContain('Last synced')
  })

  it('keeps the invoice before tracking apart, and estimates it only when asked, labelled an estimate', async () => {
    const days = invoiceDays('30d', new Date())
    const answer = await reconcile(bare, { from: days.first, to: days.last, by: 'day', estimate: 'true' })
    const before = answer.before_tracking
    expect(before?.until).toBe(addDays(dateLabel(new Date(), 'UTC'), -1))
    const rows = await bodyValues('before-tracking-table')
    expect(rows.map((cells) => [cells[0], cells[1], Number(cells[3])])).toEqual(
      before?.rows.map((row) => [row.model ?? '', row.provider, row.invoiced_usd]),
    )
    expect(await page.getByTestId('before-tracking-estimate').count()).toBe(0)
    await page.getByTestId('estimate-toggle').click()
    expect(new URL(page.url()).searchParams.get('estimate')).toBe('1')
    const estimate = page.getByTestId('before-tracking-estimate')
    await estimate.waitFor({ timeout: 20_000 })
    await expect(estimate.textContent()).resolves.toContain('Estimate')
    const byFeature = await bodyValues('estimate-by-feature')
    expect(byFeature.map((cells) => [cells[0], Number(cells[1])])).toEqual(
      before?.estimate?.by_feature.map((row) => [row.feature, row.estimated_usd]),
    )
    // Never mixed in: the cards still say what was reconciled, without the days before tracking.
    expect(await stat('invoice-invoiced')).toBe(answer.totals.invoiced_usd)
    await screenshot('view-invoice-before-tracking')
  })

  it('offers Sync now to admins only', async () => {
    const response = await fetch(new URL('api/keys', bare.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'read', name: 'invoice e2e' }),
    })
    expect(response.status).toBe(201)
    const { key } = (await response.json()) as { key: string }
    await open(bare, 'view=invoice&period=30d')
    await page.getByTestId('sign-in-key').fill(key)
    await page.getByTestId('sign-in-submit').click()
    await page.getByTestId('sync-openai').waitFor({ timeout: 20_000 })
    await expect(page.getByTestId('sync-openai').textContent()).resolves.toContain('Last synced')
    expect(await page.getByTestId('sync-now-openai').count()).toBe(0)
  })

  it('logs no errors in the console', () => {
    // The read key's first request before signing in answers 401 by design.
    expect(consoleErrors.filter((message) => !message.includes('401'))).toEqual([])
  })
})
