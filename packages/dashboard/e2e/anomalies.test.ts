// The Anomalies view and the anomaly markers of the cost charts, in a real browser against the real
// server. Five anomalies and two alert messages are written to the store as the detectors and the
// alert queue write them (their record tables), over a day of real cost events, so each figure on the
// page can be checked against a known value and against GET /api/anomalies. Needs `npm run build`
// first: the server serves packages/server/dist/public.

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  ALERT_DELIVERIES_TABLE,
  type AlertDelivery,
  ANOMALIES_TABLE,
  type AnomalyRecord,
  startServer,
} from '@spendlens/server'
import type { AnomaliesAnswer } from '@spendlens/server/api-types'
import { dashboardLink } from '@spendlens/server/dashboard-link'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, dateLabel } from '../src/lib/zoned-time'
import { launchChromium } from './browser'

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts')
/** The browser's zone: the view shows the anomalies' hours in it. */
const TZ = 'Europe/Paris'
const HOUR = 3_600_000

type Server = Awaited<ReturnType<typeof startServer>>

let directory: string
let server: Server
let browser: Browser
let context: BrowserContext
let page: Page
const consoleErrors: string[] = []

/** Yesterday, as a UTC day: every event and anomaly of the test is on it. */
const day = addDays(dateLabel(new Date(), 'UTC'), -1)
const at = (hour: number) => Date.parse(`${day}T00:00:00Z`) + hour * HOUR

function record(
  fields: Pick<AnomalyRecord, 'id' | 'kind' | 'state' | 'summary' | 'severity'> & {
    scope: [string, string] | null
    hours: [number, number]
    usd: number
    measure?: string
  },
): AnomalyRecord {
  return {
    id: fields.id,
    project: 'default',
    kind: fields.kind,
    scopeDimension: fields.scope?.[0] ?? '',
    scopeValue: fields.scope?.[1] ?? '',
    start: at(fields.hours[0]),
    end: at(fields.hours[1]),
    measure: fields.measure ?? 'cost_usd',
    observed: 10,
    expected: 2,
    moneyAtStakeNanos: Math.round(fields.usd * 1e9),
    lastHourNanos: 0,
    severity: fields.severity,
    state: fields.state,
    summary: fields.summary,
    detectedAt: at(fields.hours[0]) + 60_000,
    updatedAt: at(fields.hours[0]) + 60_000,
  }
}

/** The chat spike: open, three hours (10:00 to 13:00 UTC), the one the test drills into. */
const CHAT = record({
  id: 'e2e-chat-spike',
  kind: 'spend_spike',
  scope: ['feature', 'chat'],
  hours: [10, 13],
  usd: 84.2,
  severity: 'medium',
  state: 'open',
  summary: 'feature chat spent $31.40 in its peak hour, 6.1× the $5.15 usual for that hour of the week.',
})
const ACME = record({
  id: 'e2e-acme-hour',
  kind: 'customer_hour',
  scope: ['customer_id', 'acme'],
  hours: [15, 16],
  usd: 250,
  severity: 'high',
  state: 'acknowledged',
  summary: 'customer acme spent $262.10 in one hour, 21× its own average hour of the past week.',
})
const SEARCH_ERRORS = record({
  id: 'e2e-search-errors',
  kind: 'error_storm',
  scope: ['feature', 'search'],
  hours: [14, 15],
  usd: 3,
  severity: 'low',
  state: 'open',
  measure: 'error_rate',
  summary: '41% of feature search calls failed in one hour, 8× its error rate of the past week.',
})
const NIGHT_JOB = record({
  id: 'e2e-night-job',
  kind: 'off_hours',
  scope: ['feature', 'search'],
  hours: [2, 3],
  usd: 5,
  severity: 'low',
  state: 'muted',
  summary: 'feature search made 40 calls at 02:00, an hour silent in each of the last 4 weeks.',
})
const NEW_MODEL = record({
  id: 'e2e-new-model',
  kind: 'new_model',
  scope: ['model', 'gpt-4.1-nano'],
  hours: [3, 5],
  usd: 0,
  severity: 'low',
  state: 'resolved',
  summary: 'model gpt-4.1-nano was called 12 times, a model not called in the past 4 weeks.',
})
/** In the order the view lists them: going on first (by money at stake), then the rest. */
const LISTED = [ACME, CHAT, SEARCH_ERRORS, NIGHT_JOB, NEW_MODEL]

