// Signing in, in a real browser against real servers: one open (no keys, as a fresh install), one
// whose store got an admin key from the `spendlens` CLI, and a key of another project and a user of
// two projects, before it started; further keys come from its own /api/keys. Needs `npm run build`
// first: the server serves packages/server/dist/public, the CLI is dist/cli.js.

import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateDemoEvents, openStore, startServer } from '@spendlens/server'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newApiKey } from '../../server/src/auth/api-keys'
import { hashPassword } from '../../server/src/auth/passwords'
import { KEYS_TABLE } from '../../server/src/schema/keys-table'
import { USERS_TABLE } from '../../server/src/schema/users-table'
import { launchChromium } from './browser'

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts')
const CLI = fileURLToPath(new URL('../../server/dist/cli.js', import.meta.url))
const PASSWORD = 'correct horse battery staple'

type Server = Awaited<ReturnType<typeof startServer>>

let directory: string
let openServer: Server
let server: Server
let browser: Browser
/** Keys by what the tests use them for. */
const keys: Record<'admin' | 'read' | 'ingest' | 'doomed' | 'solo', string> = {
  admin: '',
  read: '',
  ingest: '',
  doomed: '',
  solo: '',
}

/** Runs the spendlens CLI; its output, or a failure with its stderr. */
function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.stderr.on('data', (chunk) => {
      err += chunk
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`spendlens ${args.join(' ')}: ${code}\n${err}`)),
    )
    child.stdin.end()
  })
}

/** `keys create` prints the key alone on its last line. */
async function createKeyWithCli(store: string, role: string): Promise<string> {
  const lines = (await cli(['keys', 'create', '--store', store, '--role', role])).trim().split('\n')
  const key = lines.at(-1) ?? ''
  expect(key).toMatch(/^sl_/)
  return key
}

/**
 * A read key of project `solo` and the user alice of projects `alpha` and `beta`, written into the
 * store the way Credentials does (`users create` reads its password from a terminal), and a day of
 * events in each of alpha and beta, so that each project's dashboard has figures of its own.
 */
async function writeProjectCredentials(location: string): Promise<string> {
  const store = await openStore(location)
  try {
    for (const project of ['alpha', 'beta'])
      await store.append(
        // Two days: today's alone holds next to nothing just after midnight UTC.
        generateDemoEvents({ days: 2, dailyRequests: project === 'alpha' ? 200 : 300 }),
        project,
      )
    const solo = newApiKey('solo', 'read', 'e2e solo')
    await store.writeRecords(KEYS_TABLE, [solo.record])
    await store.writeRecords(USERS_TABLE, [
      {
        name: 'alice',
        passwordHash: await hashPassword(PASSWORD),
        role: 'read',
        projects: ['alpha', 'beta'],
        createdAt: Date.now(),
        disabledAt: null,
      },
    ])
    return solo.key
  } finally {
    await store.close()
  }
}

/** A key made by the running server for an admin (POST /api/keys, default project). */
async function createKeyWithApi(role: string): Promise<string> {
  const response = await fetch(new URL('api/keys', server.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role, name: `e2e ${role}` }),
  })
  expect(response.status).toBe(201)
  return ((await response.json()) as { key: string }).key
}

const keyId = (key: string) => key.split('_')[1] ?? ''

async function screenshot(name: string, target: Page) {
  await target.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** The overview's total cost card has a figure, or the store (or project) is empty. */
async function dashboardLoaded(target: Page) {
  await target
    .locator('[data-testid="stat-total-cost"][data-value], [data-testid="empty-state"]')
    .first()
    .waitFor({ timeout: 20_000 })
}

/** The page's own console errors; Chromium also logs every 4xx answer, which these tests expect. */
function watchErrors(target: Page): string[] {
  const errors: string[] = []
  target.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text())
    }
  })
  target.on('pageerror', (error) => errors.push(error.message))
  return errors
}

async function newPage(width = 1280): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: 'light' })
  const page = await context.newPage()
  return { context, page, errors: watchErrors(page) }
}

