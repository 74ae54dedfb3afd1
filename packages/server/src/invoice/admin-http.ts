import { SERVER_VERSION } from '../version.js'
import { type AdminApiOptions, AdminKeyError } from './report-source.js'

/** What differs between the providers' admin APIs at the HTTP level. */
export interface AdminApi {
  /** Named in errors: `OpenAI`, `Anthropic`. */
  name: string
  defaultBaseUrl: string
  /** The key's headers and any the API requires (Anthropic's version). */
  headers: (key: string) => Record<string, string>
  /** What a refused key means and where to make the right one: the whole of an AdminKeyError. */
  keyHelp: string
}

/** A request that hangs is retried as a network failure; a day's report page is small. */
const REQUEST_TIMEOUT_MS = 60_000
/** When a 429 comes without Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 5_000

/**
 * GETs `path` (with `query`, whose arrays become repeated parameters) from an admin API and
 * answers the parsed JSON body, under one retry policy for both providers:
 * - 429: waits as long as Retry-After says (seconds or an HTTP date; 5 s without one), and gives
 *   up at once if that is longer than `maxRetryAfterMs` (a sync should not sleep for an hour).
 * - 5xx, network failures and timeouts: waits `retryBaseMs`, doubling, with a little jitter.
 * - Every failed attempt counts towards `maxAttempts`, 429s included, so a server that never
 *   recovers ends the sync instead of holding it forever.
 * - 401/403: AdminKeyError at once. Any other 4xx: an Error at once (retrying will not fix it).
 * The key is never part of an error: providers echo keys in their messages, so it is masked.
 */
export async function getAdminJson(
  api: AdminApi,
  options: AdminApiOptions,
  path: string,
  query: Record<string, string | number | readonly string[]>,
): Promise<unknown> {
  const url = new URL(path, options.baseUrl ?? api.defaultBaseUrl)
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item))
  }
  const maxAttempts = options.maxAttempts ?? 6
  const retryBaseMs = options.retryBaseMs ?? 1000
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000
  const what = `${api.name} GET ${url.pathname}`
  const headers = {
    accept: 'application/json',
    'user-agent': `spendlens/${SERVER_VERSION}`,
    ...api.headers(options.key),
  }
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptGet(url, headers)
    if ('body' in outcome) return outcome.body
    const { status } = outcome
    if (status === 401 || status === 403)
      throw new AdminKeyError(`${api.name} answered ${status}: ${api.keyHelp}`)
    const message = mask(outcome.message, options.key)
    const failure = status === null ? message : `${status}${message ? ` (${message})` : ''}`
    if (status !== null && status !== 429 && status < 500) throw new Error(`${what} failed: ${failure}`)
    if (attempt >= maxAttempts) throw new Error(`${what} failed after ${attempt} attempts: ${failure}`)
    const waitMs = status === 429 ? retryAfterMs(outcome.retryAfter) : backoffMs(retryBaseMs, attempt)
    if (status === 429 && waitMs > maxRetryAfterMs) {
      const asked = Math.ceil(waitMs / 1000)
      throw new Error(
        `${what}: rate limited (429) for ${asked} s, more than maxRetryAfterMs allows (${maxRetryAfterMs} ms)`,
      )
    }
    options.onRetry?.(`${what}: ${failure}; attempt ${attempt} of ${maxAttempts}`, waitMs)
    await new Promise((resolve) => setTimeout(resolve, waitMs))
  }
}

/** `base`, doubling each attempt, plus up to a tenth so that many clients do not retry in step. Also used by alerts/. */
export function backoffMs(base: number, attempt: number): number {
  return Math.round(base * 2 ** (attempt - 1) * (1 + Math.random() / 10))
}

type Outcome = { body: unknown } | { status: number | null; message: string; retryAfter: string | null }

/** One try: the body of a 2xx, or why not (status null for a network failure, a timeout, a broken body). */
async function attemptGet(url: URL, headers: Record<string, string>): Promise<Outcome> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    const text = await response.text()
    if (response.ok) {
      try {
        return { body: JSON.parse(text) }
      } catch {
        // A body cut short by the connection, or a proxy's HTML page: worth another try.
        return { status: null, message: `${response.status} with a body that is not JSON`, retryAfter: null }
      }
    }
    return {
      status: response.status,
      message: providerMessage(text),
      retryAfter: response.headers.get('retry-after'),
    }
  } catch (error) {
    // undici says "fetch failed" and keeps the reason (ECONNREFUSED, a reset) in `cause`.
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ''
    const message = `${error instanceof Error ? error.message : String(error)}${cause}`
    return { status: null, message: `network error: ${message}`, retryAfter: null }
  }
}

/** Both providers put it in `error.message`; anything else is shown as it came, cut short. */
function providerMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message
    if (typeof message === 'string') return message
  } catch {}
  return text.slice(0, 200)
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date (RFC 9110). Also used by alerts/. */
export function retryAfterMs(header: string | null): number {
  if (header === null || header.trim() === '') return DEFAULT_RETRY_AFTER_MS
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, date - Date.now())
}

function mask(text: string, key: string): string {
  return key ? text.split(key).join('***') : text
}
