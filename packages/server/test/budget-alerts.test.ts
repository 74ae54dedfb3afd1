import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AlertChannel } from '../src/alerts/channel-config.js'
import { verifyWebhookSignature } from '../src/alerts/webhook-signature.js'
import type { BudgetAlert } from '../src/api/api-types.js'
import { parseBudgetsFile } from '../src/budgets/budget-definition.js'
import { createBudgetService } from '../src/budgets/budget-service.js'
import { DEMO_BUDGET_AUTHOR } from '../src/demo/demo-budgets.js'
import { type BudgetAlertRouting, startBudgetJob } from '../src/jobs/budget-job.js'
import { ALERT_DELIVERIES_TABLE } from '../src/schema/alert-deliveries-table.js'
import { startServer } from '../src/start-server.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { Store } from '../src/store/store.js'
import { type Received, startReceiver } from './alerts-fixtures.js'
import { costEvent } from './store-contract.js'

/**
 * Budget alerts through the alert channels, to real local receivers: each threshold once per
 * period (remembered in the delivery log across a restart), again in the next period, the
 * forecast's alert when the rate runs the budget out before its reset, and a budget's own channels
 * before the routing rules.
 */

const SECRET = 'a-webhook-secret-of-some-length'
const FAST = { retryBaseMs: 50, attemptTimeoutMs: 2000 }

let folder: string
let store: Store
let spent = 0
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-budget-alerts-'))
  store = await openDuckDBStore(join(folder, 'events.duckdb'))
})
afterEach(async () => {
  await store.close()
  await rm(folder, { recursive: true, force: true })
})

const spend = (ts: string, customer: string, usd: number) =>
  store.append([costEvent({ event_id: `spend-${spent++}`, ts, customer_id: customer, cost_usd: usd })])

const body = (received: Received) => JSON.parse(received.body) as { type: string; budget: BudgetAlert }

const FILE = parseBudgetsFile({
  budgets: [
    {
      id: 'acme',
      name: 'Acme monthly',
      filters: [{ dimension: 'customer_id', op: 'eq', values: ['acme'] }],
      period: 'month',
      amountUsd: 10,
      action: 'block',
    },
  ],
})

