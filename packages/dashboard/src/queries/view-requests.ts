import type { Meta, QueryRequest } from '@spendlens/server/api-types'
import type { Scope } from '../lib/scope'
import type { ViewState } from '../lib/view-state'

/** A POST /api/query body a view sends, named by its panel. */
export interface NamedQuery {
  name: string
  request: QueryRequest
}

/** Another API request a view sends: GET `url`, or POST `url` with `body`. URLs are relative, as the dashboard's. */
export interface NamedCall {
  name: string
  url: string
  body?: unknown
}

export type ViewRequest = NamedQuery | NamedCall

/** The answers of a view's first requests by name: a query's rows, another call's JSON. */
export type Answers = ReadonlyMap<string, unknown>

/**
 * Every API request a view sends for its state, in two stages: what it asks at once when it opens
 * (`first`), then what waits for those answers (`after`: a stacked chart's series of its top values,
 * each budget's burn). bench:store times exactly these.
 */
export interface ViewRequests {
  first: ViewRequest[]
  after: (answers: Answers) => ViewRequest[]
}

/** What a view's requests are built from: its state, the scope derived from it, the store's meta. */
export interface ViewContext {
  scope: Scope
  view: ViewState
  meta: Pick<Meta, 'first_ts' | 'last_ts'> | undefined
}

export const isQuery = (entry: ViewRequest): entry is NamedQuery => 'request' in entry

/** What the dashboard's cache keys a request by: panels asking the same one share a single request. */
export const requestKey = (entry: ViewRequest): string =>
  isQuery(entry) ? `query ${JSON.stringify(entry.request)}` : `${entry.url} ${JSON.stringify(entry.body)}`

/** The requests that are asked (undefined: a panel that asks nothing now), each body once. */
export function listRequests(entries: readonly (ViewRequest | undefined)[]): ViewRequest[] {
  const byKey = new Map<string, ViewRequest>()
  for (const entry of entries) {
    if (!entry) continue
    const key = requestKey(entry)
    const known = byKey.get(key)
    byKey.set(key, known ? { ...known, name: `${known.name} = ${entry.name}` } : entry)
  }
  return [...byKey.values()]
}

/** Requests of a view that asks everything at once. */
export const allAtOnce = (first: readonly (ViewRequest | undefined)[]): ViewRequests => ({
  first: listRequests(first),
  after: () => [],
})

/** Views made of parts, each with its own stages: their first requests together, then their later ones. */
export function combine(parts: readonly ViewRequests[]): ViewRequests {
  return {
    first: listRequests(parts.flatMap((part) => part.first)),
    after: (answers) => listRequests(parts.flatMap((part) => part.after(answers))),
  }
}

/** A named query, or nothing when there is no body to ask. */
export const named = (name: string, request: QueryRequest | undefined): NamedQuery | undefined =>
  request ? { name, request } : undefined
