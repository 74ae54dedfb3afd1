// The built dashboard in a real browser against the real server (DuckDB in a temp directory,
// demo data loaded, plus a model migration and a failed call that still cost). One server and one
// browser for the file. Needs `npm run build` first: the server serves packages/server/dist/public.

import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '@spendlens/server'
import type { Filter, QueryRequest, QueryRow } from '@spendlens/server/api-types'
import { parse } from 'csv-parse/sync'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customRange, presetRange, type TimeRange } from '../src/lib/time-range'
import { addDays, dateLabel } from '../src/lib/zoned-time'
import { launchChromium } from './browser'

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts')
/** The browser's zone, so "7 days" means Paris days here, whatever zone the test process runs in. */
const TZ = 'Europe/Paris'
const DAY = 86_400_000

let directory: string
let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
let context: BrowserContext
let page: Page
const consoleErrors: string[] = []

/** POST /api/query, as the test's own independent question to the server. */
async function query(body: Omit<QueryRequest, 'timeZone' | 'filters' | 'groupBy'> & Partial<QueryRequest>) {
  const response = await fetch(new URL('api/query', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ timeZone: TZ, filters: [], groupBy: [], ...body }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { rows: QueryRow[] }).rows
}

function bounds(range: TimeRange) {
  return { from: range.from?.toISOString(), to: range.to?.toISOString() }
}

async function ingest(events: object[]) {
  const response = await fetch(new URL('v1/events', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  })
  expect(response.status).toBe(200)
}

async function open(search: string, target: Page = page) {
  await target.goto(`${server.url}?${search}`)
}

async function waitRendered(testId: string, target: Page = page) {
  await target.locator(`[data-testid="${testId}"][data-rendered="true"]`).waitFor({ timeout: 20_000 })
}

/** A stat card's raw figure, once it has one. */
async function stat(testId: string, target: Page = page): Promise<number> {
  const locator = target.locator(`[data-testid="${testId}"][data-value]`)
  await locator.waitFor({ timeout: 20_000 })
  return Number(await locator.getAttribute('data-value'))
}

/** The stat's figure once no request is in flight (an older answer may still be on screen before). */
async function settledStat(testId: string) {
  await page.locator('[data-testid="updated-at"]', { hasText: 'Updated' }).waitFor({ timeout: 20_000 })
  return stat(testId)
}

async function screenshot(name: string, target: Page = page) {
  await target.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

function watchErrors(target: Page) {
  target.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  target.on('pageerror', (error) => consoleErrors.push(error.message))
}

/** A table's header texts and, per row, the raw values behind the cells. */
async function tableValues(testId: string) {
  return page.evaluate((id) => {
    const table = document.querySelector(`[data-testid="${id}"] table`)
    if (!table) return { header: [], rows: [] }
    const header = [...table.querySelectorAll('thead th')].map((cell) =>
      (cell.textContent ?? '').replace(/[▲▼]/g, '').trim(),
    )
    const rows = [...table.querySelectorAll('tbody tr, tfoot tr')].map((row) =>
      [...row.querySelectorAll('th, td')].map((cell) => cell.getAttribute('data-value') ?? ''),
    )
    return { header, rows }
  }, testId)
}

async function downloadText(trigger: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), trigger()])
  return readFile((await download.path()) as string, 'utf8')
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-dashboard-e2e-'))
  // The demo in the default project, where this test's own questions to the API go (a new
  // server puts it in a project of its own: e2e/demo-banner.test.ts).
  server = await startServer({
    storePath: join(directory, 'spendlens.duckdb'),
    port: 0,
    logger: false,
    demoProject: 'default',
  })
  // A migration the Models view should show (translate: gpt-4o, then gpt-4o-mini from ten days
  // ago), and a failed call that still cost money.
  const now = Date.now()
  await ingest([
    ...Array.from({ length: 40 }, (_, index) => {
      const daysAgo = 20 - Math.floor(index / 2)
      return {
        event_id: `e2e-translate-${index}`,
        ts: now - daysAgo * DAY + index * 60_000,
        provider: 'openai',
        operation: 'chat',
        model: daysAgo > 10 ? 'gpt-4o-2024-08-06' : 'gpt-4o-mini-2024-07-18',
        input_tokens: 2000,
        output_tokens: 400,
        latency_ms: daysAgo > 10 ? 2400 : 900,
        feature: 'translate',
        route: '/api/translate',
        customer_id: 'acme',
        prompt_id: 'translate-v1',
        environment: 'production',
      }
    }),
    {
      event_id: 'e2e-failed-but-billed',
      ts: now - 2 * DAY,
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-2024-08-06',
      input_tokens: 30_000,
      output_tokens: 0,
      latency_ms: 31_000,
      status: 'error',
      error_type: 'APITimeoutError',
      feature: 'translate',
      customer_id: 'acme',
    },
  ])
  browser = await launchChromium()
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    timezoneId: TZ,
  })
  page = await context.newPage()
  watchErrors(page)
  await mkdir(ARTIFACTS, { recursive: true })
})

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await server?.close()
  if (directory) await rm(directory, { recursive: true, force: true })
})