const DELIVERED: AlertDelivery = {
  id: 'e2e-delivery-1',
  project: 'default',
  channel: 'sales-eng',
  type: 'anomaly.opened',
  anomalyIds: [ACME.id],
  status: 'delivered',
  attempts: 1,
  lastError: '',
  createdAt: at(15) + 5 * 60_000,
  lastAttemptAt: at(15) + 5 * 60_000,
  deliveredAt: at(15) + 5 * 60_000,
}
const FAILED: AlertDelivery = {
  id: 'e2e-delivery-2',
  project: 'default',
  channel: 'on-call',
  type: 'anomaly.group',
  anomalyIds: [CHAT.id, SEARCH_ERRORS.id],
  status: 'failed',
  attempts: 5,
  lastError:
    'POST https://pager.example.com/spendlens answered 503 Service Unavailable: the receiver is down for maintenance until 18:00 UTC, retry later',
  createdAt: at(16),
  lastAttemptAt: at(16) + 20 * 60_000,
  deliveredAt: null,
}

/** Calls of feature chat and search on the test's day, chat heavier from 10:00 to 13:00 UTC. */
async function ingestCalls() {
  const events = Array.from({ length: 24 }, (_, hour) => hour).flatMap((hour) =>
    (['chat', 'search'] as const).map((feature) => ({
      event_id: `anomaly-e2e-${feature}-${hour}`,
      ts: at(hour) + 20 * 60_000,
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-mini-2024-07-18',
      input_tokens: feature === 'chat' && hour >= 10 && hour < 13 ? 900_000 : 130_000,
      output_tokens: 7_000,
      latency_ms: 700,
      feature,
      customer_id: hour % 2 ? 'acme' : 'globex',
    })),
  )
  const response = await fetch(new URL('v1/events', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  })
  expect(response.status).toBe(200)
}

/** GET /api/anomalies, as the test's own question to the server. */
async function anomalies(): Promise<AnomaliesAnswer['anomalies']> {
  const response = await fetch(new URL('api/anomalies', server.url))
  expect(response.status).toBe(200)
  return ((await response.json()) as AnomaliesAnswer).anomalies
}

async function open(search: string, target: Page = page) {
  await target.goto(`${server.url}?${search}`)
}

async function waitRendered(testId: string) {
  await page.locator(`[data-testid="${testId}"][data-rendered="true"]`).waitFor({ timeout: 20_000 })
}

/** The raw values behind a table's body cells, row by row. */
async function bodyValues(testId: string): Promise<string[][]> {
  await page.locator(`[data-testid="${testId}"] tbody tr`).first().waitFor({ timeout: 20_000 })
  return page.evaluate(
    (id) =>
      [...document.querySelectorAll(`[data-testid="${id}"] tbody tr`)].map((row) =>
        [...row.querySelectorAll('th, td')].map((cell) => cell.getAttribute('data-value') ?? ''),
      ),
    testId,
  )
}

/** The row of the anomaly table whose sentence is `summary`. */
const rowOf = (summary: string) =>
  page.getByTestId('anomaly-table').locator('tbody tr', { has: page.getByRole('link', { name: summary }) })

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