describe('threshold alerts', () => {
  it('are delivered once per threshold per period, signed, the highest reached when several are', async () => {
    const hook = await startReceiver()
    let now = Date.parse('2026-11-10T12:00:00.000Z')
    const budgets = createBudgetService({ store, file: FILE, now: () => now })
    const routing: BudgetAlertRouting = {
      channels: [{ id: 'on-call', kind: 'webhook', url: hook.url, secret: SECRET }],
      rules: [{ channels: ['on-call'], kinds: ['budget_threshold'] }],
      dashboardUrl: 'https://spend.example.com',
    }
    const start = () =>
      startBudgetJob({ budgets, store, routingFor: () => routing, intervalMs: 3_600_000, delivery: FAST })
    let job = start()
    try {
      await job.run()
      expect(hook.received).toHaveLength(0)

      // 60%: the 50% threshold.
      await spend('2026-11-10T09:00:00.000Z', 'acme', 6)
      await job.run()
      await job.run()
      expect(hook.received).toHaveLength(1)
      const first = hook.received[0] as Received
      expect(
        verifyWebhookSignature(SECRET, {
          body: first.body,
          timestamp: first.headers['x-spendlens-timestamp'] as string,
          signature: first.headers['x-spendlens-signature'] as string,
        }),
      ).toBe(true)
      expect(body(first)).toMatchObject({
        type: 'budget.threshold',
        budget: {
          id: 'budget:acme:2026-11-01T00:00:00.000Z:threshold:0.5',
          kind: 'budget_threshold',
          budget_id: 'acme',
          budget_name: 'Acme monthly',
          threshold: 0.5,
          amount_usd: 10,
          spent_usd: 6,
          used: 0.6,
          action: 'block',
          period_start: '2026-11-01T00:00:00.000Z',
          resets_at: '2026-12-01T00:00:00.000Z',
        },
      })

      // 110% in one go: the 100% alert alone, not 80% and 100%.
      await spend('2026-11-10T10:00:00.000Z', 'acme', 5)
      await job.stop()
      // A restart: what was sent is read back from the delivery log.
      job = start()
      await job.run()
      expect(hook.received.map((received) => body(received).budget.threshold)).toEqual([0.5, 1])
      job = start()
      await job.run()
      expect(hook.received).toHaveLength(2)

      // December: a new period, the 50% threshold again.
      now = Date.parse('2026-12-02T12:00:00.000Z')
      await spend('2026-12-02T09:00:00.000Z', 'acme', 7)
      await job.run()
      expect(hook.received.map((received) => body(received).budget.id)).toEqual([
        'budget:acme:2026-11-01T00:00:00.000Z:threshold:0.5',
        'budget:acme:2026-11-01T00:00:00.000Z:threshold:1',
        'budget:acme:2026-12-01T00:00:00.000Z:threshold:0.5',
      ])
      const log = await store.readRecords(ALERT_DELIVERIES_TABLE)
      expect(log.map((delivery) => [delivery.type, delivery.status]).sort()).toEqual([
        ['budget.threshold', 'delivered'],
        ['budget.threshold', 'delivered'],
        ['budget.threshold', 'delivered'],
      ])
    } finally {
      await job.stop()
      await hook.close()
    }
  })

  it('are not sent for the demo’s budgets until someone changes one', async () => {
    const hook = await startReceiver()
    const now = Date.parse('2026-11-10T12:00:00.000Z')
    const budgets = createBudgetService({ store, now: () => now })
    const { definition } = FILE[0] as (typeof FILE)[number]
    await budgets.book.put('default', 'acme', definition, DEMO_BUDGET_AUTHOR)
    await spend('2026-11-10T09:00:00.000Z', 'acme', 11)
    const routing: BudgetAlertRouting = {
      channels: [{ id: 'on-call', kind: 'webhook', url: hook.url, secret: SECRET }],
      rules: [{ channels: ['on-call'] }],
    }
    const job = startBudgetJob({
      budgets,
      store,
      routingFor: () => routing,
      intervalMs: 3_600_000,
      delivery: FAST,
    })
    try {
      await job.run()
      expect(hook.received).toHaveLength(0)
      await budgets.book.put('default', 'acme', definition, 'user ops')
      await job.run()
      expect(hook.received.map((received) => body(received).budget.threshold)).toEqual([1])
    } finally {
      await job.stop()
      await hook.close()
    }
  })

  it('a threshold that reached no channel is tried again at the next run', async () => {
    const hook = await startReceiver([500, 500, 200])
    const now = Date.parse('2026-11-10T12:00:00.000Z')
    const budgets = createBudgetService({ store, file: FILE, now: () => now })
    const job = startBudgetJob({
      budgets,
      store,
      routingFor: () => ({
        channels: [{ id: 'hook', kind: 'webhook', url: hook.url, secret: SECRET }],
        rules: [{ channels: ['hook'] }],
      }),
      intervalMs: 3_600_000,
      delivery: { ...FAST, maxAttempts: 2 },
    })
    try {
      // The job's first run, which it starts itself, sees nothing yet.
      await job.run()
      await spend('2026-11-10T09:00:00.000Z', 'acme', 9)
      await job.run()
      await job.run()
      await job.run()
      expect(hook.received.map((received) => body(received).budget.threshold)).toEqual([0.8, 0.8, 0.8])
    } finally {
      await job.stop()
      await hook.close()
    }
  })
})

