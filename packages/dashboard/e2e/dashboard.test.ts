// The built dashboard in a real browser against the real server (DuckDB in a temp directory,
// demo data loaded). Needs `npm run build` first: the server serves packages/server/dist/public.

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '@spendlens/server'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { presetRange } from '../src/time-range'
import { launchChromium } from './browser'

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts')

interface Summary {
  cost_usd: number | null
}

interface BreakdownAnswer {
  dimension: string
  rows: { value: string }[]
}

let directory: string
let server: Awaited<ReturnType<typeof startServer>> | undefined
let browser: Browser | undefined
let page: Page
const consoleErrors: string[] = []
const apiRequests: string[] = []

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url)
  expect(response.status, url).toBe(200)
  return (await response.json()) as T
}

/** How many canvas pixels have the bar colour: zero for a chart with axes but no bars. */
function barPixels(testId: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"] canvas`)
    const context = canvas?.getContext('2d')
    if (!canvas || !context) return 0
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
    let count = 0
    // The light palette's bar colour, #4f46e5, with some slack for anti-aliasing.
    for (let index = 0; index < data.length; index += 4) {
      const red = data[index] ?? 0
      const green = data[index + 1] ?? 0
      const blue = data[index + 2] ?? 0
      const alpha = data[index + 3] ?? 0
      if (alpha > 200 && Math.abs(red - 79) < 24 && Math.abs(green - 70) < 24 && Math.abs(blue - 229) < 24)
        count++
    }
    return count
  }, testId)
}

function canvasSnapshot(testId: string): Promise<string> {
  return page.evaluate(
    (id) => document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"] canvas`)?.toDataURL() ?? '',
    testId,
  )
}

function breakdownLabels(): Promise<string[]> {
  return page.locator('[data-testid="breakdown-table"] tbody th').allTextContents()
}

async function waitForRendered(testId: string) {
  await page.locator(`[data-testid="${testId}"][data-rendered="true"]`).waitFor({ timeout: 15_000 })
}

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
})