async function screenshot(name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** "11:00": the hour of an instant in the browser's zone, as the view writes it. */
const hourIn = (time: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    time,
  )

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-anomalies-e2e-'))
  server = await startServer({
    storePath: join(directory, 'spendlens.duckdb'),
    port: 0,
    logger: false,
    demo: false,
  })
  await ingestCalls()
  await server.store.writeRecords(ANOMALIES_TABLE, LISTED)
  await server.store.writeRecords(ALERT_DELIVERIES_TABLE, [DELIVERED, FAILED])
  browser = await launchChromium()
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    timezoneId: TZ,
    // Charts drawn at once: the marker test reads their pixels.
    reducedMotion: 'reduce',
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

describe('the Anomalies view', () => {
  it('lists the anomalies of the range, going on first, then by money at stake, each with its sentence', async () => {
    await open('view=anomalies&range=7d')
    await page.getByTestId('nav-anomalies').waitFor()
    await expect(page.getByTestId('nav-anomalies').getAttribute('aria-current')).resolves.toBe('page')
    const rows = await bodyValues('anomaly-table')
    expect(rows.map((cells) => cells.slice(0, 7))).toEqual(
      LISTED.map((anomaly) => [
        anomaly.summary,
        anomaly.kind,
        anomaly.scopeDimension ? `${anomaly.scopeDimension}=${anomaly.scopeValue}` : '',
        new Date(anomaly.start).toISOString(),
        anomaly.severity,
        anomaly.state,
        String(anomaly.moneyAtStakeNanos / 1e9),
      ]),
    )
    // The server orders them the same way.
    expect((await anomalies()).map((anomaly) => anomaly.id)).toEqual(LISTED.map((anomaly) => anomaly.id))
    await expect(page.getByTestId('anomalies-headline').textContent()).resolves.toBe(
      '3 anomalies going on, $337.20 at stake; 2 over or muted in this range.',
    )
    // Shown in words, its hours in the browser's zone.
    const chat = rowOf(CHAT.summary)
    await expect(chat.locator('td').allTextContents()).resolves.toEqual([
      'Spend spike',
      'Feature chat',
      `${new Intl.DateTimeFormat('en-US', { timeZone: TZ, month: 'short', day: 'numeric' }).format(CHAT.start)}, ${hourIn(CHAT.start, TZ)} – ${hourIn(CHAT.end, TZ)}`,
      'Medium',
      'Open',
      '$84.20',
      'AcknowledgeMute',
    ])
    await expect(rowOf(ACME.summary).locator('td').nth(1).textContent()).resolves.toBe('Customer acme')
    await expect(rowOf(NEW_MODEL.summary).getByRole('button').count()).resolves.toBe(0)
    await page.getByTestId('anomaly-timeline').waitFor()
    await waitRendered('anomaly-timeline')
  })

  it('draws money at stake per day by kind, each anomaly in the day it began', async () => {
    const header = await page.locator('#anomaly-timeline-table thead th').allTextContents()
    expect(header).toEqual([
      'Period',
      'Spend spike',
      'Customer spend spike',
      'Off-hours traffic',
      'Error storm',
      'New model',
      'Total',
    ])
    // Seven Paris days, the anomalies' UTC day among them; 02:00 UTC and later is that Paris day too.
    const rows = await page
      .locator('#anomaly-timeline-table tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent ?? '')),
      )
    expect(rows).toHaveLength(7)
    const drawn = rows.filter((cells) => cells.slice(1, 6).some((cell) => cell !== '—'))
    expect(drawn.map((cells) => cells.slice(1))).toEqual([
      ['$84.20', '$250.00', '$5.00', '$3.00', '$0.00', '$342.20'],
    ])
  })

  it('lists one state at a time, and says when there is none', async () => {
    await page.getByTestId('anomaly-state-muted').click()
    expect(new URL(page.url()).searchParams.get('state')).toBe('muted')
    await expect
      .poll(async () => (await bodyValues('anomaly-table')).map((cells) => cells[0]))
      .toEqual([NIGHT_JOB.summary])
    await expect(page.getByTestId('anomaly-state-muted').textContent()).resolves.toBe('Muted 1')
    await page.getByTestId('anomaly-state-open').click()
    await expect
      .poll(async () => (await bodyValues('anomaly-table')).map((cells) => cells[0]))
      .toEqual([CHAT.summary, SEARCH_ERRORS.summary])
    await open('view=anomalies&range=7d&state=acknowledged&feature=chat')
    await expect(page.getByTestId('anomaly-table-empty').textContent()).resolves.toBe(
      'No acknowledged anomalies in this range with these filters.',
    )
    await page.getByTestId('anomaly-state-all').click()
    await expect
      .poll(async () => (await bodyValues('anomaly-table')).map((cells) => cells[0]))
      .toEqual([CHAT.summary])
  })

  it('clips no column at 1280 and 1920 px', async () => {
    await open('view=anomalies&range=7d')
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 })
      await page.locator('[data-testid="anomaly-table"] tbody tr').first().waitFor()
      await page.locator('[data-testid="alert-deliveries"] tbody tr').first().waitFor()
      await waitRendered('anomaly-timeline')
      expect(await clipped(), `at ${width} px`).toEqual([])
      // Every column of both tables is on screen, none squeezed to nothing.
      const narrowest = await page.evaluate(() =>
        Math.min(
          ...[...document.querySelectorAll('main thead th')].map(
            (cell) => cell.getBoundingClientRect().width,
          ),
        ),
      )
      expect(narrowest).toBeGreaterThan(30)
      await screenshot(`view-anomalies-${width}`)
    }
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('lists the alert messages sent, newest first, the last error in one line', async () => {
    const rows = await bodyValues('alert-deliveries')
    expect(rows).toEqual([
      [
        new Date(FAILED.createdAt).toISOString(),
        'on-call',
        'anomaly.group',
        '2',
        'failed',
        '5',
        FAILED.lastError,
      ],
      [new Date(DELIVERED.createdAt).toISOString(), 'sales-eng', 'anomaly.opened', '1', 'delivered', '1', ''],
    ])
    const error = page.locator(`[data-testid="alert-deliveries"] td[data-value="${FAILED.lastError}"]`)
    await expect(error.getAttribute('title')).resolves.toBe(FAILED.lastError)
    const look = await error.evaluate((cell) => ({
      clipped: cell.scrollWidth > cell.clientWidth,
      lines: cell.clientHeight / Number.parseFloat(getComputedStyle(cell).lineHeight),
    }))
    expect(look.clipped).toBe(true)
    expect(look.lines).toBeLessThan(2)
  })

  it('acknowledges and reopens an anomaly through the API', async () => {
    await rowOf(CHAT.summary).getByRole('button', { name: 'Acknowledge' }).click()
    await expect
      .poll(async () => (await anomalies()).find((anomaly) => anomaly.id === CHAT.id)?.state)
      .toBe('acknowledged')
    await expect
      .poll(() => rowOf(CHAT.summary).locator('td[data-value="acknowledged"]').count(), { timeout: 10_000 })
      .toBe(1)
    await rowOf(CHAT.summary).getByRole('button', { name: 'Reopen' }).click()
    await expect
      .poll(async () => (await anomalies()).find((anomaly) => anomaly.id === CHAT.id)?.state)
      .toBe('open')
    await expect
      .poll(() => rowOf(CHAT.summary).getByRole('button', { name: 'Acknowledge' }).count(), {
        timeout: 10_000,
      })
      .toBe(1)
  })

  it('drills into the Overview the alert links to: the scope as a filter, its UTC days as the range', async () => {
    await rowOf(CHAT.summary).getByRole('link', { name: CHAT.summary }).click()
    await page.getByTestId('view-overview').waitFor()
    const params = [...new URL(page.url()).searchParams]
    const chat = (await anomalies()).find((anomaly) => anomaly.id === CHAT.id)
    if (!chat) throw new Error('the chat spike is gone')
    expect(params).toEqual([...new URL(dashboardLink('https://spend.example.com', chat)).searchParams])
    expect(params).toEqual([
      ['view', 'overview'],
      ['range', 'custom'],
      ['from', day],
      ['to', day],
      ['tz', 'UTC'],
      ['feature', 'chat'],
    ])
    await expect(page.getByTestId('filter-chip').textContent()).resolves.toContain('chat')
  })

  it('shows an empty state that says when detection runs and what it looks for', async () => {
    const quiet = addDays(day, -20)
    await open(`view=anomalies&range=custom&from=${quiet}&to=${quiet}`)
    const empty = page.getByTestId('anomalies-empty')
    await empty.waitFor({ timeout: 20_000 })
    const text = (await empty.textContent()) ?? ''
    expect(text).toContain('No anomalies in this range')
    expect(text).toContain('every few minutes')
    expect(text).toContain('Spend spikes')
    // The delivery log does not depend on the range.
    await expect(page.locator('[data-testid="alert-deliveries"] tbody tr').count()).resolves.toBe(2)
  })
})

