// Every view at the two widths people read the dashboard at (a 1280 px laptop, a 1920 px screen),
// in a real browser against the real server (DuckDB, demo data, plus calls near and past
// gemini-2.5-pro's long-context tier): no table column or card clipped, every row a table states
// reachable, and the figures issue 16 asked for equal to what the API answers. Needs `npm run build`.

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '@spendlens/server'
import type { LongContextAnswer, QueryRequest, QueryRow } from '@spendlens/server/api-types'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { presetRange } from '../src/lib/time-range'
import { VIEWS } from '../src/lib/view-state'
import { launchChromium } from './browser'

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts')
const TZ = 'Europe/Paris'
const DAY = 86_400_000
const WIDTHS = [1280, 1920] as const

let directory: string
let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const consoleErrors: string[] = []

async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, server.url), {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as T
}

/** POST /api/query over the dashboard's default range (the last 30 Paris days). */
async function query(body: Partial<QueryRequest> & Pick<QueryRequest, 'metrics'>): Promise<QueryRow[]> {
  const range = presetRange('30d', TZ)
  const answer = await api<{ rows: QueryRow[] }>('api/query', {
    from: range.from?.toISOString(),
    to: range.to?.toISOString(),
    timeZone: TZ,
    filters: [],
    groupBy: [],
    ...body,
  })
  return answer.rows
}

function longContextPath(search = ''): string {
  const range = presetRange('30d', TZ)
  return `api/long-context?from=${range.from?.toISOString()}&to=${range.to?.toISOString()}${search}`
}

/** Until nothing is loading: no request in flight, no panel busy, twice in a row. */
async function settle(page: Page) {
  let quiet = 0
  for (let attempt = 0; attempt < 120 && quiet < 2; attempt++) {
    await page.waitForTimeout(250)
    const busy = await page.evaluate(
      () =>
        !(document.querySelector('[data-testid="updated-at"]')?.textContent ?? '').startsWith('Updated') ||
        document.querySelector('main [aria-busy="true"]') !== null,
    )
    quiet = busy ? 0 : quiet + 1
  }
  expect(quiet, 'the view settles').toBe(2)
}

interface Clipping {
  what: string
  detail: string
}

/**
 * Everything on the page that does not fit: the page wider than the window; a table wider than its
 * panel with no cue to scroll; a header cell outside the window or its table's visible box; a card
 * or panel whose content spills out of it.
 */
function findClipping(page: Page): Promise<Clipping[]> {
  return page.evaluate(() => {
    const found: { what: string; detail: string }[] = []
    const visible = (element: Element) => element.closest('.visually-hidden') === null
    const name = (element: Element) =>
      element.closest('[data-testid]')?.getAttribute('data-testid') ??
      element.closest('section[aria-label]')?.getAttribute('aria-label') ??
      element.className
    if (document.documentElement.scrollWidth > window.innerWidth)
      found.push({ what: 'page', detail: `${document.documentElement.scrollWidth} px wide` })
    for (const scroller of document.querySelectorAll('.table-scroll')) {
      if (!visible(scroller)) continue
      const box = scroller.getBoundingClientRect()
      const overflowing = scroller.scrollWidth > scroller.clientWidth + 1
      if (overflowing) {
        const cue = scroller.parentElement?.querySelector(':scope > .scroll-cue')
        const shown = cue instanceof HTMLElement && cue.offsetParent !== null
        found.push({
          what: `table ${name(scroller)}`,
          detail: `${scroller.scrollWidth} px in ${scroller.clientWidth} px${shown ? ' (with a scroll cue)' : ', no cue'}`,
        })
      }
      for (const cell of scroller.querySelectorAll('thead th')) {
        const rect = cell.getBoundingClientRect()
        if (rect.left < 0 || rect.right > window.innerWidth + 0.5 || rect.right > box.right + 0.5)
          found.push({
            what: `column ${name(scroller)}`,
            detail: `“${cell.textContent}” ends at ${rect.right}`,
          })
      }
    }
    for (const card of document.querySelectorAll('.stat, .panel, .warning-banner')) {
      if (!visible(card)) continue
      if (card.scrollWidth > card.clientWidth + 1)
        found.push({ what: `card ${name(card)}`, detail: `${card.scrollWidth} px in ${card.clientWidth} px` })
      for (const value of card.querySelectorAll('.stat-value, h2, .panel-header'))
        if (value.scrollWidth > value.clientWidth + 1)
          found.push({ what: `card ${name(card)}`, detail: `“${value.textContent}” spills out` })
    }
    return found
  })
}