describe('every view loads', () => {
  it('Overview: cards, cost over time, tokens, month to date, heat maps, top lists', async () => {
    await open('')
    await expect(page.getByTestId('demo-badge').textContent()).resolves.toBe('Demo data')
    for (const chart of ['cost-chart', 'tokens-chart', 'month-chart', 'heatmap-requests', 'heatmap-cost'])
      await waitRendered(chart)
    expect(await stat('stat-total-cost')).toBeGreaterThan(0)
    await expect(page.getByTestId('top-feature').locator('button').count()).resolves.toBeGreaterThan(0)
    // The whole view lives in the URL, the browser's time zone included.
    const params = new URL(page.url()).searchParams
    expect([params.get('view'), params.get('range'), params.get('tz')]).toEqual(['overview', '30d', TZ])
    await screenshot('view-overview')
  })

  it('Breakdowns: bars, shares and the table by feature', async () => {
    await page.getByTestId('nav-breakdowns').click()
    await waitRendered('breakdown-chart')
    await waitRendered('share-chart')
    const { rows } = await tableValues('breakdown-table')
    expect(rows.map((row) => row[0])).toContain('translate')
    await screenshot('view-breakdowns')
  })

  it('Customers: top customers, requests against cost, and a customer page', async () => {
    await page.getByTestId('nav-customers').click()
    await waitRendered('customers-chart')
    await waitRendered('customers-scatter')
    await screenshot('view-customers')
    await page.getByTestId('customers-table').getByRole('button', { name: 'Open customer globex' }).click()
    await expect(page.getByTestId('customer-name').textContent()).resolves.toBe('Customer globex')
    await waitRendered('customer-cost-chart')
    const globex = await query({
      ...bounds(presetRange('30d', TZ)),
      metrics: ['cost_usd'],
      filters: [{ dimension: 'customer_id', op: 'in', values: ['globex'] }],
    })
    expect(await stat('stat-total-cost')).toBe(globex[0]?.cost_usd)
    await page.getByTestId('customer-conversations').locator('tbody tr').first().waitFor()
    await screenshot('view-customer')
  })

  it('Models and providers: the translate migration reads as gpt-4o before, gpt-4o-mini after, by family and by snapshot', async () => {
    await page.getByTestId('nav-models').click()
    await waitRendered('mix-chart')
    await waitRendered('tradeoff-chart')
    const row = page.getByTestId('migration-table').locator('tbody tr', { hasText: 'translate' })
    await row.waitFor({ timeout: 20_000 })
    const cells = await row.locator('th, td').allTextContents()
    // Models are catalog families unless switched to snapshots.
    expect(cells.slice(0, 3)).toEqual(['translate', 'gpt-4o', 'gpt-4o-mini'])
    expect(cells.join(' ')).toMatch(/−\d+%/)
    await screenshot('view-models')
    // Filtered to the feature, the mix chart shows the switch as one band giving way to another.
    await open('view=models&feature=translate')
    await waitRendered('mix-chart')
    await expect
      .poll(async () => (await page.locator('#mix-table thead th').allTextContents()).sort())
      .toEqual(['Period', 'gpt-4o', 'gpt-4o-mini'])
    // The same by snapshot.
    await open('view=models&models=snapshot')
    const snapshotRow = page.getByTestId('migration-table').locator('tbody tr', { hasText: 'translate' })
    await snapshotRow.waitFor({ timeout: 20_000 })
    await expect
      .poll(async () => (await snapshotRow.locator('th, td').allTextContents()).slice(0, 3))
      .toEqual(['translate', 'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18'])
    await open('view=models&models=snapshot&feature=translate')
    await waitRendered('mix-chart')
    await expect
      .poll(async () => (await page.locator('#mix-table thead th').allTextContents()).sort())
      .toEqual(['Period', 'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18'])
    await screenshot('view-models-migration')
    await open('view=models')
  })

  it('Prompt templates: the most expensive template per call is named', async () => {
    await page.getByTestId('nav-prompts').click()
    await waitRendered('prompt-cost-chart')
    const rows = await query({
      ...bounds(presetRange('30d', TZ)),
      groupBy: ['prompt_id'],
      metrics: ['cost_per_request'],
      orderBy: { metric: 'cost_per_request', direction: 'desc' },
      limit: 1,
    })
    await expect(page.getByTestId('prompt-callout').textContent()).resolves.toContain(
      String(rows[0]?.prompt_id),
    )
    await screenshot('view-prompts')
  })

  it('Latency and errors: percentiles, error rate, and what failed calls cost', async () => {
    await page.getByTestId('nav-latency').click()
    await waitRendered('latency-chart')
    await waitRendered('error-rate-chart')
    const failed: Filter = { dimension: 'status', op: 'in', values: ['error', 'cancelled'] }
    const [answer] = await query({
      ...bounds(presetRange('30d', TZ)),
      metrics: ['cost_usd'],
      filters: [failed],
    })
    expect(answer?.cost_usd).toBeGreaterThan(0)
    expect(await stat('stat-failed-cost')).toBe(answer?.cost_usd)
    expect(['good', 'slow', 'bad']).toContain(await page.getByTestId('stat-p95').getAttribute('data-band'))
    await screenshot('view-latency')
  })

  it('Requests: newest first, a row opens to every field, the cost to 8+ decimals', async () => {
    await page.getByTestId('nav-requests').click()
    const rows = page.getByTestId('event-row')
    await rows.first().waitFor({ timeout: 20_000 })
    expect(await rows.count()).toBe(50)
    const times = await rows.evaluateAll((elements) =>
      elements.map((element) => element.querySelector('td[data-value]')?.getAttribute('data-value') ?? ''),
    )
    expect([...times].sort().reverse()).toEqual(times)
    await rows.first().getByRole('button').first().click()
    const fields = page.getByTestId('event-fields')
    await fields.waitFor()
    const names = await fields.locator('dt').allTextContents()
    for (const field of [
      'event_id',
      'ts',
      'provider',
      'model',
      'customer_id',
      'tags',
      'cost_usd',
      'pricing_status',
      'status',
    ])
      expect(names).toContain(field)
    // Costs to 8+ decimals; a call without a known price says so. Which comes first depends on the
    // clock (the demo's history ends now), so every row on the page is checked, and some are priced.
    const costs = await rows.locator('td.mono').allTextContents()
    for (const cost of costs) expect(cost).toMatch(/^\$\d+\.\d{8,9}$|^unknown$/)
    expect(costs.filter((cost) => cost.startsWith('$')).length).toBeGreaterThan(costs.length / 2)
    await screenshot('view-requests')

    // The next page continues where this one ended: older events, none seen twice.
    const firstPage = await rows.evaluateAll((elements) =>
      elements.map((element) => element.getAttribute('data-event-id')),
    )
    await page.getByTestId('page-older').click()
    await expect
      .poll(() => rows.first().getAttribute('data-event-id'), { timeout: 10_000 })
      .not.toBe(firstPage[0])
    const secondPage = await rows.evaluateAll((elements) =>
      elements.map((element) => element.getAttribute('data-event-id')),
    )
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([])
    const secondTimes = await rows.evaluateAll((elements) =>
      elements.map((element) => element.querySelector('td[data-value]')?.getAttribute('data-value') ?? ''),
    )
    expect((secondTimes[0] ?? '') <= (times.at(-1) ?? '')).toBe(true)
    expect(await rows.count()).toBe(50)
  })
})

