import { afterEach, describe, expect, it } from 'vitest'
import { anthropicReports } from '../src/invoice/anthropic-reports.js'
import { centsToNanos, dollarsToNanos } from '../src/invoice/decimal-nanos.js'
import { openaiReports } from '../src/invoice/openai-reports.js'
import {
  type AdminApiOptions,
  AdminKeyError,
  type ReportPage,
  type ReportSource,
} from '../src/invoice/report-source.js'
import type { InvoiceLine } from '../src/schema/invoice-table.js'
import { anthropicReportData } from './anthropic-report-data.js'
import {
  type FakeAdminApi,
  readOpenAIFixture,
  startFakeAnthropicAdmin,
  startFakeOpenAIAdmin,
} from './fake-admin-api.js'

/** The fixtures' range: 2025-01-11 to 2025-02-11, 31 UTC days. */
const FIXTURE_FROM = Date.UTC(2025, 0, 11)
const FIXTURE_TO = Date.UTC(2025, 1, 11)
const DAY_MS = 86_400_000

const fakes: FakeAdminApi[] = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
})

async function openaiFake(options: Parameters<typeof startFakeOpenAIAdmin>[0] = {}) {
  const fake = await startFakeOpenAIAdmin(options)
  fakes.push(fake)
  return fake
}

async function anthropicFake(options: Parameters<typeof startFakeAnthropicAdmin>[0] = {}) {
  const fake = await startFakeAnthropicAdmin(options)
  fakes.push(fake)
  return fake
}

/** The client's options for a fake: its key and URL, quick retries. */
function clientOptions(fake: FakeAdminApi, extra: Partial<AdminApiOptions> = {}): AdminApiOptions {
  return { key: fake.key, baseUrl: fake.url, retryBaseMs: 5, ...extra }
}

function sourceNamed(sources: ReportSource[], name: string): ReportSource {
  const source = sources.find((candidate) => candidate.source === name)
  if (!source) throw new Error(`no source ${name}`)
  return source
}

async function read(source: ReportSource, from = FIXTURE_FROM, to = FIXTURE_TO) {
  const pages: ReportPage[] = []
  await source.fetch(from, to, async (page) => {
    pages.push(page)
  })
  return { pages, lines: pages.flatMap((page) => page.lines) }
}

function total(lines: InvoiceLine[], field: keyof InvoiceLine): number {
  return lines.reduce((sum, line) => {
    const value = line[field]
    if (typeof value !== 'number') throw new Error(`${field} is ${value} in a line of ${line.bucket_start}`)
    return sum + value
  }, 0)
}

const totals = readOpenAIFixture<Record<string, number>>('totals.json')

describe('decimal amounts to nano-dollars', () => {
  it.each([
    [1e-7, 100],
    [0.30000000000000004, 300_000_000],
    [284.939439373, 284_939_439_373],
    ['284.939439373', 284_939_439_373],
    [0.13080438340307526, 130_804_383],
    // Floats whose product with 1e9 lands just under the half nano: Math.round(x * 1e9) is 1 short.
    [1.0000000015, 1_000_000_002],
    [64.1063123515, 64_106_312_352],
    ['0.0000000005', 1],
    ['0.00000000049999', 0],
    [2.5e-9, 3],
    ['1e3', 1_000_000_000_000],
    ['1.5E-8', 15],
    // Credits round away from zero as charges do, so a refund cancels its charge.
    [-12.5, -12_500_000_000],
    ['-0.0000000125', -13],
    ['-0.0000000004', 0],
    [0, 0],
    ['+7', 7_000_000_000],
  ])('dollars %s → %d nanos', (dollars, nanos) => {
    expect(dollarsToNanos(dollars)).toBe(nanos)
  })

  it.each([
    ['123.45', 1_234_500_000],
    ['0.001', 10_000],
    ['0.00000005', 1],
    ['12', 120_000_000],
    ['-250', -2_500_000_000],
    ['4012.00017', 40_120_001_700],
  ])('cents %s → %d nanos', (cents, nanos) => {
    expect(centsToNanos(cents)).toBe(nanos)
  })

  it.each(['', '.', 'abc', '1.2.3', '1,5', 'NaN', Number.POSITIVE_INFINITY, '1e400', '9007199254.740993'])(
    'refuses %s rather than guess',
    (text) => {
      expect(() => dollarsToNanos(text)).toThrow()
    },
  )
})

