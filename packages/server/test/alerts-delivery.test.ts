import { createHmac, timingSafeEqual } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AlertChannel } from '../src/alerts/channel-config.js'
import { deliverAlerts } from '../src/alerts/deliver-alerts.js'
import { verifyWebhookSignature } from '../src/alerts/webhook-signature.js'
import { ALERT_DELIVERIES_TABLE } from '../src/schema/alert-deliveries-table.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { Store } from '../src/store/store.js'
import { anomaly, freePort, type Received, startReceiver } from './alerts-fixtures.js'

const SECRET = 'a-webhook-secret-of-some-length'
const FAST = { retryBaseMs: 50, attemptTimeoutMs: 2000 }
const everything = (channel: string) => [{ channels: [channel] }]

let folder: string
let store: Store
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-alerts-'))
  store = await openDuckDBStore(join(folder, 'alerts.duckdb'))
})
afterEach(async () => {
  await store.close()
  await rm(folder, { recursive: true, force: true })
})

/** The receiver's own check, with node:crypto only: what a customer's endpoint would do. */
function signatureHolds(received: Received, body = received.body): boolean {
  const timestamp = String(received.headers['x-spendlens-timestamp'])
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`
  const given = Buffer.from(String(received.headers['x-spendlens-signature']))
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected))
}

describe('Slack', () => {
  it('posts blocks with the headline, the money, observed vs expected, the summary and a dashboard button', async () => {
    const receiver = await startReceiver()
    const channel: AlertChannel = { id: 'eng', kind: 'slack', url: receiver.url }
    const report = await deliverAlerts(
      [anomaly()],
      { channels: [channel], rules: everything('eng') },
      {
        ...FAST,
        dashboardUrl: 'https://spend.example.com/',
        project: 'shop',
      },
    )
    await receiver.close()
    expect(report).toMatchObject({ delivered: 1, failed: 0 })
    const payload = JSON.parse(receiver.received[0]?.body ?? '{}')
    const text = JSON.stringify(payload.blocks)
    expect(payload.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Spend spike · feature search', emoji: false },
    })
    expect(text).toContain('$90.50')
    expect(text).toContain('cost_usd 120.5 vs 30 expected (4.0×)')
    expect(text).toContain('search cost $120.50 in two hours')
    const button = payload.blocks.find((block: { type: string }) => block.type === 'actions').elements[0]
    expect(button.url).toBe(
      'https://spend.example.com/?project=shop&view=overview&range=custom&from=2026-12-01&to=2026-12-01&tz=UTC&feature=search',
    )
  })

  it('escapes Slack markup in scope values, so a customer named <!channel> pings nobody', async () => {
    const receiver = await startReceiver()
    const channel: AlertChannel = { id: 'eng', kind: 'slack', url: receiver.url }
    await deliverAlerts(
      [
        anomaly({
          summary: 'customer <!channel> spent 5x',
          scope: { dimension: 'customer_id', value: '<!channel>' },
        }),
      ],
      { channels: [channel], rules: everything('eng') },
      FAST,
    )
    await receiver.close()
    const payload = JSON.parse(receiver.received[0]?.body ?? '{}')
    // Slack reads markup in mrkdwn text and the notification text; a plain_text header shows it literally.
    const mrkdwn = [...JSON.stringify(payload.blocks).matchAll(/"type":"mrkdwn","text":"([^"]*)"/g)].map(
      (match) => match[1],
    )
    const marked = [payload.text, ...mrkdwn].join(' ')
    expect(marked).not.toContain('<!channel>')
    expect(marked).toContain('&lt;!channel&gt;')
  })
})

describe('signed webhook', () => {
  it('sends { type, anomalies } signed over timestamp.body; the receiver verifies it and a tampered body fails', async () => {
    const receiver = await startReceiver()
    const channel: AlertChannel = { id: 'ops', kind: 'webhook', url: receiver.url, secret: SECRET }
    const report = await deliverAlerts([anomaly()], { channels: [channel], rules: everything('ops') }, FAST)
    await receiver.close()
    const [received] = receiver.received
    if (!received) throw new Error('nothing received')
    expect(JSON.parse(received.body)).toEqual({ type: 'anomaly.opened', anomalies: [anomaly()] })
    expect(received.headers['x-spendlens-delivery']).toBe(report.deliveries[0]?.id)
    expect(Math.abs(Number(received.headers['x-spendlens-timestamp']) - Date.now() / 1000)).toBeLessThan(60)
    expect(signatureHolds(received)).toBe(true)
    expect(signatureHolds(received, received.body.replace('90.5', '0.5'))).toBe(false)
    // The exported helper agrees with the receiver's own check, and refuses an old timestamp.
    const request = {
      body: received.body,
      timestamp: String(received.headers['x-spendlens-timestamp']),
      signature: String(received.headers['x-spendlens-signature']),
    }
    expect(verifyWebhookSignature(SECRET, request)).toBe(true)
    expect(verifyWebhookSignature(SECRET, { ...request, body: `${request.body} ` })).toBe(false)
    expect(verifyWebhookSignature(SECRET, request, { now: Date.now() + 600_000 })).toBe(false)
    expect(verifyWebhookSignature('another-secret-of-some-length', request)).toBe(false)
  })
})

describe('retries', () => {
  it('a receiver that is down (connection refused) and comes back gets the alert; the log shows the attempts', async () => {
    const port = await freePort()
    const channel: AlertChannel = {
      id: 'ops',
      kind: 'webhook',
      url: `http://127.0.0.1:${port}/hook`,
      secret: SECRET,
    }
    const retries: string[] = []
    const delivering = deliverAlerts(
      [anomaly()],
      { channels: [channel], rules: everything('ops') },
      {
        ...FAST,
        retryBaseMs: 150,
        maxAttempts: 8,
        store,
        project: 'shop',
        onRetry: (message) => retries.push(message),
      },
    )
    // Back up after two refusals.
    while (retries.length < 2) await new Promise((resolve) => setTimeout(resolve, 10))
    const receiver = await startReceiver([200], port)
    const report = await delivering
    await receiver.close()
    expect(retries[0]).toMatch(/ECONNREFUSED/)
    expect(report.delivered).toBe(1)
    expect(receiver.received).toHaveLength(1)
    expect(signatureHolds(receiver.received[0] as Received)).toBe(true)
    const [logged] = await store.readRecords(ALERT_DELIVERIES_TABLE)
    expect(logged).toMatchObject({
      id: report.deliveries[0]?.id,
      project: 'shop',
      channel: 'ops',
      type: 'anomaly.opened',
      anomalyIds: [anomaly().id],
      status: 'delivered',
      attempts: 3,
    })
    expect(logged?.lastError).toMatch(/ECONNREFUSED/)
    expect(logged?.deliveredAt).toBeGreaterThanOrEqual(logged?.createdAt ?? Number.POSITIVE_INFINITY)
  })

  it('a 400 is not retried: one attempt, failed, the error logged', async () => {
    const receiver = await startReceiver([400, 200])
    const channel: AlertChannel = { id: 'eng', kind: 'slack', url: receiver.url }
    const report = await deliverAlerts(
      [anomaly()],
      { channels: [channel], rules: everything('eng') },
      { ...FAST, store },
    )
    await receiver.close()
    expect(receiver.received).toHaveLength(1)
    expect(report.deliveries[0]).toMatchObject({ status: 'failed', attempts: 1, lastError: '400 (no)' })
    expect(await store.readRecords(ALERT_DELIVERIES_TABLE)).toMatchObject([{ status: 'failed', attempts: 1 }])
  })

  it('a 500 is retried until maxAttempts, then failed; the caller gets a report, not an exception', async () => {
    const receiver = await startReceiver([500])
    const channel: AlertChannel = { id: 'eng', kind: 'slack', url: receiver.url }
    const report = await deliverAlerts(
      [anomaly()],
      { channels: [channel], rules: everything('eng') },
      {
        ...FAST,
        maxAttempts: 3,
      },
    )
    await receiver.close()
    expect(receiver.received).toHaveLength(3)
    expect(report).toMatchObject({ delivered: 0, failed: 1, deliveries: [{ status: 'failed', attempts: 3 }] })
  })

  it('a 429 waits as long as Retry-After says, then delivers', async () => {
    const receiver = await startReceiver([{ status: 429, headers: { 'retry-after': '1' } }, 200])
    const channel: AlertChannel = { id: 'eng', kind: 'slack', url: receiver.url }
    const waits: number[] = []
    const report = await deliverAlerts(
      [anomaly()],
      { channels: [channel], rules: everything('eng') },
      {
        ...FAST,
        onRetry: (_, waitMs) => waits.push(waitMs),
      },
    )
    await receiver.close()
    expect(waits).toEqual([1000])
    expect(report.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 2 })
  })

  it('a rule naming a channel that is not configured is a failed delivery, not an exception', async () => {
    const report = await deliverAlerts([anomaly()], { channels: [], rules: everything('nowhere') }, FAST)
    expect(report.deliveries[0]).toMatchObject({
      status: 'failed',
      attempts: 0,
      lastError: expect.stringMatching(/no channel nowhere/),
    })
  })
})

