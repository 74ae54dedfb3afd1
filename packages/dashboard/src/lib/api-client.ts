// Typed client for the server's HTTP API (docs/api.md), with the server's own types
// (`@spendlens/server/api-types`). URLs are relative ("api/query"), so the dashboard keeps working
// when a proxy serves the server under a path prefix.

import type { QueryRequest, QueryRow } from '@spendlens/server/api-types'

/**
 * The header that names the project a request acts on (docs/security.md "Projects"). Without
 * it the server uses the credential's default project.
 */
export const PROJECT_HEADER = 'X-Spendlens-Project'

/** A failed API call, with a message a person can act on. */
export class ApiError extends Error {
  readonly status: number | undefined
  readonly code: string | undefined
  /** On a 429: how long the server asks to wait, from its `Retry-After` header. */
  readonly retryAfterSeconds: number | undefined

  constructor(message: string, status?: number, code?: string, retryAfterSeconds?: number) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * Whether an error means the dashboard is not signed in (any more): the session lapsed, its key was
 * revoked or its user disabled, or the server restarted (sessions live in its memory).
 */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401
}

/**
 * Whether a failed query is worth one more try: not when the server refused it (4xx), which
 * asking again would not change; a 401 in particular goes straight to the sign-in screen.
 */
export function shouldRetry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status !== undefined && error.status < 500) return false
  return failures < 1
}

export interface RequestOptions {
  signal?: AbortSignal
  /** Sent as {@link PROJECT_HEADER}; undefined: the credential's default project. */
  project?: string
}

export type QueryParams = Record<string, string | number | undefined> | readonly (readonly [string, string])[]

/** A relative API URL; array params may repeat a key (`?feature=a&feature=b`). */
export function apiUrl(path: string, params: QueryParams = {}): string {
  const search = new URLSearchParams()
  const entries = Array.isArray(params) ? params : Object.entries(params)
  for (const [key, value] of entries) {
    if (value !== undefined) search.append(key, String(value))
  }
  const query = search.toString()
  return query ? `${path}?${query}` : path
}

function retryAfter(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'))
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined
}

/**
 * One API request. The dashboard's credential is its session cookie, which the browser sends on
 * its own to the same origin: no key is ever held in page state or storage.
 */
async function send<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body: unknown,
  { signal, project }: RequestOptions = {},
): Promise<T> {
  const path = url.split('?')[0] ?? url
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (project !== undefined) headers[PROJECT_HEADER] = project
  let response: Response
  try {
    response = await fetch(url, {
      method,
      signal,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (error) {
    if (signal?.aborted) throw error
    throw new ApiError(`Could not reach the spendlens server (${method} ${path} failed).`)
  }
  if (!response.ok) {
    const answer = (await response.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string } }
      | undefined
    const detail = answer?.error?.message ?? response.statusText
    throw new ApiError(
      `The server answered ${response.status} to ${method} ${path}: ${detail}`,
      response.status,
      answer?.error?.code,
      response.status === 429 ? retryAfter(response) : undefined,
    )
  }
  try {
    return (await response.json()) as T
  } catch {
    throw new ApiError(`${method} ${path} did not return JSON: is this page served by the spendlens server?`)
  }
}

/** GETs an API URL (from {@link apiUrl}) and returns its JSON, or throws an {@link ApiError}. */
export function getJson<T>(url: string, options?: RequestOptions): Promise<T> {
  return send<T>('GET', url, undefined, options)
}

/** POSTs a JSON body and returns the JSON answer, or throws an {@link ApiError}. */
export function postJson<T>(url: string, body: unknown, options?: RequestOptions): Promise<T> {
  return send<T>('POST', url, body, options)
}

/** PUTs a JSON body and returns the JSON answer, or throws an {@link ApiError}. */
export function putJson<T>(url: string, body: unknown, options?: RequestOptions): Promise<T> {
  return send<T>('PUT', url, body, options)
}

/** DELETEs an API URL and returns its JSON answer, or throws an {@link ApiError}. */
export function deleteJson<T>(url: string, options?: RequestOptions): Promise<T> {
  return send<T>('DELETE', url, undefined, options)
}

/** POST /api/query: the rows of one AnalyticsQuery. */
export async function postQuery(request: QueryRequest, options?: RequestOptions): Promise<QueryRow[]> {
  const answer = await send<{ rows: QueryRow[] }>('POST', 'api/query', request, options)
  return answer.rows
}
