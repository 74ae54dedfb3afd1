import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALERTS_CONFIG_SCHEMA } from '../src/alerts/alerts-config.js'
import { verifyWebhookSignature } from '../src/alerts/webhook-signature.js'
import { detectAnomalies } from '../src/anomalies/detect-anomalies.js'
import type { Anomaly } from '../src/api/api-types.js'
import { anomalyScenario, type Planted } from '../src/demo/anomaly-scenario.js'
import { ANOMALIES_TABLE, type AnomalyRecord, toAnomaly } from '../src/schema/anomalies-table.js'
import { startServer } from '../src/start-server.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { startReceiver } from './alerts-fixtures.js'
import { runCli } from './cli-process.js'
import { costEvent } from './store-contract.js'

/**
 * The detectors on a scenario: four weeks of seasonal, noisy, normal traffic, then a week with one
 * anomaly of each kind planted at a random hour (anomaly-scenario.ts), on both engines. Each planted
 * anomaly must be found from the hour it starts; what is found away from every planted one is a
 * false alarm, at most one in the week.
 */
const HOUR_MS = 3_600_000
const scenario = anomalyScenario()

/**
 * False alarms are counted as incidents: one odd hour of one value seen by two detectors (a
 * customer's spike and its own hour) is one alarm, as the alerts group it into one message.
 */
const incidents = (anomalies: AnomalyRecord[]) =>
  new Set(anomalies.map((anomaly) => `${anomaly.scopeValue}\u0000${anomaly.start}`)).size

/** A finding explains a planted anomaly when it starts within an hour of it (the same event seen by another dimension counts). */
const near = (anomaly: AnomalyRecord, planted: Planted) => Math.abs(anomaly.start - planted.hour) <= HOUR_MS

for (const engine of ['duckdb', 'clickhouse'] as const) {
  describe(`anomaly detection on ${engine}`, () => {
    let folder: string
    let store: Store
    let found: AnomalyRecord[]
    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), `spendlens-anomalies-${engine}-`))
      store = await openStore(
        engine === 'duckdb' ? join(folder, 'events.duckdb') : `chdb://${join(folder, 'chdb')}`,
      )
      for (let start = 0; start < scenario.events.length; start += 5000)
        await store.append(scenario.events.slice(start, start + 5000))
      found = await detectAnomalies({
        store,
        project: 'default',
        from: scenario.plantedWeekStart,
        to: scenario.plantedWeekEnd,
        existing: [],
        now: () => scenario.plantedWeekEnd + HOUR_MS,
      })
    }, 120_000)
    afterAll(async () => {
      await store.close()
      await rm(folder, { recursive: true, force: true })
    })

    it.each(scenario.planted.map((planted) => [planted.kind, planted.dimension, planted] as const))(
      'finds the planted %s on %s from its first hour, in its scope',
      (_kind, _dimension, planted) => {
        // Found in the hour it starts (the same scope may have had another anomaly that week).
        const match = found.find(
          (anomaly) =>
            anomaly.kind === planted.kind &&
            anomaly.scopeDimension === planted.dimension &&
            anomaly.scopeValue === planted.value &&
            anomaly.start === planted.hour,
        )
        expect(match, JSON.stringify(found.map(toAnomaly), null, 1).slice(0, 3000)).toBeDefined()
        if (planted.kind !== 'unpriced_model') expect(match?.moneyAtStakeNanos).toBeGreaterThan(0)
        expect(match?.summary.length).toBeGreaterThan(20)
      },
    )

    it('raises a prompt drift by the end of its first hour, as the server runs it then', async () => {
      const drift = scenario.planted.find((planted) => planted.kind === 'prompt_drift') as Planted
      // The job's run at the end of the deploy's hour: the hour before and that hour, its events all in.
      const raised = await detectAnomalies({
        store,
        project: 'default',
        from: drift.hour - HOUR_MS,
        to: drift.hour + HOUR_MS,
        existing: [],
        now: () => drift.hour + HOUR_MS,
      })
      const match = raised.find(
        (anomaly) => anomaly.kind === 'prompt_drift' && anomaly.scopeValue === drift.value,
      )
      expect(match?.start, JSON.stringify(raised.map(toAnomaly))).toBe(drift.hour)
      expect(match?.moneyAtStakeNanos).toBeGreaterThan(0)
    })

    it('raises at most one false alarm in the week of normal traffic around them', () => {
      const unexplained = found.filter(
        (anomaly) => !scenario.planted.some((planted) => near(anomaly, planted)),
      )
      expect(incidents(unexplained), JSON.stringify(unexplained.map(toAnomaly))).toBeLessThanOrEqual(1)
    })

    it('raises nothing in a week of normal traffic alone', async () => {
      const quiet = await detectAnomalies({
        store,
        project: 'default',
        from: scenario.plantedWeekStart - 7 * 24 * HOUR_MS,
        to: scenario.plantedWeekStart,
        existing: [],
        now: () => scenario.plantedWeekEnd,
      })
      expect(incidents(quiet), JSON.stringify(quiet.map(toAnomaly))).toBeLessThanOrEqual(1)
    })

    it('resolves what ended, and never raises the same anomaly twice when run again', async () => {
      expect(
        found.every(
          (anomaly) => anomaly.state === 'resolved' || anomaly.end >= scenario.plantedWeekEnd - 2 * HOUR_MS,
        ),
      ).toBe(true)
      await store.writeRecords(ANOMALIES_TABLE, found)
      const again = await detectAnomalies({
        store,
        project: 'default',
        from: scenario.plantedWeekStart,
        to: scenario.plantedWeekEnd,
        now: () => scenario.plantedWeekEnd + HOUR_MS,
      })
      await store.writeRecords(ANOMALIES_TABLE, again)
      const stored = await store.readRecords(ANOMALIES_TABLE)
      expect(new Set(stored.map((anomaly) => anomaly.id)).size).toBe(stored.length)
      expect(stored.map((anomaly) => anomaly.id).sort()).toEqual(found.map((anomaly) => anomaly.id).sort())
    })
  })
}

