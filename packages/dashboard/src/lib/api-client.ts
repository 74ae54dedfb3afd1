// Typed client for the server's HTTP API (docs/api.md), with the server's own types
// (`@spendlens/server/api-types`). URLs are relative ("api/query"), so the dashboard keeps working
// when a proxy serves the server under a path prefix.

import type { QueryRequest, QueryRow } from '@spendlens/server/api-types'

/** A failed API call, with a message a person can act on. */
export class ApiError extends Error {
  readonly status: number | undefined
  readonly code: string | undefined

  constructor(message: string, status?: number, code?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
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

async function send<T>(method: 'GET' | 'POST', url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const path = url.split('?')[0] ?? url
  let response: Response
  try {
    response = await fetch(url, {
      method,
      signal,
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
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
    )
  }
  try {
    return (await response.json()) as T
  } catch {
    throw new ApiError(`${method} ${path} did not return JSON: is this page served by the spendlens server?`)
  }
}

/** GETs an API URL (from {@link apiUrl}) and returns its JSON, or throws an {@link ApiError}. */
export function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return send<T>('GET', url, undefined, signal)
}

/** POST /api/query: the rows of one AnalyticsQuery. */
export async function postQuery(request: QueryRequest, signal?: AbortSignal): Promise<QueryRow[]> {
  const answer = await send<{ rows: QueryRow[] }>('POST', 'api/query', request, signal)
  return answer.rows
}
