import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { DuckDBInstance } from '@duckdb/node-api'
import type { CostEvent } from 'spendlens'
import { toStoreRow } from 'spendlens/internal'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AnalyticsQuery, LoggedEvent } from '../src/api/api-types.js'
import { exportToFile } from '../src/data-transfer/export-to-file.js'
import { importEvents } from '../src/data-transfer/import-events.js'
import { createProgressLine } from '../src/data-transfer/progress-line.js'
import { runExport, runImport } from '../src/data-transfer/transfer-command.js'
import { generateDemoEvents } from '../src/demo/demo-data.js'
import { INVOICE_SYNC_TABLE } from '../src/schema/invoice-sync-table.js'
import { invoiceLine } from '../src/schema/invoice-table.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { openStore as openStoreAt } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'

let folder: string
const opened: Store[] = []

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-transfer-'))
})
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined)
  await rm(folder, { recursive: true, force: true })
})

/** A store in the test's folder: a DuckDB file by name, or a `chdb://` location. */
async function openStore(name: string): Promise<Store> {
  const store = name.startsWith('chdb://')
    ? await openStoreAt(name)
    : await openDuckDBStore(join(folder, name))
  opened.push(store)
  return store
}

/** Events whose every field is set in some way: odd tags, nulls, partial, client and unknown costs. */
function unusualEvents(): CostEvent[] {
  const [base] = generateDemoEvents({ days: 1, dailyRequests: 1, now: new Date('2026-11-20T12:00:00Z') })
  const template = base as CostEvent
  return [
    {
      ...template,
      event_id: 'odd-tags',
      ts: '2026-11-20T08:00:00.123Z',
      tags: { note: 'a, "quoted"\nvalue', 'k.e:y-1': 'ünïcødé ✓', empty: '' },
      cost_usd: 0.000000001,
      pricing_status: 'client',
      price_source: 'charged:openrouter',
      computed_cost_usd: 0.000123456,
    },
    {
      ...template,
      event_id: 'unknown-cost',
      ts: '2026-11-20T09:00:00.000Z',
      model: 'in-house-model-7',
      cost_usd: null,
      pricing_status: 'unpriced',
      price_source: null,
      feature: null,
      customer_id: null,
      tags: {},
      latency_ms: null,
      ttft_ms: null,
      input_tokens: null,
      output_tokens: null,
    },
    {
      ...template,
      event_id: 'partial',
      ts: '2026-11-20T10:00:00.000Z',
      status: 'cancelled',
      cost_partial: true,
      streamed: true,
      batch: true,
      service_tier: 'flex',
      audio_seconds: 12.5,
      images: 2,
      web_search_requests: 3,
      file_search_requests: 5,
      code_interpreter_sessions: 1,
      output_image_tokens: 12,
      input_audio_tokens: 40,
      cache_read_audio_tokens: 25,
      http_status: null,
      error_type: 'AbortError',
    },
  ]
}

/** Two events a reprice changed, each with the price first recorded: a cost, and an unknown one. */
function repricedEvents(): LoggedEvent[] {
  const [first, second] = unusualEvents()
  return [
    {
      ...(first as CostEvent),
      event_id: 'repriced',
      cost_usd: 0.25,
      pricing_status: 'priced',
      price_source: 'custom:acme',
      computed_cost_usd: null,
      recorded_cost_usd: 0.123456789,
      recorded_pricing_status: 'priced',
      recorded_price_source: 'genai-prices:openai/gpt-4o-mini',
    },
    {
      ...(second as CostEvent),
      event_id: 'priced-later',
      input_tokens: 100,
      output_tokens: 10,
      cost_usd: 0.001,
      pricing_status: 'priced',
      price_source: 'custom:in-house',
      recorded_cost_usd: null,
      recorded_pricing_status: 'unpriced',
      recorded_price_source: null,
    },
  ]
}

/** A few days of the demo product plus the unusual events and two repriced ones, in a fresh store. */
async function filledStore(name: string): Promise<Store> {
  const store = await openStore(name)
  await store.append([
    ...generateDemoEvents({ days: 3, dailyRequests: 300, now: new Date('2026-11-20T12:00:00Z') }),
    ...unusualEvents(),
    ...repricedEvents(),
  ])
  return store
}

async function allEvents(store: Store): Promise<LoggedEvent[]> {
  const events: LoggedEvent[] = []
  for await (const batch of store.exportEvents(700)) events.push(...batch)
  return events
}

