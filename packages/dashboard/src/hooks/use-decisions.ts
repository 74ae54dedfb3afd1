import type {
  LongContextAnswer,
  ModelMigrationsAnswer,
  UnitEconomicsAnswer,
  WhatIfAnswer,
  WhatIfTarget,
} from '@spendlens/server/api-types'
import { useQuery } from '@tanstack/react-query'
import {
  fetchLongContext,
  fetchModelMigrations,
  fetchUnitEconomics,
  fetchWhatIf,
  longContextUrl,
  modelMigrationsUrl,
  unitEconomicsUrl,
  whatIfRequest,
} from '../lib/decisions-api'
import { useDashboard } from './dashboard-context'
import { keepWithinProject, type QueryState, toQueryState } from './use-analytics-query'

/** POST /api/what-if for the scope, once a target is chosen (`undefined` asks nothing). */
export function useWhatIf(target: WhatIfTarget | undefined): QueryState<WhatIfAnswer> {
  const { project, scope, refetchInterval } = useDashboard()
  const request = target ? whatIfRequest(scope, target) : undefined
  const query = useQuery({
    queryKey: ['what-if', project, request],
    queryFn: ({ signal }) => fetchWhatIf(request as NonNullable<typeof request>, { signal, project }),
    enabled: request !== undefined,
    placeholderData: keepWithinProject<WhatIfAnswer>(project),
    refetchInterval,
    // A target the catalog does not know is the answer, not a failure worth another try.
    retry: false,
  })
  return toQueryState(query, refetchInterval === false)
}

/** GET /api/model-migrations for the scope. */
export function useModelMigrations(): QueryState<ModelMigrationsAnswer> {
  const { project, scope, refetchInterval } = useDashboard()
  const url = modelMigrationsUrl(scope)
  const query = useQuery({
    queryKey: ['model-migrations', project, url],
    queryFn: ({ signal }) => fetchModelMigrations(url, { signal, project }),
    placeholderData: keepWithinProject<ModelMigrationsAnswer>(project),
    refetchInterval,
  })
  return toQueryState(query, refetchInterval === false)
}

/** GET /api/unit-economics for the scope. */
export function useUnitEconomics(maxCostShare: number): QueryState<UnitEconomicsAnswer> {
  const { project, scope, refetchInterval } = useDashboard()
  const url = unitEconomicsUrl(scope, maxCostShare)
  const query = useQuery({
    queryKey: ['unit-economics', project, url],
    queryFn: ({ signal }) => fetchUnitEconomics(url, { signal, project }),
    placeholderData: keepWithinProject<UnitEconomicsAnswer>(project),
    refetchInterval,
  })
  return toQueryState(query, refetchInterval === false)
}

/** GET /api/long-context for the scope: calls near or past a model's long-context price tier. */
export function useLongContext(): QueryState<LongContextAnswer> {
  const { project, scope, refetchInterval } = useDashboard()
  const url = longContextUrl(scope)
  const query = useQuery({
    queryKey: ['long-context', project, url],
    queryFn: ({ signal }) => fetchLongContext(url, { signal, project }),
    placeholderData: keepWithinProject<LongContextAnswer>(project),
    refetchInterval,
  })
  return toQueryState(query, refetchInterval === false)
}
