import type { Dimension, Metric } from '@spendlens/server/api-types'
import { CHARGED_TOTAL_QUERY, chargedModelsQuery } from '../lib/charged-costs'
import { type Scope, scopeQuery } from '../lib/scope'
import type { ModelGrain, ViewState } from '../lib/view-state'
import { addDays, dateLabel, daysBetween, parseDateLabel, startOfDateLabel } from '../lib/zoned-time'
import { axisLength, modelMigrationsCall, whatIfCalls } from './panel-queries'
import { stackedSeriesQueries, stackedSeriesRequests } from './series-queries'
import { allAtOnce, combine, named, type ViewContext, type ViewRequests } from './view-requests'

/** What providers and models are compared on, side by side. */
export const COMPARE_METRICS = [
  'requests',
  'cost_usd',
  'cost_per_request',
  'avg_tokens_per_request',
  'p50_latency_ms',
  'p95_latency_ms',
  'error_rate',
] as const satisfies readonly Metric[]

/**
 * The dimension a model is read by: its catalog family (an alias, its snapshots and the failed calls
 * that asked for it, docs/event-schema.md), or the snapshot each call reported.
 */
export const MODEL_DIMENSION = { family: 'model_family', snapshot: 'model' } as const satisfies Record<
  ModelGrain,
  Dimension
>

/** How many models the mix chart stacks by name. */
export const MIX_TOP = 6

export const providersQuery = (scope: Scope) =>
  scopeQuery(scope, {
    groupBy: ['provider'],
    metrics: [...COMPARE_METRICS, 'cache_hit_rate'],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: 50,
  })

/** Every model side by side, by family or by snapshot under its family. */
export const modelsQuery = (scope: Scope, grain: ModelGrain) =>
  scopeQuery(scope, {
    groupBy: grain === 'family' ? ['provider', 'model_family'] : ['provider', 'model_family', 'model'],
    metrics: [...COMPARE_METRICS, 'cache_hit_rate'],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: 200,
  })

/** Every feature × model: the trade-off chart and the feature table. */
export const featureModelsQuery = (scope: Scope, grain: ModelGrain) =>
  scopeQuery(scope, {
    groupBy: ['feature', 'provider', MODEL_DIMENSION[grain]],
    metrics: [...COMPARE_METRICS],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: 500,
  })

/** The calls their provider charged, per model at `model` (the view's grain): the charged panel. */
export const chargedModelsRequest = (scope: Scope, model: Dimension) =>
  scopeQuery(scope, chargedModelsQuery(model))

/** The scope's totals of the charged calls: the charged panel's last row. */
export const chargedTotalRequest = (scope: Scope) => scopeQuery(scope, CHARGED_TOTAL_QUERY)

/** The model mix over time: each model's requests (or cost) per bucket, stacked. */
export function mixShape(scope: Scope, view: Pick<ViewState, 'mix' | 'models'>) {
  return {
    dimension: MODEL_DIMENSION[view.models],
    metric: view.mix === 'cost' ? ('cost_usd' as const) : ('requests' as const),
    top: MIX_TOP,
    axisLength: axisLength(scope),
  }
}

export const mixQueries = (scope: Scope, view: Pick<ViewState, 'mix' | 'models'>) =>
  stackedSeriesQueries(scope, mixShape(scope, view))

/**
 * Before and after a day, per feature: the chosen day (`view.split` when within the span, else its
 * middle), and what each side asks (features' figures, and requests by feature × model for the main model).
 */
export function migrationQueries(scope: Scope, view: Pick<ViewState, 'split' | 'models'>) {
  const span = scope.span
  const first = span ? dateLabel(span.from, scope.timeZone) : undefined
  const last = span ? addDays(dateLabel(span.to, scope.timeZone), -1) : undefined
  const middle = first && last ? addDays(first, Math.floor(daysBetween(first, last) / 2) + 1) : undefined
  const split = view.split && first && last && view.split > first && view.split <= last ? view.split : middle
  const splitAt = split && parseDateLabel(split) ? startOfDateLabel(split, scope.timeZone) : undefined
  const before = splitAt && span ? { from: span.from, to: splitAt } : undefined
  const after = splitAt && span ? { from: splitAt, to: span.to } : undefined
  const metrics = ['requests', 'cost_usd', 'cost_per_request', 'p95_latency_ms'] as const
  const features = (range: typeof before) =>
    range ? scopeQuery(scope, { range, groupBy: ['feature'], metrics: [...metrics], limit: 200 }) : undefined
  const models = (range: typeof before) =>
    range
      ? scopeQuery(scope, {
          range,
          groupBy: ['feature', MODEL_DIMENSION[view.models]],
          metrics: ['requests'],
          limit: 1000,
        })
      : undefined
  return {
    first,
    last,
    split,
    featuresBefore: features(before),
    featuresAfter: features(after),
    modelsBefore: models(before),
    modelsAfter: models(after),
  }
}

/**
 * The models view: providers, models, feature × model (trade-off and table), the calls their
 * provider charged, what-if, the model mix, the model migrations found, and the before/after of a day.
 */
export function modelsRequests({ scope, view }: ViewContext): ViewRequests {
  const migration = migrationQueries(scope, view)
  return combine([
    allAtOnce([
      { name: 'providers', request: providersQuery(scope) },
      { name: 'models', request: modelsQuery(scope, view.models) },
      { name: 'feature × model', request: featureModelsQuery(scope, view.models) },
      { name: 'charged by the provider', request: chargedModelsRequest(scope, MODEL_DIMENSION[view.models]) },
      { name: 'charged totals', request: chargedTotalRequest(scope) },
      ...whatIfCalls(scope, view),
    ]),
    stackedSeriesRequests('model mix', scope, mixShape(scope, view)),
    allAtOnce([
      modelMigrationsCall(scope),
      named('before/after: features before', migration.featuresBefore),
      named('before/after: features after', migration.featuresAfter),
      named('before/after: models before', migration.modelsBefore),
      named('before/after: models after', migration.modelsAfter),
    ]),
  ])
}