const QUERIES: AnalyticsQuery[] = [
  {
    timeZone: 'UTC',
    filters: [],
    groupBy: [],
    metrics: ['requests', 'cost_usd', 'total_tokens', 'unpriced_count', 'p95_latency_ms', 'error_rate'],
  },
  {
    timeZone: 'Europe/Paris',
    filters: [],
    groupBy: ['feature', 'tags.plan'],
    bucket: 'day',
    metrics: ['requests', 'cost_usd', 'cache_hit_rate', 'avg_latency_ms', 'reasoning_tokens'],
  },
  {
    timeZone: 'UTC',
    filters: [{ dimension: 'status', op: 'not_in', values: ['ok'] }],
    groupBy: ['customer_id'],
    metrics: ['requests', 'cost_usd'],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: 5,
    others: true,
  },
]

/** The two stores hold the same events, field for field, and answer the same queries. */
async function expectSameContent(source: Store, copy: Store) {
  expect(await copy.stats()).toEqual(await source.stats())
  const events = await allEvents(copy)
  expect(events).toEqual(await allEvents(source))
  // The catalog's price kept beside a charged cost travels with its event.
  expect(events.find((event) => event.event_id === 'odd-tags')?.computed_cost_usd).toBe(0.000123456)
  // The price first recorded travels with a repriced event, and only with one.
  expect(events.filter((event) => 'recorded_pricing_status' in event)).toEqual(
    expect.arrayContaining(repricedEvents()),
  )
  expect(events.filter((event) => 'recorded_pricing_status' in event)).toHaveLength(2)
  for (const query of QUERIES) expect(await copy.query(query)).toEqual(await source.query(query))
}

describe('export to a file and import into a new store', () => {
  it('round-trips DuckDB → JSON Lines → DuckDB with every field and every query result identical', async () => {
    const source = await filledStore('source.duckdb')
    const file = join(folder, 'events.jsonl')
    const exported = await exportToFile(source, file, 'jsonl', { batchSize: 500 })
    const { events } = await source.stats()
    expect(exported.written).toBe(events)
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n')
    expect(lines).toHaveLength(events)
    // Each line is a CostEvent (cost in dollars), oldest first.
    expect(JSON.parse(lines[0] as string)).toHaveProperty('cost_usd')
    expect(existsSync(`${file}.partial-${process.pid}`)).toBe(false)

    const copy = await openStore('copy.duckdb')
    const summary = await importEvents(
      copy,
      { kind: 'jsonl', path: file },
      { batchSize: 400, backfill: true },
    )
    expect(summary).toEqual({
      read: events,
      inserted: events,
      duplicates: 0,
      rejected: 0,
      tooOld: 0,
      rejections: [],
    })
    await expectSameContent(source, copy)
  })

  it('round-trips DuckDB → Parquet → DuckDB with every field and every query result identical', async () => {
    const source = await filledStore('source.duckdb')
    const file = join(folder, 'events.parquet')
    const { events } = await source.stats()
    expect((await exportToFile(source, file, 'parquet', { batchSize: 500 })).written).toBe(events)

    const progress: number[] = []
    const copy = await openStore('copy.duckdb')
    const summary = await importEvents(
      copy,
      { kind: 'parquet', path: file },
      {
        batchSize: 1000,
        backfill: true,
        onProgress: (state) => progress.push(state.read, state.total ?? -1),
      },
    )
    expect(summary).toMatchObject({ read: events, inserted: events, duplicates: 0, rejected: 0 })
    // The footer tells the row count up front, so the progress line has a total from the start.
    expect(progress.slice(0, 2)).toEqual([0, events])
    expect(progress.slice(-2)).toEqual([events, events])
    await expectSameContent(source, copy)
  })

  it('writes Parquet with the store column names, cost in nano-dollars and tags as a map', async () => {
    const source = await openStore('source.duckdb')
    await source.append(unusualEvents())
    const file = join(folder, 'events.parquet')
    await exportToFile(source, file, 'parquet')

    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    const schema = await connection.runAndReadAll('DESCRIBE SELECT * FROM read_parquet($file)', { file })
    const types = Object.fromEntries(
      schema.getRowObjectsJS().map((row) => [String(row.column_name), String(row.column_type)]),
    )
    // Every field, and the price first recorded (null here: nothing was repriced).
    expect(Object.keys(types).sort()).toEqual(
      [
        ...Object.keys(toStoreRow(unusualEvents()[0] as CostEvent)),
        'recorded_cost_nanos',
        'recorded_pricing_status',
        'recorded_price_source',
      ].sort(),
    )
    expect(types).toMatchObject({
      ts: 'TIMESTAMP WITH TIME ZONE',
      cost_nanos: 'BIGINT',
      computed_cost_nanos: 'BIGINT',
      recorded_cost_nanos: 'BIGINT',
      tags: 'MAP(VARCHAR, VARCHAR)',
    })
    const rows = await connection.runAndReadAll(
      "SELECT event_id, cost_nanos, computed_cost_nanos AS computed, feature, tags['note'] AS note FROM read_parquet($file) ORDER BY ts",
      { file },
    )
    const unusual = { feature: expect.any(String), note: null, computed: null }
    expect(rows.getRowObjectsJS()).toEqual([
      { ...unusual, event_id: 'odd-tags', cost_nanos: 1n, computed: 123456n, note: 'a, "quoted"\nvalue' },
      { ...unusual, event_id: 'unknown-cost', cost_nanos: null, feature: 'unattributed' },
      { ...unusual, event_id: 'partial', cost_nanos: expect.any(BigInt) },
    ])
    connection.closeSync()
    instance.closeSync()
  })

  it('imports a Parquet file copied straight out of the DuckDB events table (tags as JSON text)', async () => {
    const source = await filledStore('source.duckdb')
    const { events } = await source.stats()
    await source.close()
    const file = join(folder, 'raw.parquet')
    const instance = await DuckDBInstance.create(join(folder, 'source.duckdb'))
    const connection = await instance.connect()
    await connection.run('COPY events TO $file (FORMAT parquet)', { file })
    connection.closeSync()
    instance.closeSync()

    const reopened = await openStore('source.duckdb')
    const copy = await openStore('copy.duckdb')
    const summary = await importEvents(copy, { kind: 'parquet', path: file }, { backfill: true })
    expect(summary).toMatchObject({ read: events, inserted: events, rejected: 0 })
    await expectSameContent(reopened, copy)
  })

  it('never leaves a half-written file when the export fails', async () => {
    const source = await filledStore('source.duckdb')
    const file = join(folder, 'missing-folder', 'events.jsonl')
    await expect(exportToFile(source, file, 'jsonl')).rejects.toThrow()
    expect(existsSync(file)).toBe(false)
    expect(existsSync(`${file}.partial-${process.pid}`)).toBe(false)
  })
})