/**
 * Moves the mouse across a chart and reads its tooltip at each bar: for each hour of the axis, whether
 * the tooltip names `summary`, and the x of the bar's middle.
 */
async function sweepTooltips(testId: string, summary: string) {
  const chart = page.getByTestId(testId)
  const box = await chart.boundingBox()
  if (!box) throw new Error(`${testId} is not on screen`)
  const hours = new Map<string, { x: number; marked: boolean }[]>()
  for (let x = box.x + 2; x < box.x + box.width - 2; x += box.width / 96) {
    await page.mouse.move(x, box.y + box.height / 2)
    await page.waitForTimeout(25)
    const tip = await chart.evaluate((element) => {
      const tooltip = [...element.querySelectorAll('div')].find(
        (div) => div.style.zIndex === '9999999' && div.style.display !== 'none',
      )
      // The first line names the bucket ("Sun, Dec 6, 10:00"), the rest its figures and anomalies.
      return { label: tooltip?.querySelector('strong')?.textContent ?? '', text: tooltip?.textContent ?? '' }
    })
    const hour = /(\d{2}):00$/.exec(tip.label)?.[1]
    if (!hour) continue
    hours.set(hour, [...(hours.get(hour) ?? []), { x: x - box.x, marked: tip.text.includes(summary) }])
  }
  await page.mouse.move(0, 0)
  return hours
}

