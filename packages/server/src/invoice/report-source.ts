import type { InvoiceLine, InvoiceProvider } from '../schema/invoice-table.js'

/**
 * One of a provider's admin reports (OpenAI Costs or a Usage endpoint, Anthropic's cost or messages
 * usage report) as the sync reads it: daily buckets, fetched page by page, each page handed over
 * as soon as it arrives so that a sync stopped half way keeps what it stored.
 */
export interface ReportSource {
  provider: InvoiceProvider
  /** The name its lines are stored under (InvoiceLine.source): `costs`, `usage/completions`, … */
  source: string
  /**
   * Reads the buckets starting in [from, to) (epoch ms, whole UTC days), following pages to the
   * end. `onPage` gets each page: the range its buckets cover (the first page's from `from`, the
   * last page's to `to`, so that the pages together cover the whole request and a bucket the
   * provider no longer reports is replaced by nothing) and its lines.
   */
  fetch(from: number, to: number, onPage: (page: ReportPage) => Promise<void>): Promise<void>
}

export interface ReportPage {
  /** Epoch ms: the lines' buckets start in [from, to). */
  from: number
  to: number
  lines: InvoiceLine[]
  /** The organization the provider names in the page, when it does (OpenAI cost results). */
  organization?: string
}

/** Where and how to reach a provider's admin API. */
export interface AdminApiOptions {
  /** The admin key (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY). */
  key: string
  /** Default https://api.openai.com, https://api.anthropic.com; tests and proxies point elsewhere. */
  baseUrl?: string
  /** Waits before retrying a 5xx or a network failure, doubling each time (default 1000 ms). */
  retryBaseMs?: number
  /** Attempts per request before giving up (default 6). */
  maxAttempts?: number
  /** Longest wait a 429's Retry-After is honoured for before the sync gives up (default 120 s). */
  maxRetryAfterMs?: number
  /** Told of each wait (a 429 or a retried failure), for the CLI and the logs. */
  onRetry?: (reason: string, waitMs: number) => void
}

/** A provider refused the admin key (401/403): what the user must do, in one line. */
export class AdminKeyError extends Error {
  override name = 'AdminKeyError'
}
