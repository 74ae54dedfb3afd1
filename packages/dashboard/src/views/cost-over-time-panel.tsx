import type { Filter } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { chartMarkers } from '../charts/anomaly-markers'
import { timeSeriesOption } from '../charts/time-series'
import { Chart } from '../components/chart'
import { HiddenTable } from '../components/hidden-table'
import { Panel, QueryBody } from '../components/panel'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnomalyMarkers } from '../hooks/use-anomalies'
import { useChartTheme } from '../hooks/use-chart-theme'
import { useStackedSeries } from '../hooks/use-stacked-series'
import { drillDown } from '../lib/filters'
import { formatUsd, formatUsdShort } from '../lib/format'
import { sumUsd } from '../lib/series'
import { type BreakdownKey, breakdownDimension, breakdownLabel } from '../lib/view-state'
import { COST_STACK_TOP } from '../queries/panel-queries'
import { ChartAnomalies } from './chart-anomalies'

/** The stack switch of cost over time. */
export const STACK_OPTIONS: { key: BreakdownKey; label: string }[] = [
  { key: 'feature', label: 'Feature' },
  { key: 'customer', label: 'Customer' },
  { key: 'model', label: 'Model' },
  { key: 'provider', label: 'Provider' },
  { key: 'route', label: 'Route' },
  { key: 'environment', label: 'Env' },
  { key: 'user', label: 'User' },
  { key: 'prompt', label: 'Prompt' },
]

export interface CostOverTimePanelProps {
  stack: BreakdownKey
  onStackChange?: (key: BreakdownKey) => void
  extraFilters?: Filter[]
  title?: string
  testId?: string
}

/**
 * Cost per bucket, stacked by the top values of a dimension and "Others"; a click filters by the
 * value. The anomalies of the range about the filtered traffic are shaded over their buckets.
 */
export function CostOverTimePanel({
  stack,
  onStackChange,
  extraFilters,
  title = 'Cost over time',
  testId = 'cost-chart',
}: CostOverTimePanelProps) {
  const { scope, view, update } = useDashboard()
  const theme = useChartTheme()
  const dimension = breakdownDimension(stack)
  const label = breakdownLabel(stack).toLowerCase()
  const state = useStackedSeries(dimension, 'cost_usd', COST_STACK_TOP, extraFilters)
  const anomalies = useAnomalyMarkers(extraFilters)
  const markers = useMemo(
    () => chartMarkers(anomalies.anomalies, state.axis, scope.span?.to),
    [anomalies.anomalies, state.axis, scope.span],
  )
  const option = useMemo(
    () =>
      timeSeriesOption(
        {
          axis: state.axis,
          series: state.series ?? [],
          kind: 'bar',
          stacked: true,
          format: formatUsd,
          axisFormat: formatUsdShort,
          total: (values) => formatUsd(sumUsd(values)),
          markers,
        },
        theme,
      ),
    [state.axis, state.series, markers, theme],
  )
  const series = state.series ?? []
  const empty = series.length === 0 || series.every((entry) => entry.values.every((value) => !value))
  const actions = onStackChange ? (
    <label className="field-inline">
      <span>Stacked by</span>
      <select
        value={stack}
        onChange={(event) => onStackChange(event.target.value as BreakdownKey)}
        data-testid="stack-select"
      >
        {STACK_OPTIONS.map((option) => (
          <option key={option.key} value={option.key}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  ) : undefined
  return (
    <Panel
      title={title}
      subtitle={`Per ${scope.bucket}, top ${COST_STACK_TOP} by ${label} and the rest · click a bar to filter`}
      actions={actions}
      wide
      stale={state.stale}
    >
      <QueryBody
        state={{ data: state.series, error: state.error, loading: state.loading, refetch: state.refetch }}
        what="cost over time"
        isEmpty={() => empty}
        empty={<NoEventsHint />}
      >
        {() => (
          <>
            <Chart
              option={option}
              label={`Stacked bar chart of cost per ${scope.bucket} by ${label}, ${state.axis.length} ${scope.bucket}s`}
              testId={testId}
              className="chart chart-tall"
              describedBy={`${testId}-table`}
              onItemClick={(click) => {
                if (click.seriesName && click.seriesName !== 'Others')
                  update({ filters: drillDown(view.filters, dimension, click.seriesName) })
              }}
            />
            <ChartAnomalies
              markers={markers}
              total={anomalies.anomalies.length}
              error={anomalies.error}
              testId={testId}
            />
            <HiddenTable
              id={`${testId}-table`}
              caption={`Cost per ${scope.bucket} by ${label}`}
              columns={['Period', ...series.map((entry) => entry.name), 'Total']}
              rows={state.axis.map((slot, index) => [
                slot.longLabel,
                ...series.map((entry) => formatUsd(entry.values[index])),
                formatUsd(sumUsd(series.map((entry) => entry.values[index]))),
              ])}
            />
          </>
        )}
      </QueryBody>
    </Panel>
  )
}

/** What to try when a panel has no events: a longer range, or fewer filters. */
export function NoEventsHint() {
  const { view, update } = useDashboard()
  return (
    <>
      <p>No events in this time range{view.filters.length ? ' with these filters' : ''}.</p>
      <p className="hint-actions">
        {view.preset !== 'all' ? (
          <button
            type="button"
            className="button"
            onClick={() => update({ preset: 'all', first: undefined, last: undefined })}
          >
            Show all time
          </button>
        ) : null}
        {view.filters.length ? (
          <button type="button" className="button" onClick={() => update({ filters: [] })}>
            Clear filters
          </button>
        ) : null}
      </p>
    </>
  )
}
