import { apiUrl } from '../lib/api-client'
import { filterParams } from '../lib/filters'
import { rangeParams, type Scope, scopeQuery } from '../lib/scope'
import { allAtOnce, type ViewContext, type ViewRequests } from './view-requests'

/** Events a page of the log lists. */
export const PAGE_SIZE = 50

/** The scope as GET /api/events parameters: a new scope starts again at the newest events. */
export const eventsScopeParams = (scope: Scope): [string, string][] => [
  ...rangeParams(scope.range),
  ...filterParams(scope.filters),
]

/** GET /api/events: a page of the scope's events, newest first, from `cursor` (none: the newest). */
export const eventsUrl = (scopeParams: readonly [string, string][], cursor: string | undefined) =>
  apiUrl('api/events', [
    ...scopeParams,
    ['limit', String(PAGE_SIZE)],
    ...(cursor ? [['cursor', cursor] as [string, string]] : []),
  ])

/** How many events the scope matches. */
export const matchingQuery = (scope: Scope) => scopeQuery(scope, { metrics: ['requests'] })

/** The requests view: its first page of events and how many match. */
export const requestsRequests = ({ scope }: ViewContext): ViewRequests =>
  allAtOnce([
    { name: 'events: first page', url: eventsUrl(eventsScopeParams(scope), undefined) },
    { name: 'events matching', request: matchingQuery(scope) },
  ])