describe('the numbers are the server’s numbers', () => {
  it('shows the total cost POST /api/query answers for the last 30 Paris days', async () => {
    await open('view=overview')
    const [answer] = await query({ ...bounds(presetRange('30d', TZ)), metrics: ['cost_usd', 'requests'] })
    expect(await settledStat('stat-total-cost')).toBe(answer?.cost_usd)
    expect(await stat('stat-requests')).toBe(answer?.requests)
    const text = (await page.getByTestId('stat-total-cost').textContent()) ?? ''
    expect(text).toMatch(/^\$[\d,]+\.\d{2}$/)
  })

  it('changes the numbers when the preset changes, to what the server answers for 7 days', async () => {
    const before = await stat('stat-total-cost')
    await page.getByTestId('preset-7d').click()
    const [answer] = await query({ ...bounds(presetRange('7d', TZ)), metrics: ['cost_usd', 'requests'] })
    await expect.poll(() => stat('stat-total-cost'), { timeout: 15_000 }).toBe(answer?.cost_usd)
    expect(answer?.cost_usd).not.toBe(before)
    expect(await stat('stat-requests')).toBe(answer?.requests)
    expect(new URL(page.url()).searchParams.get('range')).toBe('7d')
  })

  it('compares with the previous 7 days up to the same time', async () => {
    const change = page.getByTestId('stat-requests-change')
    await change.waitFor()
    await expect(change.textContent()).resolves.toMatch(/(new|[+−]?[\d,.]+%) vs previous 7 days$/)
    await expect(page.getByTestId('range-caption').locator('..').textContent()).resolves.toContain(
      'changes vs previous 7 days, same elapsed time',
    )
  })

  it('filters from a dimension menu that lists values with counts, and the numbers follow', async () => {
    const range = bounds(presetRange('7d', TZ))
    await page.getByTestId('filter-feature').click()
    const values = page.getByTestId('filter-values')
    const option = values.locator('label', { hasText: 'support-agent' })
    await option.waitFor({ timeout: 15_000 })
    const [counted] = await query({
      ...range,
      metrics: ['requests'],
      filters: [{ dimension: 'feature', op: 'in', values: ['support-agent'] }],
    })
    await expect(option.locator('.filter-value-count').textContent()).resolves.toBe(
      (counted?.requests ?? 0).toLocaleString('en-US'),
    )
    await option.locator('input').check()
    await page.keyboard.press('Escape')
    await expect.poll(() => stat('stat-requests'), { timeout: 15_000 }).toBe(counted?.requests)
    expect(new URL(page.url()).searchParams.getAll('feature')).toEqual(['support-agent'])
    await page.getByRole('button', { name: /Remove filter: Feature is support-agent/ }).click()
    expect(new URL(page.url()).searchParams.getAll('feature')).toEqual([])
  })

  it('reproduces a custom range in another time zone from a link', async () => {
    const zone = 'America/New_York'
    const yesterday = addDays(dateLabel(new Date(), zone), -1)
    const first = addDays(yesterday, -20)
    await open(`view=overview&range=custom&from=${first}&to=${yesterday}&tz=${zone}`)
    const range = customRange(first, yesterday, zone) as TimeRange
    const [answer] = await query({ ...bounds(range), timeZone: zone, metrics: ['cost_usd'] })
    expect(answer?.cost_usd).toBeGreaterThan(0)
    await expect.poll(() => stat('stat-total-cost'), { timeout: 15_000 }).toBe(answer?.cost_usd)
    await expect(page.getByTestId('time-zone').inputValue()).resolves.toBe(zone)
    await expect(page.getByTestId('preset-custom').getAttribute('aria-pressed')).resolves.toBe('true')
    await expect(page.getByTestId('range-caption').textContent()).resolves.toMatch(
      /^\w{3} \d+(, \d{4})? – \w{3} \d+, \d{4}$/,
    )
  })
})

