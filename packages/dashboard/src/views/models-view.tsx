import type { QueryRow } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { scatterOption } from '../charts/scatter'
import { timeSeriesOption } from '../charts/time-series'
import { Chart } from '../components/chart'
import { type Column, DataTable } from '../components/data-table'
import { HiddenTable } from '../components/hidden-table'
import { Panel, QueryBody } from '../components/panel'
import { Segmented } from '../components/segmented'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { useChartTheme } from '../hooks/use-chart-theme'
import { useStackedSeries } from '../hooks/use-stacked-series'
import { drillDown } from '../lib/filters'
import { formatChange, formatInteger, formatLatency, formatPercent, formatUsd } from '../lib/format'
import { comparePeriods } from '../lib/period-comparison'
import { sumUsd, toShares } from '../lib/series'
import { MODEL_GRAINS, type ModelGrain } from '../lib/view-state'
import { addDays } from '../lib/zoned-time'
import {
  featureModelsQuery,
  MIX_TOP,
  MODEL_DIMENSION,
  migrationQueries,
  mixShape,
  modelsQuery,
  providersQuery,
} from '../queries/models-queries'
import {
  avgTokensColumn,
  costColumn,
  costPerRequestColumn,
  latencyColumn,
  nameColumn,
  rateColumn,
  requestsColumn,
  shareColumn,
} from './breakdown-columns'
import { ChargedCostPanel } from './charged-cost-panel'
import { NoEventsHint } from './cost-over-time-panel'
import { ModelMigrationsPanel } from './model-migrations-panel'
import { WhatIfPanel } from './what-if-panel'

/** A model's name in a row, by the view's grain. */
function modelName(row: QueryRow, grain: ModelGrain): string {
  return String(row[MODEL_DIMENSION[grain]] ?? '')
}

/** The Family / Snapshot switch: the grain of every model on the view. */
function ModelGrainSwitch() {
  const { view, update } = useDashboard()
  return (
    <Segmented
      label="Models by"
      small
      options={MODEL_GRAINS}
      value={view.models}
      onChange={(models) => update({ models })}
      testIdPrefix="model-grain-"
    />
  )
}

/**
 * Which provider and which model, per feature; what a provider charged against the catalog's price;
 * what the calls would cost at another model; the model mix over time; the migrations found, and a migration's before and after. Models are catalog
 * families unless the view is switched to snapshots.
 */
export function ModelsView() {
  return (
    <div className="grid">
      <ProvidersPanel />
      <ModelsPanel />
      <ChargedModelsPanel />
      <TradeoffPanel />
      <FeatureModelsPanel />
      <WhatIfPanel />
      <MixPanel />
      <ModelMigrationsPanel />
      <MigrationPanel />
    </div>
  )
}

function ProvidersPanel() {
  const { scope, view, update } = useDashboard()
  const providers = useAnalyticsQuery(providersQuery(scope))
  const total = sumUsd((providers.data ?? []).map((row) => row.cost_usd))
  return (
    <Panel
      title="Providers side by side"
      subtitle="Click a provider to filter by it"
      wide
      stale={providers.stale}
    >
      <QueryBody
        state={providers}
        what="providers"
        isEmpty={(rows) => rows.length === 0}
        empty={<NoEventsHint />}
      >
        {(rows) => (
          <DataTable
            title="Providers"
            columns={[nameColumn('provider', 'Provider'), ...comparisonColumns(total)]}
            rows={rows}
            rowKey={(row) => String(row.provider)}
            testId="providers-table"
            onRowClick={(row) =>
              update({ filters: drillDown(view.filters, 'provider', String(row.provider)) })
            }
            rowActionLabel={(row) => `Filter by provider ${row.provider}`}
          />
        )}
      </QueryBody>
    </Panel>
  )
}

