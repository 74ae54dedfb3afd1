import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAlertQueue } from '../src/alerts/alert-queue.js'
import { ALERTS_CONFIG_SCHEMA } from '../src/alerts/alerts-config.js'
import { createProjectAlerts } from '../src/alerts/project-alerts.js'
import { REDACTED } from '../src/alerts/redact-secrets.js'
import { verifyWebhookSignature } from '../src/alerts/webhook-signature.js'
import type { Anomaly } from '../src/api/api-types.js'
import { Credentials } from '../src/auth/credentials.js'
import { ALERT_DELIVERIES_TABLE } from '../src/schema/alert-deliveries-table.js'
import { type RunningServer, type StartServerOptions, startServer } from '../src/start-server.js'
import { openStore } from '../src/store/open-store.js'
import { anomaly, freePort, type Received, startReceiver } from './alerts-fixtures.js'
import { costEvent } from './store-contract.js'

const SECRET = 'the-on-call-webhook-secret'
const OTHER_SECRET = 'the-file-webhook-secret-of-the-server'
const SLACK_PATH = '/services/T000/B000/the-slack-hook-credential'
const PASSWORD = 'the smtp password, long'
const DAY_MS = 86_400_000

let folder: string
let storePath: string
const stops: (() => Promise<unknown>)[] = []
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-alerts-api-'))
  storePath = join(folder, 'events.duckdb')
})
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop()
  await rm(folder, { recursive: true, force: true })
})

async function start(options: Partial<StartServerOptions> = {}): Promise<RunningServer> {
  const server = await startServer({ store: storePath, port: 0, demo: false, ...options })
  stops.push(() => server.close())
  return server
}

async function receiver(statuses?: Parameters<typeof startReceiver>[0]) {
  const started = await startReceiver(statuses)
  stops.push(() => started.close())
  return started
}

/** A local SMTP server that asks for a login and keeps what it was sent, and the logins it refused. */
async function smtpServer(user: string, password: string) {
  const mails: Buffer[] = []
  const refused: string[] = []
  const smtp = new SMTPServer({
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user })
      refused.push(`${auth.username}:${auth.password}`)
      callback(new Error('Invalid username or password'))
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks))
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  stops.push(() => new Promise<void>((resolve) => smtp.close(() => resolve())))
  return { port: (smtp.server.address() as AddressInfo).port, mails, refused }
}

interface Answer {
  status: number
  text: string
  // biome-ignore lint/suspicious/noExplicitAny: a test reads answers of every shape
  body: any
}