async function signInWithKey(page: Page, key: string) {
  await page.getByTestId('sign-in-key').fill(key)
  await page.getByTestId('sign-in-submit').click()
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendlens-sign-in-e2e-'))
  const store = join(directory, 'keyed.duckdb')
  // The CLI writes straight into the store, so it runs before the server holds the file.
  keys.admin = await createKeyWithCli(store, 'admin')
  keys.solo = await writeProjectCredentials(store)
  // The demo in the default project, where this test's own questions to the API go (a new
  // server puts it in a project of its own: e2e/demo-banner.test.ts).
  server = await startServer({ storePath: store, port: 0, logger: false, demoProject: 'default' })
  keys.read = await createKeyWithApi('read')
  keys.ingest = await createKeyWithApi('ingest')
  keys.doomed = await createKeyWithApi('read')
  openServer = await startServer({
    storePath: join(directory, 'open.duckdb'),
    port: 0,
    logger: false,
    demo: false,
  })
  browser = await launchChromium()
  await mkdir(ARTIFACTS, { recursive: true })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await openServer?.close()
  if (directory) await rm(directory, { recursive: true, force: true })
})

describe('a server without keys', () => {
  it('shows the dashboard straight away: no sign-in, no sign-out, no project', async () => {
    const { context, page, errors } = await newPage()
    try {
      await page.goto(openServer.url)
      await dashboardLoaded(page)
      await expect(page.getByTestId('sign-in').count()).resolves.toBe(0)
      await expect(page.getByTestId('sign-out').count()).resolves.toBe(0)
      await expect(page.getByTestId('project-picker').count()).resolves.toBe(0)
      await expect(page.getByTestId('project-name').count()).resolves.toBe(0)
      expect(new URL(page.url()).searchParams.get('project')).toBeNull()
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})

describe('a server with keys: a read key', () => {
  let context: BrowserContext
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    ;({ context, page, errors } = await newPage())
  })

  afterAll(async () => {
    await context?.close()
  })

  it('shows the sign-in screen and none of the figures', async () => {
    // The server really refuses: without a session the API answers 401.
    await expect(fetch(new URL('api/meta', server.url)).then((response) => response.status)).resolves.toBe(
      401,
    )
    await page.goto(server.url)
    await page.getByTestId('sign-in').waitFor({ timeout: 15_000 })
    await expect(page.locator('main[data-testid^="view-"]').count()).resolves.toBe(0)
    await expect(page.getByTestId('sign-in-submit').isDisabled()).resolves.toBe(true)
    await expect(page.getByTestId('sign-in-notice').count()).resolves.toBe(0)
    expect(errors).toEqual([])
  })

  it('says a wrong key is not valid, and stays on the sign-in screen', async () => {
    await signInWithKey(page, 'sl_000000000000_this-is-not-a-key')
    const error = page.getByTestId('sign-in-error')
    await error.waitFor({ timeout: 10_000 })
    await expect(error.textContent()).resolves.toBe(
      'That key is not valid: it may be mistyped, incomplete or revoked.',
    )
    await expect(page.getByTestId('sign-in').isVisible()).resolves.toBe(true)
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 })
      await screenshot(`sign-in-wrong-key-${width}`, page)
    }
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('says an ingest key only sends events', async () => {
    await signInWithKey(page, keys.ingest)
    await expect
      .poll(() => page.getByTestId('sign-in-error').textContent(), { timeout: 10_000 })
      .toBe('That is an ingest key: it can only send events. Sign in with a read or admin key.')
  })

  it('signs in with a read key: the overview loads, and the key is kept nowhere in the page', async () => {
    await signInWithKey(page, keys.read)
    await dashboardLoaded(page)
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe(`read key ${keyId(keys.read)}`)
    // One project, the default one: neither a picker nor a name.
    await expect(page.getByTestId('project-picker').count()).resolves.toBe(0)
    await expect(page.getByTestId('project-name').count()).resolves.toBe(0)

    const kept = await page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
      html: document.documentElement.outerHTML,
    }))
    expect(kept.local).toBe('{}')
    expect(kept.session).toBe('{}')
    expect(kept.cookie).not.toContain('spendlens_session')
    expect(kept.html).not.toContain(keys.read)
    const [cookie] = (await context.cookies()).filter((entry) => entry.name === 'spendlens_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
    expect(cookie?.value).not.toContain(keys.read)
    expect(errors).toEqual([])
  })

  it('keeps the session across a reload', async () => {
    await page.reload()
    await dashboardLoaded(page)
    await expect(page.getByTestId('sign-in').count()).resolves.toBe(0)
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe(`read key ${keyId(keys.read)}`)
  })

  it('signs out: back to the sign-in screen, and the old session no longer opens the API', async () => {
    const [cookie] = (await context.cookies()).filter((entry) => entry.name === 'spendlens_session')
    await page.getByTestId('sign-out').click()
    await page.getByTestId('sign-in').waitFor({ timeout: 10_000 })
    await expect(page.getByTestId('sign-in-notice').getAttribute('data-notice')).resolves.toBe('signed-out')
    const stale = await fetch(new URL('api/meta', server.url), {
      headers: { cookie: `spendlens_session=${cookie?.value}` },
    })
    expect(stale.status).toBe(401)
    await page.reload()
    await page.getByTestId('sign-in').waitFor({ timeout: 10_000 })
  })

  it('goes back to the sign-in screen, saying the session ended, when its key is revoked', async () => {
    await signInWithKey(page, keys.doomed)
    await dashboardLoaded(page)
    const revoked = await fetch(new URL(`api/keys/${keyId(keys.doomed)}`, server.url), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${keys.admin}` },
    })
    expect(revoked.status).toBe(200)
    await page.getByTestId('refresh').click()
    await page.getByTestId('sign-in').waitFor({ timeout: 10_000 })
    await expect(page.getByTestId('sign-in-notice').getAttribute('data-notice')).resolves.toBe('ended')
    await expect(page.getByTestId('sign-in-notice').textContent()).resolves.toContain('Your session ended')
    await screenshot('sign-in-session-ended', page)
  })
})

describe('a server with keys: one project that is not the default', () => {
  it("names the key's project in the header, without a picker", async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(server.url)
      await signInWithKey(page, keys.solo)
      await dashboardLoaded(page)
      await expect(page.getByTestId('project-picker').count()).resolves.toBe(0)
      await expect(page.getByTestId('project-name').textContent()).resolves.toBe('project solo')
      await page.locator('header.topbar').screenshot({ path: join(ARTIFACTS, 'header-one-project.png') })
    } finally {
      await context.close()
    }
  })
})

describe('a server with keys: a user of two projects', () => {
  let context: BrowserContext
  let page: Page
  let errors: string[]
  /** The X-Spendlens-Project header of every API request the dashboard made, in order. */
  const sent: { path: string; project: string | undefined }[] = []

  beforeAll(async () => {
    ;({ context, page, errors } = await newPage())
    page.on('request', (request) => {
      const url = new URL(request.url())
      if (!url.pathname.startsWith('/api/') || url.pathname === '/api/session') return
      sent.push({ path: url.pathname, project: request.headers()['x-spendlens-project'] })
    })
  })

  afterAll(async () => {
    await context?.close()
  })

  it('signs in with a user name and password, after a wrong password', async () => {
    await page.goto(server.url)
    await page.getByTestId('sign-in-with-user').click()
    await page.getByTestId('sign-in-user').fill('alice')
    await page.getByTestId('sign-in-password').fill('not the password')
    await page.getByTestId('sign-in-submit').click()
    await expect
      .poll(() => page.getByTestId('sign-in-error').textContent(), { timeout: 10_000 })
      .toBe('Wrong user name or password.')
    await expect(page.getByTestId('sign-in-password').inputValue()).resolves.toBe('')
    await page.getByTestId('sign-in-password').fill(PASSWORD)
    await page.getByTestId('sign-in-submit').click()
    await dashboardLoaded(page)
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe('alice')
  })

  it('offers exactly her two projects, her first one chosen, and every request names it', async () => {
    const picker = page.getByTestId('project-picker')
    await expect(picker.locator('option').allTextContents()).resolves.toEqual(['alpha', 'beta'])
    await expect(picker.inputValue()).resolves.toBe('alpha')
    expect(sent.length).toBeGreaterThan(3)
    expect(sent.filter((request) => request.project !== 'alpha')).toEqual([
      // Asked once at sign-in, without a project: the answer names her default one.
      { path: '/api/projects', project: undefined },
    ])
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 })
      await screenshot(`header-project-picker-${width}`, page)
      await page.locator('header.topbar').screenshot({ path: join(ARTIFACTS, `header-only-${width}.png`) })
    }
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('switches project: the URL keeps it, every request names it, and the server answers for it', async () => {
    sent.length = 0
    const meta = page.waitForResponse(
      (response) =>
        response.url().endsWith('/api/meta') &&
        response.request().headers()['x-spendlens-project'] === 'beta',
    )
    await page.getByTestId('project-picker').selectOption('beta')
    // 200, not 403 project_forbidden: the server took the header and let her session see beta.
    await expect(meta.then((response) => response.status())).resolves.toBe(200)
    await dashboardLoaded(page)
    expect(new URL(page.url()).searchParams.get('project')).toBe('beta')
    expect(sent.length).toBeGreaterThan(3)
    expect(sent.filter((request) => request.project !== 'beta')).toEqual([])
    // What the server makes of the session with that header.
    const projects = await page.evaluate(async () => {
      const response = await fetch('api/projects', { headers: { 'X-Spendlens-Project': 'beta' } })
      return response.json()
    })
    expect(projects).toEqual({ projects: ['alpha', 'beta'], current: 'beta' })
  })

  it('keeps the chosen project across a reload', async () => {
    await page.reload()
    await dashboardLoaded(page)
    await expect(page.getByTestId('project-picker').inputValue()).resolves.toBe('beta')
  })

  it('fits a phone screen with the picker and the sign-out', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await dashboardLoaded(page)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow).toBeLessThanOrEqual(0)
      await expect(page.getByTestId('project-picker').isVisible()).resolves.toBe(true)
      await expect(page.getByTestId('sign-out').isVisible()).resolves.toBe(true)
      await page.locator('header.topbar').screenshot({ path: join(ARTIFACTS, 'header-phone.png') })
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  })

  it('falls back to her own project when a link names one she may not see, and never asks for it', async () => {
    sent.length = 0
    await page.goto(`${server.url}?project=default&view=overview`)
    await page.getByTestId('project-refused').waitFor({ timeout: 10_000 })
    await expect(page.getByTestId('project-refused').textContent()).resolves.toContain(
      'This link names the project “default”, which this sign-in may not see: showing “alpha”.',
    )
    await dashboardLoaded(page)
    await expect(page.getByTestId('project-picker').inputValue()).resolves.toBe('alpha')
    expect(new URL(page.url()).searchParams.get('project')).toBeNull()
    expect(sent.filter((request) => request.project === 'default')).toEqual([])
    expect(errors).toEqual([])
  })
})

describe('sign-in layout', () => {
  it('fits widths from a phone to 1920 px, light and dark', async () => {
    for (const [width, colorScheme] of [
      [390, 'dark'],
      [1280, 'light'],
      [1920, 'light'],
      [1280, 'dark'],
    ] as const) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme })
      try {
        const page = await context.newPage()
        await page.goto(server.url)
        await page.getByTestId('sign-in').waitFor({ timeout: 15_000 })
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        expect(overflow, `${width}`).toBeLessThanOrEqual(0)
        // The form sits in the middle, at a readable width.
        const box = await page.locator('form.sign-in').boundingBox()
        expect(box?.width).toBeLessThanOrEqual(420)
        expect(Math.abs((box?.x ?? 0) * 2 + (box?.width ?? 0) - width)).toBeLessThanOrEqual(2)
        await screenshot(`sign-in-${width}-${colorScheme}`, page)
      } finally {
        await context.close()
      }
    }
  })
})

// Last: it uses up this address's sign-in attempts for the next minute.
describe('too many sign-in attempts', () => {
  it('says to wait, with the time the server asks for', async () => {
    const { context, page } = await newPage()
    try {
      await page.goto(server.url)
      await page.getByTestId('sign-in').waitFor({ timeout: 15_000 })
      // Guesses until refused, in a window with time left, so the browser's attempt falls in it too.
      let refused = false
      for (let attempt = 0; attempt < 40 && !refused; attempt++) {
        const response = await fetch(new URL('api/session', server.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ key: 'sl_000000000000_guess' }),
        })
        if (response.status !== 429) continue
        const wait = Number(response.headers.get('retry-after'))
        if (wait >= 10) refused = true
        else await new Promise((resolve) => setTimeout(resolve, (wait + 1) * 1000))
      }
      expect(refused).toBe(true)
      await signInWithKey(page, keys.read)
      await expect
        .poll(() => page.getByTestId('sign-in-error').textContent(), { timeout: 10_000 })
        .toMatch(/^Too many sign-in attempts from this address\. Try again in \d+ seconds?\.$/)
      await screenshot('sign-in-rate-limited', page)
    } finally {
      await context.close()
    }
  })
})
