// The walking skeleton, end to end: calls made through the official OpenAI and Anthropic clients,
// wrapped by the spendlens SDK, travel through its HTTP sink to the real server, are stored in a
// DuckDB file, and show up on the dashboard in Chromium with the cost the SDK computed.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '@spendlens/server'
import type { Browser } from 'playwright-core'
import { type CostEvent, callbackSink, createTracker, httpSink, tagCall, withTags } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeProvider, startFakeProvider } from '../../sdk/test/fake-provider'
import { anthropicClient, collect, openaiClient } from '../../sdk/test/harness'
import { launchChromium } from './browser'

let fake: FakeProvider
let directory: string
let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser

beforeAll(async () => {
  fake = await startFakeProvider()
  directory = await mkdtemp(join(tmpdir(), 'spendlens-skeleton-'))
  server = await startServer({ storePath: join(directory, 'spendlens.duckdb'), port: 0, demo: false })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await fake?.close()
  if (directory) await rm(directory, { recursive: true, force: true })
})

async function getJson(path: string) {
  const response = await fetch(new URL(path, server.url))
  expect(response.status, path).toBe(200)
  return (await response.json()) as Record<string, unknown>
}

describe('a tracked call reaches the dashboard', () => {
  const sent: CostEvent[] = []

  beforeAll(async () => {
    const tracker = createTracker({
      sinks: [httpSink({ endpoint: server.url }), callbackSink((event) => sent.push(event))],
      tags: { environment: 'e2e' },
    })
    const openai = tracker.wrap(openaiClient(fake), { feature: 'chat' })
    const anthropic = tracker.wrap(anthropicClient(fake), { feature: 'summarize' })

    await withTags({ customer_id: 'acme' }, async () => {
      await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
      })
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi again' }],
        stream: true,
      })
      await collect(stream)
      await anthropic.messages.create(
        { model: 'claude-sonnet-4-0', max_tokens: 200, messages: [{ role: 'user', content: 'Summarize' }] },
        tagCall({ customer_id: 'globex' }),
      )
    })
    await tracker.flush()
  })

  it('stores every event with the cost the SDK computed', async () => {
    expect(sent).toHaveLength(3)
    expect(sent.every((event) => event.pricing_status === 'priced' && (event.cost_usd ?? 0) > 0)).toBe(true)
    const sdkTotal = sent.reduce((sum, event) => sum + (event.cost_usd ?? 0), 0)

    const summary = await getJson('api/summary')
    expect(summary.requests).toBe(3)
    // Stored as integer nano-dollars: the sum matches the SDK's figures to the nano-dollar.
    expect(summary.cost_usd).toBeCloseTo(sdkTotal, 9)
    expect(summary.unpriced_count).toBe(0)

    const byCustomer = await getJson('api/breakdown?dimension=customer_id')
    const rows = byCustomer.rows as { value: string; requests: number; cost_usd: number }[]
    expect(rows.map((row) => [row.value, row.requests])).toEqual(
      expect.arrayContaining([
        ['acme', 2],
        ['globex', 1],
      ]),
    )
    const anthropicCost = sent.find((event) => event.provider === 'anthropic')?.cost_usd
    expect(rows.find((row) => row.value === 'globex')?.cost_usd).toBeCloseTo(anthropicCost ?? -1, 9)
  })

  it('shows them on the dashboard, not labelled as demo data', async () => {
    const summary = await getJson('api/summary')
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    try {
      await page.goto(server.url)
      const cost = page.locator('[data-testid="stat-total-cost"][data-value]')
      await cost.waitFor({ timeout: 15_000 })
      expect(Number(await cost.getAttribute('data-value'))).toBeCloseTo(summary.cost_usd as number, 9)
      await expect(page.getByTestId('demo-badge').count()).resolves.toBe(0)
      await page.getByTestId('nav-breakdowns').click()
      await page.locator('[data-testid="breakdown-chart"][data-rendered="true"]').waitFor({ timeout: 15_000 })
      const features = await page
        .locator('[data-testid="breakdown-table"] tbody th')
        .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-value')))
      expect(features.sort()).toEqual(['chat', 'summarize'])
      expect(errors).toEqual([])
    } finally {
      await page.close()
    }
  })
})
