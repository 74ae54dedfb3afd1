import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostEvent } from 'spendlens'
import { fromStoreRow, type StoreRow, toStoreRow } from 'spendlens/internal'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AnalyticsQuery, METRICS, type QueryRow } from '../src/api/api-types.js'
import { costEvent } from '../src/demo/cost-event.js'
import { analyticsQuerySchema, QUERY_CAPS } from '../src/query/analytics-query.js'
import { InvalidCursorError } from '../src/query/event-log.js'
import { TooManyRowsError } from '../src/query/run-query.js'
import type { CompiledQuery } from '../src/query/sql-builder.js'
import { QueryTimeoutError } from '../src/query/time-limit.js'
import { ALERT_CONFIGS_TABLE } from '../src/schema/alert-configs-table.js'
import { EVENT_FIELD_COLUMNS, EVENTS_TABLE } from '../src/schema/events-table.js'
import { type InvoiceLine, type InvoiceRange, invoiceLine } from '../src/schema/invoice-table.js'
import { columnsAt, type EngineName } from '../src/schema/table.js'
import { batchFormat } from '../src/store/batch-format.js'
import type { QueryInsight, Store } from '../src/store/store.js'

export { costEvent }

/**
 * The one behaviour every Store must have, run against each engine by a small test file
 * (`store-contract.<engine>.test.ts`). The numbers are worked out by hand from TEN_EVENTS below;
 * money is compared exactly, to the nano-dollar.
 */
export interface StoreContractOptions {
  name: string
  /** Opens the engine's store kept in `folder` (a fresh temp folder per test; the same folder again to reopen). */
  open(folder: string): Promise<Store & QueryInsight>
  /**
   * A read that would keep the engine busy for many minutes, with a bound parameter, ending as
   * compiled reads end (SqlBuilder.done): what a time limit must stop.
   */
  slowQuery(): CompiledQuery
  /** Cases this engine cannot pass, each with the reason: `{ 'case name': 'why' }`. */
  skip?: Record<string, string>
}

/**
 * Ten events around the end of daylight saving time in New York (Sunday 2026-11-01: 01:00–02:00
 * local happens twice, 05:00Z–07:00Z), a month boundary, and two events sharing one ts.
 */
export const TEN_EVENTS: CostEvent[] = [
  costEvent({
    event_id: 'e01',
    ts: '2026-10-31T23:30:00.000Z',
    feature: 'chat',
    route: '/api/chat',
    customer_id: 'acme',
    user_id: 'acme-u1',
    session_id: 'acme-s1',
    environment: 'production',
    prompt_id: 'chat-v1',
    requested_model: 'gpt-4o-mini',
    provider_request_id: 'req_1',
    tags: { team: 'search', plan: 'pro' },
    input_tokens: 1000,
    cache_read_tokens: 400,
    output_tokens: 200,
    reasoning_tokens: 0,
    cost_usd: 0.000123456,
    price_source: 'genai-prices:openai/gpt-4o-mini',
    latency_ms: 100,
    ttft_ms: 40.5,
    streamed: true,
    service_tier: 'default',
  }),
  costEvent({
    event_id: 'e02',
    ts: '2026-11-01T04:30:00.000Z',
    feature: 'chat',
    customer_id: 'acme',
    tags: { team: 'search' },
    input_tokens: 2000,
    cache_read_tokens: 1000,
    output_tokens: 100,
    input_audio_tokens: 30,
    output_audio_tokens: 20,
    cost_usd: 0.001000001,
    latency_ms: 200,
  }),
  costEvent({
    event_id: 'e03',
    ts: '2026-11-01T05:30:00.000Z',
    operation: 'embeddings',
    model: 'text-embedding-3-small',
    feature: 'search',
    customer_id: 'globex',
    input_tokens: 50,
    output_tokens: 0,
    cost_usd: 0.000000001,
    latency_ms: 300,
  }),
  costEvent({
    event_id: 'e04',
    ts: '2026-11-01T06:30:00.000Z',
    provider: 'anthropic',
    operation: 'messages',
    model: 'claude-haiku-4-5',
    feature: 'summarize',
    tags: { team: 'docs' },
    input_tokens: 10000,
    cache_read_tokens: 0,
    cache_write_tokens: 2000,
    cache_write_1h_tokens: 500,
    output_tokens: 500,
    cost_usd: 0.5,
    latency_ms: 400,
  }),
  costEvent({
    event_id: 'e05',
    ts: '2026-11-01T12:00:00.000Z',
    customer_id: 'acme',
    status: 'error',
    error_type: 'RateLimitError',
    http_status: 429,
    cost_usd: 0,
    latency_ms: 50,
  }),
  costEvent({
    event_id: 'e06',
    ts: '2026-11-02T08:15:30.500Z',
    model: 'private-ft',
    feature: 'chat',
    customer_id: 'globex',
    tags: { team: 'search', plan: 'free' },
    input_tokens: 4000,
    output_tokens: 1000,
    cost_usd: null,
    pricing_status: 'unpriced',
    latency_ms: 1000,
  }),
  costEvent({
    event_id: 'e07',
    ts: '2026-11-08T10:00:00.000Z',
    model: 'o4-mini',
    feature: 'chat',
    customer_id: 'initech',
    input_tokens: 3000,
    cache_read_tokens: 1500,
    output_tokens: 300,
    reasoning_tokens: 100,
    cost_usd: 0.25,
    latency_ms: 600,
    batch: true,
  }),
  costEvent({
    event_id: 'e08',
    ts: '2026-11-09T10:00:00.000Z',
    provider: 'anthropic',
    operation: 'messages',
    model: 'claude-haiku-4-5',
    feature: 'summarize',
    customer_id: 'initech',
    status: 'cancelled',
    http_status: null,
    input_tokens: 5000,
    output_tokens: 800,
    cost_usd: 0.75,
    cost_partial: true,
    latency_ms: 700,
    streamed: true,
  }),
  costEvent({
    event_id: 'e09',
    ts: '2026-12-01T00:00:00.000Z',
    operation: 'embeddings',
    model: 'text-embedding-3-small',
    feature: 'search',
    customer_id: 'acme',
    environment: 'staging',
    input_tokens: 10,
    output_tokens: 0,
    cost_usd: 0.000002,
    pricing_status: 'client',
    price_source: 'charged:openai',
    // The catalog's price beside the charged one: 10 × 0.02/1M = $0.0000002.
    computed_cost_usd: 0.0000002,
  }),
  costEvent({
    event_id: 'e10',
    ts: '2026-12-01T00:00:00.000Z',
    feature: 'chat',
    customer_id: 'acme',
    input_tokens: 700,
    output_tokens: 70,
    input_audio_tokens: 5,
    // Gemini's cached audio (a subset of the audio input; kept as sent).
    cache_read_audio_tokens: 3,
    images: 2,
    audio_seconds: 1.25,
    web_search_requests: 3,
    input_image_tokens: 64,
    input_characters: 120,
    input_video_tokens: 30,
    output_image_tokens: 40,
    file_search_requests: 4,
    web_fetch_requests: 2,
    code_interpreter_sessions: 1,
    cost_usd: 0.1,
    latency_ms: 800,
  }),
]

/** The charged metrics over TEN_EVENTS: e09 alone was charged by its provider. */
export const TEN_EVENTS_CHARGED = {
  charged_requests: 1,
  // e09's charged 2000 nano-dollars, and its catalog price of 10 × 0.02/1M = 200 nano-dollars.
  charged_cost_usd: 0.000002,
  computed_cost_usd: 0.0000002,
  charged_unpriced_count: 0,
}

/**
 * TEN_EVENTS as a store that held them at schema `version` of `engine` gives them back once
 * migrated: a nullable field added after that version was not kept then, so it comes back null.
 */
export function tenEventsStoredAt(engine: EngineName, version: number): CostEvent[] {
  const kept = new Set(columnsAt(EVENTS_TABLE, engine, version).map((column) => column.name))
  const lost = EVENT_FIELD_COLUMNS.filter((column) => column.nullable && !kept.has(column.name))
  return TEN_EVENTS.map((event) => {
    const row: Record<string, unknown> = toStoreRow(event)
    for (const column of lost) row[column.name] = null
    return fromStoreRow(row as StoreRow)
  })
}

/** An AnalyticsQuery from its JSON form, through the same schema as POST /api/query. */
export function analyticsQuery(json: Record<string, unknown>): AnalyticsQuery {
  return analyticsQuerySchema.parse(json)
}

/** Only the named keys of each row (a query answers every metric it was asked; a test looks at some). */
function pick(rows: QueryRow[], keys: string[]): Record<string, unknown>[] {
  return rows.map((row) => Object.fromEntries(keys.map((key) => [key, row[key]])))
}

function event(id: string, ts: string, overrides: Partial<CostEvent> = {}): CostEvent {
  return costEvent({ event_id: id, ts, feature: 'alpha', customer_id: 'acme', cost_usd: 1, ...overrides })
}

