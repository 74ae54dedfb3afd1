import type { Column, ColumnType, ColumnValue, Table } from './table.js'

/**
 * What a provider itself says an organization used and was billed, day by day: the lines of its
 * admin usage and cost reports (invoice/), kept beside the cost events so the two can be
 * reconciled (invoice/reconcile.ts). One line is one result of one bucket of one report.
 *
 * The same conventions as cost events: snake_case, money as integer nano-dollars, a count the
 * provider did not give is null (never 0), and `input_tokens` is ALL input, cache reads and writes
 * included, whatever the provider calls it.
 */
export interface InvoiceLine {
  provider: InvoiceProvider
  /**
   * The report the line came from: OpenAI `costs` and `usage/<endpoint>` (`usage/completions`,
   * `usage/embeddings`, …); Anthropic `cost_report` and `usage_report/messages`.
   */
  source: string
  /** The provider's bucket, epoch milliseconds (UTC days: the providers' own). */
  bucket_start: number
  bucket_end: number
  /** The provider's project (OpenAI `project_id`) or workspace (Anthropic `workspace_id`). */
  provider_project: string | null
  api_key_id: string | null
  /** The model as the provider names it (often a dated snapshot). */
  model: string | null
  /** OpenAI `line_item` ("gpt-4o-2024-08-06, input"), Anthropic `description`. */
  line_item: string | null
  /** Anthropic `cost_type` (tokens, web_search, code_execution, …). */
  cost_type: string | null
  /** What a cost line prices: Anthropic `token_type`, or the part of an OpenAI line item after the model. */
  token_type: string | null
  service_tier: string | null
  context_window: string | null
  batch: boolean | null
  /** Cost lines: the amount in integer nano-dollars. */
  amount_nanos: number | null
  currency: string | null
  /** Cost lines: what the amount is for, when the provider says (OpenAI `quantity`, `quantity_unit`). */
  quantity: number | null
  quantity_unit: string | null
  /** Usage lines: model requests. */
  requests: number | null
  input_tokens: number | null
  cache_read_tokens: number | null
  cache_write_tokens: number | null
  cache_write_1h_tokens: number | null
  output_tokens: number | null
  input_audio_tokens: number | null
  output_audio_tokens: number | null
  images: number | null
  characters: number | null
  seconds: number | null
  web_search_requests: number | null
  /** Code interpreter sessions. */
  sessions: number | null
  /** Vector store bytes. */
  usage_bytes: number | null
}

export const INVOICE_PROVIDERS = ['openai', 'anthropic'] as const
export type InvoiceProvider = (typeof INVOICE_PROVIDERS)[number]

export const isInvoiceProvider = (value: string): value is InvoiceProvider =>
  (INVOICE_PROVIDERS as readonly string[]).includes(value)

/** A line as stored: with the spendlens project the provider's organization is synced into. */
export type StoredInvoiceLine = InvoiceLine & { project: string }

/**
 * What one sync step replaces: every line of one report of one provider in one project whose
 * bucket starts in [from, to). A bucket fetched again (the providers revise the last days) replaces
 * what was stored for it, so a sync run twice never counts anything twice.
 */
export interface InvoiceRange {
  project: string
  provider: InvoiceProvider
  source: string
  /** Epoch milliseconds. */
  from: number
  to: number
}

type Key = Exclude<keyof StoredInvoiceLine, never>

const column = (
  name: Key,
  type: ColumnType,
  nullable: boolean,
  cardinality?: 'unique' | 'high' | 'low',
): Column<StoredInvoiceLine> => ({
  name,
  type,
  nullable,
  ...(cardinality ? { cardinality } : {}),
  read: (line) => line[name] as ColumnValue,
})
const text = (name: Key, cardinality: 'high' | 'low' = 'low') => column(name, 'text', true, cardinality)
const count = (name: Key) => column(name, 'int64', true)

/**
 * The invoice lines table, declared once for both engines (migrations, writes, reads, exports).
 * Bucket bounds are epoch milliseconds (whole numbers compare the same way in both dialects).
 */
export const INVOICE_TABLE: Table<Column<StoredInvoiceLine>> = {
  name: 'invoice_lines',
  columns: [
    column('project', 'text', false, 'low'),
    column('provider', 'text', false, 'low'),
    column('source', 'text', false, 'low'),
    column('bucket_start', 'int64', false),
    column('bucket_end', 'int64', false),
    text('provider_project'),
    text('api_key_id'),
    text('model'),
    text('line_item'),
    text('cost_type'),
    text('token_type'),
    text('service_tier'),
    text('context_window'),
    column('batch', 'boolean', true),
    count('amount_nanos'),
    text('currency'),
    column('quantity', 'double', true),
    text('quantity_unit'),
    count('requests'),
    count('input_tokens'),
    count('cache_read_tokens'),
    count('cache_write_tokens'),
    count('cache_write_1h_tokens'),
    count('output_tokens'),
    count('input_audio_tokens'),
    count('output_audio_tokens'),
    count('images'),
    count('characters'),
    column('seconds', 'double', true),
    count('web_search_requests'),
    count('sessions'),
    count('usage_bytes'),
  ],
}

/** Every field of a line, in the table's order (for tests and exports). */
export const INVOICE_LINE_FIELDS = INVOICE_TABLE.columns
  .map((current) => current.name)
  .filter((name) => name !== 'project') as (keyof InvoiceLine)[]

/** A line with every field absent but those given: what converters start from. */
export function invoiceLine(
  fields: Pick<InvoiceLine, 'provider' | 'source' | 'bucket_start' | 'bucket_end'> & Partial<InvoiceLine>,
): InvoiceLine {
  const line = Object.fromEntries(INVOICE_LINE_FIELDS.map((name) => [name, null])) as unknown as InvoiceLine
  return Object.assign(line, fields)
}