/** Every data table's stated row count against the rows a reader can reach (after "Show all"). */
async function unreachableRows(page: Page): Promise<string[]> {
  const problems: string[] = []
  for (const table of await page.locator('[data-row-count]').all()) {
    const id = await table.getAttribute('data-testid')
    const stated = Number(await table.getAttribute('data-row-count'))
    const showAll = page.getByTestId(`${id}-show-all`)
    if ((await showAll.count()) > 0 && (await showAll.textContent())?.startsWith('Show all')) {
      await expect(page.getByTestId(`${id}-more`).textContent()).resolves.toContain(
        `of ${stated.toLocaleString('en-US')} rows`,
      )
      await showAll.click()
    }
    const rows = await table.locator(':scope > .table-scroll > table > tbody > tr').count()
    if (rows !== stated) problems.push(`${id}: ${stated} rows stated, ${rows} reachable`)
  }
  return problems
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-widths-e2e-'))
  server = await startServer({
    storePath: join(directory, 'spendlens.duckdb'),
    port: 0,
    logger: false,
    demoProject: 'default',
  })
  // Contract reading on gemini-2.5-pro: four calls past its 200,000-token tier, three near it.
  const now = Date.now()
  const calls = [250_000, 260_000, 320_000, 205_000, 170_000, 185_000, 199_000]
  const response = await fetch(new URL('v1/events', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      calls.map((input, index) => ({
        event_id: `widths-long-${index}`,
        ts: now - (index + 1) * DAY,
        provider: 'google',
        operation: 'chat',
        model: 'gemini-2.5-pro',
        input_tokens: input,
        output_tokens: 2_000,
        latency_ms: 9_000,
        feature: 'contract-review',
        customer_id: 'initech',
        user_id: 'legal-ops',
      })),
    ),
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

for (const width of WIDTHS) {
  describe(`at ${width} px`, () => {
    let context: BrowserContext
    let page: Page

    beforeAll(async () => {
      context = await browser.newContext({
        viewport: { width, height: 1000 },
        colorScheme: 'light',
        timezoneId: TZ,
      })
      page = await context.newPage()
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(`${width}: ${message.text()}`)
      })
      page.on('pageerror', (error) => consoleErrors.push(`${width}: ${error.message}`))
    })
    afterAll(async () => {
      await context?.close()
    })

    const pages = [...VIEWS.map((view) => view.key as string), 'customer', 'unpriced']
    for (const view of pages) {
      it(`${view}: no column or card clipped, every row stated reachable`, async () => {
        await page.goto(`${server.url}?view=${view}${view === 'customer' ? '&customer=globex' : ''}`)
        await settle(page)

        expect(await findClipping(page)).toEqual([])
        expect(await unreachableRows(page)).toEqual([])
        await page.screenshot({ path: join(ARTIFACTS, `width-${width}-${view}.png`), fullPage: true })
      })
    }

    it('Customers: the table lists as many customers as its caption says', async () => {
      await page.goto(`${server.url}?view=customers`)
      await settle(page)
      const caption =
        (await page.getByTestId('customers-table').locator('.table-caption').textContent()) ?? ''
      const listed = await page
        .getByTestId('customers-table')
        .locator('tbody tr')
        .evaluateAll((rows) => rows.filter((row) => !row.textContent?.startsWith('Others')).length)
      const [, stated] = caption.match(/^The ([\d,]+) customers/) ?? []
      expect(Number(stated?.replace(/,/g, ''))).toBe(listed)
      expect(listed).toBeGreaterThan(15)
    })

    it('the average cost per request card is the API’s cost per priced request', async () => {
      await page.goto(`${server.url}?view=overview`)
      await settle(page)
      const [row] = await query({ metrics: ['cost_per_request', 'requests', 'unpriced_count'] })
      const card = page.getByTestId('stat-cost-per-request')
      expect(Number(await card.getAttribute('data-value'))).toBe(row?.cost_per_request)
      // The demo has calls of unknown price: the card says they are left out, not counted at $0.
      expect(row?.unpriced_count).toBeGreaterThan(0)
      await expect(page.getByTestId('cost-per-request-note').textContent()).resolves.toContain(
        `${(row?.unpriced_count ?? 0).toLocaleString('en-US')} of unknown price left out`,
      )
    })

    it('the users scatter draws one point per user, the rest stated, as the API answers', async () => {
      await page.goto(`${server.url}?view=customers`)
      await settle(page)
      const rows = await query({
        groupBy: ['user_id'],
        metrics: ['requests', 'cost_usd', 'total_tokens'],
        orderBy: { metric: 'cost_usd', direction: 'desc' },
        limit: 200,
        others: true,
      })
      const priced = rows.filter((row) => !row.others && typeof row.cost_usd === 'number')
      expect(priced.length).toBeGreaterThan(10)
      await page.locator('[data-testid="users-scatter"][data-rendered="true"]').waitFor({ timeout: 20_000 })
      const note = page.getByTestId('users-scatter-note')
      expect(Number(await note.getAttribute('data-drawn'))).toBe(priced.length)
      const others = rows.find((row) => row.others)
      if (others)
        await expect(note.textContent()).resolves.toContain(
          `${(others.requests ?? 0).toLocaleString('en-US')} requests`,
        )
      const table = await page
        .locator('#users-scatter-table tbody tr')
        .evaluateAll((trs) => trs.map((tr) => tr.firstElementChild?.textContent))
      expect(table).toEqual(priced.map((row) => String(row.user_id)))
    })

    it('warns of the calls near and past a long-context tier with the API’s figures, and not where none are', async () => {
      const answer = await api<LongContextAnswer>(longContextPath())
      expect(answer.totals.crossed).toBeGreaterThanOrEqual(4)
      await page.goto(`${server.url}?view=overview`)
      await settle(page)
      const summary = page.getByTestId('long-context-summary')
      expect(Number(await summary.getAttribute('data-crossed'))).toBe(answer.totals.crossed)
      expect(Number(await summary.getAttribute('data-approaching'))).toBe(answer.totals.approaching)
      const rows = await page
        .getByTestId('long-context-table')
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.getAttribute('data-value'))),
        )
      const expected = answer.features.flatMap((feature) =>
        feature.models.map((model) => [
          feature.feature,
          model.model,
          String(model.threshold),
          String(model.approaching),
          String(model.crossed),
          model.cost_usd === null ? '' : String(model.cost_usd),
          model.extra_usd === null ? '' : String(model.extra_usd),
          String(model.requests),
        ]),
      )
      expect(rows).toEqual(expected)
      expect(rows.map((row) => row[0])).toContain('contract-review')
      await page.screenshot({ path: join(ARTIFACTS, `width-${width}-long-context.png`) })

      // Filtered to a feature with no long context, the warning is absent.
      const none = await api<LongContextAnswer>(longContextPath('&feature=email-classifier'))
      expect(none.totals.approaching + none.totals.crossed).toBe(0)
      await page.goto(`${server.url}?view=overview&feature=email-classifier`)
      await settle(page)
      expect(await page.getByTestId('long-context-warning').count()).toBe(0)
    })
  })
}