describe('spendlens anomalies (the backtest on the command line)', () => {
  it('prints the anomalies as JSON with kind, scope, start, end and money at stake', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'spendlens-anomalies-cli-'))
    try {
      const location = join(folder, 'events.duckdb')
      const store = await openStore(location)
      await store.append(scenario.events)
      await store.close()
      const since = new Date(scenario.plantedWeekStart).toISOString().slice(0, 10)
      const until = new Date(scenario.plantedWeekEnd - HOUR_MS).toISOString().slice(0, 10)
      const run = await runCli([
        'anomalies',
        '--store',
        location,
        '--since',
        since,
        '--until',
        until,
        '--format',
        'json',
      ])
      expect(run.status, run.stderr).toBe(0)
      const anomalies = JSON.parse(run.stdout) as Record<string, unknown>[]
      for (const planted of scenario.planted)
        expect(
          anomalies.some(
            (anomaly) =>
              anomaly.kind === planted.kind && anomaly.start === new Date(planted.hour).toISOString(),
          ),
        ).toBe(true)
      for (const anomaly of anomalies)
        for (const field of ['kind', 'scope', 'start', 'end', 'money_at_stake_usd'])
          expect(anomaly).toHaveProperty(field)
      const table = await runCli(['anomalies', '--store', location, '--since', since, '--until', until])
      expect(table.stdout).toMatch(/spend_spike +│ feature=chat/)
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('anomalies on a running server', () => {
  it('the job finds a spike in the hour going on; the API lists it and a person acknowledges it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'spendlens-anomalies-server-'))
    const now = Date.now()
    const current = Math.floor(now / HOUR_MS) * HOUR_MS
    // Four weeks and more of normal traffic up to now (and a little past: the planted week runs on).
    const history = anomalyScenario({ end: now + 8 * 24 * HOUR_MS, seed: 5 })
    const events = history.events.filter((event) => Date.parse(event.ts) < current)
    const spike = Array.from({ length: 300 }, (_, index) =>
      costEvent({
        event_id: `spike-${index}`,
        ts: new Date(current + (index % 60) * 1000).toISOString(),
        feature: 'chat',
        route: '/api/chat',
        customer_id: 'customer-1',
        model: 'gpt-4o-mini',
        environment: 'production',
        cost_usd: 0.5,
      }),
    )
    const store = await openStore(join(folder, 'events.duckdb'))
    for (let start = 0; start < events.length; start += 5000)
      await store.append(events.slice(start, start + 5000))
    await store.append(spike)
    await store.close()
    // Alerts: spikes of $100 or more go to a signed webhook (a real receiver on this machine).
    const receiver = await startReceiver()
    const secret = 'a-secret-of-the-receiver'
    const server = await startServer({
      store: join(folder, 'events.duckdb'),
      port: 0,
      demo: false,
      anomalies: { intervalMs: 3_600_000 },
      alerts: ALERTS_CONFIG_SCHEMA.parse({
        channels: [{ id: 'on-call', kind: 'webhook', url: receiver.url, secret }],
        rules: [{ channels: ['on-call'], kinds: ['spend_spike'], minMoneyUsd: 100 }],
        windowMs: 0,
      }),
    })
    try {
      const list = async () =>
        ((await (await fetch(new URL('api/anomalies', server.url))).json()) as { anomalies: Anomaly[] })
          .anomalies
      let anomalies: Anomaly[] = []
      for (
        let attempt = 0;
        attempt < 100 && !anomalies.some((anomaly) => anomaly.kind === 'spend_spike');
        attempt++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        anomalies = await list()
      }
      const found = anomalies.find(
        (anomaly) => anomaly.kind === 'spend_spike' && anomaly.scope?.dimension === 'feature',
      )
      expect(found).toMatchObject({
        scope: { dimension: 'feature', value: 'chat' },
        start: new Date(current).toISOString(),
        state: 'open',
      })
      expect(found?.money_at_stake_usd).toBeGreaterThan(100)
      // Open first, by money at stake.
      const money = anomalies
        .filter((anomaly) => anomaly.state === 'open')
        .map((anomaly) => anomaly.money_at_stake_usd)
      expect(money).toEqual([...money].sort((a, b) => b - a))

      const post = (id: string, body: unknown) =>
        fetch(new URL(`api/anomaly-state/${id}`, server.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      const acknowledged = await post(found?.id as string, { state: 'acknowledged' })
      expect(acknowledged.status).toBe(200)
      expect(((await list()).find((anomaly) => anomaly.id === found?.id) as Anomaly).state).toBe(
        'acknowledged',
      )
      expect((await post(found?.id as string, { state: 'resolved' })).status).toBe(400)
      expect((await post('nope', { state: 'muted' })).status).toBe(404)

      // The spike reached the webhook, signed, and nothing under $100 did.
      for (let attempt = 0; attempt < 100 && receiver.received.length === 0; attempt++)
        await new Promise((resolve) => setTimeout(resolve, 100))
      const [message] = receiver.received
      const body = JSON.parse(message?.body ?? '{}') as { type: string; anomalies: Anomaly[] }
      expect(body.anomalies.map((anomaly) => anomaly.id)).toContain(found?.id)
      expect(
        body.anomalies.every(
          (anomaly) => anomaly.kind === 'spend_spike' && anomaly.money_at_stake_usd >= 100,
        ),
      ).toBe(true)
      expect(
        verifyWebhookSignature(secret, {
          body: message?.body ?? '',
          timestamp: String(message?.headers['x-spendlens-timestamp']),
          signature: String(message?.headers['x-spendlens-signature']),
        }),
      ).toBe(true)
      // The delivery log, in the API.
      await expect
        .poll(
          async () =>
            (
              (await (await fetch(new URL('api/alerts/deliveries', server.url))).json()) as {
                deliveries: { channel: string; status: string; anomaly_ids: string[]; attempts: number }[]
              }
            ).deliveries,
          { timeout: 10_000 },
        )
        .toEqual([
          expect.objectContaining({
            channel: 'on-call',
            status: 'delivered',
            attempts: 1,
            anomaly_ids: expect.arrayContaining([found?.id]),
          }),
        ])
    } finally {
      await server.close()
      await receiver.close()
      await rm(folder, { recursive: true, force: true })
    }
  }, 120_000)
})