describe('store to store', () => {
  it('copies DuckDB → DuckDB identically and counts every event as a duplicate on a second run', async () => {
    const source = await filledStore('source.duckdb')
    const { events } = await source.stats()
    const copy = await openStore('copy.duckdb')
    const first = await importEvents(
      copy,
      { kind: 'store', store: source },
      { batchSize: 333, backfill: true },
    )
    expect(first).toEqual({
      read: events,
      inserted: events,
      duplicates: 0,
      rejected: 0,
      tooOld: 0,
      rejections: [],
    })
    await expectSameContent(source, copy)

    const second = await importEvents(copy, { kind: 'store', store: source }, { backfill: true })
    expect(second).toEqual({
      read: events,
      inserted: 0,
      duplicates: events,
      rejected: 0,
      tooOld: 0,
      rejections: [],
    })
    expect((await copy.stats()).events).toBe(events)
  })

  it('copies DuckDB → ClickHouse (chDB) identically, and back', async () => {
    const source = await filledStore('source.duckdb')
    const { events } = await source.stats()
    const clickhouse = await openStore(`chdb://${join(folder, 'chdb')}`)
    expect(await importEvents(clickhouse, { kind: 'store', store: source }, { backfill: true })).toEqual({
      read: events,
      inserted: events,
      duplicates: 0,
      rejected: 0,
      tooOld: 0,
      rejections: [],
    })
    await expectSameContent(source, clickhouse)
    expect(
      await importEvents(clickhouse, { kind: 'store', store: source }, { backfill: true }),
    ).toMatchObject({
      inserted: 0,
      duplicates: events,
    })

    const back = await openStore('back.duckdb')
    expect(await importEvents(back, { kind: 'store', store: clickhouse }, { backfill: true })).toMatchObject({
      inserted: events,
    })
    await expectSameContent(source, back)
  })
})

