// The Budgets view in a real browser against the real server, on the demo's budgets (one within its
// month, one forecast to run out before its reset, one over its amount with calls the SDK refused):
// each figure on the page is checked against GET /api/budgets, an edit made on the page against
// the server, and admins' controls against a read key's view. Needs `npm run build` first: the
// server serves packages/server/dist/public.

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '@spendlens/server'
import type { Budget, BudgetList } from '@spendlens/server/api-types'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './browser'

/** The demo's runaway customer budget: its forecast stretches the axis far past its amount. */
const GLOBEX = 'globex-weekly'
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts')

type Server = Awaited<ReturnType<typeof startServer>>

let directory: string
let server: Server
let emptyServer: Server
let browser: Browser
const keys: Record<'admin' | 'read', string> = { admin: '', read: '' }
const consoleErrors: string[] = []

async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, server.url), {
    ...init,
    headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json', ...init.headers },
  })
  return { status: response.status, body: (await response.json()) as T }
}

const budgetsOnServer = async () => (await api<BudgetList>('api/budgets')).body.budgets

/** A page signed in with `key` (its session cookie set through POST /api/session). */
async function signedIn(key: string, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    colorScheme: 'light',
    timezoneId: 'Europe/Paris',
    reducedMotion: 'reduce',
  })
  const answer = await context.request.post(new URL('api/session', server.url).toString(), { data: { key } })
  expect(answer.status()).toBe(200)
  const page = await context.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(error.message))
  return { context, page }
}

/** The raw values of one budget's figures on the page, by name. */
async function figuresOf(page: Page, id: string): Promise<Record<string, string>> {
  const names = ['spent', 'amount', 'used', 'remaining', 'forecast', 'runs-out', 'blocked']
  const figures: Record<string, string> = {}
  for (const name of names)
    figures[name] = (await page.getByTestId(`budget-${name}-${id}`).getAttribute('data-value')) ?? ''
  return figures
}

const expectedFigures = (budget: Budget) => ({
  spent: String(budget.status.spent_usd),
  amount: String(budget.amountUsd),
  used: String(budget.status.used),
  remaining: String(budget.status.remaining_usd),
  forecast: String(budget.status.forecast.end_of_period_usd),
  'runs-out': budget.status.forecast.runs_out_at ?? '',
  blocked: String(budget.status.blocked_calls),
})

/** Elements of the page wider than their box (a table that scrolls sideways, the page itself). */
async function clipped(page: Page): Promise<string[]> {
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

/**
 * Opens the view and answers the GET /api/budgets the page itself made: the forecast moves with the
 * clock, so figures read a moment apart differ in it.
 */
async function openBudgets(page: Page): Promise<Budget[]> {
  const [response] = await Promise.all([
    page.waitForResponse((answer) => new URL(answer.url()).pathname === '/api/budgets'),
    page.goto(`${server.url}?view=budgets`),
  ])
  return ((await response.json()) as BudgetList).budgets
}

/** What does not move with the clock: spend, amount and blocked calls (no events arrive meanwhile). */
const settled = (budget: Budget) => [
  budget.id,
  budget.status.spent_usd,
  budget.amountUsd,
  budget.status.blocked_calls,
]

async function burnsDrawn(page: Page, budgets: readonly Budget[]) {
  for (const budget of budgets)
    await page
      .locator(`[data-testid="budget-burn-${budget.id}"][data-rendered="true"]`)
      .waitFor({ timeout: 20_000 })
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-budgets-e2e-'))
  // The demo, as `npm start` loads it into an empty store (here into the default project, which the
  // test's own API calls read): its budgets among it.
  server = await startServer({
    storePath: join(directory, 'demo.duckdb'),
    port: 0,
    logger: false,
    demoProject: 'default',
  })
  emptyServer = await startServer({
    storePath: join(directory, 'empty.duckdb'),
    port: 0,
    logger: false,
    demo: false,
  })
  // The first key is made on the open server; from then on it asks for one.
  const admin = await fetch(new URL('api/keys', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'admin', name: 'e2e admin' }),
  })
  keys.admin = ((await admin.json()) as { key: string }).key
  keys.read = (
    await api<{ key: string }>('api/keys', { method: 'POST', body: '{"role":"read","name":"e2e read"}' })
  ).body.key
  browser = await launchChromium()
  await mkdir(ARTIFACTS, { recursive: true })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await emptyServer?.close()
  await rm(directory, { recursive: true, force: true })
})

