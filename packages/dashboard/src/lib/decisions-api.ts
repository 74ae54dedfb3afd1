// The decision endpoints (docs/decisions.md): the same calls priced at another model or tier, the
// model migrations the history shows, and the unit economics of outcomes and revenue.

import type {
  LongContextAnswer,
  ModelMigrationsAnswer,
  UnitEconomicsAnswer,
  WhatIfAnswer,
  WhatIfRequest,
  WhatIfTarget,
} from '@spendlens/server/api-types'
import { apiUrl, getJson, postJson, type RequestOptions } from './api-client'
import { filterParams, queryFilters } from './filters'
import { rangeParams, type Scope } from './scope'

/** POST /api/what-if for the scope's range and filters. */
export function whatIfRequest(scope: Scope, target: WhatIfTarget): WhatIfRequest {
  return {
    ...(scope.range.from ? { from: scope.range.from.toISOString() } : {}),
    ...(scope.range.to ? { to: scope.range.to.toISOString() } : {}),
    filters: queryFilters(scope.filters),
    target,
  }
}

export function fetchWhatIf(request: WhatIfRequest, options?: RequestOptions): Promise<WhatIfAnswer> {
  return postJson<WhatIfAnswer>('api/what-if', request, options)
}

/** The scope as GET parameters: range, time zone, filters. */
function scopeParams(scope: Scope): [string, string][] {
  return [...rangeParams(scope.range), ['tz', scope.timeZone], ...filterParams(scope.filters)]
}

/** GET /api/model-migrations in the scope. */
export function modelMigrationsUrl(scope: Scope): string {
  return apiUrl('api/model-migrations', scopeParams(scope))
}

export function fetchModelMigrations(url: string, options?: RequestOptions): Promise<ModelMigrationsAnswer> {
  return getJson<ModelMigrationsAnswer>(url, options)
}

/** GET /api/unit-economics in the scope, customers flagged past `maxCostShare` of their revenue. */
export function unitEconomicsUrl(scope: Scope, maxCostShare: number): string {
  return apiUrl('api/unit-economics', [
    ...scopeParams(scope).filter(([key]) => key !== 'tz'),
    ['max_cost_share', String(maxCostShare)],
  ])
}

export function fetchUnitEconomics(url: string, options?: RequestOptions): Promise<UnitEconomicsAnswer> {
  return getJson<UnitEconomicsAnswer>(url, options)
}

/** GET /api/long-context in the scope (no time zone: it has no buckets). */
export function longContextUrl(scope: Scope): string {
  return apiUrl(
    'api/long-context',
    scopeParams(scope).filter(([key]) => key !== 'tz'),
  )
}

export function fetchLongContext(url: string, options?: RequestOptions): Promise<LongContextAnswer> {
  return getJson<LongContextAnswer>(url, options)
}