describe('importing a JSON Lines file', () => {
  const storeRowLine = JSON.stringify({
    ...toStoreRow({ ...(unusualEvents()[1] as CostEvent), event_id: 'from-stdout-sink', cost_usd: 0.25 }),
    pricing_status: 'client',
  })

  it('keeps the price first recorded of a repriced line, and rejects a line whose recorded price is not one', async () => {
    const file = join(folder, 'repriced.jsonl')
    const line = (eventId: string, recorded: Record<string, unknown>) =>
      JSON.stringify({
        event_id: eventId,
        ts: '2026-11-20T10:00:00Z',
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4o-mini',
        input_tokens: 1000,
        output_tokens: 100,
        cost_usd: 0.01,
        pricing_status: 'priced',
        price_source: 'custom:acme',
        ...recorded,
      })
    await writeFile(
      file,
      [
        line('kept', {
          recorded_cost_usd: 0.0002,
          recorded_pricing_status: 'priced',
          recorded_price_source: 'genai-prices:openai/gpt-4o-mini',
        }),
        line('bad-status', { recorded_cost_usd: 0.0002, recorded_pricing_status: 'cheap' }),
        line('bad-cost', {
          recorded_cost_usd: -1,
          recorded_pricing_status: 'priced',
          recorded_price_source: null,
        }),
        line('never-repriced', {
          recorded_cost_usd: null,
          recorded_pricing_status: null,
          recorded_price_source: null,
        }),
      ].join('\n'),
    )
    const store = await openStore('events.duckdb')
    const summary = await importEvents(store, { kind: 'jsonl', path: file }, { backfill: true })
    expect(summary).toMatchObject({ read: 4, inserted: 2, rejected: 2 })
    expect(summary.rejections).toEqual([
      expect.stringMatching(/^line 2: recorded_pricing_status: /),
      expect.stringMatching(/^line 3: recorded_cost_usd: /),
    ])
    const events = new Map((await allEvents(store)).map((event) => [event.event_id, event]))
    expect(events.get('kept')).toMatchObject({
      cost_usd: 0.01,
      recorded_cost_usd: 0.0002,
      recorded_pricing_status: 'priced',
      recorded_price_source: 'genai-prices:openai/gpt-4o-mini',
    })
    expect(events.get('never-repriced')).not.toHaveProperty('recorded_pricing_status')
  })

  it('rejects a malformed line with its line number and imports every other line', async () => {
    const file = join(folder, 'mixed.ndjson')
    await writeFile(
      file,
      [
        JSON.stringify({
          event_id: 'good-1',
          ts: '2026-11-20T10:00:00Z',
          provider: 'openai',
          operation: 'chat',
          model: 'gpt-4o-mini',
          input_tokens: 1000,
          output_tokens: 100,
        }),
        '{"event_id": "cut-off", "ts": ',
        '',
        JSON.stringify({
          event_id: 'bad-ts',
          ts: 'yesterday',
          provider: 'openai',
          operation: 'chat',
          model: 'x',
        }),
        storeRowLine,
        JSON.stringify({ event_id: 'bad-nanos', ts: '2026-11-20T10:00:00Z', cost_nanos: 1.5 }),
        JSON.stringify({ ...JSON.parse(storeRowLine), event_id: 'bad-computed', computed_cost_nanos: 0.5 }),
        '[1, 2]',
        JSON.stringify({
          event_id: 'good-2',
          ts: 1795168800000,
          provider: 'anthropic',
          operation: 'messages',
          model: 'claude-x',
        }),
      ].join('\n'),
    )
    const store = await openStore('events.duckdb')
    const summary = await importEvents(store, { kind: 'jsonl', path: file }, { batchSize: 2, backfill: true })
    expect(summary).toMatchObject({ read: 8, inserted: 3, duplicates: 0, rejected: 5 })
    expect(summary.rejections).toEqual([
      'line 2: not valid JSON',
      expect.stringMatching(/^line 4: ts: /),
      'line 6: cost_nanos: expected an integer number of nano-dollars, or null',
      'line 7: computed_cost_nanos: expected an integer number of nano-dollars, or null',
      'line 8: Invalid input: expected object, received array',
    ])
    const events = await allEvents(store)
    expect(events.map((event) => event.event_id).sort()).toEqual(['from-stdout-sink', 'good-1', 'good-2'])
    // Ingest's rules apply: an event without a cost is priced from the catalog at its ts.
    expect(events.find((event) => event.event_id === 'good-1')).toMatchObject({
      cost_usd: 0.00021,
      pricing_status: 'priced',
    })
  })

  it('reads the store-row lines of the SDK stdout sink: cost in nano-dollars, unattributed as missing', async () => {
    const file = join(folder, 'stdout.jsonl')
    await writeFile(file, `${storeRowLine}\n`)
    const store = await openStore('events.duckdb')
    expect(await importEvents(store, { kind: 'jsonl', path: file }, { backfill: true })).toMatchObject({
      inserted: 1,
    })
    const [event] = await allEvents(store)
    expect(event).toMatchObject({
      event_id: 'from-stdout-sink',
      cost_usd: 0.25,
      feature: null,
      customer_id: null,
    })
  })

  it('counts every event of a re-imported file as a duplicate and stores nothing twice', async () => {
    const source = await filledStore('source.duckdb')
    const file = join(folder, 'events.jsonl')
    const { written } = await exportToFile(source, file, 'jsonl')
    const store = await openStore('events.duckdb')
    expect(await importEvents(store, { kind: 'jsonl', path: file }, { backfill: true })).toMatchObject({
      inserted: written,
    })
    expect(await importEvents(store, { kind: 'jsonl', path: file }, { backfill: true })).toEqual({
      read: written,
      inserted: 0,
      duplicates: written,
      rejected: 0,
      tooOld: 0,
      rejections: [],
    })
    expect((await store.stats()).events).toBe(written)
  })
})

