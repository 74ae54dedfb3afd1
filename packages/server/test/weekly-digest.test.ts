import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALERTS_CONFIG_SCHEMA, type AlertsConfig } from '../src/alerts/alerts-config.js'
import { verifyWebhookSignature } from '../src/alerts/webhook-signature.js'
import type { SpendReport } from '../src/api/api-types.js'
import { createBudgetService } from '../src/budgets/budget-service.js'
import { startDigestJob } from '../src/jobs/digest-job.js'
import { buildReport } from '../src/report/build-report.js'
import { digestSlot } from '../src/report/weekly-digest.js'
import { ALERT_DELIVERIES_TABLE } from '../src/schema/alert-deliveries-table.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { startReceiver } from './alerts-fixtures.js'
import { costEvent } from './store-contract.js'

const SECRET = 'a-webhook-secret-of-some-length'
const FAST = { retryBaseMs: 20, maxAttempts: 2, attemptTimeoutMs: 2000 }
const at = (text: string) => Date.parse(text)

describe('the digest’s hour', () => {
  it('is the latest day and hour on the zone’s wall clock at or before now', () => {
    const monday9 = { day: 'monday', hour: 9, timeZone: 'Europe/Paris' } as const
    // Monday 2026-11-16 09:00 in Paris (CET, UTC+1) is 08:00Z.
    expect(digestSlot(monday9, at('2026-11-16T08:00:00Z'))).toBe(at('2026-11-16T08:00:00Z'))
    expect(digestSlot(monday9, at('2026-11-18T15:00:00Z'))).toBe(at('2026-11-16T08:00:00Z'))
    // A minute before the hour: the Monday before.
    expect(digestSlot(monday9, at('2026-11-16T07:59:00Z'))).toBe(at('2026-11-09T08:00:00Z'))
    // Monday 2026-03-30 is the first after the spring change: 09:00 CEST is 07:00Z.
    expect(digestSlot(monday9, at('2026-03-30T12:00:00Z'))).toBe(at('2026-03-30T07:00:00Z'))
    // Sunday 02:30 in New York does not exist on 2026-03-08 (clocks jump 02:00 → 03:00): 03:00 EDT = 07:00Z.
    expect(
      digestSlot({ day: 'sunday', hour: 2, timeZone: 'America/New_York' }, at('2026-03-08T12:00:00Z')),
    ).toBe(at('2026-03-08T07:00:00Z'))
  })
})

describe('the digest’s configuration', () => {
  it('defaults to Monday 09:00 UTC, by feature and customer, and refuses what it cannot use, naming where', () => {
    const channels = [{ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: SECRET }]
    expect(ALERTS_CONFIG_SCHEMA.parse({ channels, rules: [], digest: {} }).digest).toEqual({
      day: 'monday',
      hour: 9,
      timeZone: 'UTC',
      by: ['feature', 'customer_id'],
      top: 5,
    })
    const problems = (digest: unknown) =>
      ALERTS_CONFIG_SCHEMA.safeParse({ channels, rules: [], digest }).error?.issues.map(
        (issue) => `${issue.path.join('.')}: ${issue.message}`,
      )
    expect(problems({ channels: ['nope'] })).toEqual(['digest.channels.0: no channel nope'])
    expect(problems({ by: ['colour'] })?.[0]).toMatch(/^digest\.by: by: "colour" is not a dimension/)
    expect(problems({ hour: 24 })?.[0]).toMatch(/^digest\.hour: /)
    expect(problems({ timeZone: 'Mars/Olympus' })?.[0]).toMatch(
      /^digest\.timeZone: must be an IANA time zone/,
    )
  })
})

/**
 * Two weeks of calls (UTC): the week of 2026-11-02 costs $2.00, the week of 2026-11-09 $5.00. The
 * digest goes out on Mondays at 09:00 UTC: on 2026-11-16 it reports the week of the 9th, $5.00,
 * +150% on the week before.
 */
const EVENTS = [
  costEvent({ event_id: 'a', ts: '2026-11-04T10:00:00.000Z', feature: 'search', cost_usd: 2 }),
  costEvent({ event_id: 'b', ts: '2026-11-10T10:00:00.000Z', feature: 'search', cost_usd: 4 }),
  costEvent({ event_id: 'c', ts: '2026-11-11T10:00:00.000Z', feature: 'chat', cost_usd: 1 }),
]