describe('dashboard on demo data', () => {
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'spendlens-dashboard-e2e-'))
    server = await startServer({ storePath: join(directory, 'spendlens.duckdb'), port: 0, logger: false })
    const context = await (browser as Browser).newContext({
      viewport: { width: 1280, height: 900 },
      colorScheme: 'light',
    })
    page = await context.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => consoleErrors.push(error.message))
    page.on('request', (request) => {
      if (request.url().includes('/api/')) apiRequests.push(request.url())
    })
    await page.goto(server.url)
    await page.locator('[data-testid="stat-total-cost"][data-value]').waitFor({ timeout: 15_000 })
  })

  afterAll(async () => {
    await page?.context().close()
    await server?.close()
    if (directory) await rm(directory, { recursive: true, force: true })
  })

  it('shows the Demo data badge when the server loaded demo data', async () => {
    await expect(page.getByTestId('demo-badge').isVisible()).resolves.toBe(true)
    await expect(page.getByTestId('demo-badge').textContent()).resolves.toBe('Demo data')
  })

  it('asks for the last 30 local days by default', () => {
    const summaryUrl = new URL(apiRequests.find((url) => url.includes('/api/summary')) ?? '')
    // The browser runs in this process's time zone, so the range recomputes the same here.
    const expected = presetRange('30d')
    expect(summaryUrl.searchParams.get('from')).toBe(expected.from?.toISOString())
    expect(summaryUrl.searchParams.get('to')).toBe(expected.to?.toISOString())
    expect(summaryUrl.searchParams.get('tz')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone)
  })

  it('shows the same total cost as GET /api/summary for the same range', async () => {
    const summaryUrl = apiRequests.find((url) => url.includes('/api/summary'))
    expect(summaryUrl).toBeDefined()
    const summary = await getJson<Summary>(summaryUrl as string)
    expect(summary.cost_usd).toBeGreaterThan(0)

    const stat = page.getByTestId('stat-total-cost')
    const text = (await stat.textContent()) ?? ''
    const shown = Number(text.replace(/[$,]/g, ''))
    expect(text).toMatch(/^\$[\d,]+\.\d{2}$/)
    expect(shown).toBeGreaterThan(0)
    expect(Math.round(shown * 100)).toBe(Math.round((summary.cost_usd as number) * 100))
    expect(Number(await stat.getAttribute('data-value'))).toBe(summary.cost_usd)
  })

  it('draws bars in the daily cost chart', async () => {
    await waitForRendered('daily-cost-chart')
    expect(await barPixels('daily-cost-chart')).toBeGreaterThan(500)
  })

  it('draws bars in the breakdown chart', async () => {
    await waitForRendered('breakdown-chart')
    expect(await barPixels('breakdown-chart')).toBeGreaterThan(500)
    expect((await breakdownLabels()).length).toBeGreaterThan(0)
  })

  it('saves a full-page screenshot', async () => {
    await mkdir(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true })
  })

  it('redraws the breakdown by customer when Customer is chosen', async () => {
    const featureLabels = await breakdownLabels()
    const featureCanvas = await canvasSnapshot('breakdown-chart')
    const answer = page.waitForResponse((response) => response.url().includes('dimension=customer_id'))

    await page.getByTestId('breakdown-customer').click()
    const customers = (await (await answer).json()) as BreakdownAnswer
    expect(customers.rows.length).toBeGreaterThan(0)

    const expectedLabels = customers.rows.map((row) => row.value)
    await expect.poll(breakdownLabels, { timeout: 10_000 }).toEqual(expectedLabels)
    expect(expectedLabels).not.toEqual(featureLabels)
    await waitForRendered('breakdown-chart')
    expect(await canvasSnapshot('breakdown-chart')).not.toBe(featureCanvas)
    expect(await barPixels('breakdown-chart')).toBeGreaterThan(500)
    await expect(page.getByTestId('breakdown-customer').getAttribute('aria-pressed')).resolves.toBe('true')
    expect(new URL(page.url()).searchParams.get('by')).toBe('customer')
  })

  it('asks for the last 7 local days when 7 days is chosen', async () => {
    const expected = presetRange('7d')
    const request = page.waitForRequest(
      (candidate) =>
        candidate.url().includes('/api/summary') &&
        new URL(candidate.url()).searchParams.get('from') === expected.from?.toISOString(),
    )
    await page.getByTestId('preset-7d').click()
    await request
    await expect(page.getByTestId('preset-7d').getAttribute('aria-pressed')).resolves.toBe('true')
    expect(new URL(page.url()).searchParams.get('range')).toBe('7d')
    await page.getByTestId('preset-30d').click()
  })

  it('restores the customer breakdown from the URL on reload', async () => {
    const answer = page.waitForResponse((response) => response.url().includes('dimension=customer_id'))
    await page.reload()
    await answer
    await expect(page.getByTestId('breakdown-customer').getAttribute('aria-pressed')).resolves.toBe('true')
    await waitForRendered('breakdown-chart')
  })

  it('fits a phone screen without sideways scrolling, in dark mode too', async () => {
    const context = await (browser as Browser).newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      colorScheme: 'dark',
    })
    try {
      const phone = await context.newPage()
      phone.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text())
      })
      phone.on('pageerror', (error) => consoleErrors.push(error.message))
      await phone.goto((server as NonNullable<typeof server>).url)
      await phone
        .locator('[data-testid="daily-cost-chart"][data-rendered="true"]')
        .waitFor({ timeout: 15_000 })
      await phone
        .locator('[data-testid="breakdown-chart"][data-rendered="true"]')
        .waitFor({ timeout: 15_000 })
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow).toBeLessThanOrEqual(0)
      await phone.screenshot({ path: join(ARTIFACTS, 'dashboard-phone-dark.png'), fullPage: true })
    } finally {
      await context.close()
    }
  })

  it('logs no console errors', () => {
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
    const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 800 } })
    emptyPage = await context.newPage()
  })

  afterAll(async () => {
    await emptyPage?.context().close()
    await emptyServer?.close()
    if (emptyDirectory) await rm(emptyDirectory, { recursive: true, force: true })
  })

  it('explains how to send the first events, with this server as the endpoint', async () => {
    await emptyPage.goto((emptyServer as NonNullable<typeof emptyServer>).url)
    const empty = emptyPage.getByTestId('empty-state')
    await empty.waitFor({ timeout: 15_000 })
    await expect(empty.textContent()).resolves.toContain('No events yet: point the SDK at this server')
    await expect(empty.textContent()).resolves.toContain(`endpoint: '${new URL(emptyPage.url()).origin}'`)
    expect(await emptyPage.getByTestId('demo-badge').count()).toBe(0)
    await emptyPage.screenshot({ path: join(ARTIFACTS, 'dashboard-empty.png'), fullPage: true })
  })

  it('says what to do when the API fails, and recovers on Retry', async () => {
    let failing = true
    await emptyPage.route('**/api/summary*', (route) =>
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
    await emptyPage.screenshot({ path: join(ARTIFACTS, 'dashboard-error.png'), fullPage: true })

    failing = false
    await banner.getByRole('button', { name: 'Retry' }).click()
    await banner.waitFor({ state: 'detached', timeout: 15_000 })
  })
})