describe('spendlens export and import commands', () => {
  const silentProgress = { update() {}, stop() {} }

  it('print a summary of what was read, inserted, duplicated and rejected', async () => {
    const source = await filledStore('source.duckdb')
    const { events } = await source.stats()
    await source.close()
    const output: string[] = []
    const common = {
      openStore: openDuckDBStore,
      print: (line: string) => output.push(line),
      progress: silentProgress,
    }
    await runExport({ ...common, store: join(folder, 'source.duckdb'), other: join(folder, 'events.ndjson') })
    expect(output[0]).toMatch(
      new RegExp(
        `^Exported ${events.toLocaleString('en-US')} events from .*source\\.duckdb to .*events\\.ndjson \\(JSON Lines, `,
      ),
    )

    output.length = 0
    await writeFile(
      join(folder, 'extra.jsonl'),
      `${await readFile(join(folder, 'events.ndjson'), 'utf8')}not json\n`,
    )
    await runImport({
      ...common,
      store: join(folder, 'copy.duckdb'),
      other: join(folder, 'extra.jsonl'),
      backfill: true,
    })
    const count = events.toLocaleString('en-US')
    expect(output.slice(1)).toEqual([
      `  read       ${(events + 1).toLocaleString('en-US')}`,
      `  inserted   ${count.padStart((events + 1).toLocaleString('en-US').length)}`,
      `  duplicates ${'0'.padStart((events + 1).toLocaleString('en-US').length)}`,
      `  rejected   ${'1'.padStart((events + 1).toLocaleString('en-US').length)}`,
      `    line ${events + 1}: not valid JSON`,
    ])
  })

  it('import refuses events older than 30 days, says how many and names --backfill, which takes them', async () => {
    const at = (id: string, daysAgo: number) =>
      JSON.stringify({
        event_id: id,
        ts: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4o-mini',
        input_tokens: 10,
      })
    const file = join(folder, 'history.jsonl')
    await writeFile(
      file,
      [at('recent', 2), at('last-quarter', 80), at('last-year', 400), at('ahead', -2)].join('\n'),
    )
    const output: string[] = []
    const common = {
      openStore: openDuckDBStore,
      print: (line: string) => output.push(line),
      progress: silentProgress,
      store: join(folder, 'to.duckdb'),
      other: file,
    }

    expect(await runImport(common)).toMatchObject({ read: 4, inserted: 1, rejected: 3, tooOld: 2 })
    expect(output).toContainEqual(
      expect.stringMatching(
        /^ {4}line 2: ts: \S+ is more than 30 days before the server's clock .*--backfill/,
      ),
    )
    expect(output.at(-1)).toBe(
      '  2 of the rejected are older than 30 days, as at ingest; run the import again with --backfill to load them as history',
    )

    output.length = 0
    // History of any age; a ts more than a day ahead is still a mistake.
    expect(await runImport({ ...common, backfill: true })).toMatchObject({
      read: 4,
      inserted: 2,
      duplicates: 1,
      rejected: 1,
      tooOld: 0,
    })
    expect(output.at(-1)).toMatch(/^ {4}line 4: ts: \S+ is more than 1 day after the server's clock/)
  })

  it('export into another store copies history of any age', async () => {
    const source = await filledStore('source.duckdb')
    const [old] = generateDemoEvents({ days: 1, dailyRequests: 1, now: new Date('2019-06-01T12:00:00Z') })
    await source.append([{ ...(old as CostEvent), event_id: 'from-2019' }])
    const { events } = await source.stats()
    await source.close()
    const common = { openStore: openDuckDBStore, print: () => {}, progress: silentProgress }
    await runExport({ ...common, store: join(folder, 'source.duckdb'), other: join(folder, 'copy.duckdb') })
    const copy = await openStore('copy.duckdb')
    expect((await copy.stats()).events).toBe(events)
    expect((await allEvents(copy)).map((event) => event.event_id)).toContain('from-2019')
  })

  it('refuse to read a store that does not exist rather than create an empty one', async () => {
    const common = { openStore: openDuckDBStore, print: () => {}, progress: silentProgress }
    await expect(
      runExport({ ...common, store: join(folder, 'nope.duckdb'), other: join(folder, 'out.jsonl') }),
    ).rejects.toThrow(/no store at .*nope\.duckdb/)
    expect(existsSync(join(folder, 'nope.duckdb'))).toBe(false)
    await expect(
      runImport({ ...common, store: join(folder, 'to.duckdb'), other: join(folder, 'nope.parquet') }),
    ).rejects.toThrow(/no such file: .*nope\.parquet/)
    await expect(
      runImport({ ...common, store: join(folder, 'a.duckdb'), other: join(folder, '.', 'a.duckdb') }),
    ).rejects.toThrow(/--from names the store being imported into/)
  })
})

describe('the progress line', () => {
  it('prints plain counts, without a redrawn bar, when stderr is not a terminal', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream
    let output = ''
    ;(stream as unknown as PassThrough).on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const progress = createProgressLine('events', stream)
    progress.update(0, 12_345, '0 rejected')
    progress.update(12_345, 12_345, '2 rejected')
    progress.stop()
    const lines = output.split('\n').filter((line) => line.length > 0)
    expect(lines[0]).toBe('0/12,345 events | 0 rejected')
    expect(lines.at(-1)).toBe('12,345/12,345 events | 2 rejected')
    expect(output).not.toContain('\u001b[')
    expect(output).not.toMatch(/[█░=]{5}/)
  })
})