describe('bounded questions', () => {
  it('asks a few small aggregate questions for the overview, whatever the number of events', async () => {
    const answers: { request: QueryRequest; rows: number }[] = []
    const collect = async (response: import('playwright-core').Response) => {
      if (!response.url().endsWith('/api/query')) return
      const body = (await response.json()) as { rows: unknown[] }
      answers.push({ request: response.request().postDataJSON() as QueryRequest, rows: body.rows.length })
    }
    page.on('response', collect)
    await open('view=overview&range=all')
    for (const chart of ['cost-chart', 'tokens-chart', 'month-chart', 'heatmap-cost'])
      await waitRendered(chart)
    await settledStat('stat-total-cost')
    page.off('response', collect)
    // Cards, cost over time (top values, their series, the totals), month to date (3), the heat
    // map, three top lists: one request each, never a raw event.
    expect(answers.length).toBeGreaterThan(8)
    expect(answers.length).toBeLessThanOrEqual(14)
    for (const { request, rows } of answers) {
      expect(request.metrics.length).toBeGreaterThan(0)
      // 13 weeks of hours is the largest answer the overview asks for.
      expect(rows).toBeLessThanOrEqual(91 * 24)
    }
  })
})

describe('drilling down', () => {
  it('filters every chart by a breakdown row', async () => {
    await open('view=breakdowns&range=30d')
    await waitRendered('breakdown-chart')
    const bodies: QueryRequest[] = []
    page.on('request', (request) => {
      if (request.url().endsWith('/api/query') && request.method() === 'POST')
        bodies.push(request.postDataJSON() as QueryRequest)
    })
    await page
      .getByTestId('breakdown-table')
      .getByRole('button', { name: 'Filter by feature chat-assistant' })
      .click()
    await expect
      .poll(async () => (await tableValues('breakdown-table')).rows.map((row) => row[0]))
      .toEqual(['chat-assistant', 'Total'])
    expect(new URL(page.url()).searchParams.getAll('feature')).toEqual(['chat-assistant'])
    await expect(page.getByTestId('filter-chip').textContent()).resolves.toContain('chat-assistant')

    // Every chart of the next view asks with the filter, and shows the filtered figures.
    await page.getByTestId('nav-overview').click()
    await waitRendered('cost-chart')
    await waitRendered('heatmap-cost')
    const filter = { dimension: 'feature', op: 'in', values: ['chat-assistant'] }
    expect(bodies.length).toBeGreaterThan(8)
    for (const body of bodies) expect(body.filters).toContainEqual(filter)
    const range = bounds(presetRange('30d', TZ))
    const [answer] = await query({
      ...range,
      metrics: ['cost_usd', 'requests'],
      filters: [filter as Filter],
    })
    expect(await settledStat('stat-total-cost')).toBe(answer?.cost_usd)
    expect(await stat('stat-requests')).toBe(answer?.requests)
    const stacks = await page.locator('#cost-chart-table thead th').allTextContents()
    expect(stacks).toEqual(['Period', 'chat-assistant', 'Total'])
    await screenshot('view-overview-filtered')
  })
})

