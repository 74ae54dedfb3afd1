import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Credentials } from '../src/auth/credentials.js'
import { createApp } from '../src/http/create-app.js'
import { startServer } from '../src/start-server.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { event } from './server-helpers.js'
import { costEvent } from './store-contract.js'

type Access = 'public' | 'ingest' | 'read' | 'admin'

/**
 * What every route asks, written here independently of auth/access.ts: the suite fails when a
 * route is added without a line here, or when the server's rules drift from this table.
 */
const EXPECTED: Record<string, Access> = {
  'POST /v1/events': 'ingest',
  'POST /v1/traces': 'ingest',
  'GET /api/session': 'public',
  'POST /api/session': 'public',
  'DELETE /api/session': 'public',
  'GET /api/meta': 'read',
  'POST /api/query': 'read',
  'GET /api/summary': 'read',
  'GET /api/timeseries': 'read',
  'GET /api/breakdown': 'read',
  'GET /api/events': 'read',
  'GET /api/projects': 'read',
  'GET /api/keys': 'admin',
  'POST /api/keys': 'admin',
  'DELETE /api/keys/:id': 'admin',
  'GET /api/invoice/sync': 'read',
  'POST /api/invoice/sync/run': 'admin',
  'GET /api/invoice/reconcile': 'read',
  'GET /api/anomalies': 'read',
  'GET /api/alerts/deliveries': 'read',
  'GET /api/alerts/config': 'admin',
  'PUT /api/alerts/config': 'admin',
  'DELETE /api/alerts/config': 'admin',
  'POST /api/alerts/test': 'admin',
  'POST /api/anomaly-state/:id': 'admin',
  'POST /api/what-if': 'read',
  'GET /api/model-migrations': 'read',
  'GET /api/long-context': 'read',
  'POST /v1/outcomes': 'ingest',
  'GET /api/revenue': 'admin',
  'PUT /api/revenue': 'admin',
  'GET /api/unit-economics': 'read',
  'GET /api/budgets': 'read',
  'GET /api/budgets/:id': 'read',
  'PUT /api/budgets/:id': 'admin',
  'DELETE /api/budgets/:id': 'admin',
  'GET /v1/budgets': 'ingest',
  'POST /v1/budgets/blocked': 'ingest',
  'GET /api/admin/events': 'admin',
  'POST /api/admin/events': 'admin',
  'POST /api/admin/demo': 'admin',
  'DELETE /api/admin/demo': 'admin',
  'POST /api/admin/reprice': 'admin',
  'GET /metrics': 'read',
  'GET /api/report': 'read',
  'GET /*': 'public',
}

/** A body each route accepts, so that an allowed request gets past validation. */
const body = (route: string): unknown =>
  ({
    'POST /v1/events': [event({ ts: new Date().toISOString() })],
    'POST /v1/traces': { resourceSpans: [] },
    'POST /api/query': { metrics: ['requests'] },
    'POST /api/session': { key: keys.read },
    'POST /api/keys': { role: 'ingest', name: 'made by the security suite' },
    'POST /api/what-if': { target: { provider: 'openai', model: 'gpt-4o-mini' } },
    'POST /v1/outcomes': [{ id: 'security-1', outcome: 'signup', ts: new Date().toISOString() }],
    'PUT /api/revenue': { revenue: [{ customer_id: 'acme', monthly_revenue_usd: 50 }] },
    'PUT /api/alerts/config': { channels: [], rules: [] },
    'POST /api/alerts/test': { channel: 'on-call' },
    'PUT /api/budgets/:id': { period: 'month', amountUsd: 100 },
    'POST /v1/budgets/blocked': { reporter: 'security-suite', counts: [] },
    'POST /api/admin/events': { items: [], labels: [] },
    'POST /api/admin/demo': { days: 1 },
    'POST /api/admin/reprice': { dry_run: true },
  })[route]

const ALLOWED: Record<string, readonly Access[]> = {
  ingest: ['public', 'ingest'],
  read: ['public', 'read'],
  admin: ['public', 'ingest', 'read', 'admin'],
}

let folder: string
let store: Store
let app: FastifyInstance
let base: string
const keys: Record<string, string> = {}
let revoked: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-security-'))
  store = await openStore(join(folder, 'events.duckdb'))
  const credentials = await Credentials.open(store, { refresh: false })
  for (const role of ['ingest', 'read', 'admin'] as const)
    keys[role] = (await credentials.createKey({ role, name: `the ${role} key` })).key
  keys.otherProject = (await credentials.createKey({ project: 'other', role: 'admin' })).key
  const old = await credentials.createKey({ role: 'admin' })
  await credentials.revokeKey(old.record.id)
  revoked = old.key
  // A dashboard folder, so that its files' route is there as in a real install.
  const publicDir = join(folder, 'public')
  await mkdir(publicDir)
  await writeFile(join(publicDir, 'index.html'), '<!doctype html><title>spendlens</title>')
  app = await createApp({
    store,
    credentials,
    publicDir,
    rateLimits: { ingestPerMinute: 0, queryPerMinute: 0 },
  })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
})

