import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostEvent } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelMigrationsAnswer } from '../src/api/api-types.js'
import { costEvent } from '../src/demo/cost-event.js'
import { modelMigrations } from '../src/model-migrations/model-migrations.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { FIXED_DATES, startTestServer } from './server-helpers.js'

const DAY = 86_400_000
const FIRST = Date.UTC(2026, 9, 22)
const RANGE = { from: new Date(FIRST), to: new Date(FIRST + 30 * DAY) }

/*
 * 30 days from 2026-10-22, ten calls a day of `triage`. Its first 15 days on gpt-4o: nine calls of
 * 1,000 input and 200 output tokens at $0.01 and 1,000 ms, one failed call of no tokens at $0 and
 * 100 ms. From 2026-11-06 on gpt-4o-mini: ten calls of 1,000 input and 150 output at $0.001, 400 ms.
 * Beside it, `chat` splits its calls between two models at random every day: no migration.
 */
function history(): CostEvent[] {
  const events: CostEvent[] = []
  let mixed = 7
  for (let day = 0; day < 30; day++) {
    for (let call = 0; call < 10; call++) {
      const ts = new Date(FIRST + day * DAY + (call + 1) * 3_600_000).toISOString()
      const before = day < 15
      const failed = before && call === 9
      events.push(
        costEvent({
          event_id: `triage-${day}-${call}`,
          ts,
          feature: 'triage',
          model: before ? 'gpt-4o' : 'gpt-4o-mini',
          input_tokens: failed ? null : 1000,
          output_tokens: failed ? null : before ? 200 : 150,
          cost_usd: failed ? 0 : before ? 0.01 : 0.001,
          latency_ms: failed ? 100 : before ? 1000 : 400,
          status: failed ? 'error' : 'ok',
          http_status: failed ? 500 : 200,
        }),
      )
      mixed = (mixed * 48271) % 2147483647
      events.push(
        costEvent({
          event_id: `chat-${day}-${call}`,
          ts,
          feature: 'chat',
          model: mixed % 2 === 0 ? 'claude-haiku-4-5' : 'gpt-4o-mini',
          input_tokens: 500,
          output_tokens: 50,
          cost_usd: 0.0005,
        }),
      )
    }
  }
  return events
}

function expectTriage(answer: ModelMigrationsAnswer) {
  expect(answer.migrations).toHaveLength(1)
  const [migration] = answer.migrations
  expect(migration).toMatchObject({
    feature: 'triage',
    day: '2026-11-06',
    at: '2026-11-06T00:00:00.000Z',
    before: {
      from: '2026-10-22T00:00:00.000Z',
      to: '2026-11-06T00:00:00.000Z',
      provider: 'openai',
      model: 'gpt-4o',
      share: 1,
      requests: 150,
      cost_usd: 1.35,
      // $1.35 over 150 calls (the failed ones cost a known $0).
      cost_per_request: 0.009,
      input_tokens_per_request: 900,
      output_tokens_per_request: 180,
      // (135 × 1,000 + 15 × 100) / 150
      avg_latency_ms: 910,
      error_rate: 0.1,
    },
    after: {
      from: '2026-11-06T00:00:00.000Z',
      to: '2026-11-21T00:00:00.000Z',
      model: 'gpt-4o-mini',
      requests: 150,
      cost_usd: 0.15,
      cost_per_request: 0.001,
      input_tokens_per_request: 1000,
      output_tokens_per_request: 150,
      avg_latency_ms: 400,
      error_rate: 0,
    },
  })
  expect(migration?.change.cost_per_request).toBeCloseTo(0.001 / 0.009 - 1, 12)
  expect(migration?.change.tokens_per_request).toBeCloseTo(1150 / 1080 - 1, 12)
  expect(migration?.change.error_rate).toBeCloseTo(-0.1, 12)
  expect(migration?.before.p95_latency_ms).toBeGreaterThan(migration?.after.p95_latency_ms ?? Infinity)
}

describe.each([
  ['duckdb', (folder: string) => openStore(join(folder, 'events.duckdb'))],
  ['clickhouse (chDB)', (folder: string) => openStore(`chdb://${join(folder, 'chdb')}`)],
])('model migrations, on %s', (_engine, open) => {
  let folder: string
  let store: Store

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-migrations-'))
    store = await open(folder)
    await store.append(history())
  })
  afterAll(async () => {
    await store.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('finds the switch and compares both sides as worked out by hand, and nothing in the noise beside it', async () => {
    expectTriage(await modelMigrations(store, { project: 'default', ...RANGE, timeZone: 'UTC', filters: [] }))
  })

  it('finds it without a range, over the whole history', async () => {
    const answer = await modelMigrations(store, { project: 'default', timeZone: 'UTC', filters: [] })

    expect(answer.migrations.map((migration) => [migration.feature, migration.day])).toEqual([
      ['triage', '2026-11-06'],
    ])
  })
})

describe('GET /api/model-migrations on a running server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  beforeAll(async () => {
    server = await startTestServer(FIXED_DATES)
    const events = history()
    for (let start = 0; start < events.length; start += 200) {
      const response = await fetch(server.url('/v1/events'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events.slice(start, start + 200)),
      })
      expect(response.status).toBe(200)
    }
  })
  afterAll(() => server.stop())

  it('answers the migrations of the range asked', async () => {
    const response = await fetch(server.url('/api/model-migrations?from=2026-10-22&to=2026-11-21'))

    expect(response.status).toBe(200)
    expectTriage((await response.json()) as ModelMigrationsAnswer)
  })

  it('answers none where the filters leave only the noise', async () => {
    const response = await fetch(
      server.url('/api/model-migrations?from=2026-10-22&to=2026-11-21&feature=chat'),
    )

    expect(((await response.json()) as ModelMigrationsAnswer).migrations).toEqual([])
  })
})