describe('the Budgets view', () => {
  let context: BrowserContext
  let page: Page
  beforeAll(async () => {
    ;({ context, page } = await signedIn(keys.admin))
  })
  afterAll(async () => {
    await context?.close()
  })

  it('shows each demo budget’s figures as GET /api/budgets answers them, one in each state', async () => {
    const budgets = await openBudgets(page)
    expect(budgets.map((budget) => budget.id).sort()).toEqual([
      'globex-weekly',
      'quill-monthly',
      'support-agent-monthly',
    ])
    expect(budgets.map(settled)).toEqual((await budgetsOnServer()).map(settled))
    await burnsDrawn(page, budgets)
    for (const budget of budgets)
      expect(await figuresOf(page, budget.id), budget.id).toEqual(expectedFigures(budget))
    const states = Object.fromEntries(
      await Promise.all(
        budgets.map(async (budget) => [
          budget.id,
          await page.getByTestId(`budget-state-${budget.id}`).textContent(),
        ]),
      ),
    )
    expect(states).toEqual({
      'quill-monthly': 'Within its amount',
      'support-agent-monthly': 'Runs out before the reset',
      'globex-weekly': 'Over its amount',
    })
    const globex = budgets.find((budget) => budget.id === 'globex-weekly') as Budget
    expect(globex.action).toBe('block')
    expect(globex.status.blocked_calls).toBeGreaterThan(0)
    await expect(page.getByTestId('budget-blocked-globex-weekly').textContent()).resolves.toBe(
      globex.status.blocked_calls.toLocaleString('en-US'),
    )
    // The table holds the same figures, raw, as its CSV would.
    const rows = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="budget-table"] tbody tr')].map((row) =>
        [...row.querySelectorAll('th, td')].map((cell) => cell.getAttribute('data-value') ?? ''),
      ),
    )
    expect(rows.map((cells) => [cells[0], cells[5], cells[6], cells[8], cells[10]]).sort()).toEqual(
      budgets
        .map((budget) => [
          budget.name,
          String(budget.status.spent_usd),
          String(budget.amountUsd),
          String(budget.status.forecast.end_of_period_usd),
          String(budget.status.blocked_calls),
        ])
        .sort(),
    )
    await expect(page.getByTestId('budgets-headline').textContent()).resolves.toContain('1 over its amount')
  })

  it('changes a budget on the server when it is edited on the page', async () => {
    await page.getByTestId('budget-edit-quill-monthly').first().click()
    await page.getByTestId('budget-form-amount').fill('123456.78')
    await page.getByTestId('budget-form-thresholds').fill('25, 90, 100')
    await page.getByTestId('budget-form-save').click()
    await expect
      .poll(async () => {
        const budget = (await budgetsOnServer()).find((entry) => entry.id === 'quill-monthly')
        return [budget?.amountUsd, budget?.thresholds]
      })
      .toEqual([123456.78, [0.25, 0.9, 1]])
    await expect
      .poll(() => page.getByTestId('budget-amount-quill-monthly').getAttribute('data-value'))
      .toBe('123456.78')
    // The form closes once the save's refetch has landed, which can be a render after the amount.
    await expect.poll(() => page.getByTestId('budget-form').count()).toBe(0)
  })

  it('says what the server refused in a definition, in its words, and stores nothing', async () => {
    await page.getByTestId('budget-new').click()
    await page.getByTestId('budget-form-id').fill('e2e-bad')
    await page.getByTestId('budget-form-amount').fill('-5')
    await page.getByTestId('budget-form-save').click()
    await expect(page.getByTestId('budget-form-error').textContent()).resolves.toContain(
      'amountUsd: an amount is more than $0',
    )
    expect((await api(`api/budgets/e2e-bad`)).status).toBe(404)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('creates a budget with a scope, then deletes it, both through the API', async () => {
    await page.getByTestId('budget-new').click()
    await page.getByTestId('budget-form-id').fill('e2e-acme')
    await page.getByTestId('budget-form-name').fill('Acme, daily')
    await page.getByTestId('budget-form-amount').fill('40')
    await page.getByTestId('budget-form-period').selectOption('day')
    await page.getByTestId('budget-form-action').selectOption('block')
    await page.getByTestId('budget-form-add-filter').click()
    await page.getByTestId('budget-form-dimension-0').fill('customer_id')
    await page.getByTestId('budget-form-values-0').fill('acme')
    await page.getByTestId('budget-form-save').click()
    await page.getByTestId('budget-panel-e2e-acme').waitFor({ timeout: 20_000 })
    const created = (await api<Budget>('api/budgets/e2e-acme')).body
    expect({
      name: created.name,
      filters: created.filters,
      period: created.period,
      timeZone: created.timeZone,
      amountUsd: created.amountUsd,
      action: created.action,
    }).toEqual({
      name: 'Acme, daily',
      filters: [{ dimension: 'customer_id', op: 'eq', values: ['acme'] }],
      period: 'day',
      timeZone: 'Europe/Paris',
      amountUsd: 40,
      action: 'block',
    })
    const shown = await figuresOf(page, 'e2e-acme')
    expect([shown.spent, shown.amount, shown.blocked]).toEqual([String(created.status.spent_usd), '40', '0'])

    page.once('dialog', (dialog) => void dialog.accept())
    await page.getByTestId('budget-delete-e2e-acme').first().click()
    await expect.poll(async () => (await api('api/budgets/e2e-acme')).status).toBe(404)
    await expect.poll(() => page.getByTestId('budget-panel-e2e-acme').count()).toBe(0)
  })

  it('clips no column at 1280 and 1920 px', async () => {
    const budgets = await openBudgets(page)
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 })
      await burnsDrawn(page, budgets)
      await page.locator('[data-testid="budget-table"] tbody tr').first().waitFor()
      await page.screenshot({ path: join(ARTIFACTS, `view-budgets-${width}.png`), fullPage: true })
      expect(await clipped(page), `at ${width} px`).toEqual([])
      // Every column of the table is on screen, none squeezed to nothing.
      const narrowest = await page.evaluate(() =>
        Math.min(
          ...[...document.querySelectorAll('[data-testid="budget-table"] thead th')].map(
            (cell) => cell.getBoundingClientRect().width,
          ),
        ),
      )
      expect(narrowest).toBeGreaterThan(30)
    }
    await page.setViewportSize({ width: 1280, height: 900 })
    expect(consoleErrors).toEqual([])
  })

  it('burn chart labels overlap nowhere, not even globex’s thresholds under its runaway forecast, at 1280 and 1920 px', async () => {
    const budgets = await openBudgets(page)
    expect(budgets.map((budget) => budget.id)).toContain(GLOBEX)
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 })
      await burnsDrawn(page, budgets)
      for (const budget of budgets) {
        const overlaps = await page.getByTestId(`budget-burn-${budget.id}`).evaluate((chart) => {
          const boxes = [...chart.querySelectorAll('svg text')]
            .map((text) => ({ text: text.textContent ?? '', box: text.getBoundingClientRect() }))
            .filter(({ text, box }) => text.trim() !== '' && box.width > 0)
          const found: string[] = []
          boxes.forEach((one, index) => {
            for (const other of boxes.slice(index + 1)) {
              const apart =
                one.box.right <= other.box.left ||
                other.box.right <= one.box.left ||
                one.box.bottom <= other.box.top ||
                other.box.bottom <= one.box.top
              if (!apart) found.push(`“${one.text}” and “${other.text}”`)
            }
          })
          return { found, labels: boxes.map(({ text }) => text) }
        })
        // The threshold lines are labelled (merged where close), and no two labels cross.
        expect(
          overlaps.labels.some((label) => /\d+%/.test(label)),
          `${budget.id} labels`,
        ).toBe(true)
        expect(overlaps.found, `${budget.id} at ${width} px`).toEqual([])
      }
      await page
        .getByTestId(`budget-panel-${GLOBEX}`)
        .screenshot({ path: join(ARTIFACTS, `budget-burn-${GLOBEX}-${width}.png`) })
    }
    await page.setViewportSize({ width: 1280, height: 900 })
  })
})

