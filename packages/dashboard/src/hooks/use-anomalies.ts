import type { AlertDeliveriesAnswer, Anomaly, Filter } from '@spendlens/server/api-types'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useMemo } from 'react'
import {
  fetchAlertDeliveries,
  fetchAnomalies,
  type SettableAnomalyState,
  setAnomalyState,
} from '../lib/anomalies-api'
import { isRelevantToFilters, overlapsRange } from '../lib/anomaly-list'
import { anomaliesRequest } from '../queries/panel-queries'
import { useDashboard } from './dashboard-context'
import { keepWithinProject, type QueryState, toQueryState } from './use-analytics-query'

/** Every anomaly query of a project: what a change of state makes stale. */
const anomaliesKey = (project: string) => ['anomalies', project] as const

/**
 * Detection runs every few minutes: an answer younger than this is not asked again when another
 * view mounts (Refresh and live mode still ask).
 */
const ANOMALIES_STALE_MS = 30_000

/**
 * The project's anomalies still going on after the start of the time controls' range, in every
 * state (GET /api/anomalies): one request, cached by project and range, shared by the Anomalies view
 * and every chart that marks them. Its failure is said where it matters (the Anomalies view's
 * panel, a line under a chart), not in the page's error banner: charts draw without their markers.
 */
export function useAnomalies(): QueryState<Anomaly[]> {
  const { project, scope, refetchInterval } = useDashboard()
  const { since } = anomaliesRequest(scope)
  const query = useQuery({
    queryKey: [...anomaliesKey(project), 'list', since ?? 'all'],
    queryFn: async ({ signal }) => (await fetchAnomalies({ since }, { signal, project })).anomalies,
    placeholderData: keepWithinProject<Anomaly[]>(project),
    staleTime: ANOMALIES_STALE_MS,
    refetchInterval,
    meta: { optional: true },
  })
  return toQueryState(query, refetchInterval === false)
}

export interface AnomalyMarkers {
  /** The anomalies of the range about the traffic the filters keep; muted ones left out. */
  anomalies: Anomaly[]
  error: Error | null
}

/**
 * The anomalies a chart of the current view marks: those overlapping its range and relevant to its
 * filters and `extraFilters` (a customer's page). None while they load or when they fail.
 */
export function useAnomalyMarkers(extraFilters: readonly Filter[] = []): AnomalyMarkers {
  const { scope } = useDashboard()
  const { data, error } = useAnomalies()
  const extraKey = JSON.stringify(extraFilters)
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the extra filters' content
  const anomalies = useMemo(() => {
    const filters = [...scope.filters, ...extraFilters]
    return (data ?? []).filter(
      (anomaly) =>
        anomaly.state !== 'muted' &&
        overlapsRange(anomaly, scope.range) &&
        isRelevantToFilters(anomaly, filters),
    )
  }, [data, scope.filters, scope.range, extraKey])
  return { anomalies, error }
}

/** The alert messages sent about the project's anomalies (GET /api/alerts/deliveries). */
export function useAlertDeliveries(): QueryState<AlertDeliveriesAnswer> {
  const { project, refetchInterval } = useDashboard()
  const query = useQuery({
    queryKey: [...anomaliesKey(project), 'deliveries'],
    queryFn: ({ signal }) => fetchAlertDeliveries({ signal, project }),
    placeholderData: keepWithinProject<AlertDeliveriesAnswer>(project),
    refetchInterval,
  })
  return toQueryState(query, false)
}

/** Acknowledges, mutes or reopens an anomaly (admin), then asks for the project's anomalies again. */
export function useSetAnomalyState() {
  const { project } = useDashboard()
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ id, state }: { id: string; state: SettableAnomalyState }) =>
      setAnomalyState(id, state, { project }),
    onSettled: () => client.invalidateQueries({ queryKey: anomaliesKey(project) }),
  })
}