/** What providers and models are compared on, side by side. */
function comparisonColumns(total: number | null): Column<QueryRow>[] {
  return [
    costColumn(),
    shareColumn(total),
    requestsColumn,
    costPerRequestColumn,
    latencyColumn('p50_latency_ms', 'p50'),
    latencyColumn('p95_latency_ms', 'p95'),
    rateColumn('error_rate', 'Errors'),
    rateColumn('cache_hit_rate', 'Cache hit rate'),
  ]
}

/**
 * Every model side by side: by family, a failed call (which reports no model) counts on the model it
 * asked for, so its errors land on the row they belong to; by snapshot, under its family.
 */
function ModelsPanel() {
  const { scope, view, update } = useDashboard()
  const grain = view.models
  const models = useAnalyticsQuery(modelsQuery(scope, grain))
  const total = sumUsd((models.data ?? []).map((row) => row.cost_usd))
  const columns: Column<QueryRow>[] = [
    nameColumn('model_family', grain === 'family' ? 'Model' : 'Family'),
    ...(grain === 'snapshot' ? [nameColumn('model', 'Snapshot')] : []),
    nameColumn('provider', 'Provider'),
    ...comparisonColumns(total),
  ]
  return (
    <Panel
      title="Models side by side"
      testId="models-panel"
      subtitle={
        grain === 'family'
          ? 'By catalog family: an alias, its snapshots and the failed calls that asked for it are one row · click a model to filter by it'
          : 'By the snapshot each call reported; a failed call reports none and shows as the model it asked for · click to filter'
      }
      actions={<ModelGrainSwitch />}
      wide
      stale={models.stale}
    >
      <QueryBody state={models} what="models" isEmpty={(rows) => rows.length === 0} empty={<NoEventsHint />}>
        {(rows) => (
          <DataTable
            key={grain}
            title="Models"
            columns={columns}
            rows={rows}
            rowKey={(row) => `${row.provider}\u0000${row.model_family}\u0000${row.model ?? ''}`}
            testId="models-table"
            // Snapshots under their family (the sort keeps the cost order within it).
            defaultSort={grain === 'snapshot' ? { key: 'model_family', direction: 'asc' } : undefined}
            onRowClick={(row) =>
              update({
                filters: drillDown(view.filters, MODEL_DIMENSION[grain], modelName(row, grain)),
              })
            }
            rowActionLabel={(row) => `Filter by model ${modelName(row, grain)}`}
          />
        )}
      </QueryBody>
    </Panel>
  )
}

/** The calls their provider charged, per model at the view's grain (hidden without any). */
function ChargedModelsPanel() {
  const { view } = useDashboard()
  return (
    <ChargedCostPanel
      model={MODEL_DIMENSION[view.models]}
      label={view.models === 'family' ? 'Model' : 'Snapshot'}
    />
  )
}

function useFeatureModels() {
  const { scope, view } = useDashboard()
  return useAnalyticsQuery(featureModelsQuery(scope, view.models))
}

/** Cost per request against p95 latency for every feature × model: the trade-off at a glance. */
function TradeoffPanel() {
  const theme = useChartTheme()
  const { view } = useDashboard()
  const pairs = useFeatureModels()
  const points = useMemo(
    () =>
      (pairs.data ?? [])
        // Pairs that only ever failed (no usage, $0) say nothing about a model's price.
        .filter((row) => (row.cost_per_request ?? 0) > 0 && typeof row.p95_latency_ms === 'number')
        .map((row) => ({
          name: `${row.feature} · ${modelName(row, view.models)}`,
          x: row.cost_per_request ?? 0,
          y: row.p95_latency_ms ?? 0,
          size: row.requests ?? 0,
        })),
    [pairs.data, view.models],
  )
  const option = useMemo(
    () =>
      scatterOption(
        {
          points,
          xName: 'Cost / request',
          yName: 'p95 latency',
          xFormat: formatUsd,
          yFormat: formatLatency,
          sizeName: 'Requests',
          sizeFormat: formatInteger,
        },
        theme,
      ),
    [points, theme],
  )
  return (
    <Panel
      title="Cost per request vs latency"
      subtitle="Each feature × model; bubble size is requests · log scales · lower left is cheap and fast"
      wide
      stale={pairs.stale}
    >
      <QueryBody state={pairs} what="models" isEmpty={(rows) => rows.length === 0} empty={<NoEventsHint />}>
        {() => (
          <>
            <Chart
              option={option}
              label="Scatter chart of cost per request against p95 latency for each feature and model"
              testId="tradeoff-chart"
              className="chart"
              describedBy="tradeoff-table"
            />
            <HiddenTable
              id="tradeoff-table"
              caption="Cost per request and p95 latency by feature and model"
              columns={['Feature · model', 'Cost / request', 'p95 latency', 'Requests']}
              rows={points.map((point) => [
                point.name,
                formatUsd(point.x),
                formatLatency(point.y),
                formatInteger(point.size),
              ])}
            />
          </>
        )}
      </QueryBody>
    </Panel>
  )
}