describe('forecast alerts', () => {
  it('say when the rate runs the budget out before its reset, once a period, through Slack and email', async () => {
    const slack = await startReceiver()
    const mails: Buffer[] = []
    const smtp = new SMTPServer({
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
    const channels: AlertChannel[] = [
      { id: 'sales-eng', kind: 'slack', url: slack.url },
      {
        id: 'finance',
        kind: 'email',
        host: '127.0.0.1',
        port: (smtp.server.address() as AddressInfo).port,
        secure: false,
        from: 'spendlens <alerts@example.com>',
        to: ['finance@example.com'],
      },
    ]
    // $1 an hour for the last day: $24 of $100 spent on the 10th at 12:30; at that rate the last $76
    // go in 76 hours, on Friday the 13th at 16:30 UTC.
    const file = parseBudgetsFile({
      budgets: [
        {
          id: 'globex',
          filters: [{ dimension: 'customer_id', op: 'eq', values: ['globex'] }],
          period: 'month',
          amountUsd: 100,
          // Its own channels: the rules below send nothing to Slack.
          channels: ['sales-eng', 'finance'],
        },
      ],
    })
    for (let hour = 0; hour < 24; hour++)
      await spend(
        new Date(Date.parse('2026-11-09T12:00:00.000Z') + hour * 3_600_000).toISOString(),
        'globex',
        1,
      )
    const budgets = createBudgetService({ store, file, now: () => Date.parse('2026-11-10T12:30:00.000Z') })
    const job = startBudgetJob({
      budgets,
      store,
      routingFor: () => ({ channels, rules: [{ channels: ['finance'], kinds: ['spend_spike'] }] }),
      intervalMs: 3_600_000,
      delivery: FAST,
    })
    try {
      await job.run()
      await job.run()
      expect(slack.received).toHaveLength(1)
      const payload = JSON.parse(slack.received[0]?.body ?? '{}')
      expect(payload.blocks[0]).toEqual({
        type: 'header',
        text: { type: 'plain_text', text: 'Budget globex runs out before it resets', emoji: false },
      })
      expect(payload.text).toBe(
        'Budget globex runs out before it resets: At this rate globex runs out on Friday the 13th around 16:30 (UTC), 17 days before it resets.',
      )
      expect(JSON.stringify(payload.blocks)).toContain('$24.00 of $100.00 (24%)')
      expect(mails).toHaveLength(1)
      const mail = await simpleParser(mails[0] as Buffer)
      expect(mail.subject).toBe(
        '[spendlens default] Budget globex runs out before it resets ($24.00 of $100.00 (24%))',
      )
      expect(mail.text).toContain('Scope: customer_id = globex')
    } finally {
      await job.stop()
      await slack.close()
      await new Promise<void>((resolve) => smtp.close(() => resolve()))
    }
  })
})

describe('in spendlens serve', () => {
  it('a project’s budget alerts go by the alert configuration it set through the API', async () => {
    const hook = await startReceiver()
    const server = await startServer({
      store: join(folder, 'served.duckdb'),
      port: 0,
      demo: false,
      budgets: FILE,
      budgetAlerts: { intervalMs: 3_600_000 },
    })
    try {
      const put = await fetch(new URL('api/alerts/config', server.url), {
        method: 'PUT',
        headers: { 'content-type': 'application/json', origin: server.url.replace(/\/$/, '') },
        body: JSON.stringify({
          channels: [{ id: 'hook', kind: 'webhook', url: hook.url, secret: SECRET }],
          rules: [{ channels: ['hook'], kinds: ['budget_threshold'] }],
        }),
      })
      expect(put.status).toBe(200)
      await server.budgetJob?.run()
      const now = new Date().toISOString()
      await server.store.append([
        costEvent({ event_id: 'served-1', ts: now, customer_id: 'acme', cost_usd: 8.5 }),
      ])
      await server.budgetJob?.run()
      expect(hook.received.map((received) => [body(received).type, body(received).budget.threshold])).toEqual(
        [['budget.threshold', 0.8]],
      )
    } finally {
      await server.close()
      await hook.close()
    }
  })
})