describe('OpenAI reports against the fake admin API', () => {
  it('costs read every fixture bucket once over several pages and add up to totals.json', async () => {
    const fake = await openaiFake({ maxBucketsPerPage: 7 })
    const { pages, lines } = await read(sourceNamed(openaiReports(clientOptions(fake)), 'costs'))

    expect(pages.length).toBe(5)
    expect(fake.requests.filter((request) => request.query.has('page'))).toHaveLength(4)
    const starts = lines.map((line) => line.bucket_start)
    expect(new Set(starts).size).toBe(totals.cost_buckets)
    expect(starts).toHaveLength(totals.cost_buckets as number)
    // Each amount is exact to the nano, and the 31 roundings leave the sum 4 nanos under the
    // total of the unrounded amounts (284.93943937274981…, totals.json's 284.939439373): the
    // Python decimal module agrees on both figures.
    expect(total(lines, 'amount_nanos')).toBe(284_939_439_369)
    expect(
      Math.abs(total(lines, 'amount_nanos') - dollarsToNanos(totals.cost_usd as number)),
    ).toBeLessThanOrEqual(lines.length / 2)
    expect(lines.every((line) => line.currency === 'usd' && line.source === 'costs')).toBe(true)
    expect(pages.every((page) => page.organization === 'org-GLHrIv00VVN9dEQC2b4wsBkf')).toBe(true)
  })

  it('completions usage reads every fixture bucket once over several pages and adds up to totals.json', async () => {
    const fake = await openaiFake({ maxBucketsPerPage: 10 })
    const { pages, lines } = await read(sourceNamed(openaiReports(clientOptions(fake)), 'usage/completions'))

    expect(pages.length).toBe(4)
    expect(new Set(lines.map((line) => line.bucket_start)).size).toBe(totals.usage_buckets)
    expect(lines).toHaveLength(totals.usage_buckets as number)
    expect(total(lines, 'input_tokens')).toBe(totals.input_tokens)
    expect(total(lines, 'cache_read_tokens')).toBe(totals.input_cached_tokens)
    expect(total(lines, 'output_tokens')).toBe(totals.output_tokens)
    expect(total(lines, 'input_audio_tokens')).toBe(totals.input_audio_tokens)
    expect(total(lines, 'output_audio_tokens')).toBe(totals.output_audio_tokens)
    expect(total(lines, 'requests')).toBe(totals.num_model_requests)
    // OpenAI does not report cache writes apart: unknown, not zero.
    expect(lines.every((line) => line.cache_write_tokens === null && line.amount_nanos === null)).toBe(true)
  })

  it('pages cover the request end to end, days without buckets included, each line inside its page', async () => {
    const fake = await openaiFake({ maxBucketsPerPage: 10 })
    const from = FIXTURE_FROM - 2 * DAY_MS
    const to = FIXTURE_TO + 3 * DAY_MS
    const { pages } = await read(
      sourceNamed(openaiReports(clientOptions(fake)), 'usage/completions'),
      from,
      to,
    )

    expect(pages).toHaveLength(4)
    expect(pages[0]?.from).toBe(from)
    expect(pages.at(-1)?.to).toBe(to)
    expect(pages.slice(1).map((page) => page.from)).toEqual(pages.slice(0, -1).map((page) => page.to))
    for (const page of pages) {
      expect(page.to).toBeGreaterThan(page.from)
      for (const line of page.lines) {
        expect(line.bucket_start).toBeGreaterThanOrEqual(page.from)
        expect(line.bucket_start).toBeLessThan(page.to)
      }
    }
  })

  it('asks for daily buckets by line item and project, and usage by its groupings, in unix seconds', async () => {
    const fake = await openaiFake()
    const sources = openaiReports(clientOptions(fake))
    await read(sourceNamed(sources, 'costs'))
    await read(sourceNamed(sources, 'usage/completions'))
    await read(sourceNamed(sources, 'usage/images'))

    const [costs, completions, images] = fake.requests
    expect(costs?.path).toBe('/v1/organization/costs')
    expect(costs?.query.getAll('group_by')).toEqual(['line_item', 'project_id'])
    expect(costs?.query.get('limit')).toBe('180')
    expect(costs?.query.get('bucket_width')).toBe('1d')
    expect(costs?.query.get('start_time')).toBe(String(FIXTURE_FROM / 1000))
    expect(costs?.query.get('end_time')).toBe(String(FIXTURE_TO / 1000))
    expect(completions?.path).toBe('/v1/organization/usage/completions')
    expect(completions?.query.getAll('group_by')).toEqual(['model', 'project_id', 'batch', 'service_tier'])
    expect(completions?.query.get('limit')).toBe('31')
    expect(images?.query.getAll('group_by')).toEqual(['model', 'project_id', 'size', 'source'])
  })

  it('a 429 is waited out for its Retry-After, and nothing is counted twice', async () => {
    const fake = await openaiFake({ maxBucketsPerPage: 10 })
    fake.fail({ status: 429, retryAfter: '1' }, 1, 2)
    const waits: number[] = []
    const source = sourceNamed(
      openaiReports(clientOptions(fake, { onRetry: (_reason, waitMs) => waits.push(waitMs) })),
      'usage/completions',
    )
    const started = performance.now()
    const { lines } = await read(source)

    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(waits).toEqual([1000])
    expect(fake.requests.map((request) => request.status)).toEqual([200, 200, 429, 200, 200])
    // The retried request asks for the same page again.
    expect(fake.requests[3]?.query.get('page')).toBe(fake.requests[2]?.query.get('page'))
    expect(lines).toHaveLength(totals.usage_buckets as number)
    expect(total(lines, 'input_tokens')).toBe(totals.input_tokens)
  })

  it('a 500 is retried after a backoff', async () => {
    const fake = await openaiFake({ maxBucketsPerPage: 10 })
    fake.fail({ status: 500 }, 1, 1)
    const reasons: string[] = []
    const source = sourceNamed(
      openaiReports(clientOptions(fake, { onRetry: (reason) => reasons.push(reason) })),
      'costs',
    )
    const { lines } = await read(source)

    expect(reasons).toHaveLength(1)
    expect(reasons[0]).toContain('500')
    expect(fake.requests.map((request) => request.status)).toEqual([200, 500, 200, 200, 200])
    expect(total(lines, 'amount_nanos')).toBe(284_939_439_369)
  })

  it('a dropped connection is retried as a network error', async () => {
    const fake = await openaiFake()
    fake.fail({ reset: true })
    const reasons: string[] = []
    const source = sourceNamed(
      openaiReports(clientOptions(fake, { onRetry: (reason) => reasons.push(reason) })),
      'usage/completions',
    )
    const { lines } = await read(source)

    expect(reasons[0]).toContain('network error')
    expect(lines).toHaveLength(totals.usage_buckets as number)
  })

  it('gives up after maxAttempts with the path, the status and the provider message, never the key', async () => {
    const fake = await openaiFake()
    fake.fail({ status: 503, message: `Upstream overloaded for key ${fake.key}` }, 10)
    const source = sourceNamed(openaiReports(clientOptions(fake, { maxAttempts: 3 })), 'costs')

    const error = await read(source).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Error)
    const message = (error as Error).message
    expect(message).toContain('/v1/organization/costs')
    expect(message).toContain('503')
    expect(message).toContain('Upstream overloaded')
    expect(message).not.toContain(fake.key)
    expect(fake.requests).toHaveLength(3)
  })

  it('a Retry-After past maxRetryAfterMs ends the read at once, naming the wait', async () => {
    const fake = await openaiFake()
    fake.fail({ status: 429, retryAfter: new Date(Date.now() + 600_000).toUTCString() })
    const source = sourceNamed(openaiReports(clientOptions(fake, { maxRetryAfterMs: 60_000 })), 'costs')

    await expect(read(source)).rejects.toThrow(/429.*\b(599|600) s\b.*maxRetryAfterMs/)
    expect(fake.requests).toHaveLength(1)
  })

  it('a 429 without Retry-After means 5 s', async () => {
    const fake = await openaiFake()
    fake.fail({ status: 429 })
    const source = sourceNamed(openaiReports(clientOptions(fake, { maxRetryAfterMs: 1000 })), 'costs')

    await expect(read(source)).rejects.toThrow(/429.* 5 s\b/)
  })

  it('a refused key is an AdminKeyError: one line naming the admin-keys page, never the key', async () => {
    const fake = await openaiFake()
    const key = 'sk-proj-not-an-admin-key-42'
    const source = sourceNamed(openaiReports({ key, baseUrl: fake.url, retryBaseMs: 5 }), 'costs')

    const error = await read(source).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AdminKeyError)
    const message = (error as Error).message
    expect(message).toContain('https://platform.openai.com/settings/organization/admin-keys')
    expect(message).toContain('sk-admin-')
    expect(message).not.toContain(key)
    expect(message).not.toContain('\n')
    expect(fake.requests).toHaveLength(1)
  })

  it('cost line items name the model and what they price; product line items leave the model unknown', async () => {
    const day = { object: 'bucket', start_time: FIXTURE_FROM / 1000, end_time: FIXTURE_FROM / 1000 + 86_400 }
    const cost = (line_item: string, value: number, extra: Record<string, unknown> = {}) => ({
      object: 'organization.costs.result',
      amount: { value, currency: 'usd' },
      line_item,
      project_id: 'proj_abc',
      organization_id: 'org-test',
      ...extra,
    })
    const fake = await openaiFake({
      data: {
        costs: [
          {
            ...day,
            results: [
              cost('gpt-4o-2024-08-06, input', 1.25, { quantity: 500_000, quantity_unit: 'tokens' }),
              cost('gpt-4o-mini, cached input', 0.0375),
              cost('fine-tuning training', 25),
              cost('web search tool calls', 0.3, { api_key_id: 'key_123' }),
              cost('file search, storage', -0.5),
            ],
          },
        ],
      },
    })
    const { lines } = await read(
      sourceNamed(openaiReports(clientOptions(fake)), 'costs'),
      FIXTURE_FROM,
      FIXTURE_FROM + DAY_MS,
    )

    expect(
      lines.map(
        ({ model, token_type, amount_nanos, quantity, quantity_unit, provider_project, api_key_id }) => ({
          model,
          token_type,
          amount_nanos,
          quantity,
          quantity_unit,
          provider_project,
          api_key_id,
        }),
      ),
    ).toEqual([
      {
        model: 'gpt-4o-2024-08-06',
        token_type: 'input',
        amount_nanos: 1_250_000_000,
        quantity: 500_000,
        quantity_unit: 'tokens',
        provider_project: 'proj_abc',
        api_key_id: null,
      },
      {
        model: 'gpt-4o-mini',
        token_type: 'cached input',
        amount_nanos: 37_500_000,
        quantity: null,
        quantity_unit: null,
        provider_project: 'proj_abc',
        api_key_id: null,
      },
      ...[
        [25_000_000_000, null],
        [300_000_000, 'key_123'],
        [-500_000_000, null],
      ].map(([amount_nanos, api_key_id]) => ({
        model: null,
        token_type: null,
        amount_nanos,
        quantity: null,
        quantity_unit: null,
        provider_project: 'proj_abc',
        api_key_id,
      })),
    ])
    expect(lines.map((line) => line.line_item)).toContain('gpt-4o-mini, cached input')
  })

  it('each billed usage endpoint is a source of its own and fills its own counts', async () => {
    const day = { object: 'bucket', start_time: FIXTURE_FROM / 1000, end_time: FIXTURE_FROM / 1000 + 86_400 }
    const bucket = (result: Record<string, unknown>) => [
      { ...day, results: [{ project_id: 'proj_x', ...result }] },
    ]
    const fake = await openaiFake({
      data: {
        'usage/embeddings': bucket({
          model: 'text-embedding-3-small',
          input_tokens: 900,
          num_model_requests: 9,
        }),
        'usage/moderations': bucket({
          model: 'omni-moderation-latest',
          input_tokens: 80,
          num_model_requests: 8,
        }),
        'usage/images': bucket({
          model: 'dall-e-3',
          images: 4,
          num_model_requests: 2,
          size: '1024x1024',
          source: 'image.generation',
        }),
        'usage/audio_speeches': bucket({ model: 'tts-1', characters: 1234, num_model_requests: 3 }),
        'usage/audio_transcriptions': bucket({ model: 'whisper-1', seconds: 61.5, num_model_requests: 1 }),
        'usage/vector_stores': bucket({ usage_bytes: 1_048_576 }),
        'usage/code_interpreter_sessions': bucket({ num_sessions: 6 }),
      },
    })
    const sources = openaiReports(clientOptions(fake))
    expect(sources.map((source) => source.source)).toEqual([
      'costs',
      'usage/completions',
      'usage/embeddings',
      'usage/moderations',
      'usage/images',
      'usage/audio_speeches',
      'usage/audio_transcriptions',
      'usage/vector_stores',
      'usage/code_interpreter_sessions',
    ])
    const only = async (name: string) => {
      const { lines } = await read(sourceNamed(sources, name), FIXTURE_FROM, FIXTURE_FROM + DAY_MS)
      expect(lines).toHaveLength(1)
      expect(lines[0]?.provider_project).toBe('proj_x')
      return lines[0] as InvoiceLine
    }

    expect(await only('usage/embeddings')).toMatchObject({
      input_tokens: 900,
      requests: 9,
      output_tokens: null,
    })
    expect(await only('usage/moderations')).toMatchObject({ input_tokens: 80, requests: 8 })
    expect(await only('usage/images')).toMatchObject({
      images: 4,
      requests: 2,
      model: 'dall-e-3',
      line_item: 'image.generation, 1024x1024',
      input_tokens: null,
    })
    expect(await only('usage/audio_speeches')).toMatchObject({ characters: 1234, model: 'tts-1' })
    expect(await only('usage/audio_transcriptions')).toMatchObject({ seconds: 61.5, model: 'whisper-1' })
    expect(await only('usage/vector_stores')).toMatchObject({ usage_bytes: 1_048_576, requests: null })
    expect(await only('usage/code_interpreter_sessions')).toMatchObject({ sessions: 6, model: null })
  })

  it('a bucket the provider revises is read again with its new values', async () => {
    const fake = await openaiFake()
    const source = sourceNamed(openaiReports(clientOptions(fake)), 'usage/completions')
    const lastDay = FIXTURE_TO - DAY_MS
    const before = await read(source, lastDay, FIXTURE_TO)
    fake.revise('usage/completions', lastDay, [
      { input_tokens: 5000, output_tokens: 7, num_model_requests: 2 },
    ])
    const after = await read(source, lastDay, FIXTURE_TO)

    expect(before.lines.map((line) => line.input_tokens)).toEqual([332])
    expect(after.lines.map((line) => [line.input_tokens, line.output_tokens, line.requests])).toEqual([
      [5000, 7, 2],
    ])
  })
})

