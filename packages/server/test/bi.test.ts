import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { type CostEvent, stdoutSink } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnalyticsQuery } from '../src/api/api-types.js'
import { createChdbClient, openStore } from '../src/store/open-store.js'
import { costEvent } from './store-contract.js'

/** The SQL blocks of docs/bi.md, by their `bi-test` name: the page's examples are what runs here. */
async function docBlocks(): Promise<Map<string, string>> {
  const page = await readFile(new URL('../../../docs/bi.md', import.meta.url), 'utf8')
  const blocks = new Map<string, string>()
  for (const match of page.matchAll(/<!-- bi-test: (\S+) -->\s*```sql\n([\s\S]*?)```/g))
    blocks.set(match[1] as string, (match[2] as string).trim().replace(/;$/, ''))
  return blocks
}

function block(blocks: Map<string, string>, name: string): string {
  const sql = blocks.get(name)
  if (!sql) throw new Error(`docs/bi.md has no bi-test block ${name}`)
  return sql
}

/**
 * November 2026 in the default project, by hand: search $1.50 + $0.25 = $1.75 (acme, team a),
 * chat $2.00 (globex, team b), summary one call of no known price, and a call of another project
 * ($9) that no query of the default project may count.
 */
const EVENTS: CostEvent[] = [
  costEvent({
    event_id: 'b1',
    ts: '2026-11-03T10:00:00.000Z',
    feature: 'search',
    customer_id: 'acme',
    tags: { team: 'a' },
    cost_usd: 1.5,
  }),
  costEvent({
    event_id: 'b2',
    ts: '2026-11-03T23:30:00.000Z',
    feature: 'search',
    customer_id: 'acme',
    tags: { team: 'a' },
    cost_usd: 0.25,
  }),
  costEvent({
    event_id: 'b3',
    ts: '2026-11-04T09:00:00.000Z',
    feature: 'chat',
    customer_id: 'globex',
    tags: { team: 'b' },
    model: 'gpt-4o',
    cost_usd: 2,
  }),
  costEvent({
    event_id: 'b4',
    ts: '2026-11-05T09:00:00.000Z',
    feature: 'summary',
    model: 'a-model-no-catalog-knows',
    pricing_status: 'unpriced',
    cost_usd: null,
  }),
]
const ELSEWHERE = [
  costEvent({ event_id: 'x1', ts: '2026-11-03T10:00:00.000Z', feature: 'search', cost_usd: 9 }),
]
const NOVEMBER: AnalyticsQuery = {
  from: new Date('2026-11-01T00:00:00Z'),
  to: new Date('2026-12-01T00:00:00Z'),
  timeZone: 'UTC',
  filters: [],
  groupBy: ['feature'],
  metrics: ['requests', 'cost_usd', 'unpriced_count'],
  project: 'default',
}
const byFeature = (rows: Record<string, unknown>[]) =>
  Object.fromEntries(
    rows.map((row) => [
      row.feature,
      {
        requests: Number(row.requests),
        cost_usd: row.cost_usd === null ? null : Number(row.cost_usd),
        unpriced: Number(row.unpriced_calls ?? row.unpriced_count),
      },
    ]),
  )
const HAND = {
  search: { requests: 2, cost_usd: 1.75, unpriced: 0 },
  chat: { requests: 1, cost_usd: 2, unpriced: 0 },
  summary: { requests: 1, cost_usd: null, unpriced: 1 },
}