function FeatureModelsPanel() {
  const { view, update } = useDashboard()
  const pairs = useFeatureModels()
  const grain = view.models
  const columns: Column<QueryRow>[] = [
    { key: 'feature', label: 'Feature', value: (row) => String(row.feature ?? '') },
    { key: 'provider', label: 'Provider', value: (row) => String(row.provider ?? '') },
    {
      key: 'model',
      label: grain === 'family' ? 'Model' : 'Snapshot',
      value: (row) => modelName(row, grain),
      format: (value) => String(value),
    },
    requestsColumn,
    costColumn(),
    costPerRequestColumn,
    avgTokensColumn,
    latencyColumn('p50_latency_ms', 'p50'),
    latencyColumn('p95_latency_ms', 'p95'),
    rateColumn('error_rate', 'Errors'),
  ]
  return (
    <Panel
      title="Per feature: which provider, which model"
      subtitle="Every feature × provider × model in the range · click a feature to filter by it"
      actions={<ModelGrainSwitch />}
      wide
      stale={pairs.stale}
    >
      <QueryBody
        state={pairs}
        what="models per feature"
        isEmpty={(rows) => rows.length === 0}
        empty={<NoEventsHint />}
      >
        {(rows) => (
          <DataTable
            title="Models per feature"
            columns={columns}
            rows={rows}
            rowKey={(row) => `${row.feature}\u0000${row.provider}\u0000${modelName(row, grain)}`}
            testId="feature-models-table"
            defaultSort={{ key: 'feature', direction: 'asc' }}
            onRowClick={(row) => update({ filters: drillDown(view.filters, 'feature', String(row.feature)) })}
            rowActionLabel={(row) => `Filter by feature ${row.feature}`}
          />
        )}
      </QueryBody>
    </Panel>
  )
}

/** Each model's share of requests (or cost) per bucket: a migration shows as one band giving way to another. */
function MixPanel() {
  const { scope, view, update } = useDashboard()
  const theme = useChartTheme()
  const shape = mixShape(scope, view)
  const state = useStackedSeries(shape.dimension, shape.metric, shape.top)
  const shares = useMemo(() => (state.series ? toShares(state.series) : undefined), [state.series])
  const option = useMemo(
    () =>
      timeSeriesOption(
        {
          axis: state.axis,
          series: shares ?? [],
          kind: 'area',
          stacked: true,
          shares: true,
          format: (value) => formatPercent(value),
          axisFormat: (value) => formatPercent(value),
        },
        theme,
      ),
    [state.axis, shares, theme],
  )
  return (
    <Panel
      title="Model mix over time"
      subtitle={`Share of ${view.mix} per ${scope.bucket}, top ${MIX_TOP} models and the rest`}
      actions={
        <Segmented
          label="Mix of"
          small
          options={[
            { key: 'requests', label: 'Requests' },
            { key: 'cost', label: 'Cost' },
          ]}
          value={view.mix}
          onChange={(mix) => update({ mix })}
        />
      }
      wide
      stale={state.stale}
    >
      <QueryBody
        state={{ data: shares, error: state.error, loading: state.loading, refetch: state.refetch }}
        what="the model mix"
        isEmpty={(series) => series.length === 0}
        empty={<NoEventsHint />}
      >
        {(series) => (
          <>
            <Chart
              option={option}
              label={`Stacked area chart of each model's share of ${view.mix} per ${scope.bucket}`}
              testId="mix-chart"
              className="chart chart-tall"
              describedBy="mix-table"
            />
            <HiddenTable
              id="mix-table"
              caption={`Model share of ${view.mix} per ${scope.bucket}`}
              columns={['Period', ...series.map((entry) => entry.name)]}
              rows={state.axis.map((slot, index) => [
                slot.longLabel,
                ...series.map((entry) => formatPercent(entry.values[index])),
              ])}
            />
          </>
        )}
      </QueryBody>
    </Panel>
  )
}