describe('projects in export and import', () => {
  it('a store copy keeps each event in its project; --project exports one project and imports into one', async () => {
    const source = await openStore('source.duckdb')
    const at = (ids: string[]) =>
      ids.map((id) => ({
        ...(unusualEvents()[0] as CostEvent),
        event_id: id,
        ts: '2026-11-20T08:00:00.000Z',
      }))
    // The same event_id in both projects: two events.
    await source.append(at(['d1', 'same']))
    await source.append(at(['s1', 's2', 'same']), 'shop')
    await source.close()
    opened.splice(opened.indexOf(source), 1)
    const common = {
      openStore: openDuckDBStore,
      print: () => undefined,
      progress: { update() {}, stop() {} },
    }

    await runExport({ ...common, store: join(folder, 'source.duckdb'), other: join(folder, 'copy.duckdb') })
    const copy = await openStore('copy.duckdb')
    expect((await copy.stats('default')).events).toBe(2)
    expect((await copy.stats('shop')).events).toBe(3)
    await copy.close()
    opened.splice(opened.indexOf(copy), 1)

    await runExport({
      ...common,
      store: join(folder, 'source.duckdb'),
      other: join(folder, 'shop.jsonl'),
      project: 'shop',
    })
    const lines = (await readFile(join(folder, 'shop.jsonl'), 'utf8')).trim().split('\n')
    expect(lines.map((line) => (JSON.parse(line) as CostEvent).event_id).sort()).toEqual(['s1', 's2', 'same'])

    await runImport({
      ...common,
      store: join(folder, 'team.duckdb'),
      other: join(folder, 'shop.jsonl'),
      project: 'team',
      backfill: true,
    })
    const team = await openStore('team.duckdb')
    expect((await team.stats('team')).events).toBe(3)
    expect((await team.stats()).events).toBe(3)
  })
})

