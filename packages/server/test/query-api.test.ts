import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { event, FIXED_DATES, getJson, postEvents, startTestServer } from './server-helpers.js'

/**
 * The query API over HTTP against a real server on a DuckDB file. Costs are sent with the events
 * (client prices) so every expected figure can be worked out by hand.
 */
let harness: Awaited<ReturnType<typeof startTestServer>>

const QUOTED_FEATURE = 'a, "quoted"\nfeature'

const FIXTURE = [
  event({
    event_id: 'e01',
    ts: '2026-11-18T09:00:00.000Z',
    feature: 'chat',
    customer_id: 'acme',
    model: 'gpt-4o',
    cost_usd: 4,
    latency_ms: 100,
    tags: { team: 'search', 'k.e:y-1': 'dotted' },
  }),
  event({
    event_id: 'e02',
    ts: '2026-11-18T09:00:00.000Z',
    feature: 'chat',
    customer_id: 'globex',
    model: 'gpt-4o-mini',
    cost_usd: 1,
    latency_ms: 300,
    tags: { team: 'ml' },
  }),
  event({
    event_id: 'e03',
    ts: '2026-11-18T23:30:00.000Z',
    feature: 'search',
    customer_id: 'acme',
    model: 'gpt-4o',
    cost_usd: 2,
    latency_ms: 200,
    service_tier: 'flex',
    tags: { team: 'search' },
  }),
  event({
    event_id: 'e04',
    ts: '2026-11-19T10:00:00.000Z',
    feature: 'agent',
    customer_id: 'initech',
    model: 'claude-x',
    cost_usd: 0.5,
    latency_ms: 900,
    status: 'error',
    http_status: 500,
  }),
  event({
    event_id: 'e05',
    ts: '2026-11-19T10:00:00.000Z',
    feature: 'agent',
    customer_id: 'acme',
    model: 'claude-x',
    cost_usd: 0.25,
    latency_ms: 700,
    service_tier: 'priority',
  }),
  event({
    event_id: 'e06',
    ts: '2026-11-19T10:00:00.000Z',
    feature: QUOTED_FEATURE,
    customer_id: 'acme',
    model: 'gpt-4o-mini',
    cost_usd: 0.125,
    latency_ms: 50,
    tags: { team: 'ml' },
  }),
  event({
    event_id: 'e07',
    ts: '2026-11-19T12:00:00.000Z',
    feature: "x' OR '1'='1",
    customer_id: 'hooli',
    model: 'gpt-4o-mini',
    cost_usd: 3,
    latency_ms: 400,
    tags: { team: "t' OR 1=1 --" },
  }),
  event({
    event_id: 'e08',
    ts: '2026-11-20T08:00:00.000Z',
    feature: 'search',
    customer_id: 'globex',
    model: 'gpt-4o',
    cost_usd: 6,
    latency_ms: 250,
    service_tier: 'default',
    tags: { team: 'search' },
  }),
  event({
    event_id: 'e09',
    ts: '2026-11-20T08:00:00.000Z',
    customer_id: 'globex',
    model: 'in-house-model',
    latency_ms: 150,
  }),
  event({
    event_id: 'e10',
    ts: '2026-11-20T20:00:00.000Z',
    feature: 'chat',
    customer_id: 'acme',
    model: 'gpt-4o',
    cost_usd: 0.75,
    latency_ms: 120,
    tags: { team: 'search', 'a.b': 'flat key' },
  }),
]

beforeAll(async () => {
  harness = await startTestServer(FIXED_DATES)
  const ingest = await postEvents(harness.url('/v1/events'), FIXTURE)
  expect(ingest.body).toMatchObject({ accepted: FIXTURE.length, rejected: 0 })
})
afterAll(async () => {
  await harness.stop()
})