/** The columns of a chart's canvas (CSS px from its left) with the anomaly shade in them. */
async function shadedColumns(testId: string): Promise<number[]> {
  return page.getByTestId(testId).evaluate((element) => {
    const canvas = element.querySelector('canvas')
    const context = canvas?.getContext('2d')
    if (!canvas || !context) return []
    const scale = canvas.width / element.clientWidth
    const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height)
    const columns = new Set<number>()
    // The canvas is transparent: the shade is its red at 13% alpha. Nothing else drawn is that red.
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const index = (y * width + x) * 4
        const [red = 0, green = 0, blue = 0, alpha = 0] = data.subarray(index, index + 4)
        if (alpha > 10 && alpha < 80 && red > 180 && green < 90 && blue < 90)
          columns.add(Math.floor(x / scale))
      }
    return [...columns].sort((left, right) => left - right)
  })
}

describe('markers on the cost chart', () => {
  it('shades the scoped anomaly over its hours on the Overview, its sentence in their tooltips', async () => {
    // Where the drill-down lands: feature chat, the anomalies' UTC day, by hour.
    await open(`view=overview&range=custom&from=${day}&to=${day}&tz=UTC&feature=chat`)
    await page.getByTestId('cost-chart-anomalies').waitFor({ timeout: 20_000 })
    await expect(
      page
        .locator('[data-testid="cost-chart-anomalies"] [data-anomaly-id]')
        .evaluateAll((spans) => spans.map((span) => span.getAttribute('data-anomaly-id'))),
    ).resolves.toEqual([CHAT.id])
    await waitRendered('cost-chart')
    const hours = await sweepTooltips('cost-chart', CHAT.summary)
    expect(hours.size).toBe(24)
    const marked = [...hours]
      .filter(([, points]) => points.some((point) => point.marked))
      .map(([hour]) => hour)
    expect(marked).toEqual(['10', '11', '12'])
    // The shade runs from the edge of 10:00's bar to the edge of 12:00's: past the last point where
    // the tooltip said 09:00, before the first where it said 13:00.
    const xs = (hour: string) => (hours.get(hour) ?? []).map((point) => point.x)
    await expect.poll(async () => (await shadedColumns('cost-chart')).length).toBeGreaterThan(0)
    const shaded = await shadedColumns('cost-chart')
    const [left = 0, right = 0] = [shaded[0], shaded.at(-1)]
    expect(right - left + 1).toBe(shaded.length)
    expect(left).toBeGreaterThan(Math.max(...xs('09')))
    expect(left).toBeLessThanOrEqual(Math.min(...xs('10')))
    expect(right).toBeGreaterThanOrEqual(Math.max(...xs('12')))
    expect(right).toBeLessThan(Math.min(...xs('13')))
    await screenshot('overview-anomaly-marker')
  }, 90_000)

  it('marks only the anomalies about the filtered traffic, and none muted', async () => {
    const marked = async () => {
      await page.getByTestId('cost-chart-anomalies').waitFor({ timeout: 20_000 })
      return page
        .locator('[data-testid="cost-chart-anomalies"] [data-anomaly-id]')
        .evaluateAll((spans) => spans.map((span) => span.getAttribute('data-anomaly-id')))
    }
    const range = `range=custom&from=${day}&to=${day}&tz=UTC`
    await open(`view=overview&${range}&feature=search`)
    await expect.poll(marked).toEqual([SEARCH_ERRORS.id])
    await open(`view=overview&${range}`)
    // In the order of the axis: the new model at 03:00, chat at 10:00, search errors at 14:00, acme at 15:00.
    await expect.poll(marked).toEqual([NEW_MODEL.id, CHAT.id, SEARCH_ERRORS.id, ACME.id])
    // A customer's page marks that customer's anomaly.
    await open(`view=customer&customer=acme&${range}`)
    await page.getByTestId('customer-cost-chart-anomalies').waitFor({ timeout: 20_000 })
    await expect(
      page
        .locator('[data-testid="customer-cost-chart-anomalies"] [data-anomaly-id]')
        .evaluateAll((spans) => spans.map((span) => span.getAttribute('data-anomaly-id'))),
    ).resolves.toEqual([ACME.id])
  })

  it('still draws the charts when the anomalies cannot be loaded, and says so under the chart only', async () => {
    const anomaliesApi = (url: URL) => url.pathname.endsWith('/api/anomalies')
    await page.route(anomaliesApi, (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'internal', message: 'anomaly table unavailable' } }),
      }),
    )
    await open(`view=overview&range=custom&from=${day}&to=${day}&tz=UTC`)
    await waitRendered('cost-chart')
    const line = page.getByTestId('cost-chart-anomalies-error')
    await line.waitFor({ timeout: 20_000 })
    await expect(line.textContent()).resolves.toContain('anomaly table unavailable')
    expect(await page.getByTestId('error-banner').count()).toBe(0)
    expect(await page.locator('#cost-chart-table tbody tr').count()).toBe(24)
    await page.unroute(anomaliesApi)
  })
})

describe('for a read key', () => {
  it('lists the anomalies without the buttons that change them', async () => {
    const response = await fetch(new URL('api/keys', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'read', name: 'anomalies e2e' }),
    })
    expect(response.status).toBe(201)
    const { key } = (await response.json()) as { key: string }
    await open('view=anomalies&range=7d')
    await page.getByTestId('sign-in-key').fill(key)
    await page.getByTestId('sign-in-submit').click()
    const rows = await bodyValues('anomaly-table')
    expect(rows.map((cells) => cells[0])).toEqual(LISTED.map((anomaly) => anomaly.summary))
    expect(await page.getByTestId('anomaly-table').getByRole('button', { name: 'Acknowledge' }).count()).toBe(
      0,
    )
    expect(await page.locator('[data-testid="anomaly-table"] thead th.row-actions').count()).toBe(0)
  })

  it('logged no console errors', () => {
    // The failed anomalies request is the test's own (500), the read key's first request before
    // signing in answers 401 by design.
    expect(consoleErrors.filter((message) => !/\b(401|500)\b/.test(message))).toEqual([])
  })
})