describe('the invoice travels with the events', () => {
  const DAY = 86_400_000
  const start = Date.UTC(2026, 10, 1)
  const lines = (count: number, source: string) =>
    Array.from({ length: count }, (_, day) =>
      invoiceLine({
        provider: 'openai',
        source,
        bucket_start: start + day * DAY,
        bucket_end: start + (day + 1) * DAY,
        model: 'gpt-4o-2024-08-06',
        line_item: source === 'costs' ? 'gpt-4o-2024-08-06, input' : null,
        amount_nanos: source === 'costs' ? 123_456_789 + day : null,
        input_tokens: source === 'costs' ? null : 1000 + day,
        batch: day % 2 === 0,
      }),
    )
  const common = {
    print: () => undefined,
    progress: { update() {}, stop() {} },
  }
  const fill = async (location: string) => {
    const store = await openStoreAt(location)
    await store.append(unusualEvents())
    for (const [project, source, count] of [
      ['default', 'costs', 3],
      ['default', 'usage/completions', 2],
      ['shop', 'costs', 4],
    ] as const)
      await store.replaceInvoiceLines(
        { project, provider: 'openai', source, from: start, to: start + 10 * DAY },
        lines(count, source),
      )
    await store.writeRecords(INVOICE_SYNC_TABLE, [
      {
        id: 'shop/openai',
        project: 'shop',
        provider: 'openai',
        organization: 'org-x',
        syncedFrom: start,
        syncedUntil: start + 4 * DAY,
        lastRunAt: 1,
        lastSuccessAt: 1,
        lastError: '',
        lines: 4,
      },
    ])
    const held = await store.invoiceLines({})
    await store.close()
    return held
  }

  it('store → store (DuckDB → ClickHouse), twice: every line and the sync state once', async () => {
    const held = await fill(join(folder, 'source.duckdb'))
    expect(held).toHaveLength(9)
    for (let run = 0; run < 2; run++)
      await runExport({
        ...common,
        store: join(folder, 'source.duckdb'),
        other: `chdb://${join(folder, 'chdb')}`,
      })
    const copy = await openStore(`chdb://${join(folder, 'chdb')}`)
    expect(await copy.invoiceLines({})).toEqual(held)
    expect((await copy.readRecords(INVOICE_SYNC_TABLE)).map((state) => state.id)).toEqual(['shop/openai'])
  })

  it('a file export writes the invoice beside the events, and importing the file reads it back, into --project', async () => {
    const held = await fill(join(folder, 'source.duckdb'))
    const printed: string[] = []
    await runExport({
      ...common,
      print: (line) => printed.push(line),
      store: join(folder, 'source.duckdb'),
      other: join(folder, 'all.parquet'),
    })
    expect(printed.at(-1)).toBe(`Exported 9 invoice lines to ${join(folder, 'all.invoice.jsonl')}.`)
    await runImport({
      ...common,
      store: join(folder, 'copy.duckdb'),
      other: join(folder, 'all.parquet'),
      backfill: true,
      project: 'team',
    })
    const copy = await openStore('copy.duckdb')
    expect(await copy.invoiceLines({ project: 'team' })).toEqual(
      held
        .map((line) => ({ ...line, project: 'team' }))
        .sort((a, b) => a.bucket_start - b.bucket_start || a.source.localeCompare(b.source)),
    )
  })

  it('an invoice file with a bad line is refused whole, naming the line', async () => {
    await fill(join(folder, 'source.duckdb'))
    await runExport({ ...common, store: join(folder, 'source.duckdb'), other: join(folder, 'all.jsonl') })
    const path = join(folder, 'all.invoice.jsonl')
    const text = (await readFile(path, 'utf8')).split('\n')
    text[2] = (text[2] as string).replace(/"amount_nanos":(\d+|null)/, '"amount_nanos":"lots"')
    expect(text[2]).toContain('"lots"')
    await writeFile(path, text.join('\n'))
    await expect(
      runImport({
        ...common,
        store: join(folder, 'copy.duckdb'),
        other: join(folder, 'all.jsonl'),
        backfill: true,
      }),
    ).rejects.toThrow(/all\.invoice\.jsonl line 3: amount_nanos: /)
  })
})