describe('live mode', () => {
  it('picks up an event ingested during the test without redrawing the charts from scratch', async () => {
    await open('view=overview&range=today')
    await waitRendered('cost-chart')
    const requests = await settledStat('stat-requests')
    const cost = await stat('stat-total-cost')
    // Mark the chart's canvas: a chart re-created from scratch would have a new one.
    await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid="cost-chart"] canvas') as
        | (HTMLCanvasElement & { mark?: boolean })
        | null
      if (canvas) canvas.mark = true
    })
    await page.getByTestId('live-toggle').click()
    expect(new URL(page.url()).searchParams.get('live')).toBe('1')

    await ingest([
      {
        event_id: 'e2e-live',
        ts: Date.now(),
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4o-mini',
        input_tokens: 1000,
        output_tokens: 100,
        cost_usd: 0.00012345,
        feature: 'live-test',
      },
    ])
    await expect.poll(() => stat('stat-requests'), { timeout: 20_000, interval: 500 }).toBe(requests + 1)
    await expect
      .poll(async () => Math.round((await stat('stat-total-cost')) * 1e9), { timeout: 10_000 })
      .toBe(Math.round(cost * 1e9) + 123_450)
    const sameCanvas = await page.evaluate(
      () =>
        (
          document.querySelector('[data-testid="cost-chart"] canvas') as
            | (HTMLCanvasElement & { mark?: boolean })
            | null
        )?.mark === true,
    )
    expect(sameCanvas).toBe(true)

    await page.getByTestId('nav-requests').click()
    await expect(page.getByTestId('event-row').first().getAttribute('data-event-id')).resolves.toBe(
      'e2e-live',
    )
    await page.getByTestId('live-toggle').click()
  })
})

