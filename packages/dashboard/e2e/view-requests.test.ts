// The requests bench:store times are the requests the dashboard sends (issue 15: "taken from the
// dashboard's own code, not a copy that can drift"): every view opened in a real browser against
// the real server (DuckDB in a temp directory), the API requests the page sent recorded, and
// compared with VIEW_REQUESTS for the same view state, one stage after the other (the second
// stage from the server's answers to the first). A panel that asks something its view's list in
// packages/dashboard/src/queries does not hold, or a list entry no panel asks, fails it.
// Needs `npm run build` first: the server serves packages/server/dist/public.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '@spendlens/server'
import type { Meta } from '@spendlens/server/api-types'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildScope } from '../src/lib/scope'
import { readViewState, type ViewName } from '../src/lib/view-state'
import { VIEW_REQUESTS } from '../src/queries/all-views'
import { isQuery, requestKey, type ViewRequest } from '../src/queries/view-requests'
import { launchChromium } from './browser'

const TZ = 'UTC'
const HOUR = 3_600_000
/** What the app asks whatever the view: who is signed in, the projects, the store's meta. */
const APP_REQUESTS = ['api/session', 'api/projects', 'api/meta']

let directory: string
let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const now = Date.now()

/** Calls over the last days, of two customers, users, sessions, prompts; one failed, one of a model no catalog prices. */
const EVENTS = Array.from({ length: 24 }, (_, index) => ({
  event_id: `view-requests-${index}`,
  ts: now - (index * 7 + 2) * HOUR,
  provider: 'openai',
  operation: 'chat',
  model: index === 5 ? 'house-ft-v1' : index % 3 ? 'gpt-4o-mini-2024-07-18' : 'gpt-4o-2024-08-06',
  input_tokens: 1000 + index * 10,
  output_tokens: 100 + index,
  latency_ms: 300 + index * 20,
  status: index === 7 ? 'error' : 'success',
  feature: index % 2 ? 'chat' : 'search',
  customer_id: index % 4 ? 'acme' : 'globex',
  user_id: `user-${index % 5}`,
  session_id: `session-${index % 6}`,
  prompt_id: index % 2 ? 'answer-v2' : 'rank-v1',
}))

/** What a request is keyed by, from the page's side: POST /api/query bodies by their JSON, others by path and body. */
function pageKey(url: URL, method: string, body: string | null): string {
  const path = url.pathname.replace(/^\//, '')
  const relative = `${path}${url.search}`
  if (path === 'api/query') return `query ${JSON.stringify(JSON.parse(body ?? 'null'))}`
  return `${relative} ${method === 'GET' ? undefined : JSON.stringify(JSON.parse(body ?? 'null'))}`
}

async function answer(entry: ViewRequest): Promise<unknown> {
  const response = await fetch(new URL(isQuery(entry) ? 'api/query' : entry.url, server.url), {
    method: isQuery(entry) || entry.body !== undefined ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    body: isQuery(entry)
      ? JSON.stringify(entry.request)
      : entry.body === undefined
        ? undefined
        : JSON.stringify(entry.body),
  })
  expect(response.status, entry.name).toBe(200)
  const json = (await response.json()) as { rows?: unknown }
  return isQuery(entry) ? json.rows : json
}

/** Every request VIEW_REQUESTS lists for the view at `search` with the page's clock at `at`, both stages. */
async function expected(name: ViewName, search: string, meta: Meta, at: Date): Promise<string[]> {
  const view = { ...readViewState(search), timeZone: TZ }
  const requests = VIEW_REQUESTS[name]({ scope: buildScope(view, TZ, meta, at), view, meta })
  const answers = new Map<string, unknown>()
  for (const entry of requests.first) answers.set(entry.name, await answer(entry))
  return [...requests.first, ...requests.after(answers)].map(requestKey).sort()
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-view-requests-e2e-'))
  server = await startServer({ storePath: join(directory, 'spendlens.duckdb'), port: 0, logger: false })
  const response = await fetch(new URL('v1/events', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(EVENTS),
  })
  expect(response.status).toBe(200)
  browser = await launchChromium()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (directory) await rm(directory, { recursive: true, force: true })
})

const VIEWS = Object.keys(VIEW_REQUESTS) as ViewName[]

describe('every view sends exactly the requests packages/dashboard/src/queries lists for it', () => {
  for (const name of VIEWS) {
    it(name, async () => {
      const search = `?view=${name}&range=30d${name === 'customer' ? '&customer=acme' : ''}`
      const meta = (await (await fetch(new URL('api/meta', server.url))).json()) as Meta
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: TZ })
      try {
        const page = await context.newPage()
        const sent: string[] = []
        page.on('request', (request) => {
          const url = new URL(request.url())
          if (!url.pathname.startsWith('/api/') || APP_REQUESTS.includes(url.pathname.slice(1))) return
          sent.push(pageKey(url, request.method(), request.postData()))
        })
        // The page's clock held at one moment (it reads it on mount; some ranges end at it), so its
        // requests are those of that moment.
        const at = new Date()
        await page.clock.setFixedTime(at)
        await page.goto(`${server.url}${search}`)
        const want = await expected(name, search, meta, at)
        // Until the page has asked every request listed, then a moment for any extra one.
        await expect
          .poll(() => want.every((key) => sent.includes(key)), { timeout: 60_000 })
          .toBe(true)
          .catch(() => undefined)
        await page.waitForTimeout(1500)
        const asked = [...new Set(sent)].sort()
        expect(asked).toEqual(want)
      } finally {
        await context.close()
      }
    }, 120_000)
  }
})
