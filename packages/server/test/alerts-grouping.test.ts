import { describe, expect, it } from 'vitest'
import { createAlertQueue } from '../src/alerts/alert-queue.js'
import type { AlertChannel } from '../src/alerts/channel-config.js'
import { groupAlerts } from '../src/alerts/group-alerts.js'
import { anomaly, startReceiver } from './alerts-fixtures.js'

const SECRET = 'a-webhook-secret-of-some-length'

/** 50 anomalies, the money at stake rising with the index: anomaly 49 is the largest. */
const storm = Array.from({ length: 50 }, (_, index) =>
  anomaly({
    id: `customer_hour/customer_id=c${index}`,
    kind: 'customer_hour',
    scope: { dimension: 'customer_id', value: `c${index}` },
    money_at_stake_usd: 10 + index,
    summary: `customer c${index} spent far more than usual.`,
  }),
)

describe('grouping', () => {
  it('50 anomalies in one window reach a Slack channel as ONE message: the top ten by money, then "and 40 more"', async () => {
    const receiver = await startReceiver()
    const channel: AlertChannel = { id: 'sales-eng', kind: 'slack', url: receiver.url }
    const queue = createAlertQueue({
      routing: { channels: [channel], rules: [{ channels: ['sales-eng'] }] },
      windowMs: 200,
    })
    for (const one of storm) queue.notify([one])
    await new Promise((resolve) => setTimeout(resolve, 300))
    await queue.close()
    await receiver.close()
    expect(receiver.received).toHaveLength(1)
    const payload = JSON.parse(receiver.received[0]?.body ?? '{}')
    expect(payload.blocks[0].text.text).toBe(
      // 10 + 11 + … + 59
      '50 anomalies, $1,725.00 at stake',
    )
    const listedScopes = payload.blocks
      .filter((block: { type: string }) => block.type === 'section')
      .map((block: { text: { text: string } }) => /customer_id (c\d+)/.exec(block.text.text)?.[1])
      .filter(Boolean)
    expect(listedScopes).toEqual(['c49', 'c48', 'c47', 'c46', 'c45', 'c44', 'c43', 'c42', 'c41', 'c40'])
    expect(payload.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'and 40 more' }],
    })
  })

  it('a webhook group carries every anomaly, most money first', () => {
    const [message] = groupAlerts(storm)
    expect(message?.type).toBe('anomaly.group')
    expect(message?.anomalies).toHaveLength(50)
    expect(message?.anomalies[0]?.money_at_stake_usd).toBe(59)
  })

  it('an anomaly announced open sends a resolved message when it resolves, and is not announced twice', async () => {
    const receiver = await startReceiver()
    const channel: AlertChannel = { id: 'ops', kind: 'webhook', url: receiver.url, secret: SECRET }
    const queue = createAlertQueue({
      routing: { channels: [channel], rules: [{ channels: ['ops'] }] },
      windowMs: 60_000,
    })
    const open = anomaly()
    queue.notify([open])
    await queue.flush()
    // The detector's next run sees the same anomaly, still open: no news.
    queue.notify([open])
    await queue.flush()
    queue.notify([{ ...open, state: 'resolved' }])
    await queue.flush()
    // Resolved again on a later run: no news either.
    queue.notify([{ ...open, state: 'resolved' }])
    await queue.close()
    await receiver.close()
    const bodies = receiver.received.map((received) => JSON.parse(received.body))
    expect(bodies.map((body) => body.type)).toEqual(['anomaly.opened', 'anomaly.resolved'])
    expect(bodies[1].anomalies).toEqual([{ ...open, state: 'resolved' }])
  })

  it('an anomaly that opened and resolved inside one window is not announced', async () => {
    const receiver = await startReceiver()
    const channel: AlertChannel = { id: 'ops', kind: 'webhook', url: receiver.url, secret: SECRET }
    const queue = createAlertQueue({
      routing: { channels: [channel], rules: [{ channels: ['ops'] }] },
      windowMs: 60_000,
    })
    queue.notify([anomaly()])
    queue.notify([anomaly({ state: 'resolved' })])
    await queue.close()
    await receiver.close()
    expect(receiver.received).toHaveLength(0)
  })

  it('notify never waits for a channel, and a full queue drops (and counts) rather than grows', async () => {
    const channel: AlertChannel = {
      id: 'ops',
      kind: 'webhook',
      url: 'http://127.0.0.1:9/down',
      secret: SECRET,
    }
    const queue = createAlertQueue({
      routing: { channels: [channel], rules: [{ channels: ['ops'] }] },
      windowMs: 60_000,
      maxQueued: 20,
      maxAttempts: 1,
    })
    expect(queue.notify(storm.slice(0, 15))).toBe(true)
    expect(queue.notify(storm.slice(15))).toBe(false)
    expect(queue.dropped).toBe(30)
    const report = await queue.flush()
    expect(report).toMatchObject({ delivered: 0, failed: 1 })
    expect(report.deliveries[0]?.anomalyIds).toHaveLength(20)
  })
})