afterAll(async () => {
  await app.close()
  await store.close()
  await rm(folder, { recursive: true, force: true })
})

async function send(route: string, headers: Record<string, string>) {
  const [method, pattern] = route.split(' ') as [string, string]
  const path = pattern.replace(':id', '0123456789ab').replace('*', 'assets/none.js')
  const sent = body(route)
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(sent === undefined ? {} : { 'content-type': 'application/json' }) },
    body: sent === undefined ? undefined : JSON.stringify(sent),
  })
  return { status: response.status, body: await response.text() }
}

describe('every route × every credential', () => {
  it('has a line in the table for each route the server has, and no other', () => {
    const routes = app.routeList.map((route) => `${route.method} ${route.url}`).sort()
    expect(routes).toEqual(Object.keys(EXPECTED).sort())
  })

  it.each(Object.keys(EXPECTED))('%s', async (route) => {
    const access = EXPECTED[route] as Access
    const table: string[] = []
    const cases: [string, Record<string, string>, 'ok' | 401 | 403][] = [
      ['no key', {}, access === 'public' ? 'ok' : 401],
      ['a malformed key', { authorization: 'Bearer nonsense' }, access === 'public' ? 'ok' : 401],
      ['a revoked key', { authorization: `Bearer ${revoked}` }, access === 'public' ? 'ok' : 401],
      [
        'Basic auth',
        { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
        access === 'public' ? 'ok' : 401,
      ],
      ...(['ingest', 'read', 'admin'] as const).map((role): [string, Record<string, string>, 'ok' | 403] => [
        `a ${role} key`,
        { authorization: `Bearer ${keys[role]}` },
        ALLOWED[role]?.includes(access) ? 'ok' : 403,
      ]),
      // An admin of another project, on its own project and on this one.
      ['another project’s admin key', { authorization: `Bearer ${keys.otherProject}` }, 'ok'],
      [
        'another project’s admin key naming this project',
        { authorization: `Bearer ${keys.otherProject}`, 'x-spendlens-project': 'default' },
        access === 'public' ? 'ok' : 403,
      ],
    ]
    for (const [who, headers, expected] of cases) {
      const answer = await send(route, headers)
      const outcome = answer.status === 401 || answer.status === 403 ? answer.status : 'ok'
      table.push(`${who}: ${answer.status}`)
      expect(outcome, `${route} with ${who} → ${answer.status} ${answer.body.slice(0, 200)}`).toBe(expected)
      expect(answer.status, `${route} with ${who}: ${answer.body.slice(0, 200)}`).toBeLessThan(500)
    }
  })
})

describe('projects over HTTP', () => {
  it('an event goes to its key’s project, whatever it says, and only that project reads it', async () => {
    const post = (key: string, body: unknown) =>
      fetch(`${base}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const count = async (key: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${base}/api/meta`, {
        headers: { authorization: `Bearer ${key}`, ...headers },
      })
      return ((await response.json()) as { events: number }).events
    }
    const before = { own: await count(keys.admin as string), other: await count(keys.otherProject as string) }
    const sent = event({ ts: new Date().toISOString(), event_id: 'shared-id' })
    expect((await post(keys.otherProject as string, [sent])).status).toBe(200)
    // The same id in the default project is another event; a body naming a project cannot move it.
    const answer = await post(keys.ingest as string, [{ ...sent, project: 'other' }])
    expect(answer.status).toBeLessThan(500)
    expect(await count(keys.otherProject as string)).toBe(before.other + 1)
    const own = await count(keys.admin as string)
    expect(own - before.own).toBe(answer.status === 200 ? 1 : 0)
    const events = await fetch(`${base}/api/events?limit=1000`, {
      headers: { authorization: `Bearer ${keys.read}` },
    })
    const page = (await events.json()) as { events: { event_id: string }[] }
    expect(page.events.filter((logged) => logged.event_id === 'shared-id').length).toBe(own - before.own)
  })
})

describe('every project', () => {
  it('is offered to a credential of every project when it has events, even if no key names it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'spendlens-projects-'))
    const own = await openStore(join(empty, 'events.duckdb'))
    await own.append([costEvent({ event_id: 'solo-1', ts: new Date().toISOString() })], 'solo')
    // No keys: the open principal may see every project.
    const open = await createApp({ store: own })
    try {
      const answer = await open.inject({ method: 'GET', url: '/api/projects' })
      expect(answer.json()).toEqual({ projects: ['default', 'solo'], current: 'default' })
    } finally {
      await open.close()
      await own.close()
      await rm(empty, { recursive: true, force: true })
    }
  })
})

