import { count, sumKnown } from 'spendlens/internal'
import { type InvoiceLine, invoiceLine } from '../schema/invoice-table.js'
import { type AdminApi, getAdminJson } from './admin-http.js'
import { centsToNanos } from './decimal-nanos.js'
import { followPages, type WirePage } from './report-pages.js'
import type { AdminApiOptions, ReportSource } from './report-source.js'

export const ANTHROPIC_ADMIN_API: AdminApi = {
  name: 'Anthropic',
  defaultBaseUrl: 'https://api.anthropic.com',
  headers: (key) => ({ 'x-api-key': key, 'anthropic-version': '2023-06-01' }),
  keyHelp:
    'the usage and cost reports need an Admin API key (sk-ant-admin…), made at https://console.anthropic.com/settings/admin-keys',
}

/** The most daily buckets a page may hold, for both reports. */
const LIMIT = 31

/** Anthropic's organization reports: the cost report (`cost_report`) and messages usage (`usage_report/messages`). */
export function anthropicReports(options: AdminApiOptions): ReportSource[] {
  return [
    anthropicReport(
      options,
      'cost_report',
      '/v1/organizations/cost_report',
      ['workspace_id', 'description'],
      costLine,
    ),
    anthropicReport(
      options,
      'usage_report/messages',
      '/v1/organizations/usage_report/messages',
      ['model', 'workspace_id', 'service_tier', 'context_window'],
      usageLine,
    ),
  ]
}

/** A bucket as the API sends it: RFC 3339 bounds, the results of each group. */
interface AnthropicBucket {
  starting_at: string
  ending_at: string
  results: AnthropicResult[]
}

/** Cost and usage results, every field optional: which appear depends on the report and group_by. */
interface AnthropicResult {
  workspace_id?: string | null
  api_key_id?: string | null
  model?: string | null
  service_tier?: string | null
  context_window?: string | null
  // Cost report
  amount?: string | null
  currency?: string
  description?: string | null
  cost_type?: string | null
  token_type?: string | null
  // Messages usage
  uncached_input_tokens?: number
  cache_read_input_tokens?: number
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null
  output_tokens?: number
  server_tool_use?: { web_search_requests?: number } | null
}

function anthropicReport(
  options: AdminApiOptions,
  source: string,
  path: string,
  groupBy: readonly string[],
  /** A result's own fields; the bucket's are added. */
  convert: (result: AnthropicResult) => Partial<InvoiceLine>,
): ReportSource {
  return {
    provider: 'anthropic',
    source,
    fetch: (from, to, onPage) =>
      followPages<AnthropicBucket>({
        name: `Anthropic ${source}`,
        from,
        to,
        readPage: async (cursor) =>
          (await getAdminJson(ANTHROPIC_ADMIN_API, options, path, {
            starting_at: rfc3339(from),
            ending_at: rfc3339(to),
            bucket_width: '1d',
            limit: LIMIT,
            'group_by[]': groupBy,
            ...(cursor ? { page: cursor } : {}),
          })) as WirePage<AnthropicBucket>,
        bucketEnd: (bucket) => epochMs(bucket.ending_at),
        onPage: (buckets, range) => {
          const lines = buckets.flatMap((bucket) => {
            const base = {
              provider: 'anthropic' as const,
              source,
              bucket_start: epochMs(bucket.starting_at),
              bucket_end: epochMs(bucket.ending_at),
            }
            return (bucket.results ?? []).map((result) => invoiceLine({ ...base, ...convert(result) }))
          })
          return onPage({ ...range, lines })
        },
      }),
  }
}

/**
 * A cost report result. The amount is a decimal string of CENTS ("123.45" is $1.2345), so it is
 * shifted seven places to nano-dollars, exactly. The description is the line item.
 */
function costLine(result: AnthropicResult): Partial<InvoiceLine> {
  return {
    provider_project: result.workspace_id ?? null,
    model: result.model ?? null,
    line_item: result.description ?? null,
    cost_type: result.cost_type ?? null,
    token_type: result.token_type ?? null,
    service_tier: result.service_tier ?? null,
    context_window: result.context_window ?? null,
    amount_nanos: typeof result.amount === 'string' ? centsToNanos(result.amount) : null,
    currency: result.currency ?? null,
  }
}

/**
 * A messages usage result. Counting rules, as in the Messages API: uncached input, cache reads
 * and both kinds of cache writes are separate, so all input is their sum; cache writes are the
 * 5-minute and 1-hour ones together, the 1-hour ones kept apart as well (priced 2× input, not
 * 1.25×). The report has no request count: requests stay unknown, not 0.
 */
function usageLine(result: AnthropicResult): Partial<InvoiceLine> {
  const cacheRead = count(result.cache_read_input_tokens)
  const write5m = count(result.cache_creation?.ephemeral_5m_input_tokens)
  const write1h = count(result.cache_creation?.ephemeral_1h_input_tokens)
  return {
    provider_project: result.workspace_id ?? null,
    api_key_id: result.api_key_id ?? null,
    model: result.model ?? null,
    service_tier: result.service_tier ?? null,
    context_window: result.context_window ?? null,
    input_tokens: sumKnown(count(result.uncached_input_tokens), cacheRead, write5m, write1h),
    cache_read_tokens: cacheRead,
    cache_write_tokens: sumKnown(write5m, write1h),
    cache_write_1h_tokens: write1h,
    output_tokens: count(result.output_tokens),
    web_search_requests: count(result.server_tool_use?.web_search_requests),
  }
}

/** Whole seconds, as the API's own examples write them (2025-01-08T00:00:00Z). */
function rfc3339(epochMilliseconds: number): string {
  return new Date(epochMilliseconds).toISOString().replace('.000Z', 'Z')
}

function epochMs(rfc3339Time: string): number {
  const time = Date.parse(rfc3339Time)
  if (Number.isNaN(time))
    throw new Error(`Anthropic report: a bucket time that is not RFC 3339: ${rfc3339Time}`)
  return time
}
