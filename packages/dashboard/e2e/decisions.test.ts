// The decisions of issue 14 in a real browser against the real server on the demo (DuckDB in a temp
// directory): the What if panel on the Models and Breakdowns views, the model migrations on the
// Models view, margins and cost per outcome on the Customers view. Every figure on the page is checked
// against the server's own answer to the same question, at 1280 and 1920 px. Needs `npm run build`
// first: the server serves packages/server/dist/public.

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '@spendlens/server'
import type {
  Filter,
  ModelMigrationsAnswer,
  UnitEconomicsAnswer,
  WhatIfAnswer,
  WhatIfTarget,
} from '@spendlens/server/api-types'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { presetRange } from '../src/lib/time-range'
import { launchChromium } from './browser'

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts')
const TZ = 'Europe/Paris'

let directory: string
let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
let context: BrowserContext
let page: Page
const consoleErrors: string[] = []

/** The dashboard's default range (30 days in the browser's zone) as the API takes it. */
const range = () => {
  const { from, to } = presetRange('30d', TZ, new Date())
  return { from: from?.toISOString() as string, to: to?.toISOString() as string }
}

/** POST /api/what-if: the test's own question, with the range and filters the page has. */
async function whatIf(target: WhatIfTarget, filters: Filter[] = []): Promise<WhatIfAnswer> {
  const response = await fetch(new URL('api/what-if', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...range(), filters, target }),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as WhatIfAnswer
}

async function getJson<T>(path: string, params: Record<string, string>): Promise<T> {
  const response = await fetch(new URL(`${path}?${new URLSearchParams(params)}`, server.url))
  expect(response.status).toBe(200)
  return (await response.json()) as T
}

async function open(search: string) {
  await page.goto(`${server.url}?${search}`)
}

/** A figure's raw value, once it has one. */
async function value(testId: string): Promise<number> {
  const locator = page.locator(`[data-testid="${testId}"][data-value]`)
  await locator.waitFor({ timeout: 30_000 })
  return Number(await locator.getAttribute('data-value'))
}