describe('narrower than the layout is made for', () => {
  it('shows every view of the navigation at 900 px, none hidden behind a scroll', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, timezoneId: TZ })
    try {
      const page = await context.newPage()
      await page.goto(`${server.url}?view=overview`)
      await settle(page)
      const hidden = await page.evaluate(() => {
        const nav = document.querySelector('nav.views') as Element
        const box = nav.getBoundingClientRect()
        return [...nav.querySelectorAll('a')]
          .filter((link) => {
            const rect = link.getBoundingClientRect()
            return (
              rect.width === 0 ||
              rect.left < Math.max(0, box.left) - 0.5 ||
              rect.right > Math.min(window.innerWidth, box.right) + 0.5 ||
              rect.top < box.top - 0.5 ||
              rect.bottom > box.bottom + 0.5
            )
          })
          .map((link) => link.textContent)
      })
      expect(hidden).toEqual([])
      expect(await page.locator('nav.views a').count()).toBe(VIEWS.length)
      // The last one is reached with a plain click, no scrolling.
      const last = VIEWS[VIEWS.length - 1] as (typeof VIEWS)[number]
      await page.getByTestId(`nav-${last.key}`).click({ trial: false, noWaitAfter: true })
      await page.getByTestId(`view-${last.key}`).waitFor()
      await page.screenshot({ path: join(ARTIFACTS, 'width-900-nav.png') })
    } finally {
      await context.close()
    }
  })

  it('says a table scrolls sideways, and its last column is reached by scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, timezoneId: TZ })
    try {
      const page = await context.newPage()
      await page.goto(`${server.url}?view=models`)
      await settle(page)
      const table = page.getByTestId('migration-table')
      await expect(page.getByTestId('migration-table-scroll-cue').isVisible()).resolves.toBe(true)
      const reached = await table.locator('.table-scroll').evaluate((scroller) => {
        scroller.scrollLeft = scroller.scrollWidth
        const last = scroller.querySelector('thead th:last-child') as Element
        return last.getBoundingClientRect().right <= scroller.getBoundingClientRect().right + 0.5
      })
      expect(reached).toBe(true)
      await page.screenshot({ path: join(ARTIFACTS, 'width-900-models.png'), fullPage: true })
    } finally {
      await context.close()
    }
  })
})

describe('the whole run', () => {
  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([])
  })
})