describe('dashboard sessions', () => {
  // A server of their own: the route table above spent this address's sign-in attempts (10 a minute).
  let sessionApp: FastifyInstance
  let base: string
  beforeAll(async () => {
    sessionApp = await createApp({ store })
    base = await sessionApp.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(() => sessionApp.close())

  async function signIn(body: unknown) {
    const response = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: response.status, cookie: response.headers.get('set-cookie') ?? '' }
  }

  it('sign in with a read key: an http-only, SameSite=Strict cookie that reads, and not across sites', async () => {
    const { status, cookie } = await signIn({ key: keys.read })
    expect(status).toBe(200)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    const session = cookie.split(';')[0] as string
    expect((await fetch(`${base}/api/meta`, { headers: { cookie: session } })).status).toBe(200)
    const query = (origin?: string) =>
      fetch(`${base}/api/query`, {
        method: 'POST',
        headers: { cookie: session, 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        body: JSON.stringify({ metrics: ['requests'] }),
      })
    expect((await query(base)).status).toBe(200)
    // A page elsewhere (or a request with no Origin) cannot act with the cookie.
    expect((await query('https://evil.example')).status).toBe(403)
    expect((await query()).status).toBe(403)
    // Signing out ends it.
    await fetch(`${base}/api/session`, { method: 'DELETE', headers: { cookie: session } })
    expect((await fetch(`${base}/api/meta`, { headers: { cookie: session } })).status).toBe(401)
  })

  it('refuses an ingest key, a wrong key, and a made-up cookie; ten tries a minute per address', async () => {
    expect((await signIn({ key: keys.ingest })).status).toBe(403)
    expect((await signIn({ key: revoked })).status).toBe(401)
    expect((await signIn({ user: 'nobody', password: 'whatever it is' })).status).toBe(401)
    expect((await signIn({ key: keys.read, extra: 1 })).status).toBe(400)
    expect(
      (await fetch(`${base}/api/meta`, { headers: { cookie: 'spendlens_session=made-up' } })).status,
    ).toBe(401)
    let status = 0
    for (let attempt = 0; attempt < 10 && status !== 429; attempt++)
      status = (await signIn({ user: 'ana', password: `guess number ${attempt}` })).status
    expect(status).toBe(429)
  })
})

describe('rate limits', () => {
  it('answers 429 with Retry-After past a key’s limit, and leaves other keys alone', async () => {
    const limited = await createApp({ store, rateLimits: { ingestPerMinute: 0, queryPerMinute: 3 } })
    const url = await limited.listen({ port: 0, host: '127.0.0.1' })
    try {
      const meta = (key: string) => fetch(`${url}/api/meta`, { headers: { authorization: `Bearer ${key}` } })
      for (let index = 0; index < 3; index++) expect((await meta(keys.read as string)).status).toBe(200)
      const over = await meta(keys.read as string)
      expect(over.status).toBe(429)
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(((await over.json()) as { error: { code: string } }).error.code).toBe('rate_limited')
      expect((await meta(keys.admin as string)).status).toBe(200)
    } finally {
      await limited.close()
    }
  })
})

describe('slow clients', () => {
  it('are dropped once their headers take over 10 s (408), within a second or two of it', async () => {
    const { port } = new URL(base)
    const started = Date.now()
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write('GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n'),
      )
      let received = ''
      socket.on('data', (chunk) => {
        received += chunk.toString()
      })
      socket.on('close', () => resolve(received))
      socket.on('error', reject)
      // Another header line now and then: a slowloris client, never finishing.
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 2000)
      socket.on('close', () => clearInterval(drip))
    })
    const seconds = (Date.now() - started) / 1000
    expect(answer).toMatch(/^HTTP\/1\.1 408/)
    expect(seconds).toBeGreaterThanOrEqual(9.5)
    expect(seconds).toBeLessThan(20)
  }, 30_000)
})

describe('where a server may listen', () => {
  it('refuses a non-loopback address without keys, unless told to run open (with a warning)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'spendlens-exposure-'))
    try {
      await expect(
        startServer({ store: join(empty, 'a.duckdb'), host: '0.0.0.0', port: 0, demo: false }),
      ).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without keys/)
      const notices: string[] = []
      const open = await startServer({
        store: join(empty, 'a.duckdb'),
        host: '0.0.0.0',
        port: 0,
        demo: false,
        open: true,
        onNotice: (message) => notices.push(message),
      })
      await open.close()
      expect(notices.join('\n')).toMatch(/WARNING: listening on 0\.0\.0\.0 with no keys/)
      // Loopback stays open without keys: the two-command start.
      const local = await startServer({ store: join(empty, 'a.duckdb'), port: 0, demo: false })
      expect((await fetch(`${local.url}api/meta`)).status).toBe(200)
      await local.close()
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })

  it('needs a key on loopback too, once one exists', async () => {
    expect((await fetch(`${base}/api/meta`)).status).toBe(401)
  })
})