export function runStoreContract(options: StoreContractOptions): void {
  const skip = options.skip ?? {}
  const used = new Set<string>()
  /** A contract case, or its skip with the engine's reason in the test name. */
  const contractCase = (name: string, body: () => Promise<void>, timeoutMs?: number) => {
    const reason = skip[name]
    if (reason !== undefined) {
      used.add(name)
      it.skip(`${name} (skipped on ${options.name}: ${reason})`, body)
    } else it(name, body, timeoutMs)
  }

  describe(`Store contract: ${options.name}`, () => {
    let folder: string
    let store: Store & QueryInsight
    const open = async () => {
      store = await options.open(folder)
      return store
    }
    const reopen = async () => {
      await store.close()
      return open()
    }
    const rows = (json: Record<string, unknown>) => store.query(analyticsQuery(json))

    beforeEach(async () => {
      folder = await mkdtemp(join(tmpdir(), `spendlens-contract-${options.name}-`))
      await open()
    })
    afterEach(async () => {
      await store.close()
      await rm(folder, { recursive: true, force: true })
    })

    describe('metrics', () => {
      contractCase('every metric over the ten events, money exact to the nano-dollar', async () => {
        await store.append(TEN_EVENTS)
        const [row] = await rows({ metrics: [...METRICS] })
        expect(row).toBeDefined()
        const exact = { ...row }
        for (const key of [
          'avg_latency_ms',
          'cost_per_request',
          'p50_latency_ms',
          'p95_latency_ms',
          'p99_latency_ms',
          'cache_hit_rate',
          'unattributed_share',
        ])
          delete exact[key]
        expect(exact).toEqual({
          requests: 10,
          // 123456 + 1000001 + 1 + 500000000 + 0 + 250000000 + 750000000 + 2000 + 100000000 nano-dollars (e06 unknown)
          cost_usd: 1.601125458,
          input_tokens: 25760,
          output_tokens: 2970,
          total_tokens: 28730,
          cache_read_tokens: 2900,
          cache_write_tokens: 2000,
          reasoning_tokens: 100,
          input_audio_tokens: 35,
          output_audio_tokens: 20,
          // Tool calls: only e10 used any (3 web searches, 4 file searches, 2 fetches, 1 session).
          web_search_requests: 3,
          file_search_requests: 4,
          web_fetch_requests: 2,
          code_interpreter_sessions: 1,
          avg_tokens_per_request: 2873,
          error_rate: 0.1,
          unpriced_count: 1,
          ...TEN_EVENTS_CHARGED,
          // e01's ts and e09/e10's.
          first_seen_ms: Date.parse('2026-10-31T23:30:00.000Z'),
          last_seen_ms: Date.parse('2026-12-01T00:00:00.000Z'),
        })
        // Per priced request: 1601125458 nano-dollars over the 9 with a known cost.
        expect(row?.cost_per_request).toBeCloseTo(1601125458 / 9 / 1e9, 15)
        // Latencies 50 100 200 300 400 600 700 800 1000 (e09 has none); R-7 interpolation.
        expect(row?.avg_latency_ms).toBeCloseTo(4150 / 9, 9)
        expect(row?.p50_latency_ms).toBeCloseTo(400, 9)
        expect(row?.p95_latency_ms).toBeCloseTo(920, 9)
        expect(row?.p99_latency_ms).toBeCloseTo(984, 9)
        expect(row?.cache_hit_rate).toBeCloseTo(2900 / 25760, 15)
        // e04 (no customer) and e05 (no feature, $0) over all known cost.
        expect(row?.unattributed_share).toBeCloseTo(500000000 / 1601125458, 15)
      })

      contractCase('metrics of an empty selection: counts 0, unknowns null', async () => {
        await store.append(TEN_EVENTS)
        const [row] = await rows({
          metrics: [
            'requests',
            'cost_usd',
            'input_tokens',
            'avg_latency_ms',
            'p95_latency_ms',
            'error_rate',
            'cost_per_request',
          ],
          filters: [{ dimension: 'feature', op: 'eq', values: ['nothing-like-this'] }],
        })
        expect(row).toEqual({
          requests: 0,
          cost_usd: null,
          input_tokens: 0,
          avg_latency_ms: null,
          p95_latency_ms: null,
          error_rate: null,
          cost_per_request: null,
        })
      })

      contractCase('cost is null, not 0, where every cost is unknown; a known $0 stays 0', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({
          metrics: ['cost_usd', 'unpriced_count'],
          groupBy: ['model'],
          filters: [{ dimension: 'model', op: 'in', values: ['private-ft', 'gpt-4o-mini'] }],
        })
        expect(result).toEqual([
          // e01 + e02 + e05 ($0) + e10
          { model: 'gpt-4o-mini', cost_usd: 0.101123457, unpriced_count: 0 },
          { model: 'private-ft', cost_usd: null, unpriced_count: 1 },
        ])
      })

      contractCase(
        'a charged cost beside the catalog’s: the same charged calls on both sides, rollup and events alike',
        async () => {
          const day = '2026-11-10T'
          const charged = (id: string, ts: string, model: string, cost: number, computed: number | null) =>
            event(id, `${day}${ts}`, {
              provider: 'openrouter',
              model,
              cost_usd: cost,
              pricing_status: 'client',
              price_source: 'charged:openrouter',
              computed_cost_usd: computed,
            })
          await store.append([
            charged('c1', '09:10:00.000Z', 'openai/gpt-4o-mini', 0.00015, 0.000135),
            charged('c2', '10:20:00.000Z', 'openai/gpt-4o-mini', 0.0003, 0.00027),
            // A model the catalog cannot price: charged, with no catalog figure.
            charged('c3', '10:40:00.000Z', 'mystery/model-x', 0.002, null),
            // A cost the catalog priced, one it could not, and one the sender supplied itself (its
            // own figure beside it, but not the provider's charge): none of them is charged.
            event('n1', `${day}09:30:00.000Z`, { cost_usd: 0.5 }),
            event('u1', `${day}09:40:00.000Z`, {
              model: 'private-ft',
              cost_usd: null,
              pricing_status: 'unpriced',
            }),
            event('s1', `${day}10:50:00.000Z`, {
              model: 'in-house',
              cost_usd: 0.25,
              pricing_status: 'client',
              price_source: 'custom:acme',
              computed_cost_usd: 0.1,
            }),
          ])
          const metrics = [
            'requests',
            'cost_usd',
            'charged_requests',
            'charged_cost_usd',
            'computed_cost_usd',
            'charged_unpriced_count',
          ]
          const whole = analyticsQuery({
            from: `${day}00:00:00.000Z`,
            to: '2026-11-11T00:00:00.000Z',
            metrics,
          })
          const byModel = analyticsQuery({
            from: `${day}00:00:00.000Z`,
            to: '2026-11-11T00:00:00.000Z',
            metrics,
            groupBy: ['model'],
            orderBy: { metric: 'charged_cost_usd', direction: 'desc' },
          })
          const expectedWhole = [
            {
              requests: 6,
              // 150000 + 300000 + 2000000 charged + 500000000 (n1) + 250000000 (s1) nano-dollars; u1 unknown
              cost_usd: 0.75245,
              charged_requests: 3,
              // 150000 + 300000 + 2000000 nano-dollars
              charged_cost_usd: 0.00245,
              // 135000 + 270000 nano-dollars: c3 has none, s1 is not charged
              computed_cost_usd: 0.000405,
              charged_unpriced_count: 1,
            },
          ]
          const none = { charged_requests: 0, charged_cost_usd: null, computed_cost_usd: null }
          const expectedByModel = [
            {
              model: 'mystery/model-x',
              requests: 1,
              cost_usd: 0.002,
              charged_requests: 1,
              charged_cost_usd: 0.002,
              // Charged, but the catalog prices none of its calls: unknown, not $0.
              computed_cost_usd: null,
              charged_unpriced_count: 1,
            },
            {
              model: 'openai/gpt-4o-mini',
              requests: 2,
              // 150000 + 300000 nano-dollars
              cost_usd: 0.00045,
              charged_requests: 2,
              charged_cost_usd: 0.00045,
              // 135000 + 270000 nano-dollars
              computed_cost_usd: 0.000405,
              charged_unpriced_count: 0,
            },
            // No charged call: nothing to set beside the catalog, in NULLS LAST order by model.
            { model: 'gpt-4o-mini', requests: 1, cost_usd: 0.5, ...none, charged_unpriced_count: 0 },
            { model: 'in-house', requests: 1, cost_usd: 0.25, ...none, charged_unpriced_count: 0 },
            { model: 'private-ft', requests: 1, cost_usd: null, ...none, charged_unpriced_count: 0 },
          ]
          for (const [query, expected] of [
            [whole, expectedWhole],
            [byModel, expectedByModel],
          ] as const) {
            expect(store.plan(query).sums).toEqual({ from: 'rollup' })
            expect(await store.query(query)).toEqual(expected)
            expect(await store.queryEvents(query)).toEqual(expected)
          }
          // Through the store's own rollup maintenance too: folded, and after a reopen.
          await store.compactRollup()
          await reopen()
          expect(await store.query(byModel)).toEqual(expectedByModel)
        },
      )

      contractCase('unattributed share is 0 where all known cost is attributed', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({ metrics: ['unattributed_share'], groupBy: ['feature'] })
        expect(result).toEqual([
          { feature: 'chat', unattributed_share: 0 },
          { feature: 'search', unattributed_share: 0 },
          { feature: 'summarize', unattributed_share: 0.4 },
          // e05's cost is a known $0: a share of nothing is unknown.
          { feature: 'unattributed', unattributed_share: null },
        ])
      })
    })

    describe('filters', () => {
      const cases: [string, unknown[], number, number | null][] = [
        ['eq', [{ dimension: 'feature', op: 'eq', values: ['chat'] }], 5, 0.351123457],
        ['in', [{ dimension: 'customer_id', op: 'in', values: ['acme', 'globex'] }], 7, 0.101125458],
        ['not_in', [{ dimension: 'customer_id', op: 'not_in', values: ['acme'] }], 5, 1.500000001],
        [
          'unattributed as a value',
          [{ dimension: 'customer_id', op: 'eq', values: ['unattributed'] }],
          1,
          0.5,
        ],
        ['tags.<key> eq', [{ dimension: 'tags.team', op: 'eq', values: ['search'] }], 3, 0.001123457],
        [
          'tags.<key> not_in keeps events without the tag',
          [{ dimension: 'tags.team', op: 'not_in', values: ['search'] }],
          7,
          1.600002001,
        ],
        [
          'tags.<key> missing is unattributed',
          [{ dimension: 'tags.team', op: 'eq', values: ['unattributed'] }],
          6,
          1.100002001,
        ],
        ['tags.<key> in', [{ dimension: 'tags.plan', op: 'in', values: ['pro', 'free'] }], 2, 0.000123456],
        [
          'several filters all apply',
          [
            { dimension: 'feature', op: 'eq', values: ['chat'] },
            { dimension: 'tags.team', op: 'not_in', values: ['search'] },
          ],
          2,
          0.35,
        ],
        [
          'eq on a column that can be empty',
          [{ dimension: 'service_tier', op: 'eq', values: ['default'] }],
          1,
          0.000123456,
        ],
        [
          'not_in keeps the events where the column is empty',
          [{ dimension: 'service_tier', op: 'not_in', values: ['flex'] }],
          10,
          1.601125458,
        ],
        [
          'a value with quotes is only a value',
          [{ dimension: 'feature', op: 'in', values: ["chat' OR 1=1 --", 'chat"'] }],
          0,
          null,
        ],
      ]
      for (const [name, filters, requests, cost] of cases) {
        contractCase(`filter: ${name}`, async () => {
          await store.append(TEN_EVENTS)
          expect(await rows({ metrics: ['requests', 'cost_usd'], filters })).toEqual([
            { requests, cost_usd: cost },
          ])
        })
      }

      contractCase('time range: from inclusive, to exclusive', async () => {
        await store.append(TEN_EVENTS)
        expect(
          await rows({
            metrics: ['requests'],
            from: '2026-11-01T00:00:00.000Z',
            to: '2026-12-01T00:00:00.000Z',
          }),
        ).toEqual([{ requests: 7 }])
        expect(await rows({ metrics: ['requests'], from: '2026-12-01T00:00:00.000Z' })).toEqual([
          { requests: 2 },
        ])
        expect(await rows({ metrics: ['requests'], to: Date.parse('2026-11-02T08:15:30.500Z') })).toEqual([
          { requests: 5 },
        ])
      })
    })

    describe('group by', () => {
      contractCase('one dimension, ordered by cost', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({
          metrics: ['requests', 'cost_usd'],
          groupBy: ['feature'],
          orderBy: { metric: 'cost_usd', direction: 'desc' },
        })
        expect(result).toEqual([
          { feature: 'summarize', requests: 2, cost_usd: 1.25 },
          { feature: 'chat', requests: 5, cost_usd: 0.351123457 },
          { feature: 'search', requests: 2, cost_usd: 0.000002001 },
          { feature: 'unattributed', requests: 1, cost_usd: 0 },
        ])
      })

      contractCase('two dimensions, ties broken by the dimensions', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({
          metrics: ['requests'],
          groupBy: ['feature', 'customer_id'],
          orderBy: { metric: 'requests', direction: 'desc' },
        })
        expect(result).toEqual([
          { feature: 'chat', customer_id: 'acme', requests: 3 },
          { feature: 'chat', customer_id: 'globex', requests: 1 },
          { feature: 'chat', customer_id: 'initech', requests: 1 },
          { feature: 'search', customer_id: 'acme', requests: 1 },
          { feature: 'search', customer_id: 'globex', requests: 1 },
          { feature: 'summarize', customer_id: 'initech', requests: 1 },
          { feature: 'summarize', customer_id: 'unattributed', requests: 1 },
          { feature: 'unattributed', customer_id: 'acme', requests: 1 },
        ])
      })

      contractCase('three dimensions including a tag', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({
          metrics: ['requests', 'cost_usd'],
          groupBy: ['provider', 'model', 'tags.team'],
        })
        expect(result).toEqual([
          {
            provider: 'anthropic',
            model: 'claude-haiku-4-5',
            'tags.team': 'docs',
            requests: 1,
            cost_usd: 0.5,
          },
          {
            provider: 'anthropic',
            model: 'claude-haiku-4-5',
            'tags.team': 'unattributed',
            requests: 1,
            cost_usd: 0.75,
          },
          {
            provider: 'openai',
            model: 'gpt-4o-mini',
            'tags.team': 'search',
            requests: 2,
            cost_usd: 0.001123457,
          },
          {
            provider: 'openai',
            model: 'gpt-4o-mini',
            'tags.team': 'unattributed',
            requests: 2,
            cost_usd: 0.1,
          },
          { provider: 'openai', model: 'o4-mini', 'tags.team': 'unattributed', requests: 1, cost_usd: 0.25 },
          { provider: 'openai', model: 'private-ft', 'tags.team': 'search', requests: 1, cost_usd: null },
          {
            provider: 'openai',
            model: 'text-embedding-3-small',
            'tags.team': 'unattributed',
            requests: 2,
            cost_usd: 0.000002001,
          },
        ])
      })

      contractCase('a tag filtered and grouped at once', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({
          metrics: ['requests'],
          groupBy: ['tags.plan'],
          filters: [{ dimension: 'tags.team', op: 'eq', values: ['search'] }],
        })
        expect(result).toEqual([
          { 'tags.plan': 'free', requests: 1 },
          { 'tags.plan': 'pro', requests: 1 },
          { 'tags.plan': 'unattributed', requests: 1 },
        ])
      })
    })

    describe('provider project: what the provider’s invoice groups by, null when not known', () => {
      const PROJECT_EVENTS = [
        event('p1', '2026-11-03T10:00:00.000Z', { provider_project: 'proj_support' }),
        event('p2', '2026-11-03T10:20:00.000Z', { provider_project: 'proj_support', cost_usd: 2 }),
        event('p3', '2026-11-03T11:00:00.000Z', { provider_project: 'proj_search', cost_usd: 0.25 }),
        event('p4', '2026-11-03T11:30:00.000Z', {
          provider: 'anthropic',
          model: 'claude-haiku-4-5',
          provider_project: null,
          cost_usd: 0.5,
        }),
      ]

      contractCase('grouped and filtered by provider_project, through the rollup', async () => {
        await store.append(PROJECT_EVENTS)
        const query = (json: Record<string, unknown>) =>
          analyticsQuery({ metrics: ['requests', 'cost_usd'], ...json })
        const byProject = query({ groupBy: ['provider_project'] })
        expect(store.plan(byProject).sums).toEqual({ from: 'rollup' })
        const expected = [
          { provider_project: 'proj_search', requests: 1, cost_usd: 0.25 },
          { provider_project: 'proj_support', requests: 2, cost_usd: 3 },
          { provider_project: null, requests: 1, cost_usd: 0.5 },
        ]
        expect(await store.query(byProject)).toEqual(expected)
        expect(await store.queryEvents(byProject)).toEqual(expected)

        const filtered: [unknown, QueryRow[]][] = [
          [
            { dimension: 'provider_project', op: 'eq', values: ['proj_support'] },
            [{ requests: 2, cost_usd: 3 }],
          ],
          // An event without a project is none of them.
          [
            { dimension: 'provider_project', op: 'not_in', values: ['proj_support'] },
            [{ requests: 2, cost_usd: 0.75 }],
          ],
          [
            { dimension: 'provider_project', op: 'in', values: ['proj_search', 'proj_none'] },
            [{ requests: 1, cost_usd: 0.25 }],
          ],
        ]
        for (const [filter, want] of filtered) {
          const filteredQuery = query({ filters: [filter] })
          expect(store.plan(filteredQuery).sums).toEqual({ from: 'rollup' })
          expect(await store.query(filteredQuery)).toEqual(want)
        }
      })

      contractCase('provider_project round-trips as sent, null as null', async () => {
        await store.append(PROJECT_EVENTS)
        const page = await store.listEvents({ scope: { filters: [] }, limit: 10 })
        expect(page.events).toEqual([...PROJECT_EVENTS].reverse())
        const exported: CostEvent[] = []
        for await (const batch of store.exportEvents()) exported.push(...batch)
        expect(exported).toEqual(PROJECT_EVENTS)
      })
    })

    describe('model family: an alias, its snapshots and the failed calls that asked for it are one', () => {
      // A failed call reports no model: its `model` is the one asked for (event-schema.md).
      const FAMILY_EVENTS = [
        event('f1', '2026-11-03T10:00:00.000Z', { model: 'gpt-4o-2024-08-06', requested_model: 'gpt-4o' }),
        event('f2', '2026-11-03T10:10:00.000Z', { model: 'gpt-4o-2024-11-20', cost_usd: 2 }),
        event('f3', '2026-11-03T10:20:00.000Z', {
          model: 'gpt-4o',
          requested_model: 'gpt-4o',
          status: 'error',
          http_status: 429,
          cost_usd: 0,
        }),
        event('f4', '2026-11-03T11:00:00.000Z', {
          provider: 'anthropic',
          model: 'claude-sonnet-4-20250514',
          cost_usd: 0.5,
        }),
        event('f5', '2026-11-03T11:30:00.000Z', { model: 'private-ft', cost_usd: null }),
      ]

      contractCase('grouped and filtered by model_family, through the rollup and the events', async () => {
        await store.append(FAMILY_EVENTS)
        const query = (json: Record<string, unknown>) =>
          analyticsQuery({ metrics: ['requests', 'cost_usd', 'error_rate', 'p50_latency_ms'], ...json })
        const byFamily = query({ groupBy: ['model_family'], orderBy: { metric: 'requests' } })
        expect(store.plan(byFamily)).toEqual({
          sums: { from: 'rollup' },
          percentiles: { from: 'histograms' },
        })
        const expected = [
          { model_family: 'gpt-4o', requests: 3, cost_usd: 3, error_rate: 1 / 3, p50_latency_ms: null },
          {
            model_family: 'claude-sonnet-4-0',
            requests: 1,
            cost_usd: 0.5,
            error_rate: 0,
            p50_latency_ms: null,
          },
          { model_family: 'private-ft', requests: 1, cost_usd: null, error_rate: 0, p50_latency_ms: null },
        ]
        expect(await store.query(byFamily)).toEqual(expected)
        expect(await store.queryEvents(byFamily)).toEqual(expected)

        // The snapshot, one level down: the failed call stays on the model it asked for.
        const snapshots = query({ groupBy: ['model_family', 'model'], metrics: ['requests', 'error_rate'] })
        expect(await store.query(snapshots)).toEqual([
          {
            model_family: 'claude-sonnet-4-0',
            model: 'claude-sonnet-4-20250514',
            requests: 1,
            error_rate: 0,
          },
          { model_family: 'gpt-4o', model: 'gpt-4o', requests: 1, error_rate: 1 },
          { model_family: 'gpt-4o', model: 'gpt-4o-2024-08-06', requests: 1, error_rate: 0 },
          { model_family: 'gpt-4o', model: 'gpt-4o-2024-11-20', requests: 1, error_rate: 0 },
          { model_family: 'private-ft', model: 'private-ft', requests: 1, error_rate: 0 },
        ])

        const filtered: [unknown, QueryRow[]][] = [
          [{ dimension: 'model_family', op: 'eq', values: ['gpt-4o'] }, [{ requests: 3, cost_usd: 3 }]],
          [{ dimension: 'model_family', op: 'not_in', values: ['gpt-4o'] }, [{ requests: 2, cost_usd: 0.5 }]],
          [
            { dimension: 'model_family', op: 'in', values: ['claude-sonnet-4-0', 'private-ft'] },
            [{ requests: 2, cost_usd: 0.5 }],
          ],
        ]
        for (const [filter, want] of filtered) {
          const filteredQuery = analyticsQuery({ metrics: ['requests', 'cost_usd'], filters: [filter] })
          expect(store.plan(filteredQuery).sums).toEqual({ from: 'rollup' })
          expect(await store.query(filteredQuery)).toEqual(want)
          expect(await store.queryEvents(filteredQuery)).toEqual(want)
        }
      })

      /** Calls of every pricing status: the unpriced ones on two models, one of them in two features. */
      const PRICING_EVENTS = [
        event('u1', '2026-11-03T10:00:00.500Z', {
          model: 'private-ft',
          feature: 'chat',
          cost_usd: null,
          pricing_status: 'unpriced',
          input_tokens: 100,
          output_tokens: 10,
        }),
        event('u2', '2026-11-04T11:00:00.000Z', {
          model: 'private-ft',
          feature: 'search',
          cost_usd: null,
          pricing_status: 'unpriced',
          input_tokens: 200,
          output_tokens: 20,
        }),
        event('u3', '2026-11-05T12:30:00.250Z', {
          model: 'private-ft',
          feature: 'chat',
          cost_usd: null,
          pricing_status: 'unpriced',
          input_tokens: 300,
          output_tokens: 30,
        }),
        event('u4', '2026-11-04T09:00:00.000Z', {
          provider: 'mistral',
          model: 'mystery-7b',
          feature: 'chat',
          cost_usd: null,
          pricing_status: 'unpriced',
          input_tokens: 50,
          output_tokens: 5,
        }),
        event('u5', '2026-11-04T09:30:00.000Z', { input_tokens: 1000, output_tokens: 100 }),
        event('u6', '2026-11-04T09:40:00.000Z', { cost_usd: 0.25, pricing_status: 'client' }),
        event('u7', '2026-11-04T09:50:00.000Z', { cost_usd: 0.5, pricing_status: 'estimated' }),
      ]

      contractCase('grouped and filtered by pricing_status, from the events', async () => {
        await store.append(PRICING_EVENTS)
        const byStatus = analyticsQuery({ metrics: ['requests', 'cost_usd'], groupBy: ['pricing_status'] })
        // The rollups are not kept by pricing status: its queries read the events.
        expect(store.plan(byStatus).sums).toEqual({
          from: 'events',
          reason: 'the rollup does not keep pricing_status',
        })
        expect(await store.query(byStatus)).toEqual([
          { pricing_status: 'client', requests: 1, cost_usd: 0.25 },
          { pricing_status: 'estimated', requests: 1, cost_usd: 0.5 },
          { pricing_status: 'priced', requests: 1, cost_usd: 1 },
          { pricing_status: 'unpriced', requests: 4, cost_usd: null },
        ])
        const filtered: [unknown, QueryRow[]][] = [
          [
            { dimension: 'pricing_status', op: 'eq', values: ['unpriced'] },
            [{ requests: 4, cost_usd: null }],
          ],
          // u5 $1 + u6 $0.25 + u7 $0.5
          [
            { dimension: 'pricing_status', op: 'not_in', values: ['unpriced'] },
            [{ requests: 3, cost_usd: 1.75 }],
          ],
          [
            { dimension: 'pricing_status', op: 'in', values: ['client', 'estimated'] },
            [{ requests: 2, cost_usd: 0.75 }],
          ],
        ]
        for (const [filter, want] of filtered) {
          const filteredQuery = analyticsQuery({ metrics: ['requests', 'cost_usd'], filters: [filter] })
          expect(await store.query(filteredQuery)).toEqual(want)
        }
      })

      contractCase(
        'the unpriced models: calls, tokens at stake, first and last seen, per feature',
        async () => {
          await store.append(PRICING_EVENTS)
          const unpriced = analyticsQuery({
            metrics: ['requests', 'input_tokens', 'output_tokens', 'first_seen_ms', 'last_seen_ms'],
            filters: [{ dimension: 'pricing_status', op: 'eq', values: ['unpriced'] }],
            groupBy: ['provider', 'model', 'feature'],
            orderBy: { metric: 'requests', direction: 'desc' },
          })
          const ms = Date.parse
          const expected = [
            {
              provider: 'openai',
              model: 'private-ft',
              feature: 'chat',
              // u1 + u3
              requests: 2,
              input_tokens: 400,
              output_tokens: 40,
              first_seen_ms: ms('2026-11-03T10:00:00.500Z'),
              last_seen_ms: ms('2026-11-05T12:30:00.250Z'),
            },
            {
              provider: 'mistral',
              model: 'mystery-7b',
              feature: 'chat',
              requests: 1,
              input_tokens: 50,
              output_tokens: 5,
              first_seen_ms: ms('2026-11-04T09:00:00.000Z'),
              last_seen_ms: ms('2026-11-04T09:00:00.000Z'),
            },
            {
              provider: 'openai',
              model: 'private-ft',
              feature: 'search',
              requests: 1,
              input_tokens: 200,
              output_tokens: 20,
              first_seen_ms: ms('2026-11-04T11:00:00.000Z'),
              last_seen_ms: ms('2026-11-04T11:00:00.000Z'),
            },
          ]
          expect(await store.query(unpriced)).toEqual(expected)
          expect(await store.queryEvents(unpriced)).toEqual(expected)
        },
      )

      contractCase('model_family is the store’s own: events leave the store as they came', async () => {
        await store.append(FAMILY_EVENTS)
        const page = await store.listEvents({ scope: { filters: [] }, limit: 10 })
        expect(page.events).toEqual([...FAMILY_EVENTS].reverse())
      })
    })

    describe('buckets', () => {
      type Point = [start: string, label: string, requests: number]
      const bucketCases: [
        bucket: string,
        timeZone: string,
        range: Record<string, string>,
        points: Point[],
      ][] = [
        [
          'minute',
          'UTC',
          { from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
          [
            ['2026-11-01T04:30:00.000Z', '2026-11-01 04:30', 1],
            ['2026-11-01T05:30:00.000Z', '2026-11-01 05:30', 1],
            ['2026-11-01T06:30:00.000Z', '2026-11-01 06:30', 1],
            ['2026-11-01T12:00:00.000Z', '2026-11-01 12:00', 1],
            ['2026-11-02T08:15:00.000Z', '2026-11-02 08:15', 1],
          ],
        ],
        [
          'minute',
          'America/New_York',
          { from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
          [
            ['2026-11-01T04:30:00.000Z', '2026-11-01 00:30', 1],
            // 01:30 happens twice that night: two minutes, one label.
            ['2026-11-01T05:30:00.000Z', '2026-11-01 01:30', 1],
            ['2026-11-01T06:30:00.000Z', '2026-11-01 01:30', 1],
            ['2026-11-01T12:00:00.000Z', '2026-11-01 07:00', 1],
            ['2026-11-02T08:15:00.000Z', '2026-11-02 03:15', 1],
          ],
        ],
        [
          'hour',
          'UTC',
          { from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
          [
            ['2026-11-01T04:00:00.000Z', '2026-11-01 04:00', 1],
            ['2026-11-01T05:00:00.000Z', '2026-11-01 05:00', 1],
            ['2026-11-01T06:00:00.000Z', '2026-11-01 06:00', 1],
            ['2026-11-01T12:00:00.000Z', '2026-11-01 12:00', 1],
            ['2026-11-02T08:00:00.000Z', '2026-11-02 08:00', 1],
          ],
        ],
        [
          'hour',
          'America/New_York',
          { from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
          [
            ['2026-11-01T04:00:00.000Z', '2026-11-01 00:00', 1],
            // The repeated hour is two hours of real time, not one bucket holding both.
            ['2026-11-01T05:00:00.000Z', '2026-11-01 01:00', 1],
            ['2026-11-01T06:00:00.000Z', '2026-11-01 01:00', 1],
            ['2026-11-01T12:00:00.000Z', '2026-11-01 07:00', 1],
            ['2026-11-02T08:00:00.000Z', '2026-11-02 03:00', 1],
          ],
        ],
        [
          'hour',
          'Asia/Kolkata',
          { from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
          [
            // UTC+05:30: local hours start at half past in UTC.
            ['2026-11-01T04:30:00.000Z', '2026-11-01 10:00', 1],
            ['2026-11-01T05:30:00.000Z', '2026-11-01 11:00', 1],
            ['2026-11-01T06:30:00.000Z', '2026-11-01 12:00', 1],
            ['2026-11-01T11:30:00.000Z', '2026-11-01 17:00', 1],
            ['2026-11-02T07:30:00.000Z', '2026-11-02 13:00', 1],
          ],
        ],
        [
          'day',
          'UTC',
          {},
          [
            ['2026-10-31T00:00:00.000Z', '2026-10-31', 1],
            ['2026-11-01T00:00:00.000Z', '2026-11-01', 4],
            ['2026-11-02T00:00:00.000Z', '2026-11-02', 1],
            ['2026-11-08T00:00:00.000Z', '2026-11-08', 1],
            ['2026-11-09T00:00:00.000Z', '2026-11-09', 1],
            ['2026-12-01T00:00:00.000Z', '2026-12-01', 2],
          ],
        ],
        [
          'day',
          'America/New_York',
          {},
          [
            ['2026-10-31T04:00:00.000Z', '2026-10-31', 1],
            // A 25-hour day: it starts at 04:00Z (EDT) and the next at 05:00Z (EST).
            ['2026-11-01T04:00:00.000Z', '2026-11-01', 4],
            ['2026-11-02T05:00:00.000Z', '2026-11-02', 1],
            ['2026-11-08T05:00:00.000Z', '2026-11-08', 1],
            ['2026-11-09T05:00:00.000Z', '2026-11-09', 1],
            // 2026-12-01T00:00Z is still November 30 in New York.
            ['2026-11-30T05:00:00.000Z', '2026-11-30', 2],
          ],
        ],
        [
          'week',
          'UTC',
          {},
          [
            // Weeks start on Monday.
            ['2026-10-26T00:00:00.000Z', '2026-10-26', 5],
            ['2026-11-02T00:00:00.000Z', '2026-11-02', 2],
            ['2026-11-09T00:00:00.000Z', '2026-11-09', 1],
            ['2026-11-30T00:00:00.000Z', '2026-11-30', 2],
          ],
        ],
        [
          'week',
          'America/New_York',
          {},
          [
            ['2026-10-26T04:00:00.000Z', '2026-10-26', 5],
            ['2026-11-02T05:00:00.000Z', '2026-11-02', 2],
            ['2026-11-09T05:00:00.000Z', '2026-11-09', 1],
            ['2026-11-30T05:00:00.000Z', '2026-11-30', 2],
          ],
        ],
        [
          'month',
          'UTC',
          {},
          [
            ['2026-10-01T00:00:00.000Z', '2026-10', 1],
            ['2026-11-01T00:00:00.000Z', '2026-11', 7],
            ['2026-12-01T00:00:00.000Z', '2026-12', 2],
          ],
        ],
        [
          'month',
          'America/New_York',
          {},
          [
            ['2026-10-01T04:00:00.000Z', '2026-10', 1],
            ['2026-11-01T04:00:00.000Z', '2026-11', 9],
          ],
        ],
      ]
      for (const [bucket, timeZone, range, points] of bucketCases) {
        contractCase(`bucket: ${bucket} in ${timeZone}`, async () => {
          await store.append(TEN_EVENTS)
          const result = await rows({ metrics: ['requests'], bucket, timeZone, ...range })
          expect(result).toEqual(
            points.map(([bucket_start, bucket_label, requests]) => ({
              bucket_start,
              bucket_label,
              requests,
            })),
          )
        })
      }

      contractCase('bucket: a day whose midnight did not exist starts at its first instant', async () => {
        // São Paulo, 2018-11-04: clocks went from 00:00 straight to 01:00 (03:00Z).
        await store.append([
          event('before', '2018-11-04T02:30:00.000Z'),
          event('after', '2018-11-04T03:30:00.000Z'),
          event('next', '2018-11-05T12:00:00.000Z'),
        ])
        const result = await rows({ metrics: ['requests'], bucket: 'day', timeZone: 'America/Sao_Paulo' })
        expect(result).toEqual([
          { bucket_start: '2018-11-03T03:00:00.000Z', bucket_label: '2018-11-03', requests: 1 },
          { bucket_start: '2018-11-04T03:00:00.000Z', bucket_label: '2018-11-04', requests: 1 },
          { bucket_start: '2018-11-05T02:00:00.000Z', bucket_label: '2018-11-05', requests: 1 },
        ])
      })

      contractCase('bucket and group by together, money per bucket exact', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({
          metrics: ['requests', 'cost_usd'],
          bucket: 'month',
          groupBy: ['feature'],
        })
        expect(pick(result, ['bucket_label', 'feature', 'requests', 'cost_usd'])).toEqual([
          { bucket_label: '2026-10', feature: 'chat', requests: 1, cost_usd: 0.000123456 },
          { bucket_label: '2026-11', feature: 'chat', requests: 3, cost_usd: 0.251000001 },
          { bucket_label: '2026-11', feature: 'search', requests: 1, cost_usd: 0.000000001 },
          { bucket_label: '2026-11', feature: 'summarize', requests: 2, cost_usd: 1.25 },
          { bucket_label: '2026-11', feature: 'unattributed', requests: 1, cost_usd: 0 },
          { bucket_label: '2026-12', feature: 'chat', requests: 1, cost_usd: 0.1 },
          { bucket_label: '2026-12', feature: 'search', requests: 1, cost_usd: 0.000002 },
        ])
      })
    })

    describe('order, limit and the others row', () => {
      contractCase('limit with others: the rest summed exactly into one row', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({
          metrics: ['requests', 'cost_usd', 'error_rate'],
          groupBy: ['customer_id'],
          orderBy: { metric: 'cost_usd', direction: 'desc' },
          limit: 2,
          others: true,
        })
        expect(result).toEqual([
          { customer_id: 'initech', requests: 2, cost_usd: 1, error_rate: 0 },
          { customer_id: 'unattributed', requests: 1, cost_usd: 0.5, error_rate: 0 },
          // acme (5 events, one error) and globex (2)
          { requests: 7, cost_usd: 0.101125458, error_rate: 1 / 7, others: true },
        ])
      })

      contractCase('others with a tag dimension excludes the shown tag values', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({
          metrics: ['requests'],
          groupBy: ['tags.team'],
          orderBy: { metric: 'requests', direction: 'desc' },
          limit: 1,
          others: true,
        })
        expect(result).toEqual([
          { 'tags.team': 'unattributed', requests: 6 },
          { requests: 4, others: true },
        ])
      })

      contractCase(
        'others counts the events whose grouped column is empty, and a top empty group excludes them',
        async () => {
          await store.append(TEN_EVENTS)
          const query = { metrics: ['requests'], groupBy: ['service_tier'], limit: 1, others: true }
          // Only e01 has a service tier.
          expect(await rows({ ...query, orderBy: { metric: 'requests', direction: 'asc' } })).toEqual([
            { service_tier: 'default', requests: 1 },
            { requests: 9, others: true },
          ])
          expect(await rows({ ...query, orderBy: { metric: 'requests', direction: 'desc' } })).toEqual([
            { service_tier: null, requests: 9 },
            { requests: 1, others: true },
          ])
        },
      )

      contractCase('no others row when every group fits the limit', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({ metrics: ['requests'], groupBy: ['provider'], limit: 5, others: true })
        expect(result).toEqual([
          { provider: 'anthropic', requests: 2 },
          { provider: 'openai', requests: 8 },
        ])
      })

      contractCase('ascending order, ties broken by the group, limit', async () => {
        await store.append(TEN_EVENTS)
        const result = await rows({
          metrics: ['requests'],
          groupBy: ['customer_id'],
          orderBy: { metric: 'requests', direction: 'asc' },
          limit: 2,
        })
        expect(result).toEqual([
          { customer_id: 'unattributed', requests: 1 },
          { customer_id: 'globex', requests: 2 },
        ])
      })

      contractCase('unknown cost sorts last in either direction', async () => {
        await store.append(TEN_EVENTS)
        const ascending = await rows({
          metrics: ['cost_usd'],
          groupBy: ['model'],
          orderBy: { metric: 'cost_usd', direction: 'asc' },
        })
        expect(ascending.map((row) => row.model)).toEqual([
          'text-embedding-3-small',
          'gpt-4o-mini',
          'o4-mini',
          'claude-haiku-4-5',
          'private-ft',
        ])
        const descending = await rows({
          metrics: ['cost_usd'],
          groupBy: ['model'],
          orderBy: { metric: 'cost_usd', direction: 'desc' },
        })
        expect(descending.map((row) => row.model)).toEqual([
          'claude-haiku-4-5',
          'o4-mini',
          'gpt-4o-mini',
          'text-embedding-3-small',
          'private-ft',
        ])
      })
    })

    describe('dedupe: an event_id counts once, the latest ts wins', () => {
      contractCase('within one batch', async () => {
        const result = await store.append([
          event('a', '2026-11-20T10:00:00.000Z', { cost_usd: 1 }),
          event('a', '2026-11-20T10:05:00.000Z', { cost_usd: 2 }),
          event('a', '2026-11-20T10:05:00.000Z', { cost_usd: 3 }),
          event('b', '2026-11-20T10:00:00.000Z', { cost_usd: 4 }),
        ])
        expect(result.statuses).toEqual(['duplicate', 'inserted', 'duplicate', 'inserted'])
        expect(await rows({ metrics: ['requests', 'cost_usd'] })).toEqual([{ requests: 2, cost_usd: 6 }])
      })

      contractCase('across batches: same or older is a duplicate, newer replaces', async () => {
        expect((await store.append([event('a', '2026-11-20T10:00:00.000Z')])).statuses).toEqual(['inserted'])
        expect((await store.append([event('a', '2026-11-20T10:00:00.000Z')])).statuses).toEqual(['duplicate'])
        expect(
          (await store.append([event('a', '2026-11-20T09:00:00.000Z', { cost_usd: 9 })])).statuses,
        ).toEqual(['duplicate'])
        const newer = event('a', '2026-11-20T10:05:00.000Z', { feature: 'beta', cost_usd: 2 })
        expect((await store.append([newer, event('c', '2026-11-20T11:00:00.000Z')])).statuses).toEqual([
          'replaced',
          'inserted',
        ])
        expect(await rows({ metrics: ['requests', 'cost_usd'], groupBy: ['feature'] })).toEqual([
          { feature: 'alpha', requests: 1, cost_usd: 1 },
          { feature: 'beta', requests: 1, cost_usd: 2 },
        ])
        const page = await store.listEvents({ scope: { filters: [] }, limit: 10 })
        expect(page.events.find((stored) => stored.event_id === 'a')).toEqual(newer)
        // A filter sees only the latest version: the replaced one matches no longer.
        const alpha = [{ dimension: 'feature', op: 'eq', values: ['alpha'] }]
        expect(await rows({ metrics: ['requests'], filters: alpha })).toEqual([{ requests: 1 }])
        const alphaLog = await store.listEvents({
          scope: { filters: analyticsQuery({ metrics: ['requests'], filters: alpha }).filters },
          limit: 10,
        })
        expect(alphaLog.events.map((stored) => stored.event_id)).toEqual(['c'])
      })

      contractCase('a newer version on another day and month replaces the old one', async () => {
        await store.append([event('a', '2026-11-30T23:59:59.900Z', { cost_usd: 1 })])
        expect(
          (await store.append([event('a', '2026-12-01T00:00:00.100Z', { cost_usd: 2 })])).statuses,
        ).toEqual(['replaced'])
        expect(
          (await store.append([event('a', '2026-11-30T23:59:59.950Z', { cost_usd: 3 })])).statuses,
        ).toEqual(['duplicate'])
        expect(await rows({ metrics: ['requests', 'cost_usd'], bucket: 'month' })).toEqual([
          { bucket_start: '2026-12-01T00:00:00.000Z', bucket_label: '2026-12', requests: 1, cost_usd: 2 },
        ])
        expect(await store.stats()).toEqual({
          events: 1,
          first_ts: '2026-12-01T00:00:00.100Z',
          last_ts: '2026-12-01T00:00:00.100Z',
        })
      })

      contractCase('after close and reopen', async () => {
        expect(
          (await store.append([event('a', '2026-11-20T10:00:00.000Z', { cost_usd: 1 })])).statuses,
        ).toEqual(['inserted'])
        await reopen()
        expect(
          (await store.append([event('a', '2026-11-20T10:00:00.000Z', { cost_usd: 5 })])).statuses,
        ).toEqual(['duplicate'])
        expect(
          (await store.append([event('a', '2026-11-20T10:01:00.000Z', { cost_usd: 2 })])).statuses,
        ).toEqual(['replaced'])
        await reopen()
        expect(await rows({ metrics: ['requests', 'cost_usd'] })).toEqual([{ requests: 1, cost_usd: 2 }])
        expect((await store.append([event('a', '2026-11-20T10:01:00.000Z')])).statuses).toEqual(['duplicate'])
      })

      contractCase('a large batch sent twice is stored once', async () => {
        const batch = Array.from({ length: 2500 }, (_, index) =>
          event(`bulk-${index}`, new Date(Date.UTC(2026, 10, 20) + index * 1000).toISOString(), {
            cost_usd: 0.000001,
          }),
        )
        const first = await store.append(batch)
        expect(first.statuses.every((status) => status === 'inserted')).toBe(true)
        const second = await store.append(batch)
        expect(second.statuses.every((status) => status === 'duplicate')).toBe(true)
        expect(await rows({ metrics: ['requests', 'cost_usd'] })).toEqual([
          { requests: 2500, cost_usd: 0.0025 },
        ])
      })
    })

    describe('reprice: new prices on stored events, the first one kept, the rollups moved by the difference', () => {
      const gpt = { metrics: ['requests', 'cost_usd', 'unpriced_count'], groupBy: ['model'] }
      /** The same query through the rollup and through the events: both must give `expected`. */
      const bothWays = async (json: Record<string, unknown>, expected: unknown) => {
        const query = analyticsQuery(json)
        expect(store.plan(query).sums.from).toBe('rollup')
        expect(await store.query(query)).toEqual(expected)
        expect(await store.queryEvents(query)).toEqual(expected)
      }
      const logged = async (eventId: string) =>
        (await store.listEvents({ scope: { filters: [] }, limit: 100 })).events.find(
          (stored) => stored.event_id === eventId,
        )
      const e01 = TEN_EVENTS[0] as CostEvent
      const e06 = TEN_EVENTS[5] as CostEvent
      const priceOf = (event: CostEvent) => ({
        cost_usd: event.cost_usd,
        pricing_status: event.pricing_status,
        price_source: event.price_source,
      })

      contractCase(
        'sets each new price and keeps the one first recorded; totals are the hand sums',
        async () => {
          await store.append(TEN_EVENTS)
          const result = await store.reprice([
            {
              event_id: 'e01',
              ts: e01.ts,
              from: priceOf(e01),
              to: { cost_usd: 0.2, pricing_status: 'priced', price_source: 'custom:acme' },
            },
            {
              event_id: 'e06',
              ts: e06.ts,
              from: priceOf(e06),
              to: { cost_usd: 0.05, pricing_status: 'priced', price_source: 'custom:in-house' },
            },
          ])
          expect(result.statuses).toEqual(['repriced', 'repriced'])
          expect(await logged('e01')).toEqual({
            ...e01,
            cost_usd: 0.2,
            price_source: 'custom:acme',
            recorded_cost_usd: 0.000123456,
            recorded_pricing_status: 'priced',
            recorded_price_source: 'genai-prices:openai/gpt-4o-mini',
          })
          expect(await logged('e06')).toEqual({
            ...e06,
            cost_usd: 0.05,
            pricing_status: 'priced',
            price_source: 'custom:in-house',
            recorded_cost_usd: null,
            recorded_pricing_status: 'unpriced',
            recorded_price_source: null,
          })
          // 1601125458 − 123456 (e01 before) + 200000000 + 50000000 nano-dollars; nothing unpriced now.
          await bothWays({ metrics: ['requests', 'cost_usd', 'unpriced_count'] }, [
            { requests: 10, cost_usd: 1.851002002, unpriced_count: 0 },
          ])
          // gpt-4o-mini: e01 + e02 + e05 + e10 = 200000000 + 1000001 + 0 + 100000000.
          await bothWays(
            { ...gpt, filters: [{ dimension: 'model', op: 'in', values: ['gpt-4o-mini', 'private-ft'] }] },
            [
              { model: 'gpt-4o-mini', requests: 4, cost_usd: 0.301000001, unpriced_count: 0 },
              { model: 'private-ft', requests: 1, cost_usd: 0.05, unpriced_count: 0 },
            ],
          )
          // By day: e01 was on 2026-10-31, alone.
          await bothWays(
            {
              metrics: ['cost_usd'],
              bucket: 'day',
              from: '2026-10-31T00:00:00.000Z',
              to: '2026-11-01T00:00:00.000Z',
            },
            [{ bucket_start: '2026-10-31T00:00:00.000Z', bucket_label: '2026-10-31', cost_usd: 0.2 }],
          )
          await store.compactRollup()
          await bothWays({ metrics: ['requests', 'cost_usd', 'unpriced_count'] }, [
            { requests: 10, cost_usd: 1.851002002, unpriced_count: 0 },
          ])
        },
      )

      contractCase('a second reprice keeps the price first recorded, across reopen', async () => {
        await store.append(TEN_EVENTS)
        const first = { cost_usd: 0.2, pricing_status: 'priced' as const, price_source: 'custom:acme' }
        await store.reprice([{ event_id: 'e01', ts: e01.ts, from: priceOf(e01), to: first }])
        await reopen()
        const second = { cost_usd: 0.3, pricing_status: 'estimated' as const, price_source: 'custom:acme-2' }
        expect(
          (await store.reprice([{ event_id: 'e01', ts: e01.ts, from: first, to: second }])).statuses,
        ).toEqual(['repriced'])
        expect(await logged('e01')).toMatchObject({
          ...second,
          recorded_cost_usd: 0.000123456,
          recorded_pricing_status: 'priced',
          recorded_price_source: 'genai-prices:openai/gpt-4o-mini',
        })
        // 1601125458 − 123456 + 300000000
        await bothWays({ metrics: ['requests', 'cost_usd'] }, [{ requests: 10, cost_usd: 1.901002002 }])
      })

      contractCase(
        'leaves alone an event that is no longer what was read, and one that is not there',
        async () => {
          await store.append(TEN_EVENTS)
          const to = { cost_usd: 0.2, pricing_status: 'priced' as const, price_source: 'custom:acme' }
          // e01 replaced by a newer version (a retry) after it was read.
          const newer = { ...e01, ts: '2026-10-31T23:45:00.000Z', cost_usd: 0.001 }
          await store.append([newer])
          const result = await store.reprice([
            { event_id: 'e01', ts: e01.ts, from: priceOf(e01), to },
            // e02 read with another price than it has.
            {
              event_id: 'e02',
              ts: (TEN_EVENTS[1] as CostEvent).ts,
              from: { ...priceOf(TEN_EVENTS[1] as CostEvent), cost_usd: 9 },
              to,
            },
            { event_id: 'nope', ts: e01.ts, from: priceOf(e01), to },
          ])
          expect(result.statuses).toEqual(['changed', 'changed', 'changed'])
          expect(await logged('e01')).toEqual(newer)
          // 1601125458 − 123456 + 1000000: only the replacement moved anything.
          await bothWays({ metrics: ['requests', 'cost_usd'] }, [{ requests: 10, cost_usd: 1.602002002 }])
        },
      )

      contractCase('an event listed twice in one batch is repriced once', async () => {
        await store.append(TEN_EVENTS)
        const to = (cost: number) => ({
          cost_usd: cost,
          pricing_status: 'priced' as const,
          price_source: 'custom:acme',
        })
        const result = await store.reprice([
          { event_id: 'e01', ts: e01.ts, from: priceOf(e01), to: to(0.2) },
          { event_id: 'e01', ts: e01.ts, from: priceOf(e01), to: to(0.3) },
        ])
        expect(result.statuses).toEqual(['repriced', 'changed'])
        // 1601125458 − 123456 + 200000000
        await bothWays({ metrics: ['requests', 'cost_usd'] }, [{ requests: 10, cost_usd: 1.801002002 }])
      })

      contractCase('reprices within its project only', async () => {
        await store.append(TEN_EVENTS)
        await store.append(TEN_EVENTS, 'other')
        const to = { cost_usd: 0.2, pricing_status: 'priced' as const, price_source: 'custom:acme' }
        expect(
          (await store.reprice([{ event_id: 'e01', ts: e01.ts, from: priceOf(e01), to }], 'other')).statuses,
        ).toEqual(['repriced'])
        // Without a project a query reads every project: the default one's events kept their price.
        await bothWays({ metrics: ['requests', 'cost_usd'] }, [{ requests: 20, cost_usd: 3.40212746 }])
        const other = analyticsQuery({ metrics: ['requests', 'cost_usd'] })
        expect(await store.query({ ...other, project: 'other' })).toEqual([
          { requests: 10, cost_usd: 1.801002002 },
        ])
        expect(await store.queryEvents({ ...other, project: 'other' })).toEqual([
          { requests: 10, cost_usd: 1.801002002 },
        ])
      })
    })

    describe('projects: one project can neither see nor touch another’s events', () => {
      const of = (project: string | undefined, json: Record<string, unknown>) =>
        store.query({ ...analyticsQuery(json), ...(project ? { project } : {}) })
      /** Requests of several projects joined into one flush, as the ingest buffer joins them. */
      const joined = (...parts: [string, CostEvent[]][]) => {
        const format = batchFormat(store.batchFormat)
        return store.appendBatch(
          format.merge(parts.map(([project, events]) => format.encode(events, project))),
        )
      }

      contractCase(
        'the same event_id in two projects is two events, in one flush or across flushes',
        async () => {
          const first = await joined(
            ['shop', [event('a', '2026-11-20T10:00:00.000Z', { cost_usd: 1, latency_ms: 100 })]],
            ['default', [event('a', '2026-11-20T10:00:00.000Z', { cost_usd: 2, latency_ms: 300 })]],
          )
          expect(first.statuses).toEqual(['inserted', 'inserted'])
          // Again, and an older copy: duplicates, each within its own project.
          const again = await joined(
            ['shop', [event('a', '2026-11-20T09:00:00.000Z', { cost_usd: 7 })]],
            ['default', [event('a', '2026-11-20T10:00:00.000Z', { cost_usd: 2 })]],
          )
          expect(again.statuses).toEqual(['duplicate', 'duplicate'])
          const metrics = { metrics: ['requests', 'cost_usd', 'p95_latency_ms'] }
          expect(await of('shop', metrics)).toEqual([{ requests: 1, cost_usd: 1, p95_latency_ms: 100 }])
          expect(await of('default', metrics)).toEqual([{ requests: 1, cost_usd: 2, p95_latency_ms: 300 }])
          expect(await of(undefined, { metrics: ['requests', 'cost_usd'] })).toEqual([
            { requests: 2, cost_usd: 3 },
          ])
          expect(await of('nobody', { metrics: ['requests'] })).toEqual([{ requests: 0 }])
        },
      )

      contractCase(
        'a newer version replaces only its own project’s event, on the same day or another',
        async () => {
          await store.append(
            [event('a', '2026-11-20T10:00:00.000Z', { feature: 'alpha', cost_usd: 1 })],
            'shop',
          )
          await store.append([event('a', '2026-11-20T10:00:00.000Z', { feature: 'alpha', cost_usd: 2 })])
          const newer = [event('a', '2026-11-21T10:00:00.000Z', { feature: 'beta', cost_usd: 5 })]
          expect((await store.append(newer, 'shop')).statuses).toEqual(['replaced'])
          await reopen()
          const byFeature = { metrics: ['requests', 'cost_usd'], groupBy: ['feature'] }
          // Hour-aligned and whole: the planner reads the rollups; the events say the same.
          const hourly = { ...byFeature, from: '2026-11-20T00:00:00Z', to: '2026-11-22T00:00:00Z' }
          for (const query of [byFeature, hourly]) {
            expect(await of('shop', query)).toEqual([{ feature: 'beta', requests: 1, cost_usd: 5 }])
            expect(await of('default', query)).toEqual([{ feature: 'alpha', requests: 1, cost_usd: 2 }])
          }
          // After the reopen, dedupe still keeps the projects apart.
          expect((await store.append([event('a', '2026-11-20T10:00:00.000Z')])).statuses).toEqual([
            'duplicate',
          ])
          expect((await store.append([event('a', '2026-11-20T10:00:00.000Z')], 'other')).statuses).toEqual([
            'inserted',
          ])
        },
      )

      contractCase('the event log, the stats and the exports are one project’s', async () => {
        await store.append(
          [event('s1', '2026-11-20T10:00:00.000Z'), event('s2', '2026-11-20T11:00:00.000Z')],
          'shop',
        )
        await store.append([event('d1', '2026-11-20T12:00:00.000Z')])
        const page = await store.listEvents({ scope: { filters: [], project: 'shop' }, limit: 10 })
        expect(page.events.map((logged) => logged.event_id)).toEqual(['s2', 's1'])
        const own = await store.listEvents({ scope: { filters: [], project: 'default' }, limit: 10 })
        expect(own.events.map((logged) => logged.event_id)).toEqual(['d1'])
        expect((await store.stats('shop')).events).toBe(2)
        expect((await store.stats('default')).events).toBe(1)
        expect((await store.stats()).events).toBe(3)
        expect((await store.projects()).sort()).toEqual(['default', 'shop'])
        const exported: string[] = []
        for await (const events of store.exportEvents(10, 'shop'))
          exported.push(...events.map((one) => one.event_id))
        expect(exported).toEqual(['s1', 's2'])
      })
    })

    describe('event log', () => {
      contractCase('the cursor walks every event once, newest first, ties by event_id', async () => {
        await store.append(TEN_EVENTS)
        const seen: CostEvent[] = []
        let cursor: string | undefined
        let pages = 0
        do {
          const page = await store.listEvents({
            scope: { filters: [] },
            limit: 3,
            ...(cursor ? { cursor } : {}),
          })
          seen.push(...page.events)
          cursor = page.next_cursor ?? undefined
          pages++
        } while (cursor)
        expect(pages).toBe(4)
        expect(seen.map((stored) => stored.event_id)).toEqual([
          'e10',
          'e09',
          'e08',
          'e07',
          'e06',
          'e05',
          'e04',
          'e03',
          'e02',
          'e01',
        ])
        // Every field comes back as it went in.
        expect(seen).toEqual([...TEN_EVENTS].reverse())
      })

      contractCase('filters and the time range apply to the log', async () => {
        await store.append(TEN_EVENTS)
        const ids: string[] = []
        let cursor: string | undefined
        do {
          const page = await store.listEvents({
            scope: {
              filters: [{ dimension: 'feature', op: 'eq', values: ['chat'] }],
              to: new Date('2026-12-01T00:00:00.000Z'),
            },
            limit: 2,
            ...(cursor ? { cursor } : {}),
          })
          ids.push(...page.events.map((stored) => stored.event_id))
          cursor = page.next_cursor ?? undefined
        } while (cursor)
        expect(ids).toEqual(['e07', 'e06', 'e02', 'e01'])
      })

      contractCase('an empty log has no cursor', async () => {
        expect(await store.listEvents({ scope: { filters: [] }, limit: 10 })).toEqual({
          events: [],
          next_cursor: null,
        })
      })
    })

    describe('time limits', () => {
      const chat = [{ dimension: 'feature', op: 'eq', values: ['chat'] }]

      contractCase(
        'a statement past its time limit stops in the engine, and the next query answers',
        async () => {
          await store.append(TEN_EVENTS)
          const before = await rows({ metrics: ['requests', 'cost_usd'], filters: chat })
          // Uncancelled, the statement runs for many minutes: on DuckDB its promise only settles once
          // the engine has stopped, on chDB the next bound query waits for the engine to finish it.
          await expect(store.runRaw(options.slowQuery(), { timeoutMs: 300 })).rejects.toBeInstanceOf(
            QueryTimeoutError,
          )
          // On DuckDB the same pooled connection, interrupted a moment ago, answers it.
          expect(await rows({ metrics: ['requests', 'cost_usd'], filters: chat })).toEqual(before)
        },
        120_000,
      )

      contractCase(
        'a query within its time limit answers while another is cancelled',
        async () => {
          await store.append(TEN_EVENTS)
          const json = {
            metrics: ['requests', 'p95_latency_ms'],
            groupBy: ['feature'],
            limit: 2,
            others: true,
          }
          const expected = await rows(json)
          const expectedPage = await store.listEvents({ scope: { filters: [] }, limit: 3 })
          const [cancelled, answered, page] = await Promise.allSettled([
            store.runRaw(options.slowQuery(), { timeoutMs: 1000 }),
            // Every statement of these carries its own limit (on ClickHouse, in its SETTINGS clause).
            store.query(analyticsQuery(json), { timeoutMs: 60_000 }),
            store.listEvents({ scope: { filters: [] }, limit: 3 }, { timeoutMs: 60_000 }),
          ])
          expect(cancelled.status === 'rejected' && cancelled.reason).toBeInstanceOf(QueryTimeoutError)
          expect(answered).toEqual({ status: 'fulfilled', value: expected })
          expect(page).toEqual({ status: 'fulfilled', value: expectedPage })
        },
        120_000,
      )

      contractCase('a query already past its time limit runs no statement', async () => {
        await store.append(TEN_EVENTS)
        await expect(
          store.query(analyticsQuery({ metrics: ['requests'] }), { timeoutMs: 0 }),
        ).rejects.toThrow(QueryTimeoutError)
        await expect(
          store.listEvents({ scope: { filters: [] }, limit: 3 }, { timeoutMs: 0 }),
        ).rejects.toThrow(QueryTimeoutError)
        expect(await rows({ metrics: ['requests'] })).toEqual([{ requests: 10 }])
      })
    })

    describe('row cap', () => {
      const cap = QUERY_CAPS.rows
      /** One event more than the cap, each with a customer (a rollup key) and a user (events only) of its own. */
      const crowd = () =>
        Array.from({ length: cap + 1 }, (_, index) =>
          event(`crowd-${index}`, new Date(Date.UTC(2026, 10, 20) + index * 1000).toISOString(), {
            customer_id: `c${index}`,
            user_id: `u${index}`,
            latency_ms: index,
          }),
        )

      contractCase(
        'an answer without a limit is refused past the row cap, on every route',
        async () => {
          await store.append(crowd())
          for (const json of [
            { metrics: ['requests'], groupBy: ['customer_id'] },
            { metrics: ['requests'], groupBy: ['user_id'] },
            { metrics: ['requests', 'p95_latency_ms'], groupBy: ['customer_id'] },
            { metrics: ['p95_latency_ms'], groupBy: ['customer_id'], orderBy: { metric: 'p95_latency_ms' } },
          ]) {
            await expect(rows(json), JSON.stringify(json)).rejects.toBeInstanceOf(TooManyRowsError)
          }
          // One group fewer fits, and a limit keeps any answer within the cap.
          const fewer = [{ dimension: 'user_id', op: 'not_in', values: ['u0'] }]
          expect(await rows({ metrics: ['requests'], groupBy: ['user_id'], filters: fewer })).toHaveLength(
            cap,
          )
          expect(
            await rows({ metrics: ['requests', 'p95_latency_ms'], groupBy: ['customer_id'], limit: cap }),
          ).toHaveLength(cap)
        },
        120_000,
      )
    })

    describe('cursors', () => {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
      const bad: [string, string][] = [
        ['empty', ''],
        ['not base64url', 'not a cursor!'],
        ['random base64url', Buffer.from('\x8f\x00\xff random bytes', 'latin1').toString('base64url')],
        ['standard base64 padding', `${encode(['newest', 1, 'a'])}=`],
        ['JSON of another shape', encode({ ts: 1, event_id: 'a' })],
        ['JSON null', encode(null)],
        ['a position without its order (an older cursor)', encode([1_795_395_198_406, 'a'])],
        ['a position in another order', encode(['oldest', 1_795_395_198_406, 'a'])],
        ['a position with an extra element', encode(['newest', 1, 'a', 'b'])],
        ['a time as text', encode(['newest', '1795395198406', 'a'])],
        ['a fractional time', encode(['newest', 1.5, 'a'])],
        ['a huge time', encode(['newest', 1e300, 'a'])],
        ['a time beyond safe integers', encode(['newest', 2 ** 60, 'a'])],
        ['a time beyond any date', encode(['newest', 8.64e15 + 1, 'a'])],
        ['an empty event_id', encode(['newest', 1, ''])],
        ['an event_id with a NUL', encode(['newest', 1, 'a\u0000b'])],
        ['an event_id that is a number', encode(['newest', 1, 7])],
      ]
      for (const [name, cursor] of bad) {
        contractCase(`refused cursor: ${name}`, async () => {
          await expect(store.listEvents({ scope: { filters: [] }, limit: 3, cursor })).rejects.toBeInstanceOf(
            InvalidCursorError,
          )
        })
      }

      contractCase('a well-formed cursor at either end of time is a place in the log', async () => {
        await store.append(TEN_EVENTS)
        const after = (ts: number) =>
          store.listEvents({ scope: { filters: [] }, limit: 20, cursor: encode(['newest', ts, 'x']) })
        expect((await after(8.64e15)).events).toHaveLength(10)
        expect((await after(-8.64e15)).events).toEqual([])
      })
    })

    describe('retention, export, stats and meta', () => {
      contractCase('deleteBefore removes what started earlier and says how many', async () => {
        await store.append(TEN_EVENTS)
        expect(await store.deleteBefore(new Date('2026-11-02T00:00:00.000Z'))).toBe(5)
        expect(await store.deleteBefore(new Date('2026-11-02T00:00:00.000Z'))).toBe(0)
        expect(await store.stats()).toEqual({
          events: 5,
          first_ts: '2026-11-02T08:15:30.500Z',
          last_ts: '2026-12-01T00:00:00.000Z',
        })
        expect(await rows({ metrics: ['requests', 'cost_usd'] })).toEqual([
          { requests: 5, cost_usd: 1.100002 },
        ])
        // A deleted id can come back.
        expect((await store.append([TEN_EVENTS[0] as CostEvent])).statuses).toEqual(['inserted'])
      })

      contractCase('exportEvents gives every event once, oldest first, in batches', async () => {
        await store.append(TEN_EVENTS)
        const batches: CostEvent[][] = []
        for await (const batch of store.exportEvents(3)) batches.push(batch)
        expect(batches.map((batch) => batch.length)).toEqual([3, 3, 3, 1])
        expect(batches.flat()).toEqual(TEN_EVENTS)
      })

      contractCase('stats of an empty store, then of the ten events', async () => {
        expect(await store.stats()).toEqual({ events: 0, first_ts: null, last_ts: null })
        await store.append(TEN_EVENTS)
        expect(await store.stats()).toEqual({
          events: 10,
          first_ts: '2026-10-31T23:30:00.000Z',
          last_ts: '2026-12-01T00:00:00.000Z',
        })
      })

      contractCase('meta: missing is null, the last write wins, kept across reopen', async () => {
        expect(await store.getMeta('demo_loaded_at')).toBeNull()
        await store.setMeta('demo_loaded_at', 'first')
        await store.setMeta('demo_loaded_at', 'second')
        await store.setMeta('other', "it's")
        expect(await store.getMeta('demo_loaded_at')).toBe('second')
        await reopen()
        expect(await store.getMeta('demo_loaded_at')).toBe('second')
        expect(await store.getMeta('other')).toBe("it's")
      })

      contractCase('records: the latest write of each key wins, kept across reopen', async () => {
        // The alerts configurations (schema/alert-configs-table.ts) stand for every record table.
        const config = (project: string, text: string, changedAt: number) => ({
          project,
          config: text,
          changedAt,
          changedBy: 'key 0123456789ab',
        })
        expect(await store.readRecords(ALERT_CONFIGS_TABLE)).toEqual([])
        await store.writeRecords(ALERT_CONFIGS_TABLE, [config('shop', '{"channels":[]}', 1)])
        await store.writeRecords(ALERT_CONFIGS_TABLE, [config('books', '{"rules":[]}', 2)])
        await store.writeRecords(ALERT_CONFIGS_TABLE, [config('shop', '', 3)])
        const shop = config('shop', '{"a":"it\'s \\n ✓"}', 4)
        await store.writeRecords(ALERT_CONFIGS_TABLE, [shop])
        const latest = [config('books', '{"rules":[]}', 2), shop]
        expect(await store.readRecords(ALERT_CONFIGS_TABLE)).toEqual(latest)
        await reopen()
        expect(await store.readRecords(ALERT_CONFIGS_TABLE)).toEqual(latest)
      })

      contractCase('events survive close and reopen', async () => {
        await store.append(TEN_EVENTS)
        await reopen()
        expect(await rows({ metrics: ['requests', 'cost_usd'] })).toEqual([
          { requests: 10, cost_usd: 1.601125458 },
        ])
      })
    })

    describe('invoice lines: a bucket synced again replaces itself, within its project', () => {
      const DAY = 86_400_000
      const start = Date.UTC(2026, 10, 1)
      const line = (day: number, overrides: Partial<InvoiceLine> = {}): InvoiceLine =>
        invoiceLine({
          provider: 'openai',
          source: 'costs',
          bucket_start: start + day * DAY,
          bucket_end: start + (day + 1) * DAY,
          line_item: 'gpt-4o-2024-08-06, input',
          model: 'gpt-4o-2024-08-06',
          token_type: 'input',
          amount_nanos: 1_000_000_001 + day,
          currency: 'usd',
          batch: day % 2 === 0,
          seconds: 1.5,
          ...overrides,
        })
      const range = (from: number, to: number, overrides: Partial<InvoiceRange> = {}): InvoiceRange => ({
        project: 'default',
        provider: 'openai',
        source: 'costs',
        from: start + from * DAY,
        to: start + to * DAY,
        ...overrides,
      })
      const stored = (lines: InvoiceLine[], project = 'default') =>
        lines.map((current) => ({ ...current, project }))

      contractCase('lines round-trip whole, in bucket order, by project and time', async () => {
        const lines = [
          line(0),
          line(1),
          line(2, { provider_project: 'proj_abc', amount_nanos: null, requests: 7 }),
        ]
        await store.replaceInvoiceLines(range(0, 3), lines)
        await store.replaceInvoiceLines(range(0, 3, { project: 'alpha' }), [line(1)])
        expect(await store.invoiceLines({ project: 'default' })).toEqual(stored(lines))
        expect(await store.invoiceLines({ project: 'alpha' })).toEqual(stored([line(1)], 'alpha'))
        expect(
          await store.invoiceLines({ project: 'default', from: start + DAY, to: start + 2 * DAY }),
        ).toEqual(stored([line(1)]))
        await reopen()
        expect(await store.invoiceLines({ project: 'default' })).toEqual(stored(lines))
      })

      contractCase('a range synced again replaces its buckets and leaves the others', async () => {
        await store.replaceInvoiceLines(range(0, 3), [line(0), line(1), line(2)])
        await store.replaceInvoiceLines(range(0, 3, { source: 'usage/completions' }), [
          line(1, { source: 'usage/completions', amount_nanos: null, input_tokens: 10 }),
        ])
        // The provider revised day 2 and day 1 went empty: both replaced, day 0 and the usage kept.
        await store.replaceInvoiceLines(range(1, 3), [line(2, { amount_nanos: 5 })])
        expect(
          (await store.invoiceLines({ project: 'default' })).map((current) => [
            current.source,
            current.amount_nanos,
          ]),
        ).toEqual([
          ['costs', 1_000_000_001],
          ['usage/completions', null],
          ['costs', 5],
        ])
      })
    })

    describe('bad input is refused before it reaches the store', () => {
      const bad: [string, Record<string, unknown>][] = [
        ['an unknown dimension', { metrics: ['requests'], groupBy: ['prompt'] }],
        [
          'an unknown dimension in a filter',
          { metrics: ['requests'], filters: [{ dimension: 'cost_nanos', op: 'eq', values: ['1'] }] },
        ],
        ['a tag key with a quote', { metrics: ['requests'], groupBy: ["tags.a'b"] }],
        ['an unknown metric', { metrics: ['revenue'] }],
        ['no metric', { metrics: [] }],
        [
          'more than three group-by dimensions',
          { metrics: ['requests'], groupBy: ['provider', 'model', 'feature', 'route'] },
        ],
        ['a dimension twice', { metrics: ['requests'], groupBy: ['model', 'model'] }],
        ['an unknown time zone', { metrics: ['requests'], timeZone: 'Mars/Olympus_Mons' }],
        [
          'from not before to',
          { metrics: ['requests'], from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' },
        ],
        [
          'from equal to to',
          { metrics: ['requests'], from: '2026-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
        ],
        ['others without limit', { metrics: ['requests'], groupBy: ['model'], others: true }],
        ['others without group by', { metrics: ['requests'], limit: 5, others: true }],
        ['an unknown bucket', { metrics: ['requests'], bucket: 'quarter' }],
        [
          'an unknown filter op',
          { metrics: ['requests'], filters: [{ dimension: 'model', op: 'like', values: ['%'] }] },
        ],
        [
          'eq with two values',
          { metrics: ['requests'], filters: [{ dimension: 'model', op: 'eq', values: ['a', 'b'] }] },
        ],
        ['an unknown key', { metrics: ['requests'], sql: 'DROP TABLE events' }],
        // A 1.2 MB body of one metric name repeated compiled to as many columns and took 2 GB.
        ['a metric twice', { metrics: ['requests', 'cost_usd', 'requests'] }],
        ['one metric repeated a hundred thousand times', { metrics: Array(100_000).fill('cost_usd') }],
        [
          'more filters than the cap',
          {
            metrics: ['requests'],
            filters: Array.from({ length: QUERY_CAPS.filters + 1 }, () => ({
              dimension: 'model',
              op: 'in',
              values: ['a'],
            })),
          },
        ],
        [
          'more filter values than the cap, across filters',
          {
            metrics: ['requests'],
            filters: [
              { dimension: 'model', op: 'in', values: Array(QUERY_CAPS.filterValues).fill('a') },
              { dimension: 'feature', op: 'eq', values: ['b'] },
            ],
          },
        ],
        [
          'more values in one filter than the cap',
          {
            metrics: ['requests'],
            filters: [{ dimension: 'model', op: 'in', values: Array(QUERY_CAPS.filterValues + 1).fill('a') }],
          },
        ],
        [
          'a filter value longer than the cap',
          {
            metrics: ['requests'],
            filters: [{ dimension: 'model', op: 'eq', values: ['x'.repeat(QUERY_CAPS.valueLength + 1)] }],
          },
        ],
        [
          'a filter without values',
          { metrics: ['requests'], filters: [{ dimension: 'model', op: 'in', values: [] }] },
        ],
        [
          'a tag key longer than 64 characters',
          { metrics: ['requests'], groupBy: [`tags.${'k'.repeat(65)}`] },
        ],
        [
          'a limit above the row cap',
          { metrics: ['requests'], groupBy: ['model'], limit: QUERY_CAPS.rows + 1 },
        ],
        ['a limit of zero', { metrics: ['requests'], groupBy: ['model'], limit: 0 }],
      ]
      for (const [name, json] of bad) {
        contractCase(`refused: ${name}`, async () => {
          expect(analyticsQuerySchema.safeParse(json).success).toBe(false)
        })
      }
    })

    describe('each hour and template: its heaviest request and lower quartile (outliers, drift)', () => {
      contractCase(
        'one row per UTC hour, feature and template: its largest request, its id and cost, and its lower quartile',
        async () => {
          const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 9, minute)).toISOString()
          await store.append([
            event('small', at(1), { prompt_id: 'p1', input_tokens: 100, output_tokens: 10, cost_usd: 0.001 }),
            event('middle', at(1), {
              prompt_id: 'p1',
              input_tokens: 300,
              output_tokens: 10,
              cost_usd: 0.002,
            }),
            event('p1-unpriced', at(1), {
              prompt_id: 'p1',
              input_tokens: 200,
              cost_usd: null,
              pricing_status: 'unpriced',
            }),
            event('large', at(2), {
              prompt_id: 'p1',
              input_tokens: 5000,
              output_tokens: 500,
              cost_usd: 0.123456789,
            }),
            event('unpriced', at(3), {
              prompt_id: 'p2',
              input_tokens: 900,
              cost_usd: null,
              pricing_status: 'unpriced',
            }),
            event('no-template', at(4), { input_tokens: 7, output_tokens: null }),
            event('next-hour', at(61), { prompt_id: 'p1', input_tokens: 1, output_tokens: 1 }),
          ])
          await store.append(
            [event('elsewhere', at(6), { prompt_id: 'p1', input_tokens: 99_999, output_tokens: 0 })],
            'alpha',
          )
          const hour = Date.UTC(2026, 10, 2, 9)
          const rows = await store.templateHours({ project: 'default', from: hour, to: hour + 3_600_000 })
          expect(rows.sort((a, b) => String(a.prompt_id).localeCompare(String(b.prompt_id)))).toEqual(
            [
              {
                hour,
                feature: 'alpha',
                prompt_id: 'unattributed',
                requests: 1,
                heaviest: { tokens: 7, event_id: 'no-template', cost_nanos: 1_000_000_000 },
                lower_quartile: { input_tokens: 7, cost_nanos: 1_000_000_000 },
              },
              {
                hour,
                feature: 'alpha',
                prompt_id: 'p1',
                requests: 4,
                heaviest: { tokens: 5500, event_id: 'large', cost_nanos: 123_456_789 },
                // Inputs 100, 200, 300, 5000: a quarter of the way from 100 to 200 past the first (R type
                // 7); costs 1, 2 and 123.46 million nanos, the unpriced call not among them.
                lower_quartile: { input_tokens: 175, cost_nanos: 1_500_000 },
              },
              {
                hour,
                feature: 'alpha',
                prompt_id: 'p2',
                requests: 1,
                heaviest: { tokens: 900, event_id: 'unpriced', cost_nanos: null },
                lower_quartile: { input_tokens: 900, cost_nanos: null },
              },
            ].sort((a, b) => String(a.prompt_id).localeCompare(String(b.prompt_id))),
          )
        },
      )
    })

    it('skips only cases that exist', () => {
      expect(Object.keys(skip).filter((name) => !used.has(name))).toEqual([])
    })
  })
}
