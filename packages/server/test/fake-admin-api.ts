import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A bucket in its provider's wire shape (OpenAI `start_time`…, Anthropic `starting_at`…). */
export type WireBucket = { results: Record<string, unknown>[] } & Record<string, unknown>

/** One request a fake received: its path, its query, and the status it was answered with (0: reset). */
export interface AdminRequest {
  path: string
  query: URLSearchParams
  status: number
}

/** What the next requests are answered with instead of their page. */
export type AdminFault =
  | { status: 429; retryAfter?: string }
  | { status: 500 | 502 | 503; message?: string }
  /** The connection is dropped without an answer: a network error. */
  | { reset: true }

export interface FakeAdminApi {
  /** `http://127.0.0.1:<port>`: AdminApiOptions.baseUrl. */
  readonly url: string
  /** The admin key it accepts. */
  readonly key: string
  readonly requests: AdminRequest[]
  /** Answers the next `times` requests (after `after` more have been answered normally) with `fault`. */
  fail(fault: AdminFault, times?: number, after?: number): void
  /** From now on, the bucket of `report` starting at `bucketStart` (epoch ms) holds `results`. */
  revise(report: string, bucketStart: number, results: Record<string, unknown>[]): void
  close(): Promise<void>
}

export interface FakeAdminOptions {
  key?: string
  /** Buckets per report name (`costs`, `usage/completions`, `cost_report`, …); other reports serve none. */
  data?: Record<string, WireBucket[]>
  /**
   * Serves at most this many buckets a page even when `limit` allows more, as a real API may:
   * the fixtures' 31 days then take several pages.
   */
  maxBucketsPerPage?: number
  /** Answers every request this much later: a slow provider, for a sync to be stopped half way. */
  delayMs?: number
}

/** The shared OpenAI fixtures (real outputs, one organization, 31 days): see their README. */
export const OPENAI_FIXTURES = new URL('./fixtures/openai-admin/', import.meta.url)

export function readOpenAIFixture<T = WireBucket[]>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, OPENAI_FIXTURES), 'utf8')) as T
}

/**
 * A fake of OpenAI's organization Costs and Usage APIs, serving the fixtures unless given data:
 * checks the bearer key, `limit` and `group_by` against what the real API accepts, and pages.
 * Results are served as they are held; `group_by` is checked, not applied.
 */
export function startFakeOpenAIAdmin(options: FakeAdminOptions = {}): Promise<FakeAdminApi> {
  const usage = (extra: string[] = []) => ({
    maxLimit: 31,
    groupBy: ['project_id', 'user_id', 'api_key_id', 'model', ...extra],
  })
  return startFake(
    {
      prefix: '/v1/organization/',
      reports: {
        costs: { maxLimit: 180, groupBy: ['project_id', 'line_item', 'api_key_id'] },
        'usage/completions': usage(['batch', 'service_tier']),
        'usage/embeddings': usage(),
        'usage/moderations': usage(),
        'usage/images': usage(['size', 'source']),
        'usage/audio_speeches': usage(),
        'usage/audio_transcriptions': usage(),
        'usage/vector_stores': usage(),
        'usage/code_interpreter_sessions': usage(),
      },
      groupByParameter: 'group_by',
      refuse: (headers, key) =>
        headers.authorization === `Bearer ${key}`
          ? null
          : { status: 401, message: 'Incorrect API key provided. You need an admin key.' },
      range: (query) => ({
        from: seconds(query.get('start_time')),
        to: query.has('end_time') ? seconds(query.get('end_time')) : Number.POSITIVE_INFINITY,
      }),
      bucketStart: (bucket) => Number(bucket.start_time) * 1000,
      page: (data, nextPage) => ({ object: 'page', data, has_more: nextPage !== null, next_page: nextPage }),
      error: (status, message) => ({ error: { message, type: errorType(status), param: null, code: null } }),
    },
    { key: 'sk-admin-fake-0123456789', data: fixtureData(), ...options },
  )
}

/**
 * A fake of Anthropic's Admin API cost report and messages usage report, serving the data given
 * (see anthropic-report-data.ts): checks `x-api-key` and `anthropic-version`, `limit` and
 * `group_by[]`, and pages.
 */
export function startFakeAnthropicAdmin(options: FakeAdminOptions = {}): Promise<FakeAdminApi> {
  return startFake(
    {
      prefix: '/v1/organizations/',
      reports: {
        cost_report: { maxLimit: 31, groupBy: ['workspace_id', 'description'] },
        'usage_report/messages': {
          maxLimit: 31,
          groupBy: ['api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window'],
        },
      },
      groupByParameter: 'group_by[]',
      refuse: (headers, key) => {
        if (headers['x-api-key'] !== key) return { status: 401, message: 'invalid x-api-key' }
        if (!headers['anthropic-version'])
          return { status: 400, message: 'anthropic-version: header is required' }
        return null
      },
      range: (query) => ({
        from: Date.parse(query.get('starting_at') ?? ''),
        to: query.has('ending_at') ? Date.parse(query.get('ending_at') ?? '') : Number.POSITIVE_INFINITY,
      }),
      bucketStart: (bucket) => Date.parse(String(bucket.starting_at)),
      page: (data, nextPage) => ({ data, has_more: nextPage !== null, next_page: nextPage }),
      error: (status, message) => ({ type: 'error', error: { type: errorType(status), message } }),
    },
    { key: 'sk-ant-admin01-fake-0123456789', ...options },
  )
}

