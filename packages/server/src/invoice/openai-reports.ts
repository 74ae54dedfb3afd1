import { count } from 'spendlens/internal'
import { type InvoiceLine, invoiceLine } from '../schema/invoice-table.js'
import { type AdminApi, getAdminJson } from './admin-http.js'
import { dollarsToNanos } from './decimal-nanos.js'
import { followPages, type WirePage } from './report-pages.js'
import type { AdminApiOptions, ReportPage, ReportSource } from './report-source.js'

export const OPENAI_ADMIN_API: AdminApi = {
  name: 'OpenAI',
  defaultBaseUrl: 'https://api.openai.com',
  headers: (key) => ({ authorization: `Bearer ${key}` }),
  keyHelp:
    'the usage and costs APIs need an organization admin key (sk-admin-…), made at https://platform.openai.com/settings/organization/admin-keys',
}

/**
 * The Usage endpoints that are billed, each with what it is grouped by: the finest grouping the
 * endpoint offers that a reconcile can use (not `user_id`, which only the ChatGPT-style apps fill).
 */
const USAGE_ENDPOINTS = {
  completions: ['model', 'project_id', 'batch', 'service_tier'],
  embeddings: ['model', 'project_id'],
  moderations: ['model', 'project_id'],
  images: ['model', 'project_id', 'size', 'source'],
  audio_speeches: ['model', 'project_id'],
  audio_transcriptions: ['model', 'project_id'],
  vector_stores: ['project_id'],
  code_interpreter_sessions: ['project_id'],
} as const

/** The most daily buckets a page may hold: Costs allows 180, Usage 31. */
const COSTS_LIMIT = 180
const USAGE_LIMIT = 31

/** OpenAI's organization reports: Costs (source `costs`) and each billed Usage endpoint (`usage/<endpoint>`). */
export function openaiReports(options: AdminApiOptions): ReportSource[] {
  return [
    openaiReport(
      options,
      'costs',
      '/v1/organization/costs',
      COSTS_LIMIT,
      ['line_item', 'project_id'],
      costLine,
    ),
    ...Object.entries(USAGE_ENDPOINTS).map(([endpoint, groupBy]) =>
      openaiReport(
        options,
        `usage/${endpoint}`,
        `/v1/organization/usage/${endpoint}`,
        USAGE_LIMIT,
        groupBy,
        usageLine,
      ),
    ),
  ]
}

/** A bucket as the API sends it: unix seconds, the results of each group. */
interface OpenAIBucket {
  start_time: number
  end_time: number
  results: OpenAIResult[]
}

/** Costs and Usage results, every field optional: which appear depends on the endpoint and group_by. */
interface OpenAIResult {
  organization_id?: string
  project_id?: string | null
  api_key_id?: string | null
  // Costs
  amount?: { value: number | string; currency?: string }
  line_item?: string | null
  quantity?: number | null
  quantity_unit?: string | null
  // Usage
  model?: string | null
  batch?: boolean | null
  service_tier?: string | null
  size?: string | null
  source?: string | null
  num_model_requests?: number
  input_tokens?: number
  input_cached_tokens?: number
  output_tokens?: number
  input_audio_tokens?: number
  output_audio_tokens?: number
  images?: number
  characters?: number
  seconds?: number
  usage_bytes?: number
  num_sessions?: number
}

function openaiReport(
  options: AdminApiOptions,
  source: string,
  path: string,
  limit: number,
  groupBy: readonly string[],
  /** A result's own fields; the bucket's are added. */
  convert: (result: OpenAIResult) => Partial<InvoiceLine>,
): ReportSource {
  return {
    provider: 'openai',
    source,
    fetch: (from, to, onPage) =>
      followPages<OpenAIBucket>({
        name: `OpenAI ${source}`,
        from,
        to,
        readPage: async (cursor) =>
          (await getAdminJson(OPENAI_ADMIN_API, options, path, {
            start_time: Math.floor(from / 1000),
            end_time: Math.floor(to / 1000),
            bucket_width: '1d',
            limit,
            group_by: groupBy,
            ...(cursor ? { page: cursor } : {}),
          })) as WirePage<OpenAIBucket>,
        bucketEnd: (bucket) => bucket.end_time * 1000,
        onPage: (buckets, range) => {
          const page: ReportPage = { ...range, lines: [] }
          for (const bucket of buckets) {
            const base = {
              provider: 'openai' as const,
              source,
              bucket_start: bucket.start_time * 1000,
              bucket_end: bucket.end_time * 1000,
            }
            for (const result of bucket.results ?? []) {
              page.lines.push(invoiceLine({ ...base, ...convert(result) }))
              if (result.organization_id) page.organization ??= result.organization_id
            }
          }
          return onPage(page)
        },
      }),
  }
}

/**
 * A Costs result. The amount is a JSON float of dollars (0.13080438340307526): converted exactly
 * from its shortest decimal form, never multiplied. A line item names the model and what it prices
 * ("gpt-4o-2024-08-06, input", "gpt-4o-mini, cached input"); others name a product
 * ("fine-tuning training", "web search tool calls") and leave the model unknown.
 */
function costLine(result: OpenAIResult): Partial<InvoiceLine> {
  const lineItem = result.line_item ?? null
  return {
    ...modelOfLineItem(lineItem),
    line_item: lineItem,
    provider_project: result.project_id ?? null,
    api_key_id: result.api_key_id ?? null,
    amount_nanos: result.amount ? dollarsToNanos(result.amount.value) : null,
    currency: result.amount?.currency ?? null,
    quantity: count(result.quantity),
    quantity_unit: result.quantity_unit ?? null,
  }
}

/**
 * Splits "<model>, <what>" at the first ", " when the part before it can be a model id (model
 * ids have no spaces; product names like "file search, storage" do).
 */
function modelOfLineItem(lineItem: string | null): Pick<InvoiceLine, 'model' | 'token_type'> {
  const comma = lineItem?.indexOf(', ') ?? -1
  if (!lineItem || comma < 1 || /\s/.test(lineItem.slice(0, comma))) return { model: null, token_type: null }
  return { model: lineItem.slice(0, comma), token_type: lineItem.slice(comma + 2) }
}

/**
 * A Usage result, any endpoint: each endpoint fills its own fields and the rest stay unknown.
 * Counting rules: `input_tokens` already includes the cached ones (`input_cached_tokens` is a
 * part of it, never added); images' `size` and `source`, which the table has no columns for, are
 * kept as the line item ("image.generation, 1024x1024") so that the lines they group apart differ.
 */
function usageLine(result: OpenAIResult): Partial<InvoiceLine> {
  const imageKind = [result.source, result.size].filter((part) => typeof part === 'string').join(', ')
  return {
    provider_project: result.project_id ?? null,
    api_key_id: result.api_key_id ?? null,
    model: result.model ?? null,
    line_item: imageKind || null,
    batch: typeof result.batch === 'boolean' ? result.batch : null,
    service_tier: result.service_tier ?? null,
    requests: count(result.num_model_requests),
    input_tokens: count(result.input_tokens),
    cache_read_tokens: count(result.input_cached_tokens),
    output_tokens: count(result.output_tokens),
    input_audio_tokens: count(result.input_audio_tokens),
    output_audio_tokens: count(result.output_audio_tokens),
    images: count(result.images),
    characters: count(result.characters),
    seconds: count(result.seconds),
    usage_bytes: count(result.usage_bytes),
    sessions: count(result.num_sessions),
  }
}