interface MigrationRow extends QueryRow {
  feature: string
  model_before: string
  model_after: string
  requests_before: number
  requests_after: number
  cpr_before: number | null
  cpr_after: number | null
  p95_before: number | null
  p95_after: number | null
  cost_change: number | null
}

const dayFormat = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
})
function formatDay(label: string | undefined): string {
  return label ? dayFormat.format(Date.parse(`${label}T00:00:00Z`)) : ''
}

/** The most used model of each feature in a set of feature × model rows. */
function mainModels(rows: readonly QueryRow[] | undefined, grain: ModelGrain): Map<string, string> {
  const best = new Map<string, { model: string; requests: number }>()
  for (const row of rows ?? []) {
    const feature = String(row.feature)
    const requests = row.requests ?? 0
    const current = best.get(feature)
    if (!current || requests > current.requests) best.set(feature, { model: modelName(row, grain), requests })
  }
  return new Map([...best].map(([feature, entry]) => [feature, entry.model]))
}

/**
 * Before and after a chosen day, per feature: the main model, cost per request and p95 latency. A
 * migration (gpt-4o → gpt-4o-mini) reads as a changed model and, hopefully, a cheaper call.
 */
function MigrationPanel() {
  const { scope, view, update } = useDashboard()
  const { first, last, split, ...queries } = migrationQueries(scope, view)
  const featuresBefore = useAnalyticsQuery(queries.featuresBefore)
  const featuresAfter = useAnalyticsQuery(queries.featuresAfter)
  const modelsBefore = useAnalyticsQuery(queries.modelsBefore)
  const modelsAfter = useAnalyticsQuery(queries.modelsAfter)

  const rows = useMemo((): MigrationRow[] | undefined => {
    if (!featuresBefore.data || !featuresAfter.data || !modelsBefore.data || !modelsAfter.data)
      return undefined
    const mainBefore = mainModels(modelsBefore.data, view.models)
    const mainAfter = mainModels(modelsAfter.data, view.models)
    const beforeBy = new Map(featuresBefore.data.map((row) => [String(row.feature), row]))
    const afterBy = new Map(featuresAfter.data.map((row) => [String(row.feature), row]))
    const features = [...new Set([...beforeBy.keys(), ...afterBy.keys()])]
    return features
      .map((feature) => {
        const b = beforeBy.get(feature)
        const a = afterBy.get(feature)
        const change = comparePeriods(a?.cost_per_request, b?.cost_per_request)
        return {
          feature,
          model_before: mainBefore.get(feature) ?? '—',
          model_after: mainAfter.get(feature) ?? '—',
          requests_before: b?.requests ?? 0,
          requests_after: a?.requests ?? 0,
          cpr_before: b?.cost_per_request ?? null,
          cpr_after: a?.cost_per_request ?? null,
          p95_before: b?.p95_latency_ms ?? null,
          p95_after: a?.p95_latency_ms ?? null,
          cost_change: change?.ratio ?? null,
        }
      })
      .sort(
        (left, right) =>
          Number(right.model_before !== right.model_after) - Number(left.model_before !== left.model_after) ||
          left.feature.localeCompare(right.feature),
      )
  }, [featuresBefore.data, featuresAfter.data, modelsBefore.data, modelsAfter.data, view.models])

  const columns: Column<MigrationRow>[] = [
    { key: 'feature', label: 'Feature', value: (row) => row.feature },
    { key: 'model_before', label: 'Main model before', value: (row) => row.model_before },
    {
      key: 'model_after',
      label: 'Main model after',
      value: (row) => row.model_after,
      cellClass: (row) => (row.model_after !== row.model_before ? 'is-changed' : undefined),
    },
    {
      key: 'requests_before',
      label: 'Requests before',
      numeric: true,
      value: (row) => row.requests_before,
      format: (value) => formatInteger(value as number),
    },
    {
      key: 'requests_after',
      label: 'Requests after',
      numeric: true,
      value: (row) => row.requests_after,
      format: (value) => formatInteger(value as number),
    },
    {
      key: 'cpr_before',
      label: 'Cost / request before',
      numeric: true,
      value: (row) => row.cpr_before,
      format: (value) => formatUsd(value as number | null),
    },
    {
      key: 'cpr_after',
      label: 'Cost / request after',
      numeric: true,
      value: (row) => row.cpr_after,
      format: (value) => formatUsd(value as number | null),
    },
    {
      key: 'cost_change',
      label: 'Change',
      numeric: true,
      value: (row) => row.cost_change,
      format: (value) => (typeof value === 'number' ? formatChange(value) : '—'),
      cellClass: (row) =>
        row.cost_change === null
          ? undefined
          : row.cost_change < -0.005
            ? 'tone-good'
            : row.cost_change > 0.005
              ? 'tone-bad'
              : undefined,
    },
    {
      key: 'p95_before',
      label: 'p95 before',
      numeric: true,
      value: (row) => row.p95_before,
      format: (value) => formatLatency(value as number | null),
    },
    {
      key: 'p95_after',
      label: 'p95 after',
      numeric: true,
      value: (row) => row.p95_after,
      format: (value) => formatLatency(value as number | null),
    },
  ]
  const loading =
    featuresBefore.loading || featuresAfter.loading || modelsBefore.loading || modelsAfter.loading
  return (
    <Panel
      title="Before / after"
      subtitle="Per feature, on either side of a day: did a model change, and what did a call cost?"
      actions={
        first && last ? (
          <label className="field-inline">
            <span>Split on</span>
            <input
              type="date"
              value={split ?? ''}
              min={addDays(first, 1)}
              max={last}
              onChange={(event) => update({ split: event.target.value || undefined })}
              data-testid="migration-split"
            />
          </label>
        ) : undefined
      }
      wide
      stale={featuresBefore.stale || featuresAfter.stale}
    >
      <QueryBody
        state={{
          data: scope.span ? rows : [],
          error: featuresBefore.error ?? featuresAfter.error ?? modelsBefore.error ?? modelsAfter.error,
          loading,
          refetch: () => {
            featuresBefore.refetch()
            featuresAfter.refetch()
          },
        }}
        what="the comparison"
        isEmpty={(data) => data.length === 0}
        empty={<NoEventsHint />}
      >
        {(data) => (
          // Ten columns, two of them model names: the headers wrap so that all fit at 1280 px.
          <div className="wrap-headers">
            <DataTable
              title="Model migration before and after"
              caption={`Before ${formatDay(split)} against ${formatDay(split)} on (${scope.timeZone}); features whose main model changed come first.`}
              columns={columns}
              rows={data}
              rowKey={(row) => row.feature}
              testId="migration-table"
            />
          </div>
        )}
      </QueryBody>
    </Panel>
  )
}