async function query(body: unknown, format?: 'csv') {
  const response = await fetch(harness.url(`/api/query${format ? `?format=${format}` : ''}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return response
}

async function queryRows(body: unknown): Promise<Record<string, unknown>[]> {
  const response = await query(body)
  expect(response.status, JSON.stringify(body)).toBe(200)
  return ((await response.json()) as { rows: Record<string, unknown>[] }).rows
}

type Row = Record<string, unknown>

describe('POST /api/query', () => {
  it('answers the same figures as /api/summary for the same scope', async () => {
    const summary = await getJson(
      harness.url('/api/summary?customer_id=acme&customer_id=globex&from=2026-11-18T12:00:00Z'),
    )
    const [row] = await queryRows({
      from: '2026-11-18T12:00:00Z',
      filters: [{ dimension: 'customer_id', op: 'in', values: ['acme', 'globex'] }],
      metrics: Object.keys(summary.body),
    })
    expect(row).toEqual(summary.body)
    // e03, e05, e06, e08, e09, e10: 2 + 0.25 + 0.125 + 6 + 0.75 (e09 has no known price).
    expect(summary.body).toMatchObject({ requests: 6, cost_usd: 9.125, unpriced_count: 1 })
  })

  it('answers the same points as /api/timeseries, day buckets cut in the asked time zone', async () => {
    const series = await getJson(harness.url('/api/timeseries?bucket=day&tz=America/New_York'))
    const points = series.body.points as Row[]
    const metrics = Object.keys(points[0] as Row).filter((key) => key !== 'bucket_start' && key !== 'label')
    const rows = await queryRows({ bucket: 'day', timeZone: 'America/New_York', metrics })
    expect(rows.map(({ bucket_label, ...rest }) => ({ ...rest, label: bucket_label }))).toEqual(points)
    // 2026-11-18T23:30Z is still the 18th in New York; 2026-11-20T08:00Z is the 20th at 03:00.
    expect(points.map((point) => [point.label, point.requests])).toEqual([
      ['2026-11-18', 3],
      ['2026-11-19', 4],
      ['2026-11-20', 3],
    ])
  })

  it('answers the same rows as /api/breakdown, others row included', async () => {
    const breakdown = await getJson(
      harness.url('/api/breakdown?dimension=customer_id&limit=2&others=true&exclude.model=claude-x'),
    )
    const rows = breakdown.body.rows as Row[]
    const metrics = Object.keys(rows[0] as Row).filter((key) => key !== 'value')
    const queried = await queryRows({
      filters: [{ dimension: 'model', op: 'not_in', values: ['claude-x'] }],
      groupBy: ['customer_id'],
      metrics,
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit: 2,
      others: true,
    })
    expect(queried.map(({ customer_id, ...rest }) => ({ value: customer_id ?? null, ...rest }))).toEqual(rows)
    expect(rows.map((row) => [row.value, row.requests, row.cost_usd])).toEqual([
      ['globex', 3, 7],
      ['acme', 4, 6.875],
      [null, 1, 3],
    ])
  })

  it('answers 400 with the error shape and a message naming the problem for every kind of bad query', async () => {
    const cases: [body: unknown, message: RegExp][] = [
      ['{"metrics": [', /not valid JSON/],
      ['[]', /expected object/],
      ['null', /expected object/],
      [{}, /^metrics: /],
      [{ metrics: [] }, /^metrics: .*>=1/],
      [{ metrics: ['requests', 'secret_sauce'] }, /^metrics\.1: .*"requests"/],
      [{ metrics: ['requests'], groupBy: ['password'] }, /^groupBy\.0: must be one of provider, model/],
      [
        { metrics: ['requests'], groupBy: ['feature', 'model', 'route', 'status'] },
        /^groupBy: at most 3 group-by dimensions/,
      ],
      [{ metrics: ['requests'], groupBy: ['feature', 'feature'] }, /^groupBy: a dimension appears twice/],
      [{ metrics: ['requests'], bucket: 'fortnight' }, /^bucket: .*"day"/],
      [{ metrics: ['requests'], timeZone: 'Mars/Olympus_Mons' }, /^timeZone: must be an IANA time zone/],
      [{ metrics: ['requests'], from: 'last tuesday' }, /^from: /],
      [
        { metrics: ['requests'], from: '2026-11-20T00:00:00Z', to: '2026-11-19T00:00:00Z' },
        /^from: from must be before to/,
      ],
      [{ metrics: ['requests'], limit: 0 }, /^limit: limit is at least 1/],
      [{ metrics: ['requests'], limit: 2.5 }, /^limit: /],
      [{ metrics: ['requests'], limit: 10_001 }, /^limit: limit is at most 10000/],
      [
        { metrics: ['requests'], groupBy: ['feature'], others: true },
        /^others: others needs limit and groupBy/,
      ],
      [{ metrics: ['requests'], orderBy: { metric: 'vibes' } }, /^orderBy\.metric: /],
      [
        { metrics: ['requests'], filters: [{ dimension: 'secret', op: 'in', values: ['a'] }] },
        /^filters\.0\.dimension: must be one of/,
      ],
      [
        { metrics: ['requests'], filters: [{ dimension: 'feature', op: 'like', values: ['a%'] }] },
        /^filters\.0\.op: .*"not_in"/,
      ],
      [
        { metrics: ['requests'], filters: [{ dimension: 'feature', op: 'in', values: [] }] },
        /^filters\.0\.values: /,
      ],
      [
        {
          metrics: ['requests'],
          filters: [{ dimension: 'pricing_status', op: 'in', values: ['unpriced', 'free'] }],
        },
        /^filters\.0\.values: a pricing_status is one of priced, estimated, unpriced, client/,
      ],
      [
        { metrics: ['requests'], filters: [{ dimension: 'feature', op: 'eq', values: ['a', 'b'] }] },
        /^filters\.0\.values: eq takes exactly one value/,
      ],
      [
        { metrics: ['requests'], filters: [{ dimension: 'feature', op: 'in', values: [42] }] },
        /^filters\.0\.values\.0: /,
      ],
      [{ metrics: ['requests'], sql: 'DROP TABLE events' }, /Unrecognized key: "sql"/],
    ]
    for (const [body, message] of cases) {
      const response = await query(body)
      const answer = (await response.json()) as { error: { code: string; message: string } }
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(answer, JSON.stringify(body)).toEqual({
        error: { code: 'bad_request', message: expect.stringMatching(message) },
      })
    }
    const csv = await query({ metrics: ['requests'] }, 'xml' as 'csv')
    expect(csv.status).toBe(400)
    expect(await csv.json()).toEqual({
      error: { code: 'bad_request', message: expect.stringMatching(/^format: /) },
    })
  })

  it('treats a filter value as data, never as SQL', async () => {
    const filterOn = async (dimension: string, value: string) => {
      const [row] = await queryRows({
        filters: [{ dimension, op: 'eq', values: [value] }],
        metrics: ['requests'],
      })
      return row?.requests
    }
    expect(await filterOn('feature', "nope' OR '1'='1")).toBe(0)
    expect(await filterOn('feature', "x' OR '1'='1")).toBe(1)
    expect(await filterOn('tags.team', "nope' OR 1=1 --")).toBe(0)
    expect(await filterOn('tags.team', "t' OR 1=1 --")).toBe(1)
    const [excluded] = await queryRows({
      filters: [{ dimension: 'customer_id', op: 'not_in', values: ["') OR ('1'='1"] }],
      metrics: ['requests'],
    })
    expect(excluded?.requests).toBe(FIXTURE.length)
  })

  it('refuses a tag key that could carry SQL or a JSON path, and reads dots and colons as part of the key', async () => {
    for (const dimension of [
      "tags.team') OR 1=1 --",
      'tags.a"]',
      'tags.$..*',
      'tags.',
      `tags.${'k'.repeat(65)}`,
    ]) {
      const grouped = await query({ groupBy: [dimension], metrics: ['requests'] })
      expect(grouped.status, dimension).toBe(400)
      const filtered = await query({
        filters: [{ dimension, op: 'in', values: ['x'] }],
        metrics: ['requests'],
      })
      expect(filtered.status, dimension).toBe(400)
      expect(await filtered.json()).toEqual({
        error: {
          code: 'bad_request',
          message: expect.stringMatching(/^filters\.0\.dimension: .*tags\.<key>/),
        },
      })
    }
    const dotted = await queryRows({
      groupBy: ['tags.k.e:y-1'],
      metrics: ['requests'],
      orderBy: { metric: 'requests', direction: 'asc' },
    })
    expect(dotted).toEqual([
      { 'tags.k.e:y-1': 'dotted', requests: 1 },
      { 'tags.k.e:y-1': 'unattributed', requests: FIXTURE.length - 1 },
    ])
    // `a.b` is one key, not the path a → b.
    const [flat] = await queryRows({
      filters: [{ dimension: 'tags.a.b', op: 'eq', values: ['flat key'] }],
      metrics: ['requests'],
    })
    expect(flat?.requests).toBe(1)
  })
})

describe('CSV answers (?format=csv)', () => {
  it('hold a header and one line per JSON row, with the same values in the same order', async () => {
    const body = {
      groupBy: ['feature', 'tags.team'],
      bucket: 'day',
      metrics: ['requests', 'cost_usd', 'p95_latency_ms', 'error_rate'],
      orderBy: { metric: 'cost_usd', direction: 'desc' },
    }
    const rows = await queryRows(body)
    const response = await query(body, 'csv')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="spendlens.csv"')
    const [header, ...lines] = parse(await response.text()) as string[][]
    expect(header).toEqual([
      'bucket_start',
      'bucket_label',
      'feature',
      'tags.team',
      'requests',
      'cost_usd',
      'p95_latency_ms',
      'error_rate',
    ])
    expect(lines).toEqual(
      rows.map((row) =>
        (header as string[]).map((column) => (row[column] === null ? '' : String(row[column]))),
      ),
    )
    expect(lines.length).toBeGreaterThan(5)
  })

  it('quote commas, double quotes and newlines in values, so the file reads back as sent', async () => {
    const body = {
      filters: [{ dimension: 'feature', op: 'in', values: [QUOTED_FEATURE, "x' OR '1'='1"] }],
      groupBy: ['feature'],
      metrics: ['requests', 'cost_usd'],
    }
    const text = await (await query(body, 'csv')).text()
    expect(text).toBe(`feature,requests,cost_usd\n"a, ""quoted""\nfeature",1,0.125\nx' OR '1'='1,1,3\n`)
    expect(parse(text, { columns: true })).toEqual([
      { feature: QUOTED_FEATURE, requests: '1', cost_usd: '0.125' },
      { feature: "x' OR '1'='1", requests: '1', cost_usd: '3' },
    ])
  })

  it('are offered by the GET endpoints too, the others row marked', async () => {
    const response = await fetch(harness.url('/api/breakdown?dimension=model&limit=1&others=true&format=csv'))
    const records = parse(await response.text(), { columns: true }) as Row[]
    expect(records.map((record) => [record.model, record.requests, record.others])).toEqual([
      ['gpt-4o', '4', ''],
      ['', '6', 'true'],
    ])
  })
})

describe('GET /api/events', () => {
  const newestFirst = [...FIXTURE]
    .sort(
      (a, b) =>
        String(b.ts).localeCompare(String(a.ts)) || String(b.event_id).localeCompare(String(a.event_id)),
    )
    .map((fixture) => fixture.event_id)

  async function walk(query: string, limit: number): Promise<string[]> {
    const seen: string[] = []
    let cursor: string | null = null
    for (let page = 0; page < 50; page++) {
      const answer = await getJson(
        harness.url(`/api/events?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`),
      )
      expect(answer.status).toBe(200)
      const events = answer.body.events as { event_id: string }[]
      expect(events.length).toBeLessThanOrEqual(limit)
      seen.push(...events.map((stored) => stored.event_id))
      cursor = answer.body.next_cursor as string | null
      if (cursor === null) return seen
    }
    throw new Error('the cursor never ran out')
  }

  it('walks every event exactly once, newest first, across pages that split equal timestamps', async () => {
    // e04, e05 and e06 share a timestamp; with 2 per page they straddle a page boundary.
    for (const limit of [1, 2, 3, 1000]) expect(await walk('', limit)).toEqual(newestFirst)
  })

  it('applies the time range and the same filters as the other endpoints', async () => {
    const walked = await walk(
      '&from=2026-11-18T12:00:00Z&to=2026-11-20T12:00:00Z&exclude.model=claude-x&tags.team=search&tags.team=ml',
      2,
    )
    expect(walked).toEqual(['e08', 'e06', 'e03'])
    expect(await walk('&customer_id=acme&feature=chat', 1)).toEqual(['e10', 'e01'])
  })

  it('answers 400 to a cursor it did not give out, and to a bad limit', async () => {
    const foreign = [
      'not-a-cursor',
      Buffer.from('{"offset": 10}').toString('base64url'),
      Buffer.from('["2026-11-20", "e01"]').toString('base64url'),
      Buffer.from('[1.5, "e01"]').toString('base64url'),
      'x'.repeat(501),
    ]
    for (const cursor of foreign) {
      const answer = await getJson(harness.url(`/api/events?cursor=${cursor}`))
      expect(answer.status, cursor).toBe(400)
      expect(answer.body, cursor).toEqual({
        error: { code: 'bad_request', message: expect.stringMatching(/cursor/) },
      })
    }
    for (const limit of ['0', '1001', 'ten']) {
      const answer = await getJson(harness.url(`/api/events?limit=${limit}`))
      expect(answer.status, limit).toBe(400)
      expect(answer.body).toMatchObject({
        error: { code: 'bad_request', message: expect.stringMatching(/^limit: /) },
      })
    }
  })

  it('returns every field of an event, tags included, and never the text of a prompt', async () => {
    const full = {
      event_id: 'full-event',
      ts: '2026-11-21T10:00:00.000Z',
      latency_ms: 1234.5,
      ttft_ms: 210,
      provider: 'anthropic',
      operation: 'messages',
      model: 'claude-sonnet-4-5-20250929',
      requested_model: 'claude-sonnet-4-5',
      provider_request_id: 'req_011',
      provider_project: 'wrkspc_support',
      feature: 'support-bot',
      route: '/api/chat',
      customer_id: 'acme',
      user_id: 'u-1',
      session_id: 's-1',
      environment: 'production',
      prompt_id: 'greeting-v2',
      tags: { team: 'support', 'release.train': '2026.11' },
      input_tokens: 5000,
      cache_read_tokens: 3000,
      cache_write_tokens: 1000,
      cache_write_1h_tokens: 200,
      output_tokens: 800,
      reasoning_tokens: 300,
      input_audio_tokens: 1200,
      cache_read_audio_tokens: 900,
      output_audio_tokens: null,
      input_image_tokens: null,
      input_video_tokens: 400,
      output_image_tokens: null,
      input_characters: null,
      images: null,
      audio_seconds: null,
      web_search_requests: 2,
      file_search_requests: 3,
      web_fetch_requests: 1,
      code_interpreter_sessions: 2,
      service_tier: 'priority',
      batch: false,
      cost_usd: 0.0421,
      // The catalog's price beside a cost the sender was charged.
      computed_cost_usd: 0.0398,
      cost_partial: true,
      pricing_status: 'client',
      price_source: 'contract:2026',
      status: 'cancelled',
      error_type: 'AbortError',
      http_status: 200,
      streamed: true,
      sdk: 'spendlens-js/0.1.0',
      schema_version: 1,
    }
    const secret = 'SECRET PROMPT TEXT'
    // A server of its own, so the shared fixture stays as it is.
    const own = await startTestServer(FIXED_DATES)
    try {
      const ingest = await postEvents(own.url('/v1/events'), [
        { ...full, prompt: secret, messages: [{ role: 'user', content: secret }], completion: secret },
      ])
      expect(ingest.body).toMatchObject({ accepted: 1 })
      const page = await fetch(own.url('/api/events'))
      const text = await page.text()
      expect(JSON.parse(text)).toEqual({ events: [full], next_cursor: null })
      expect(text).not.toContain(secret)
    } finally {
      await own.stop()
    }
  })
})

describe('GET /api/breakdown?others=true', () => {
  it('ends with one row equal to the exact aggregate of every group past the limit', async () => {
    const breakdown = await getJson(harness.url('/api/breakdown?dimension=feature&limit=2&others=true'))
    const rows = breakdown.body.rows as Row[]
    expect(rows.map((row) => row.value)).toEqual(['search', 'chat', null])
    const others = rows[2] as Row
    expect(others.others).toBe(true)
    // The same metrics computed directly over the rest: percentiles and rates too, not sums alone.
    const { value: _value, others: _others, ...metrics } = others
    const [rest] = await queryRows({
      filters: [{ dimension: 'feature', op: 'not_in', values: ['search', 'chat'] }],
      metrics: Object.keys(metrics),
    })
    expect(metrics).toEqual(rest)
    // agent (e04, e05), the quoted feature (e06), the injection-looking one (e07), unattributed (e09).
    expect(metrics).toMatchObject({ requests: 5, cost_usd: 3.875, unpriced_count: 1, error_rate: 0.2 })
  })

  it('has no others row when every group fits within the limit', async () => {
    const breakdown = await getJson(harness.url('/api/breakdown?dimension=provider&limit=5&others=true'))
    expect(breakdown.body.rows).toEqual([
      expect.objectContaining({ value: 'openai', requests: FIXTURE.length }),
    ])
  })

  it('leaves the top groups out of the others row of a tags.<key> dimension', async () => {
    const breakdown = await getJson(harness.url('/api/breakdown?dimension=tags.team&limit=1&others=true'))
    const rows = breakdown.body.rows as Row[]
    expect(rows[0]).toMatchObject({ value: 'search', requests: 4 })
    expect(rows[1]).toMatchObject({ others: true, requests: FIXTURE.length - 4 })
  })

  // Was a bug in compileOthers: `NOT (service_tier = 'x')` is NULL for an event without a tier, so
  // such events dropped out of the others row.
  it('the others row of a nullable dimension counts the events where it is null', async () => {
    // On the 20th: e08 (default tier, $6), e09 and e10 (no tier).
    const breakdown = await getJson(
      harness.url('/api/breakdown?dimension=service_tier&limit=1&others=true&from=2026-11-20'),
    )
    const rows = breakdown.body.rows as Row[]
    expect(rows[0]).toMatchObject({ value: 'default', requests: 1 })
    expect(rows[1]).toMatchObject({ others: true, requests: 2 })
  })
})

describe('query-string filters', () => {
  it('refuses a parameter that is neither a dimension nor an option, so a typo never answers unfiltered', async () => {
    const typo = await getJson(harness.url('/api/summary?featuer=chat'))
    expect(typo.status).toBe(400)
    expect(typo.body).toMatchObject({
      error: { code: 'bad_request', message: expect.stringContaining('featuer') },
    })
    const optionOfAnotherEndpoint = await getJson(harness.url('/api/summary?dimension=model'))
    expect(optionOfAnotherEndpoint.status).toBe(400)
    expect((await getJson(harness.url('/api/breakdown?dimension=model&limit=2&others=true'))).status).toBe(
      200,
    )
    expect((await getJson(harness.url('/api/timeseries?bucket=hour&format=json'))).status).toBe(200)
  })

  it('group and filter on tags.<key>, an event without the tag being unattributed', async () => {
    const byTeam = await getJson(harness.url('/api/breakdown?dimension=tags.team'))
    expect((byTeam.body.rows as Row[]).map((row) => [row.value, row.requests])).toEqual([
      ['search', 4],
      ["t' OR 1=1 --", 1],
      ['ml', 2],
      ['unattributed', 3],
    ])
    const twoTeams = await getJson(harness.url('/api/summary?tags.team=search&tags.team=ml'))
    expect(twoTeams.body).toMatchObject({ requests: 6, cost_usd: 13.875 })
    const untagged = await getJson(harness.url('/api/summary?tags.team=unattributed'))
    expect(untagged.body).toMatchObject({ requests: 3 })
    const bad = await getJson(harness.url(`/api/breakdown?dimension=${encodeURIComponent("tags.x') --")}`))
    expect(bad.status).toBe(400)
    expect(bad.body).toEqual({
      error: { code: 'bad_request', message: expect.stringMatching(/^dimension: .*tags\.<key>/) },
    })
  })

  it('drop values with exclude.<dimension>, alone or with an include filter on the same dimension', async () => {
    const withoutTwo = await getJson(harness.url('/api/summary?exclude.model=gpt-4o&exclude.model=claude-x'))
    expect(withoutTwo.body).toMatchObject({ requests: 4 })
    const withoutTag = await getJson(harness.url('/api/summary?exclude.tags.team=search'))
    expect(withoutTag.body).toMatchObject({ requests: FIXTURE.length - 4 })
    const both = await getJson(
      harness.url(
        '/api/breakdown?dimension=customer_id&customer_id=acme&customer_id=globex&exclude.customer_id=globex',
      ),
    )
    expect((both.body.rows as Row[]).map((row) => row.value)).toEqual(['acme'])
    for (const key of ['exclude.password', "exclude.tags.a'b"]) {
      const bad = await getJson(harness.url(`/api/summary?${encodeURIComponent(key)}=x`))
      expect(bad.status, key).toBe(400)
      expect(bad.body).toEqual({
        error: { code: 'bad_request', message: expect.stringMatching(/not a dimension/) },
      })
    }
  })

  // Was a bug in compile-query.ts: `service_tier NOT IN (…)` is NULL for an event without a tier,
  // so excluding one tier also dropped every event that has none.
  it('exclude.service_tier keeps the events that have no service tier', async () => {
    const answer = await getJson(harness.url('/api/summary?exclude.service_tier=flex'))
    expect(answer.body).toMatchObject({ requests: FIXTURE.length - 1 })
  })
})
