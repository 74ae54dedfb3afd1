// The demo on a new server, in a real browser: it opens on the demo (its own project, with the
// banner) while no real event has arrived, and an admin removes it from the banner; then the
// dashboard opens on the real events, without banner, and the demo does not come back.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '@spendlens/server'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './browser'

let directory: string
let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
let page: Page

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-demo-banner-'))
  // One day of demo (bounded by the retention), to keep it quick.
  server = await startServer({ storePath: join(directory, 'spendlens.duckdb'), port: 0, retentionDays: 1 })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await rm(directory, { recursive: true, force: true })
})

const meta = async (project: string) =>
  (await (
    await fetch(new URL('api/meta', server.url), { headers: { 'x-spendlens-project': project } })
  ).json()) as {
    events: number
    demo: { loaded: boolean; project: string | null }
  }

describe('the demo banner', () => {
  it('opens on the demo, and its button removes the demo for good', async () => {
    expect(server.demoLoaded).toBe(true)
    await page.goto(server.url)
    await page.getByTestId('demo-banner').waitFor()
    expect(await page.getByTestId('demo-badge').textContent()).toBe('Demo data')

    await page.getByTestId('demo-drop').click()
    // A second click confirms.
    await page.getByTestId('demo-drop-confirm').click()
    await page.waitForURL((url) => !url.search.includes('project=demo'))
    await page.getByTestId('view-overview').waitFor()
    await expect.poll(() => page.getByTestId('demo-banner').count()).toBe(0)
    expect(await page.getByTestId('demo-badge').count()).toBe(0)

    expect(await meta('demo')).toMatchObject({ events: 0, demo: { loaded: false, project: null } })
  })
})