async function call(
  server: RunningServer,
  method: string,
  path: string,
  options: { body?: unknown; key?: string; project?: string } = {},
): Promise<Answer> {
  const response = await fetch(new URL(path, server.url), {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(options.project ? { 'x-spendlens-project': options.project } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await response.text()
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined }
}

const signed = (secret: string, received: Received | undefined) =>
  verifyWebhookSignature(secret, {
    body: received?.body ?? '',
    timestamp: String(received?.headers['x-spendlens-timestamp']),
    signature: String(received?.headers['x-spendlens-signature']),
  })

const webhookConfig = (url: string, secret = SECRET) => ({
  channels: [{ id: 'on-call', kind: 'webhook', url, secret }],
  rules: [{ channels: ['on-call'] }],
  windowMs: 0,
})

describe('GET, PUT and DELETE /api/alerts/config', () => {
  it('a project goes by the file until it has its own; its own is read again at start; DELETE falls back to the file', async () => {
    const file = ALERTS_CONFIG_SCHEMA.parse(webhookConfig('https://file.example.com/hook', OTHER_SECRET))
    let server = await start({ alerts: file })
    expect((await call(server, 'GET', 'api/alerts/config')).body).toEqual({
      source: 'file',
      config: { ...file, channels: [{ ...file.channels[0], secret: REDACTED }] },
      changed_at: null,
      changed_by: null,
    })

    const own = {
      ...webhookConfig('https://pager.example.com/spendlens'),
      dashboardUrl: 'https://spend.example.com',
      rules: [{ channels: ['on-call'], kinds: ['spend_spike'], minMoneyUsd: 100, minSeverity: 'medium' }],
    }
    const put = await call(server, 'PUT', 'api/alerts/config', { body: own })
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({
      source: 'api',
      config: { ...own, channels: [{ ...own.channels[0], secret: REDACTED }] },
      changed_by: 'open',
    })
    expect(Date.parse(put.body.changed_at)).toBeGreaterThan(Date.now() - 60_000)
    expect((await call(server, 'GET', 'api/alerts/config')).body).toEqual(put.body)

    // Read again from the store at start.
    await server.close()
    stops.pop()
    server = await start({ alerts: file })
    expect((await call(server, 'GET', 'api/alerts/config')).body).toEqual(put.body)

    const deleted = await call(server, 'DELETE', 'api/alerts/config')
    expect(deleted.status).toBe(200)
    expect(deleted.body).toMatchObject({ source: 'file', config: { channels: [{ secret: REDACTED }] } })
    expect((await call(server, 'GET', 'api/alerts/config')).body.source).toBe('file')
    // Without a file, nothing at all.
    await server.close()
    stops.pop()
    server = await start()
    expect((await call(server, 'GET', 'api/alerts/config')).body).toEqual({
      source: 'none',
      config: null,
      changed_at: null,
      changed_by: null,
    })
  })

  it('never answers a secret: Slack URLs, webhook secrets and SMTP passwords are redacted', async () => {
    const server = await start()
    const config = {
      channels: [
        { id: 'eng', kind: 'slack', url: `https://hooks.slack.com${SLACK_PATH}` },
        { id: 'on-call', kind: 'webhook', url: 'https://pager.example.com/spendlens', secret: SECRET },
        {
          id: 'finance',
          kind: 'email',
          host: 'smtp.example.com',
          user: 'alerts',
          password: PASSWORD,
          from: 'alerts@example.com',
          to: ['finance@example.com'],
        },
      ],
      rules: [{ channels: ['eng', 'on-call', 'finance'] }],
    }
    const answers = [
      await call(server, 'PUT', 'api/alerts/config', { body: config }),
      await call(server, 'GET', 'api/alerts/config'),
    ]
    for (const answer of answers) {
      expect(answer.status).toBe(200)
      for (const secret of [SLACK_PATH, SECRET, PASSWORD]) expect(answer.text).not.toContain(secret)
      expect(answer.body.config.channels).toEqual([
        { id: 'eng', kind: 'slack', url: REDACTED },
        { id: 'on-call', kind: 'webhook', url: 'https://pager.example.com/spendlens', secret: REDACTED },
        {
          id: 'finance',
          kind: 'email',
          host: 'smtp.example.com',
          port: 587,
          secure: false,
          user: 'alerts',
          password: REDACTED,
          from: 'alerts@example.com',
          to: ['finance@example.com'],
        },
      ])
    }
  })

  it('refuses a configuration with every problem and its path, and keeps the one it had', async () => {
    const server = await start()
    const good = await call(server, 'PUT', 'api/alerts/config', {
      body: webhookConfig('https://a.example.com/'),
    })
    expect(good.status).toBe(200)
    const bad = await call(server, 'PUT', 'api/alerts/config', {
      body: {
        channels: [
          { id: 'on-call', kind: 'webhook', url: 'https://b.example.com/', secret: 'short' },
          { id: 'on-call', kind: 'slack', url: 'not a url' },
          { id: 'mail', kind: 'email', host: 'smtp.example.com', user: 'x', from: 'a@b.c', to: ['d@e.f'] },
        ],
        rules: [{ channels: ['nowhere'] }, { channels: ['on-call'], minSeverity: 'urgent' }],
      },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('invalid_alerts_config')
    const issues = bad.body.error.details.issues as { path: (string | number)[]; message: string }[]
    expect(issues.map((issue) => issue.path.join('.')).sort()).toEqual(
      ['channels.0.secret', 'channels.1.url', 'channels.2.password', 'rules.1.minSeverity'].sort(),
    )
    expect(issues.find((issue) => issue.path.join('.') === 'channels.0.secret')?.message).toBe(
      'a webhook secret has at least 16 characters',
    )
    expect(bad.body.error.message).toContain('channels.0.secret: a webhook secret has at least 16 characters')
    // The cross-checks (a channel twice, a rule naming no channel) once every channel is well formed.
    const crossed = await call(server, 'PUT', 'api/alerts/config', {
      body: {
        channels: [
          { id: 'on-call', kind: 'slack', url: 'https://hooks.slack.com/x' },
          { id: 'on-call', kind: 'slack', url: 'https://hooks.slack.com/y' },
        ],
        rules: [{ channels: ['on-call', 'nowhere'] }],
      },
    })
    expect(crossed.status).toBe(400)
    expect(crossed.body.error.details.issues).toEqual([
      { path: ['channels', 1, 'id'], message: 'channel on-call twice' },
      { path: ['rules', 0, 'channels', 1], message: 'no channel nowhere' },
    ])
    for (const body of [null, [], 'channels']) {
      const answer = await call(server, 'PUT', 'api/alerts/config', { body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
    }
    const kept = await call(server, 'GET', 'api/alerts/config')
    expect(kept.body.config.channels[0].url).toBe('https://a.example.com/')
  })
})

describe('secrets sent back redacted', () => {
  it('GET, edit, PUT keeps the stored secrets: the webhook is still signed with its secret, the SMTP login still succeeds', async () => {
    const hook = await receiver()
    const smtp = await smtpServer('alerts', PASSWORD)
    const server = await start()
    const config = {
      channels: [
        { id: 'on-call', kind: 'webhook', url: hook.url, secret: SECRET },
        {
          id: 'finance',
          kind: 'email',
          host: '127.0.0.1',
          port: smtp.port,
          user: 'alerts',
          password: PASSWORD,
          from: 'alerts@example.com',
          to: ['finance@example.com'],
        },
      ],
      rules: [{ channels: ['on-call', 'finance'] }],
    }
    expect((await call(server, 'PUT', 'api/alerts/config', { body: config })).status).toBe(200)

    const shown = (await call(server, 'GET', 'api/alerts/config')).body.config
    const edited = {
      ...shown,
      rules: [{ channels: ['on-call'] }, { channels: ['finance'], minMoneyUsd: 10 }],
    }
    const put = await call(server, 'PUT', 'api/alerts/config', { body: edited })
    expect(put.status, put.text).toBe(200)
    expect(put.body.config.rules).toEqual(edited.rules)

    expect((await call(server, 'POST', 'api/alerts/test', { body: { channel: 'on-call' } })).body.ok).toBe(
      true,
    )
    expect(signed(SECRET, hook.received[0])).toBe(true)
    const mailed = await call(server, 'POST', 'api/alerts/test', { body: { channel: 'finance' } })
    expect(mailed.body).toMatchObject({ ok: true, error: null })
    expect(smtp.refused).toEqual([])
    expect(smtp.mails).toHaveLength(1)
  })

  it('keeps the secrets of the file’s configuration when a project makes it its own', async () => {
    const hook = await receiver()
    const server = await start({
      alerts: ALERTS_CONFIG_SCHEMA.parse(webhookConfig(hook.url, OTHER_SECRET)),
    })
    const shown = (await call(server, 'GET', 'api/alerts/config')).body
    expect(shown.source).toBe('file')
    const put = await call(server, 'PUT', 'api/alerts/config', {
      body: { ...shown.config, dashboardUrl: 'https://spend.example.com' },
    })
    expect(put.body.source).toBe('api')
    expect((await call(server, 'POST', 'api/alerts/test', { body: { channel: 'on-call' } })).body.ok).toBe(
      true,
    )
    expect(signed(OTHER_SECRET, hook.received[0])).toBe(true)
  })

  it('refuses the marker where no secret is stored, and where the secret would go somewhere else', async () => {
    const server = await start()
    const nothingStored = await call(server, 'PUT', 'api/alerts/config', {
      body: {
        channels: [
          { id: 'eng', kind: 'slack', url: REDACTED },
          { id: 'on-call', kind: 'webhook', url: 'https://pager.example.com/', secret: REDACTED },
        ],
        rules: [{ channels: ['eng', 'on-call'] }],
      },
    })
    expect(nothingStored.status).toBe(400)
    expect(nothingStored.body.error.details.issues).toEqual([
      {
        path: ['channels', 0, 'url'],
        message: `${REDACTED} keeps a stored url, and no slack channel "eng" has one: send the url itself`,
      },
      {
        path: ['channels', 1, 'secret'],
        message: `${REDACTED} keeps a stored secret, and no webhook channel "on-call" has one: send the secret itself`,
      },
    ])

    const config = {
      channels: [
        { id: 'on-call', kind: 'webhook', url: 'https://pager.example.com/', secret: SECRET },
        {
          id: 'finance',
          kind: 'email',
          host: 'smtp.example.com',
          user: 'alerts',
          password: PASSWORD,
          from: 'alerts@example.com',
          to: ['finance@example.com'],
        },
      ],
      rules: [{ channels: ['on-call', 'finance'] }],
    }
    expect((await call(server, 'PUT', 'api/alerts/config', { body: config })).status).toBe(200)
    const shown = (await call(server, 'GET', 'api/alerts/config')).body.config
    const [webhook, email] = shown.channels
    const moved = await call(server, 'PUT', 'api/alerts/config', {
      body: {
        ...shown,
        channels: [
          { ...webhook, url: 'https://collector.example.net/' },
          { ...email, host: 'smtp.example.net' },
        ],
      },
    })
    expect(moved.status).toBe(400)
    expect(moved.body.error.details.issues).toEqual([
      {
        path: ['channels', 0, 'secret'],
        message: `${REDACTED} cannot keep the stored secret: the channel's url changed, and a stored secret goes only where it went before; send the secret itself`,
      },
      {
        path: ['channels', 1, 'password'],
        message: `${REDACTED} cannot keep the stored password: the channel's host changed, and a stored password goes only where it went before; send the password itself`,
      },
    ])
    // A new secret with the new destination is fine.
    const renewed = await call(server, 'PUT', 'api/alerts/config', {
      body: {
        ...shown,
        channels: [{ ...webhook, url: 'https://collector.example.net/', secret: SECRET }, email],
      },
    })
    expect(renewed.status, renewed.text).toBe(200)
  })
})

describe('who may', () => {
  it('only an admin of the project: a read key gets 403, another project’s admin 403 project_forbidden', async () => {
    const store = await openStore(storePath)
    const credentials = await Credentials.open(store, { refresh: false })
    const admin = await credentials.createKey({ project: 'shop', role: 'admin' })
    const read = (await credentials.createKey({ project: 'shop', role: 'read' })).key
    const otherAdmin = (await credentials.createKey({ project: 'books', role: 'admin' })).key
    await credentials.close()
    await store.close()
    const server = await start()
    const config = webhookConfig('https://pager.example.com/')

    for (const [method, path, body] of [
      ['GET', 'api/alerts/config', undefined],
      ['PUT', 'api/alerts/config', config],
      ['DELETE', 'api/alerts/config', undefined],
      ['POST', 'api/alerts/test', { channel: 'on-call' }],
    ] as const) {
      const answer = await call(server, method, path, { key: read, body })
      expect(answer.status, `${method} ${path}`).toBe(403)
      expect(answer.body.error.code).toBe('forbidden')
      const elsewhere = await call(server, method, path, { key: otherAdmin, body, project: 'shop' })
      expect(elsewhere.status).toBe(403)
      expect(elsewhere.body.error.code).toBe('project_forbidden')
    }
    // The delivery log stays a read route.
    expect((await call(server, 'GET', 'api/alerts/deliveries', { key: read })).status).toBe(200)

    const put = await call(server, 'PUT', 'api/alerts/config', { key: admin.key, body: config })
    expect(put.body).toMatchObject({ source: 'api', changed_by: `key ${admin.record.id}` })
    // Each project its own: books has none.
    expect((await call(server, 'GET', 'api/alerts/config', { key: otherAdmin })).body.source).toBe('none')
  })
})

describe('whether alerts are configured, as a read key sees it', () => {
  it('the delivery log says whether the project has channels (the file’s or its own), never their secrets', async () => {
    const store = await openStore(storePath)
    const credentials = await Credentials.open(store, { refresh: false })
    const admin = (await credentials.createKey({ project: 'shop', role: 'admin' })).key
    const read = (await credentials.createKey({ project: 'shop', role: 'read' })).key
    const booksRead = (await credentials.createKey({ project: 'books', role: 'read' })).key
    await credentials.close()
    await store.close()
    const log = async (server: RunningServer, key: string) => {
      const answer = await call(server, 'GET', 'api/alerts/deliveries', { key })
      expect(answer.status).toBe(200)
      return answer.body as { deliveries: unknown[]; alerts_configured: boolean }
    }

    let server = await start()
    // Nothing configured, nothing sent: the log says which of the two it is.
    expect(await log(server, read)).toEqual({ deliveries: [], alerts_configured: false })
    const config = webhookConfig('https://pager.example.com/hook')
    expect((await call(server, 'PUT', 'api/alerts/config', { key: admin, body: config })).status).toBe(200)
    const configured = await log(server, read)
    expect(configured).toEqual({ deliveries: [], alerts_configured: true })
    expect(JSON.stringify(configured)).not.toContain(SECRET)
    expect(JSON.stringify(configured)).not.toContain('pager.example.com')
    // Per project: books has no configuration of its own and the server no file.
    expect((await log(server, booksRead)).alerts_configured).toBe(false)
    await server.close()

    // With the server's file, every project has channels.
    server = await start({
      alerts: ALERTS_CONFIG_SCHEMA.parse(webhookConfig('https://file.example.com/hook')),
    })
    expect((await log(server, booksRead)).alerts_configured).toBe(true)
  })
})

describe('applied at once, per project', () => {
  /** Events of `model` in `project`: old enough to be history, or now. */
  const calls = (project: string, model: string, ts: number, count = 2) =>
    Array.from({ length: count }, (_, index) =>
      costEvent({
        event_id: `${project}-${model}-${ts}-${index}`,
        ts: new Date(ts + index * 1000).toISOString(),
        model,
        feature: 'chat',
        cost_usd: 0.01,
      }),
    )
  const modelsIn = (received: Received[]) =>
    received.flatMap((message) =>
      (JSON.parse(message.body) as { anomalies: Anomaly[] }).anomalies.map(
        (anomaly) => `${anomaly.kind} ${anomaly.scope?.value}`,
      ),
    )

  it('a PUT routes the next anomaly to its receiver, another project keeps the file’s, DELETE goes back to the file', async () => {
    // A week and more of history in two projects, so that a model seen now for the first time is new.
    const store = await openStore(storePath)
    const now = Date.now()
    for (const project of ['shop', 'books'])
      await store.append(calls(project, 'gpt-4o-mini', now - 10 * DAY_MS), project)
    await store.close()

    const fileHook = await receiver()
    const shopHook = await receiver()
    const laterHook = await receiver()
    // A channel that is broken (its hook revoked): it fails, and nothing else waits for it.
    const revoked = await receiver([410])
    const server = await start({
      anomalies: { intervalMs: 3_600_000 },
      alerts: ALERTS_CONFIG_SCHEMA.parse({ ...webhookConfig(fileHook.url, OTHER_SECRET) }),
    })
    await server.anomalies?.run()

    const put = await call(server, 'PUT', 'api/alerts/config', {
      project: 'shop',
      body: {
        channels: [
          { id: 'on-call', kind: 'webhook', url: shopHook.url, secret: SECRET },
          { id: 'revoked', kind: 'slack', url: revoked.url },
        ],
        rules: [{ channels: ['on-call', 'revoked'], kinds: ['new_model'] }],
        windowMs: 0,
      },
    })
    expect(put.status, put.text).toBe(200)

    const ingest = async (project: string, model: string) => {
      const response = await fetch(new URL('v1/events', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-spendlens-project': project },
        body: JSON.stringify(calls(project, model, Date.now())),
      })
      expect(response.status).toBe(200)
    }
    await ingest('shop', 'gpt-4o')
    await ingest('books', 'gpt-4.1')
    await server.anomalies?.run()
    await expect.poll(() => modelsIn(shopHook.received), { timeout: 10_000 }).toEqual(['new_model gpt-4o'])
    await expect.poll(() => modelsIn(fileHook.received), { timeout: 10_000 }).toEqual(['new_model gpt-4.1'])
    expect(signed(SECRET, shopHook.received[0])).toBe(true)
    expect(signed(OTHER_SECRET, fileHook.received[0])).toBe(true)
    await expect.poll(() => revoked.received.length).toBe(1)

    // Another PUT: the next anomaly goes by it.
    const again = await call(server, 'PUT', 'api/alerts/config', {
      project: 'shop',
      body: webhookConfig(laterHook.url),
    })
    expect(again.status).toBe(200)
    await ingest('shop', 'gpt-4.1-mini')
    await server.anomalies?.run()
    await expect
      .poll(() => modelsIn(laterHook.received), { timeout: 10_000 })
      .toEqual(['new_model gpt-4.1-mini'])

    // Back to the file.
    expect((await call(server, 'DELETE', 'api/alerts/config', { project: 'shop' })).body.source).toBe('file')
    await ingest('shop', 'gpt-4.1-nano')
    await server.anomalies?.run()
    await expect
      .poll(() => modelsIn(fileHook.received), { timeout: 10_000 })
      .toEqual(['new_model gpt-4.1', 'new_model gpt-4.1-nano'])
    expect(modelsIn(shopHook.received)).toEqual(['new_model gpt-4o'])
    expect(modelsIn(laterHook.received)).toEqual(['new_model gpt-4.1-mini'])
    expect(revoked.received).toHaveLength(1)

    // The log says what happened to each, per project.
    const log = (await call(server, 'GET', 'api/alerts/deliveries', { project: 'shop' })).body.deliveries as {
      channel: string
      status: string
      last_error: string | null
    }[]
    expect(log.map((entry) => `${entry.channel} ${entry.status}`).sort()).toEqual([
      'on-call delivered',
      'on-call delivered',
      'on-call delivered',
      'revoked failed',
    ])
    expect(log.find((entry) => entry.channel === 'revoked')?.last_error).toBe('410 (no)')
    expect(
      (await call(server, 'GET', 'api/alerts/deliveries', { project: 'books' })).body.deliveries,
    ).toEqual([expect.objectContaining({ channel: 'on-call', status: 'delivered' })])
  }, 60_000)

  it('a message being retried when its queue is reconfigured ends delivered in the log, and the next goes by the new rules', async () => {
    const store = await openStore(storePath)
    stops.push(() => store.close())
    const flaky = await receiver([500, 200])
    const next = await receiver()
    const queue = createAlertQueue({
      routing: ALERTS_CONFIG_SCHEMA.parse(webhookConfig(flaky.url)),
      windowMs: 0,
      retryBaseMs: 300,
      store,
      project: 'shop',
    })
    queue.notify([anomaly({ id: 'first' })])
    await expect.poll(() => flaky.received.length).toBe(1)
    queue.reconfigure({ routing: ALERTS_CONFIG_SCHEMA.parse(webhookConfig(next.url)), windowMs: 0 })
    queue.notify([anomaly({ id: 'second' })])
    await queue.close()
    expect(flaky.received.map((message) => JSON.parse(message.body).anomalies[0].id)).toEqual([
      'first',
      'first',
    ])
    expect(next.received.map((message) => JSON.parse(message.body).anomalies[0].id)).toEqual(['second'])
    const log = await store.readRecords(ALERT_DELIVERIES_TABLE)
    expect(log.map((entry) => [entry.anomalyIds, entry.status, entry.attempts])).toEqual(
      expect.arrayContaining([
        [['first'], 'delivered', 2],
        [['second'], 'delivered', 1],
      ]),
    )
  })
})

describe('servers sharing a store', () => {
  it('a change made through another server is read again and routes this one’s anomalies', async () => {
    const store = await openStore(storePath)
    stops.push(() => store.close())
    const hook = await receiver()
    const here = await createProjectAlerts({ store, refreshMs: 0 })
    const there = await createProjectAlerts({ store, refreshMs: 0 })
    stops.push(
      () => here.close(),
      () => there.close(),
    )
    await there.set('shop', ALERTS_CONFIG_SCHEMA.parse(webhookConfig(hook.url)), 'user ana')
    expect(here.configOf('shop').source).toBe('none')
    await here.reload()
    expect(here.configOf('shop')).toMatchObject({ source: 'api', changedBy: 'user ana' })
    here.notify('shop', [anomaly({ id: 'seen-here' })])
    await expect.poll(() => hook.received.length).toBe(1)
    await there.clear('shop', 'user ana')
    await here.reload()
    expect(here.configOf('shop').source).toBe('none')
  })
})

describe('POST /api/alerts/test', () => {
  it('sends each kind of channel a test message now and answers how it went', async () => {
    const hook = await receiver()
    const slack = await receiver()
    const smtp = await smtpServer('alerts', PASSWORD)
    const server = await start()
    const put = await call(server, 'PUT', 'api/alerts/config', {
      project: 'shop',
      body: {
        channels: [
          { id: 'on-call', kind: 'webhook', url: hook.url, secret: SECRET },
          { id: 'eng', kind: 'slack', url: slack.url },
          {
            id: 'finance',
            kind: 'email',
            host: '127.0.0.1',
            port: smtp.port,
            user: 'alerts',
            password: PASSWORD,
            from: 'spendlens <alerts@example.com>',
            to: ['finance@example.com'],
          },
        ],
        rules: [],
      },
    })
    expect(put.status).toBe(200)
    const test = (channel: string) =>
      call(server, 'POST', 'api/alerts/test', { project: 'shop', body: { channel } })

    const webhook = await test('on-call')
    expect(webhook.status).toBe(200)
    expect(webhook.body).toEqual({
      id: expect.any(String),
      channel: 'on-call',
      kind: 'webhook',
      ok: true,
      error: null,
    })
    expect(JSON.parse(hook.received[0]?.body ?? '{}')).toEqual({ type: 'alert.test', anomalies: [] })
    expect(signed(SECRET, hook.received[0])).toBe(true)
    expect(hook.received[0]?.headers['x-spendlens-delivery']).toBe(webhook.body.id)

    expect((await test('eng')).body).toMatchObject({ kind: 'slack', ok: true })
    const payload = JSON.parse(slack.received[0]?.body ?? '{}')
    expect(payload.text).toContain('A test of this channel from spendlens (project shop)')

    expect((await test('finance')).body).toMatchObject({ kind: 'email', ok: true })
    const mail = await simpleParser(smtp.mails[0] as Buffer)
    expect(mail.subject).toBe('[spendlens shop] Test message')
    expect(mail.text).toContain('Nothing is wrong')

    // In the delivery log, as every message.
    const log = (await call(server, 'GET', 'api/alerts/deliveries', { project: 'shop' })).body.deliveries
    expect(
      log
        .map(
          (entry: { channel: string; type: string; status: string }) =>
            `${entry.channel} ${entry.type} ${entry.status}`,
        )
        .sort(),
    ).toEqual(['eng alert.test delivered', 'finance alert.test delivered', 'on-call alert.test delivered'])
    const unknown = await test('nowhere')
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.message).toContain('no channel "nowhere"')
  })

  it('a receiver that is down: one try, the reason in the answer, and the server carries on', async () => {
    const port = await freePort()
    const smtpPort = await freePort()
    const refusing = await receiver([403])
    const server = await start()
    await call(server, 'PUT', 'api/alerts/config', {
      body: {
        channels: [
          { id: 'down', kind: 'webhook', url: `http://127.0.0.1:${port}/hook`, secret: SECRET },
          {
            id: 'mail',
            kind: 'email',
            host: '127.0.0.1',
            port: smtpPort,
            from: 'a@example.com',
            to: ['b@example.com'],
          },
          { id: 'refusing', kind: 'slack', url: refusing.url },
        ],
        rules: [],
      },
    })
    const down = await call(server, 'POST', 'api/alerts/test', { body: { channel: 'down' } })
    expect(down.status).toBe(200)
    expect(down.body).toMatchObject({
      channel: 'down',
      ok: false,
      error: expect.stringMatching(/ECONNREFUSED/),
    })
    const mail = await call(server, 'POST', 'api/alerts/test', { body: { channel: 'mail' } })
    expect(mail.body).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) })
    const refused = await call(server, 'POST', 'api/alerts/test', { body: { channel: 'refusing' } })
    expect(refused.body).toMatchObject({ ok: false, error: '403 (no)' })
    expect(refusing.received).toHaveLength(1)
    const log = (await call(server, 'GET', 'api/alerts/deliveries')).body.deliveries
    expect(
      log.every(
        (entry: { status: string; attempts: number }) => entry.status === 'failed' && entry.attempts === 1,
      ),
    ).toBe(true)
    expect((await call(server, 'GET', 'api/meta')).status).toBe(200)
  })

  it('without a configuration, a 404 that says so', async () => {
    const server = await start()
    const answer = await call(server, 'POST', 'api/alerts/test', { body: { channel: 'on-call' } })
    expect(answer.status).toBe(404)
    expect(answer.body.error.message).toContain('no alerts configuration')
    expect((await call(server, 'POST', 'api/alerts/test', { body: {} })).status).toBe(400)
  })
})