describe('CSV downloads', () => {
  it('match the breakdown table: same columns, same rows, the raw values behind the cells', async () => {
    await open('view=breakdowns&by=model')
    await page.getByTestId('breakdown-table').locator('tbody tr').first().waitFor({ timeout: 20_000 })
    const table = await tableValues('breakdown-table')
    const text = await downloadText(() => page.getByTestId('breakdown-table-csv').click())
    const [header, ...rows] = parse(text) as string[][]
    expect(header).toEqual(table.header)
    expect(rows).toEqual(table.rows)
    expect(rows.length).toBeGreaterThan(3)
    // Cost cells carry full precision, not the rounded text. A model is its family (model_family).
    const models = await query({
      ...bounds(presetRange('30d', TZ)),
      groupBy: ['model_family'],
      metrics: ['cost_usd'],
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit: 1,
    })
    expect(rows[0]?.[1]).toBe(String(models[0]?.cost_usd))
  })

  it('match the request log page', async () => {
    await open('view=requests')
    await page.getByTestId('event-row').first().waitFor({ timeout: 20_000 })
    const text = await downloadText(() => page.getByTestId('event-log-csv').click())
    const [header, ...rows] = parse(text) as string[][]
    expect(header?.slice(0, 3)).toEqual(['event_id', 'Time', 'Feature'])
    const ids = await page
      .getByTestId('event-row')
      .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-event-id')))
    expect(rows.map((row) => row[0])).toEqual(ids)
  })
})

describe('keyboard', () => {
  it('reaches the filter menus, opens one with Enter and closes it with Escape', async () => {
    await open('view=overview')
    const button = page.getByTestId('filter-model')
    await button.focus()
    await page.keyboard.press('Enter')
    await expect(button.getAttribute('aria-expanded')).resolves.toBe('true')
    await page.keyboard.press('Escape')
    await expect(button.getAttribute('aria-expanded')).resolves.toBe('false')
    await expect(button.evaluate((element) => element === document.activeElement)).resolves.toBe(true)
  })
})