describe('the Budgets view for a read key', () => {
  it('shows the budgets and their figures without a control to change them', async () => {
    const { context, page } = await signedIn(keys.read)
    const budgets = await openBudgets(page)
    expect(budgets.map(settled)).toEqual((await budgetsOnServer()).map(settled))
    await burnsDrawn(page, budgets)
    for (const budget of budgets) expect(await figuresOf(page, budget.id)).toEqual(expectedFigures(budget))
    expect(await page.getByTestId('budget-new').count()).toBe(0)
    expect(await page.locator('[data-testid^="budget-edit-"], [data-testid^="budget-delete-"]').count()).toBe(
      0,
    )
    await context.close()
  })
})

describe('the Budgets view of a project without budgets', () => {
  it('tells how to define one, and offers the form', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await page.goto(`${emptyServer.url}?view=budgets`)
    const empty = page.getByTestId('budgets-empty')
    await empty.waitFor({ timeout: 20_000 })
    await expect(empty.textContent()).resolves.toContain('PUT localhost:4600/api/budgets/acme-monthly')
    await expect(empty.textContent()).resolves.toContain('spendlens serve --budgets budgets.json')
    await page.getByTestId('budget-new').click()
    await page.getByTestId('budget-form').waitFor()
    await context.close()
  })
})
