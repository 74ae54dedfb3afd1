import type { EventPage, QueryRequest, QueryRow } from '@spendlens/server/api-types'
import {
  type PlaceholderDataFunction,
  type QueryKey,
  type UseQueryResult,
  useQuery,
} from '@tanstack/react-query'
import { getJson, postQuery } from '../lib/api-client'
import { useDashboard } from './dashboard-context'

export interface QueryState<T> {
  /** The last answer; kept while a newer one loads, so nothing flashes empty. */
  data: T | undefined
  error: Error | null
  /** Nothing to show yet. */
  loading: boolean
  /**
   * Showing the answer to an older question while the new one loads (dim it). Never in live mode:
   * there the question moves with the clock, and dimming every minute would be the flicker live
   * mode must not have.
   */
  stale: boolean
  refetch: () => void
}

/**
 * The previous answer while a new one loads, as TanStack Query's `keepPreviousData` does, but only
 * within one project: after a switch, the other project's figures are never shown as this one's.
 * Query keys are `[kind, project, …]`.
 */
export function keepWithinProject<T>(project: string): PlaceholderDataFunction<T, Error, T, QueryKey> {
  return (previous, previousQuery) => (previousQuery?.queryKey[1] === project ? previous : undefined)
}

/** A query's state as panels read it; `stale` when the placeholder (an older answer) is shown and should be dimmed. */
export function toQueryState<T>(query: UseQueryResult<T>, dimPlaceholder: boolean): QueryState<T> {
  return {
    data: query.data,
    error: query.error,
    loading: query.data === undefined && (query.isLoading || query.isFetching),
    stale: query.isPlaceholderData && dimPlaceholder,
    refetch: () => void query.refetch(),
  }
}

/**
 * One POST /api/query, cached by its project and body. A changed body keeps showing the previous
 * rows until the new ones arrive; live mode refetches every few seconds, and an answer equal to the
 * previous one keeps the same objects (TanStack Query's structural sharing), so nothing re-renders
 * or redraws.
 * `undefined` asks nothing (a query that waits for another).
 */
export function useAnalyticsQuery(request: QueryRequest | undefined): QueryState<QueryRow[]> {
  const { refetchInterval, project } = useDashboard()
  const query = useQuery({
    queryKey: ['query', project, request],
    queryFn: ({ signal }) => postQuery(request as QueryRequest, { signal, project }),
    enabled: request !== undefined,
    placeholderData: keepWithinProject<QueryRow[]>(project),
    refetchInterval,
  })
  return toQueryState(query, refetchInterval === false)
}

/** One page of GET /api/events. */
export function useEventPage(url: string, live: boolean): QueryState<EventPage> {
  const { refetchInterval, project } = useDashboard()
  const query = useQuery({
    queryKey: ['events', project, url],
    queryFn: ({ signal }) => getJson<EventPage>(url, { signal, project }),
    placeholderData: keepWithinProject<EventPage>(project),
    refetchInterval: live ? refetchInterval : false,
  })
  return toQueryState(query, true)
}