describe('themes and widths', () => {
  it('reads in dark mode', async () => {
    const dark = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      colorScheme: 'dark',
      timezoneId: TZ,
    })
    try {
      const darkPage = await dark.newPage()
      watchErrors(darkPage)
      await open('view=overview', darkPage)
      await waitRendered('cost-chart', darkPage)
      await waitRendered('heatmap-cost', darkPage)
      await screenshot('view-overview-dark', darkPage)
      await open('view=latency', darkPage)
      await waitRendered('latency-chart', darkPage)
      await screenshot('view-latency-dark', darkPage)
    } finally {
      await dark.close()
    }
  })

  it('fits a phone screen without sideways scrolling', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      colorScheme: 'dark',
      timezoneId: TZ,
    })
    try {
      const phonePage = await phone.newPage()
      watchErrors(phonePage)
      for (const [view, chart] of [
        ['overview', 'cost-chart'],
        ['breakdowns', 'breakdown-chart'],
        ['requests', undefined],
      ] as const) {
        await open(`view=${view}`, phonePage)
        if (chart) await waitRendered(chart, phonePage)
        else await phonePage.getByTestId('event-row').first().waitFor({ timeout: 20_000 })
        const overflow = await phonePage.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        )
        expect(overflow, view).toBeLessThanOrEqual(0)
        await screenshot(`view-${view}-phone-dark`, phonePage)
      }
    } finally {
      await phone.close()
    }
  })

  it('logged no console errors in any view', () => {
    expect(consoleErrors).toEqual([])
  })
})

describe('dashboard on an empty store', () => {
  let emptyDirectory: string
  let emptyServer: Awaited<ReturnType<typeof startServer>> | undefined
  let emptyPage: Page

  beforeAll(async () => {
    emptyDirectory = await mkdtemp(join(tmpdir(), 'spendlens-dashboard-e2e-empty-'))
    emptyServer = await startServer({
      storePath: join(emptyDirectory, 'spendlens.duckdb'),
      port: 0,
      demo: false,
      logger: false,
    })
    emptyPage = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  })

  afterAll(async () => {
    await emptyPage?.close()
    await emptyServer?.close()
    if (emptyDirectory) await rm(emptyDirectory, { recursive: true, force: true })
  })

  it('explains how to send the first events, with this server as the endpoint', async () => {
    await emptyPage.goto((emptyServer as NonNullable<typeof emptyServer>).url)
    const empty = emptyPage.getByTestId('empty-state')
    await empty.waitFor({ timeout: 15_000 })
    await expect(empty.textContent()).resolves.toContain('No events yet: point the SDK at this server')
    await expect(empty.textContent()).resolves.toContain(`endpoint: '${new URL(emptyPage.url()).origin}'`)
    // Not on npm yet: the install a user can actually run (docs/sdk.md#install).
    await expect(empty.textContent()).resolves.toContain('npm pack -w spendlens')
    await expect(empty.textContent()).resolves.not.toContain('npm install spendlens')
    expect(await emptyPage.getByTestId('demo-badge').count()).toBe(0)
    await screenshot('dashboard-empty', emptyPage)
  })

  it('says what to do when the API fails, and recovers on Retry', async () => {
    let failing = true
    await emptyPage.route('**/api/meta', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          version: '0',
          store: { engine: 'duckdb' },
          demo: { loaded: false },
          events: 1,
          first_ts: null,
          last_ts: null,
        }),
      }),
    )
    await emptyPage.route('**/api/query', (route) =>
      failing
        ? route.fulfill({
            status: 500,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'internal', message: 'store unavailable' } }),
          })
        : route.continue(),
    )
    await emptyPage.reload()
    const banner = emptyPage.getByTestId('error-banner')
    await banner.waitFor({ timeout: 15_000 })
    const text = (await banner.textContent()) ?? ''
    expect(text).toContain('store unavailable')
    expect(text).toContain('spendlens serve')
    await expect(emptyPage.getByTestId('panel-error').first().textContent()).resolves.toContain(
      'store unavailable',
    )
    await screenshot('dashboard-error', emptyPage)

    failing = false
    await banner.getByRole('button', { name: 'Retry' }).click()
    await banner.waitFor({ state: 'detached', timeout: 15_000 })
  })
})