describe('Anthropic reports against the fake admin API', () => {
  const FROM = Date.UTC(2025, 5, 1)
  const DAYS = 40

  it('the cost report converts cents strings exactly and adds up over pages', async () => {
    const generated = anthropicReportData(FROM, DAYS)
    const fake = await anthropicFake({ data: generated.data })
    const { pages, lines } = await read(
      sourceNamed(anthropicReports(clientOptions(fake)), 'cost_report'),
      FROM,
      FROM + DAYS * DAY_MS,
    )

    expect(pages).toHaveLength(2)
    expect(pages[0]?.to).toBe(FROM + 31 * DAY_MS)
    expect(lines).toHaveLength(generated.totals.cost_lines)
    expect(total(lines, 'amount_nanos')).toBe(generated.totals.amount_nanos)
    const first = lines[0]
    expect(first).toMatchObject({
      provider: 'anthropic',
      source: 'cost_report',
      bucket_start: FROM,
      bucket_end: FROM + DAY_MS,
      provider_project: null,
      model: 'claude-sonnet-4-20250514',
      cost_type: 'tokens',
      token_type: 'uncached_input_tokens',
      currency: 'USD',
      context_window: '0-200k',
      service_tier: 'standard',
      line_item: 'claude-sonnet-4-20250514 usage - uncached_input_tokens',
    })
    expect(first?.amount_nanos).toBe(centsToNanos(String(generated.data.cost_report[0]?.results[0]?.amount)))
    expect(lines.filter((line) => line.cost_type === 'web_search').every((line) => line.model === null)).toBe(
      true,
    )
  })

  it('a cost of "123.45" cents is $1.2345 and "0.001" cents a hundred-thousandth of a dollar', async () => {
    const bucket = { starting_at: '2025-06-01T00:00:00Z', ending_at: '2025-06-02T00:00:00Z' }
    const fake = await anthropicFake({
      data: {
        cost_report: [
          {
            ...bucket,
            results: [
              { amount: '123.45', currency: 'USD', description: 'a' },
              { amount: '0.001', currency: 'USD', description: 'b' },
            ],
          },
        ],
      },
    })
    const { lines } = await read(
      sourceNamed(anthropicReports(clientOptions(fake)), 'cost_report'),
      FROM,
      FROM + DAY_MS,
    )

    expect(lines.map((line) => line.amount_nanos)).toEqual([1_234_500_000, 10_000])
  })

  it('usage input is uncached + cache reads + both cache writes, and requests stay unknown', async () => {
    const fake = await anthropicFake({
      data: {
        'usage_report/messages': [
          {
            starting_at: '2025-06-01T00:00:00Z',
            ending_at: '2025-06-02T00:00:00Z',
            results: [
              {
                uncached_input_tokens: 100,
                cache_read_input_tokens: 20,
                cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 4 },
                output_tokens: 50,
                server_tool_use: { web_search_requests: 2 },
                model: 'claude-sonnet-4-20250514',
                workspace_id: 'wrkspc_1',
                service_tier: 'batch',
                context_window: '200k-1M',
              },
            ],
          },
        ],
      },
    })
    const { lines } = await read(
      sourceNamed(anthropicReports(clientOptions(fake)), 'usage_report/messages'),
      FROM,
      FROM + DAY_MS,
    )

    expect(lines).toEqual([
      expect.objectContaining({
        input_tokens: 127,
        cache_read_tokens: 20,
        cache_write_tokens: 7,
        cache_write_1h_tokens: 4,
        output_tokens: 50,
        web_search_requests: 2,
        requests: null,
        model: 'claude-sonnet-4-20250514',
        provider_project: 'wrkspc_1',
        service_tier: 'batch',
        context_window: '200k-1M',
        amount_nanos: null,
      }),
    ])
  })

  it('the usage report adds up over pages', async () => {
    const generated = anthropicReportData(FROM, DAYS)
    const fake = await anthropicFake({ data: generated.data, maxBucketsPerPage: 9 })
    const { pages, lines } = await read(
      sourceNamed(anthropicReports(clientOptions(fake)), 'usage_report/messages'),
      FROM,
      FROM + DAYS * DAY_MS,
    )

    expect(pages).toHaveLength(5)
    expect(lines).toHaveLength(generated.totals.usage_lines)
    for (const field of [
      'input_tokens',
      'cache_read_tokens',
      'cache_write_tokens',
      'cache_write_1h_tokens',
      'output_tokens',
      'web_search_requests',
    ] as const) {
      expect(total(lines, field), field).toBe(generated.totals[field])
    }
  })

  it('asks with RFC 3339 bounds, daily buckets and group_by[] (the fake checks the headers)', async () => {
    const fake = await anthropicFake()
    const sources = anthropicReports(clientOptions(fake))
    await read(sourceNamed(sources, 'cost_report'), FROM, FROM + DAY_MS)
    await read(sourceNamed(sources, 'usage_report/messages'), FROM, FROM + DAY_MS)

    const [cost, usage] = fake.requests
    expect(cost?.status).toBe(200)
    expect(cost?.path).toBe('/v1/organizations/cost_report')
    expect(cost?.query.get('starting_at')).toBe('2025-06-01T00:00:00Z')
    expect(cost?.query.get('ending_at')).toBe('2025-06-02T00:00:00Z')
    expect(cost?.query.getAll('group_by[]')).toEqual(['workspace_id', 'description'])
    expect(usage?.path).toBe('/v1/organizations/usage_report/messages')
    expect(usage?.query.getAll('group_by[]')).toEqual([
      'model',
      'workspace_id',
      'service_tier',
      'context_window',
    ])
    expect(usage?.query.get('bucket_width')).toBe('1d')
  })

  it('a refused key is an AdminKeyError naming the console admin-keys page, never the key', async () => {
    const fake = await anthropicFake()
    const key = 'sk-ant-api03-a-regular-key'
    const source = sourceNamed(anthropicReports({ key, baseUrl: fake.url }), 'cost_report')

    const error = await read(source, FROM, FROM + DAY_MS).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AdminKeyError)
    const message = (error as Error).message
    expect(message).toContain('https://console.anthropic.com/settings/admin-keys')
    expect(message).toContain('sk-ant-admin')
    expect(message).not.toContain(key)
    expect(message).not.toContain('\n')
  })
})