let folder: string
let blocks: Map<string, string>
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-bi-'))
  blocks = await docBlocks()
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('docs/bi.md on DuckDB', () => {
  it('its SQL, on a read-only copy of a store file, answers what the query model answers', async () => {
    const path = join(folder, 'events.duckdb')
    const store = await openStore(path)
    await store.append(EVENTS)
    await store.append(ELSEWHERE, 'other')
    const expected = byFeature(await store.query(NOVEMBER))
    await store.close()
    const copy = join(folder, 'copy.duckdb')
    await copyFile(path, copy)
    const instance = await DuckDBInstance.create(copy, { access_mode: 'READ_ONLY' })
    const connection = await instance.connect()
    try {
      const read = async (name: string) =>
        (await connection.runAndReadAll(block(blocks, name))).getRowObjectsJson() as Record<string, unknown>[]
      const answer = byFeature(await read('duckdb-cost-by-feature'))
      expect(answer).toEqual(expected)
      expect(answer).toEqual(HAND)
      // In Paris the 23:30Z call is November 4: search $1.50 on the 3rd, $0.25 on the 4th.
      const daily = await read('duckdb-daily-by-customer')
      expect(
        daily
          .filter((row) => row.customer_id === 'acme')
          .map((row) => [String(row.day), row.team, Number(row.cost_usd)]),
      ).toEqual([
        ['2026-11-03', 'a', 1.5],
        ['2026-11-04', 'a', 0.25],
      ])
      // Read-only: the copy refuses a write.
      await expect(connection.run("DELETE FROM events WHERE project = ''")).rejects.toThrow(/read-only/i)
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  })
})

describe('docs/bi.md on ClickHouse (chDB)', () => {
  it('its SQL answers the query model’s figures, and the stdout sink’s lines load into its sink table unchanged', async () => {
    const path = join(folder, 'chdb')
    const store = await openStore(`chdb://${path}`)
    await store.append(EVENTS)
    await store.append(ELSEWHERE, 'other')
    const expected = byFeature(await store.query(NOVEMBER))
    const byModel = await store.query({ ...NOVEMBER, groupBy: ['model'] })
    await store.close()

    // chDB runs one engine per process: the store is closed, the same folder opened as a plain client.
    const client = await createChdbClient(path)
    try {
      const read = async (sql: string) =>
        (await (await client.query({ query: sql, format: 'JSONEachRow' })).json()) as Record<
          string,
          unknown
        >[]
      const daily = await read(block(blocks, 'clickhouse-daily-by-feature'))
      const summed = new Map<string, { requests: number; cost_usd: number | null; unpriced: number }>()
      for (const row of daily) {
        const feature = String(row.feature)
        const before = summed.get(feature) ?? { requests: 0, cost_usd: null, unpriced: 0 }
        summed.set(feature, {
          requests: before.requests + Number(row.requests),
          cost_usd: row.cost_usd === null ? before.cost_usd : (before.cost_usd ?? 0) + Number(row.cost_usd),
          unpriced: before.unpriced + Number(row.unpriced_calls),
        })
      }
      expect(Object.fromEntries(summed)).toEqual(expected)
      expect(Object.fromEntries(summed)).toEqual(HAND)
      const monthly = await read(block(blocks, 'clickhouse-rollup-by-model'))
      expect(Object.fromEntries(monthly.map((row) => [row.model, Number(row.cost_usd)]))).toEqual(
        Object.fromEntries(byModel.map((row) => [row.model, row.cost_usd ?? 0])),
      )

      // The sink's table and view as the page gives them; the Kafka table's columns on the Null
      // engine (chDB has no broker): the view fires on each insert as on each Kafka message.
      await client.command({ query: block(blocks, 'sink-table') })
      const kafka = block(blocks, 'sink-kafka')
      expect(kafka).toContain("kafka_format = 'JSONEachRow'")
      await client.command({ query: kafka.replace(/ENGINE = Kafka[\s\S]*$/, 'ENGINE = Null') })
      await client.command({ query: block(blocks, 'sink-view') })
      let lines = ''
      const sink = stdoutSink({ stream: { write: (chunk: string) => (lines += chunk) } })
      sink.write(EVENTS)
      sink.write([EVENTS[0] as CostEvent]) // a retried send: the table keeps one row per event
      await client.command({
        query: `INSERT INTO llm_calls_queue SETTINGS date_time_input_format = 'best_effort' FORMAT JSONEachRow\n${lines}`,
      })
      const loaded = await read(
        `SELECT feature, count() AS requests, sum(cost_nanos) / 1e9 AS cost_usd, countIf(pricing_status = 'unpriced') AS unpriced_calls FROM llm_calls FINAL GROUP BY feature`,
      )
      expect(byFeature(loaded)).toEqual(expected)
      const [first] = await read(
        `SELECT ts, tags, customer_id, cost_nanos FROM llm_calls FINAL WHERE event_id = 'b1'`,
      )
      expect(first).toEqual({
        ts: '2026-11-03 10:00:00.000',
        tags: { team: 'a' },
        customer_id: 'acme',
        cost_nanos: 1_500_000_000,
      })
    } finally {
      await client.close()
    }
  })
})