describe('the weekly digest job', () => {
  let folder: string
  let store: Store
  let webhook: Awaited<ReturnType<typeof startReceiver>>
  let slack: Awaited<ReturnType<typeof startReceiver>>
  let smtp: SMTPServer
  const mails: Buffer[] = []
  let config: AlertsConfig

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-digest-'))
    store = await openStore(join(folder, 'events.duckdb'))
    await store.append(EVENTS)
    webhook = await startReceiver([200])
    slack = await startReceiver([200])
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
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
    const { port } = smtp.server.address() as AddressInfo
    config = ALERTS_CONFIG_SCHEMA.parse({
      channels: [
        { id: 'hook', kind: 'webhook', url: webhook.url, secret: SECRET },
        { id: 'slack', kind: 'slack', url: slack.url },
        {
          id: 'finance',
          kind: 'email',
          host: '127.0.0.1',
          port,
          secure: false,
          from: 'spendlens <digest@example.com>',
          to: ['finance@example.com'],
        },
      ],
      rules: [],
      digest: { by: ['feature'] },
    })
  })
  afterAll(async () => {
    await webhook?.close()
    await slack?.close()
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
    await store?.close()
    await rm(folder, { recursive: true, force: true })
  })

  const job = (now: () => number, configFor: (project: string) => AlertsConfig | undefined = () => config) =>
    startDigestJob({
      store,
      budgets: createBudgetService({ store }),
      configFor,
      now,
      intervalMs: 3_600_000,
      delivery: FAST,
    })

  it('sends last week’s report once, at its hour, to every channel, and never again after a restart', async () => {
    // A minute before the hour, the latest hour passed is the Monday before: a job that never sent
    // its week (here, a digest just configured) sends that once.
    let now = at('2026-11-16T08:59:00Z')
    const first = job(() => now)
    await first.run()
    await first.run()
    expect(webhook.received.map((entry) => JSON.parse(entry.body).id)).toEqual([
      'digest:2026-11-02T00:00:00.000Z',
    ])

    now = at('2026-11-16T09:00:30Z')
    await first.run()
    expect(webhook.received).toHaveLength(2)
    expect(slack.received).toHaveLength(2)
    expect(mails).toHaveLength(2)

    // The webhook carries the report whole, signed; its figures are the report's for last week.
    const received = webhook.received[1]
    if (!received) throw new Error('nothing received')
    expect(
      verifyWebhookSignature(SECRET, {
        body: received.body,
        timestamp: String(received.headers['x-spendlens-timestamp']),
        signature: String(received.headers['x-spendlens-signature']),
      }),
    ).toBe(true)
    const body = JSON.parse(received.body) as { type: string; id: string; report: SpendReport }
    expect(body.type).toBe('report.weekly')
    expect(body.id).toBe('digest:2026-11-09T00:00:00.000Z')
    expect(body.report.period).toEqual({
      name: 'last-week',
      from: '2026-11-09T00:00:00.000Z',
      to: '2026-11-16T00:00:00.000Z',
    })
    // $5.00 against $2.00: +$3.00, +150%.
    expect(body.report.totals.cost_usd).toBe(5)
    expect(body.report.change).toMatchObject({ cost_usd: 3, cost_ratio: 1.5 })
    const expected = await buildReport(
      { store, budgets: createBudgetService({ store }) },
      {
        project: 'default',
        period: 'last-week',
        timeZone: 'UTC',
        by: ['feature'],
        top: 5,
        now: at('2026-11-16T09:00:00Z'),
      },
    )
    expect({ ...body.report, generated_at: '' }).toEqual({ ...expected, generated_at: '' })

    const slackBody = JSON.parse(slack.received[1]?.body ?? '{}') as {
      text: string
      blocks: { type: string }[]
    }
    expect(slackBody.text).toContain('Weekly spend: $5.00 (+150.0% on the week before)')
    expect(slackBody.blocks.length).toBeGreaterThan(3)
    const mail = await simpleParser(mails[1] as Buffer)
    expect(mail.subject).toBe('[spendlens default] Weekly spend: $5.00 (+150.0% on the week before)')
    expect(mail.text).toContain('Top movers by feature')
    expect(mail.html).toContain('<th>feature</th>')

    // Later that week, and after a restart (a new job reading the delivery log): nothing more.
    now = at('2026-11-18T12:00:00Z')
    await first.run()
    await first.stop()
    const second = job(() => now)
    await second.run()
    await second.stop()
    expect([webhook.received.length, slack.received.length, mails.length]).toEqual([2, 2, 2])
    const logged = (await store.readRecords(ALERT_DELIVERIES_TABLE)).filter(
      (entry) => entry.type === 'report.weekly',
    )
    expect(logged.map((entry) => [entry.channel, entry.anomalyIds[0], entry.status]).sort()).toEqual(
      ['finance', 'hook', 'slack'].flatMap((channel) =>
        ['2026-11-02', '2026-11-09'].map((week) => [channel, `digest:${week}T00:00:00.000Z`, 'delivered']),
      ),
    )
  })

  it('a server down at the hour catches up once, with the latest week only', async () => {
    // Down from before 2026-11-23 09:00 until 2026-12-02: two Mondays missed, one digest sent.
    const hookOnly = { ...config, digest: { ...config.digest, channels: ['hook'] } as AlertsConfig['digest'] }
    const before = webhook.received.length
    const late = job(
      () => at('2026-12-02T10:00:00Z'),
      () => hookOnly,
    )
    await late.run()
    await late.run()
    await late.stop()
    const sent = webhook.received.slice(before).map((entry) => JSON.parse(entry.body) as { id: string })
    expect(sent.map((entry) => entry.id)).toEqual(['digest:2026-11-23T00:00:00.000Z'])
  })

  it('a channel that failed is tried again at the next check; the one that had it is not', async () => {
    const down = await startReceiver([500, 500, 200])
    const flaky = ALERTS_CONFIG_SCHEMA.parse({
      channels: [
        { id: 'hook', kind: 'webhook', url: webhook.url, secret: SECRET },
        { id: 'down', kind: 'webhook', url: down.url, secret: SECRET },
      ],
      rules: [],
      digest: { day: 'monday', hour: 9 },
    })
    const before = webhook.received.length
    const retrying = job(
      () => at('2026-12-07T09:30:00Z'),
      () => flaky,
    )
    await retrying.run()
    // Two tries (maxAttempts 2), both 500: failed, not remembered.
    expect(down.received).toHaveLength(2)
    expect(webhook.received.length - before).toBe(1)
    await retrying.run()
    await retrying.stop()
    expect(down.received).toHaveLength(3)
    expect(webhook.received.length - before).toBe(1)
    await down.close()
  })
})