/** What differs between the two fakes. */
interface Dialect {
  /** Before the report name: `/v1/organization/costs`, `/v1/organizations/cost_report`. */
  prefix: string
  reports: Record<string, { maxLimit: number; groupBy: string[] }>
  groupByParameter: string
  refuse: (headers: IncomingHttpHeaders, key: string) => { status: number; message: string } | null
  /** Epoch ms; NaN when the parameter is missing or malformed. */
  range: (query: URLSearchParams) => { from: number; to: number }
  bucketStart: (bucket: WireBucket) => number
  page: (data: WireBucket[], nextPage: string | null) => unknown
  error: (status: number, message: string) => unknown
}

async function startFake(
  dialect: Dialect,
  options: FakeAdminOptions & { key: string },
): Promise<FakeAdminApi> {
  const { key } = options
  const data = new Map(Object.entries(structuredClone(options.data ?? {})))
  const requests: AdminRequest[] = []
  const faults: { fault: AdminFault; after: number }[] = []

  const server = createServer((request, response) => {
    if (options.delayMs) setTimeout(() => handle(request, response), options.delayMs)
    else handle(request, response)
  })
  function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://fake')
    const recorded: AdminRequest = { path: url.pathname, query: url.searchParams, status: 0 }
    requests.push(recorded)
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      recorded.status = status
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
    }
    const next = faults[0]
    if (next && next.after === 0) {
      faults.shift()
      const { fault } = next
      if ('reset' in fault) return void request.socket.destroy()
      if (fault.status === 429) {
        const headers: Record<string, string> =
          fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }
        return send(429, dialect.error(429, 'Rate limit exceeded for the admin API.'), headers)
      }
      return send(fault.status, dialect.error(fault.status, fault.message ?? 'The server had an error.'))
    }
    for (const pending of faults) pending.after = Math.max(0, pending.after - 1)

    const refused = dialect.refuse(request.headers, key)
    if (refused) return send(refused.status, dialect.error(refused.status, refused.message))
    const name = url.pathname.startsWith(dialect.prefix) ? url.pathname.slice(dialect.prefix.length) : ''
    const report = dialect.reports[name]
    if (request.method !== 'GET' || !report) return send(404, dialect.error(404, `no route ${url.pathname}`))
    const problem = invalidQuery(url.searchParams, report, dialect)
    if (problem) return send(400, dialect.error(400, problem))
    send(200, answer(url.searchParams, data.get(name) ?? [], report, dialect, options.maxBucketsPerPage))
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    requests,
    fail(fault, times = 1, after = 0) {
      for (let index = 0; index < times; index++) faults.push({ fault, after: index === 0 ? after : 0 })
    },
    revise(report, bucketStart, results) {
      const bucket = data.get(report)?.find((held) => dialect.bucketStart(held) === bucketStart)
      if (!bucket) throw new Error(`the fake holds no ${report} bucket starting at ${bucketStart}`)
      bucket.results = structuredClone(results)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

/** What the real APIs refuse with a 400: a missing start, a bad width or limit, an unknown grouping. */
function invalidQuery(
  query: URLSearchParams,
  report: Dialect['reports'][string],
  dialect: Dialect,
): string | null {
  const { from, to } = dialect.range(query)
  if (Number.isNaN(from) || Number.isNaN(to)) return 'the start (and end, if given) must be valid times'
  if ((query.get('bucket_width') ?? '1d') !== '1d') return 'the fake serves daily buckets only'
  const limit = Number(query.get('limit') ?? 7)
  if (!Number.isInteger(limit) || limit < 1 || limit > report.maxLimit) {
    return `limit must be between 1 and ${report.maxLimit}`
  }
  const unknown = query.getAll(dialect.groupByParameter).filter((field) => !report.groupBy.includes(field))
  if (unknown.length > 0) return `cannot group by ${unknown.join(', ')}`
  if (query.has('page') && Number.isNaN(offsetOf(query.get('page') ?? ''))) return 'invalid page cursor'
  return null
}

/** The page the query asks for: buckets starting in [start, end), from the cursor's offset on. */
function answer(
  query: URLSearchParams,
  held: WireBucket[],
  report: Dialect['reports'][string],
  dialect: Dialect,
  maxBucketsPerPage = Number.POSITIVE_INFINITY,
): unknown {
  const { from, to } = dialect.range(query)
  const inRange = held
    .filter((bucket) => dialect.bucketStart(bucket) >= from && dialect.bucketStart(bucket) < to)
    .sort((a, b) => dialect.bucketStart(a) - dialect.bucketStart(b))
  const offset = query.has('page') ? offsetOf(query.get('page') ?? '') : 0
  const end = offset + Math.min(Number(query.get('limit') ?? 7), report.maxLimit, maxBucketsPerPage)
  return dialect.page(inRange.slice(offset, end), end < inRange.length ? cursorAt(end) : null)
}

/** Opaque to the client, as the real cursors are. */
const cursorAt = (offset: number) => `page_${Buffer.from(`fake:${offset}`).toString('base64url')}`

function offsetOf(cursor: string): number {
  const match = /^fake:(\d+)$/.exec(Buffer.from(cursor.replace(/^page_/, ''), 'base64url').toString('utf8'))
  return match ? Number(match[1]) : Number.NaN
}

const seconds = (value: string | null) =>
  value !== null && /^\d+$/.test(value) ? Number(value) * 1000 : Number.NaN

function errorType(status: number): string {
  if (status === 401) return 'authentication_error'
  if (status === 429) return 'rate_limit_error'
  if (status >= 500) return 'api_error'
  return 'invalid_request_error'
}

function fixtureData(): Record<string, WireBucket[]> {
  return {
    costs: readOpenAIFixture('costs-1d.buckets.json'),
    'usage/completions': readOpenAIFixture('usage-completions-1d.buckets.json'),
  }
}
