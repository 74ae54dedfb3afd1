import type { Scope } from '../lib/scope'
import { scopeQuery } from '../lib/scope'
import { UNPRICED_MODELS_QUERY } from '../lib/unpriced-models'
import { allAtOnce, type ViewContext, type ViewRequests } from './view-requests'

/** Every model the scope's calls had no price for, by feature. */
export const unpricedModelsQuery = (scope: Scope) => scopeQuery(scope, UNPRICED_MODELS_QUERY)

/** The unpriced models view: one query. */
export const unpricedRequests = ({ scope }: ViewContext): ViewRequests =>
  allAtOnce([{ name: 'unpriced models', request: unpricedModelsQuery(scope) }])
