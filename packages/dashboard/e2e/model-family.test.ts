// Models by catalog family (issue 16, item 3) in a real browser against the real server on the demo
// (DuckDB in a temp directory): the Models view shows each model as its family by default, a failed
// call (which reports no model) counted on the model it asked for, and the snapshots one click away.
// Every figure is checked against the server's own answer to the same question, at 1280 and 1920 px.
// Needs `npm run build` first: the server serves packages/server/dist/public.

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '@spendlens/server'
import type { Dimension, QueryRow } from '@spendlens/server/api-types'
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

/** POST /api/query over the dashboard's default range (30 days in the browser's zone). */
async function query(groupBy: Dimension[]): Promise<QueryRow[]> {
  const { from, to } = presetRange('30d', TZ, new Date())
  const response = await fetch(new URL('api/query', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, to, timeZone: TZ, groupBy, metrics: ['requests', 'error_rate'] }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { rows: QueryRow[] }).rows
}

/** The models table, each row as its column labels → raw values. */
async function modelsTable(): Promise<Record<string, string>[]> {
  await page.locator('[data-testid="models-table"] tbody tr').first().waitFor({ timeout: 30_000 })
  return page.evaluate(() => {
    const table = document.querySelector('[data-testid="models-table"]') as Element
    const labels = [...table.querySelectorAll('thead th')].map((cell) => cell.textContent?.trim() ?? '')
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

/** Rows as sorted `name|requests|error rate` lines, to compare the page with the API. */
const lines = (rows: [string, unknown, unknown][]) =>
  rows.map(([name, requests, errors]) => `${name}|${Number(requests)}|${Number(errors).toFixed(6)}`).sort()

/** The Models panel or its table wider than its box (scrolling sideways), or the page. */
async function clipped(): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = [
      document.documentElement,
      ...document.querySelectorAll(
        '[data-testid="models-panel"], [data-testid="models-panel"] .table-scroll',
      ),
    ]
    return boxes
      .filter((box) => box.scrollWidth > box.clientWidth)
      .map(
        (box) =>
          `${box.getAttribute('data-testid') ?? box.className}: ${box.scrollWidth} > ${box.clientWidth}`,
      )
  })
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-model-family-e2e-'))
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

describe('the Models view, by family and by snapshot', () => {
  it('shows each model as its catalog family, failed calls on the model they asked for', async () => {
    await page.goto(`${server.url}?view=models&range=30d`)
    const rows = await modelsTable()
    const families = await query(['provider', 'model_family'])
    expect(lines(rows.map((row) => [row.Model as string, row.Requests, row.Errors]))).toEqual(
      lines(families.map((row) => [String(row.model_family), row.requests, row.error_rate])),
    )
    expect(Object.keys(rows[0] as object)).not.toContain('Snapshot')

    // By snapshot the failed calls are rows of their own: the alias asked for, every call an error.
    const snapshots = await query(['provider', 'model_family', 'model'])
    const failedOnly = snapshots.filter((row) => row.error_rate === 1)
    expect(failedOnly.length).toBeGreaterThan(0)
    for (const failed of failedOnly) {
      const family = rows.find((row) => row.Model === failed.model_family) as Record<string, string>
      const inFamily = snapshots.filter((row) => row.model_family === failed.model_family)
      // …and by family they count on the model they asked for, beside its successful calls.
      expect(Number(family.Requests)).toBe(inFamily.reduce((sum, row) => sum + Number(row.requests), 0))
      expect(Number(family.Requests)).toBeGreaterThan(Number(failed.requests))
      expect(Number(family.Errors)).toBeGreaterThan(0)
      expect(Number(family.Errors)).toBeLessThan(0.1)
    }
    expect(rows.filter((row) => Number(row.Errors) === 1)).toEqual([])
  })

  it('shows the snapshots one click away, each under its family', async () => {
    await page.getByTestId('models-panel').getByTestId('model-grain-snapshot').click()
    await expect.poll(() => page.url()).toContain('models=snapshot')
    await expect
      .poll(async () => Object.keys((await modelsTable())[0] as object))
      .toEqual(expect.arrayContaining(['Family', 'Snapshot']))
    const snapshots = await query(['provider', 'model_family', 'model'])
    // The columns change first; the rows follow when the snapshot query answers.
    await expect
      .poll(async () =>
        lines(
          (await modelsTable()).map((row) => [`${row.Family}/${row.Snapshot}`, row.Requests, row.Errors]),
        ),
      )
      .toEqual(
        lines(snapshots.map((row) => [`${row.model_family}/${row.model}`, row.requests, row.error_rate])),
      )
    const rows = await modelsTable()
    expect(rows.some((row) => row.Snapshot !== row.Family)).toBe(true)

    // And back: one click.
    await page.getByTestId('models-panel').getByTestId('model-grain-family').click()
    await expect.poll(() => page.url()).not.toContain('models=')
    await expect.poll(async () => Object.keys((await modelsTable())[0] as object)).not.toContain('Snapshot')
  })

  it('clips nothing of the models at 1280 and 1920 px, by family or by snapshot', async () => {
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 })
      for (const grain of ['family', 'snapshot']) {
        await page.goto(
          `${server.url}?view=models&range=30d${grain === 'snapshot' ? '&models=snapshot' : ''}`,
        )
        await modelsTable()
        expect(await clipped(), `${grain} at ${width} px`).toEqual([])
        await page
          .getByTestId('models-panel')
          .screenshot({ path: join(ARTIFACTS, `models-${grain}-${width}.png`) })
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('logged no error in the browser', () => {
    expect(consoleErrors).toEqual([])
  })
})
