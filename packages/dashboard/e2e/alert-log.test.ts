// The Anomalies view's empty alert log in a real browser against the real server (DuckDB in a temp
// directory), signed in with a read key: it says whether the project has no alert channels (nothing
// can be sent) or has them and nothing matched yet, from the API's `alerts_configured`, which a read
// key may see without any channel's address or secret. Needs `npm run build` first.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '@spendlens/server'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './browser'

let directory: string
let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
let readKey: string
let adminKey: string
const consoleErrors: string[] = []

async function api(method: string, path: string, body?: unknown, key?: string): Promise<Response> {
  return fetch(new URL(path, server.url), {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

async function createKey(role: 'admin' | 'read', key?: string): Promise<string> {
  const created = await api('POST', 'api/keys', { role, name: `alert log e2e ${role}` }, key)
  expect(created.status).toBe(201)
  return ((await created.json()) as { key: string }).key
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-alert-log-e2e-'))
  server = await startServer({
    storePath: join(directory, 'spendlens.duckdb'),
    port: 0,
    logger: false,
    demo: false,
  })
  const ingest = await api('POST', 'v1/events', [
    {
      event_id: 'alert-log-1',
      ts: Date.now() - 3_600_000,
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-mini-2024-07-18',
      input_tokens: 100,
      output_tokens: 10,
    },
  ])
  expect(ingest.status).toBe(200)
  // The admin key made on loopback before any key exists; from then on the server asks for one.
  adminKey = await createKey('admin')
  readKey = await createKey('read', adminKey)
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (directory) await rm(directory, { recursive: true, force: true })
})

/** The empty alert log as a read key sees it: whether it says configured, and its text. */
async function emptyLog(): Promise<{ configured: string | null; text: string }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  try {
    const page = await context.newPage()
    page.on('pageerror', (error) => consoleErrors.push(error.message))
    await page.goto(`${server.url}?view=anomalies&range=7d`)
    await page.getByTestId('sign-in-key').fill(readKey)
    await page.getByTestId('sign-in-submit').click()
    const empty = page.getByTestId('alert-deliveries-empty')
    await empty.waitFor({ timeout: 30_000 })
    return {
      configured: await empty.getAttribute('data-configured'),
      text: (await empty.textContent()) ?? '',
    }
  } finally {
    await context.close()
  }
}

describe('the empty alert log', () => {
  it('says alerts are not configured, then, once an admin set channels, that nothing matched yet', async () => {
    const before = await emptyLog()
    expect(before.configured).toBe('false')
    expect(before.text).toContain('Alerts are not configured for this project')

    const config = {
      channels: [
        { id: 'on-call', kind: 'webhook', url: 'https://pager.example.com/hook', secret: 'a-webhook-secret' },
      ],
      rules: [{ channels: ['on-call'] }],
    }
    expect((await api('PUT', 'api/alerts/config', config, adminKey)).status).toBe(200)
    const after = await emptyLog()
    expect(after.configured).toBe('true')
    expect(after.text).toContain('its alert channels are configured')
    expect(after.text).not.toContain('pager.example.com')
  })
})

describe('the whole run', () => {
  it('logged no page errors', () => {
    expect(consoleErrors).toEqual([])
  })
})