describe('email', () => {
  it('reaches a local SMTP server with a subject, a text and an HTML body', async () => {
    const messages: Buffer[] = []
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          messages.push(Buffer.concat(chunks))
          callback()
        })
      },
    })
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
    const { port } = smtp.server.address() as AddressInfo
    const channel: AlertChannel = {
      id: 'finance',
      kind: 'email',
      host: '127.0.0.1',
      port,
      secure: false,
      from: 'spendlens <alerts@example.com>',
      to: ['finance@example.com'],
    }
    const report = await deliverAlerts(
      [anomaly()],
      { channels: [channel], rules: everything('finance') },
      {
        ...FAST,
        dashboardUrl: 'https://spend.example.com',
        project: 'shop',
      },
    )
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
    expect(report.delivered).toBe(1)
    expect(messages).toHaveLength(1)
    const mail = await simpleParser(messages[0] as Buffer)
    expect(mail.subject).toBe('[spendlens shop] Spend spike · feature search: $90.50 at stake')
    expect(mail.text).toContain('search cost $120.50 in two hours')
    expect(mail.text).toContain('https://spend.example.com/?project=shop&view=overview')
    expect(mail.html).toContain('<a href="https://spend.example.com/?project=shop&amp;view=overview')
    expect(mail.headers.get('x-spendlens-delivery')).toBe(report.deliveries[0]?.id)
  })

  it('an SMTP server that is not there is retried, then failed', async () => {
    const port = await freePort()
    const channel: AlertChannel = {
      id: 'finance',
      kind: 'email',
      host: '127.0.0.1',
      port,
      secure: false,
      from: 'alerts@example.com',
      to: ['finance@example.com'],
    }
    const report = await deliverAlerts(
      [anomaly()],
      { channels: [channel], rules: everything('finance') },
      {
        ...FAST,
        maxAttempts: 2,
      },
    )
    expect(report.deliveries[0]).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: expect.stringMatching(/ECONNREFUSED/),
    })
  })
})