/** The raw values behind a table's body cells, row by row. */
async function bodyValues(testId: string): Promise<string[][]> {
  await page.locator(`[data-testid="${testId}"] tbody tr`).first().waitFor({ timeout: 30_000 })
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

async function screenshot(name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** The page, or one of this test's panels or their tables, wider than its box (scrolling sideways). */
async function clipped(): Promise<string[]> {
  return page.evaluate(() => {
    const panels = ['what-if-panel', 'model-migrations-panel', 'margins-panel', 'outcomes-panel']
      .map((id) => `main [data-testid="${id}"], main [data-testid="${id}"] .table-scroll`)
      .join(', ')
    const boxes = [document.documentElement, ...document.querySelectorAll(panels)]
    return boxes
      .filter((box) => box.scrollWidth > box.clientWidth)
      .map(
        (box) =>
          `${box.closest('[data-testid]')?.getAttribute('data-testid') ?? box.tagName}: ${box.scrollWidth} > ${box.clientWidth}`,
      )
  })
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-decisions-e2e-'))
  // The demo in the default project, where this test's own questions to the API go (a new
  // server puts it in a project of its own: e2e/demo-banner.test.ts).
  server = await startServer({
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
  await server?.close()
  if (directory) await rm(directory, { recursive: true, force: true })
})

describe('What if, on the Models view', () => {
  const supportOnly: Filter[] = [{ dimension: 'feature', op: 'in', values: ['support-agent'] }]

  it('prices the filtered calls at the chosen model as POST /api/what-if does, per feature and in total', async () => {
    const target = { provider: 'anthropic', model: 'claude-haiku-4-5', tier: 'as_recorded' as const }
    await open('view=models&range=30d&feature=support-agent&whatif=anthropic/claude-haiku-4-5')
    const answer = await whatIf(target, supportOnly)

    expect(answer.difference_usd).toBeLessThan(0)
    expect(await value('what-if-current')).toBe(answer.current_usd)
    expect(await value('what-if-target-cost')).toBe(answer.target_usd)
    expect(await value('what-if-difference')).toBe(answer.difference_usd)
    await expect(page.getByTestId('what-if-difference').textContent()).resolves.toMatch(/^\$/)
    expect(await bodyValues('what-if-table')).toEqual(
      answer.by_feature.map((row) => [
        row.feature,
        row.models.join(', '),
        String(row.requests),
        String(row.current_usd),
        String(row.target_usd),
        String(row.difference_usd),
        String(row.difference_ratio),
      ]),
    )
    // Claude to Claude: no tokenizer caveat, the others listed.
    expect(await page.getByTestId('what-if-tokenizer').count()).toBe(0)
    await expect(page.getByTestId('what-if-caveats').locator('li').allTextContents()).resolves.toEqual(
      answer.caveats,
    )
  })

  it('says first that tokenizers differ when the chosen model is of another family', async () => {
    await page.getByTestId('what-if-target').selectOption('openai/gpt-4o-mini')
    await expect.poll(() => page.url()).toContain('whatif=openai%2Fgpt-4o-mini')
    const answer = await whatIf(
      { provider: 'openai', model: 'gpt-4o-mini', tier: 'as_recorded' },
      supportOnly,
    )
    const banner = page.getByTestId('what-if-tokenizer')
    await banner.waitFor({ timeout: 30_000 })

    expect(answer.caveats[0]).toMatch(/^Tokenizers differ between model families/)
    await expect(banner.textContent()).resolves.toBe(answer.caveats[0])
    await expect.poll(() => value('what-if-target-cost')).toBe(answer.target_usd)
  })

  it('prices a tier: the same model at batch', async () => {
    await page.getByTestId('what-if-target').selectOption('anthropic/claude-sonnet-4-0')
    await page.getByTestId('what-if-tier-batch').click()
    await expect.poll(() => page.url()).toContain('tier=batch')
    const answer = await whatIf(
      { provider: 'anthropic', model: 'claude-sonnet-4-0', tier: 'batch' },
      supportOnly,
    )

    await expect.poll(() => value('what-if-target-cost')).toBe(answer.target_usd)
    // Batch halves what the same calls would cost on the same model at the standard rate.
    const standard = await whatIf(
      { provider: 'anthropic', model: 'claude-sonnet-4-0', tier: 'as_recorded' },
      supportOnly,
    )
    expect(answer.target_usd).toBeLessThan(standard.target_usd * 0.51)
    expect(answer.target_usd).toBeGreaterThan(standard.target_usd * 0.49)
  })
})

describe('What if, on the Breakdowns view', () => {
  it('lists every feature of the range at the target, with the calls it had to leave out', async () => {
    await open('view=breakdowns&range=30d&whatif=openai/gpt-4o-mini')
    const answer = await whatIf({ provider: 'openai', model: 'gpt-4o-mini', tier: 'as_recorded' })

    expect(await value('what-if-target-cost')).toBe(answer.target_usd)
    expect((await bodyValues('what-if-table')).map((cells) => cells[0])).toEqual(
      answer.by_feature.map((row) => row.feature),
    )
    // The private model's calls have no recorded cost: left out, and said so.
    expect(answer.unpriced.requests).toBeGreaterThan(0)
    await expect(page.getByTestId('what-if-unpriced').textContent()).resolves.toContain(
      answer.unpriced.reasons[0]?.reason as string,
    )
  })
})

describe('Model migrations, on the Models view', () => {
  it('lists the migration GET /api/model-migrations finds, and a click compares before and after it', async () => {
    await open('view=models&range=30d')
    const answer = await getJson<ModelMigrationsAnswer>('api/model-migrations', { ...range(), tz: TZ })

    expect(answer.migrations.map((migration) => migration.feature)).toContain('code-review')
    const rows = await bodyValues('model-migrations-table')
    expect(rows.map((cells) => [cells[0], cells[1], cells[2]])).toEqual(
      answer.migrations.map((migration) => [
        migration.day,
        migration.feature,
        `${migration.before.model} → ${migration.after.model}`,
      ]),
    )
    expect(rows.map((cells) => Number(cells[5]))).toEqual(
      answer.migrations.map((migration) => migration.change.cost_per_request),
    )
    const first = answer.migrations[0] as ModelMigrationsAnswer['migrations'][number]
    await page.getByRole('button', { name: `Compare before and after ${first.day}` }).click()
    await expect.poll(() => page.url()).toContain(`split=${first.day}`)
    await expect(page.getByTestId('migration-split').inputValue()).resolves.toBe(first.day)
  })
})

describe('Unit economics, on the Customers view', () => {
  it('flags the customers past a fifth of their revenue, the one that costs more than it pays first', async () => {
    await open('view=customers&range=30d')
    const answer = await getJson<UnitEconomicsAnswer>('api/unit-economics', {
      ...range(),
      max_cost_share: '0.2',
    })

    expect(await value('margins-headline')).toBe(answer.over_share)
    const rows = await bodyValues('margins-table')
    expect(rows.map((cells) => [cells[0], Number(cells[2]), Number(cells[3]), Number(cells[4])])).toEqual(
      answer.customers.map((customer) => [
        customer.customer_id,
        customer.revenue_usd ?? 0,
        customer.cost_usd ?? 0,
        customer.margin_usd ?? 0,
      ]),
    )
    expect(answer.customers[0]).toMatchObject({ customer_id: 'globex', over_share: true })
    expect(answer.customers[0]?.margin_usd).toBeLessThan(0)
    const margin = page.locator('[data-testid="margins-table"] tbody tr').first().locator('td').nth(3)
    await expect(margin.getAttribute('class')).resolves.toContain('tone-bad')
  })

  it('lists cost per outcome as the server counts it', async () => {
    const answer = await getJson<UnitEconomicsAnswer>('api/unit-economics', {
      ...range(),
      max_cost_share: '0.2',
    })

    expect(
      (await bodyValues('outcomes-table')).map((cells) => [cells[0], cells[1], Number(cells[2]), cells[5]]),
    ).toEqual(
      answer.cost_per_outcome.map((row) => [
        row.outcome,
        row.feature ?? '',
        row.outcomes,
        row.cost_per_outcome_usd === null ? '' : String(row.cost_per_outcome_usd),
      ]),
    )
  })

  it('flags by the share chosen, and keeps it in the link', async () => {
    await page.getByTestId('margins-share').selectOption('0.5')
    await expect.poll(() => page.url()).toContain('share=0.5')
    const answer = await getJson<UnitEconomicsAnswer>('api/unit-economics', {
      ...range(),
      max_cost_share: '0.5',
    })

    await expect.poll(() => value('margins-headline')).toBe(answer.over_share)
    expect(answer.over_share).toBeGreaterThanOrEqual(1)
  })
})

describe('layout', () => {
  it('clips nothing at 1280 and 1920 px on the three views', async () => {
    const views = {
      models: 'view=models&range=30d&whatif=openai/gpt-4o-mini',
      breakdowns: 'view=breakdowns&range=30d&whatif=anthropic/claude-haiku-4-5&tier=batch',
      customers: 'view=customers&range=30d',
    }
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 })
      for (const [name, search] of Object.entries(views)) {
        await open(search)
        await page
          .locator(
            name === 'customers'
              ? '[data-testid="margins-table"] tbody tr'
              : '[data-testid="what-if-table"] tbody tr',
          )
          .first()
          .waitFor({ timeout: 30_000 })
        if (name === 'models')
          await page
            .locator('[data-testid="model-migrations-table"] tbody tr')
            .first()
            .waitFor({ timeout: 30_000 })
        expect(await clipped(), `${name} at ${width} px`).toEqual([])
        await screenshot(`decisions-${name}-${width}`)
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('logged no error in the browser', () => {
    expect(consoleErrors).toEqual([])
  })
})
