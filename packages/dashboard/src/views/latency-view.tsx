import type { QueryRow } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { timeSeriesOption } from '../charts/time-series'
import { Chart } from '../components/chart'
import { type Column, DataTable } from '../components/data-table'
import { HiddenTable } from '../components/hidden-table'
import { Panel, QueryBody } from '../components/panel'
import { RankedBarsChart } from '../components/ranked-bars-chart'
import { Segmented } from '../components/segmented'
import { StatCard, StatGrid } from '../components/stat-card'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { useChartTheme, useTimeAxis } from '../hooks/use-chart-theme'
import { describeComparison } from '../lib/describe-range'
import { drillDown } from '../lib/filters'
import { formatInteger, formatLatency, formatPercent, formatUsd, latencyBand } from '../lib/format'
import { alignToAxis } from '../lib/series'
import { type BreakdownKey, breakdownDimension, breakdownLabel } from '../lib/view-state'
import { errorsByQueries, latencyCardQueries, latencySeriesQuery } from '../queries/latency-queries'
import { latencyColumn, nameColumn, rateColumn, requestsColumn, rowName } from './breakdown-columns'
import { NoEventsHint } from './cost-over-time-panel'
import { knownCost } from './summary-cards'

const ERROR_DIMENSIONS: { key: BreakdownKey; label: string }[] = [
  { key: 'feature', label: 'Feature' },
  { key: 'route', label: 'Route' },
  { key: 'model', label: 'Model' },
  { key: 'provider', label: 'Provider' },
  { key: 'customer', label: 'Customer' },
  { key: 'prompt', label: 'Prompt' },
]

/** p50/p95/p99 over time, error rates by endpoint, and what failed calls cost anyway. */
export function LatencyView() {
  return (
    <>
      <LatencyCards />
      <div className="grid">
        <PercentilesPanel />
        <ErrorRatePanel />
        <ErrorsByPanel />
      </div>
    </>
  )
}

function LatencyCards() {
  const { scope } = useDashboard()
  const queries = latencyCardQueries(scope)
  const current = useAnalyticsQuery(queries.current)
  const previous = useAnalyticsQuery(queries.previous)
  const failed = useAnalyticsQuery(queries.failed)
  const failedBefore = useAnalyticsQuery(queries.failedBefore)
  const row = current.data?.[0]
  const before = scope.previous ? previous.data?.[0] : undefined
  const failedRow = failed.data?.[0]
  const failedBeforeRow = scope.previous ? failedBefore.data?.[0] : undefined
  const compareLabel = describeComparison(scope.previous, true)
  const percentile = (
    metric: 'p50_latency_ms' | 'p95_latency_ms' | 'p99_latency_ms',
    label: string,
    testId: string,
  ) => (
    <StatCard
      label={label}
      testId={testId}
      value={row ? (row[metric] ?? null) : undefined}
      format={formatLatency}
      loading={current.loading}
      previous={before ? (before[metric] ?? null) : undefined}
      compareLabel={compareLabel}
      rise="bad"
      band={latencyBand(row?.[metric])}
    />
  )
  return (
    <StatGrid label="Latency and errors">
      {percentile('p50_latency_ms', 'p50 latency', 'stat-p50')}
      {percentile('p95_latency_ms', 'p95 latency', 'stat-p95')}
      {percentile('p99_latency_ms', 'p99 latency', 'stat-p99')}
      <StatCard
        label="Error rate"
        testId="stat-error-rate"
        value={row ? (row.error_rate ?? null) : undefined}
        format={formatPercent}
        loading={current.loading}
        previous={before ? (before.error_rate ?? null) : undefined}
        compareLabel={compareLabel}
        rise="bad"
      />
      <StatCard
        label="Failed calls"
        testId="stat-failed"
        value={failedRow?.requests}
        format={formatInteger}
        loading={failed.loading}
        previous={failedBeforeRow?.requests}
        compareLabel={compareLabel}
        rise="bad"
        note={<span className="muted">Errors and cancelled streams</span>}
      />
      <StatCard
        label="Cost of failed calls"
        testId="stat-failed-cost"
        value={knownCost(failedRow)}
        format={formatUsd}
        loading={failed.loading}
        previous={failedBeforeRow ? knownCost(failedBeforeRow) : undefined}
        compareLabel={compareLabel}
        rise="bad"
        note={<span className="muted">Billed tokens of calls that failed</span>}
      />
    </StatGrid>
  )
}

function useLatencySeries() {
  const { scope } = useDashboard()
  return useAnalyticsQuery(latencySeriesQuery(scope))
}

function PercentilesPanel() {
  const { scope } = useDashboard()
  const theme = useChartTheme()
  const axis = useTimeAxis(scope)
  const rows = useLatencySeries()
  const series = useMemo(() => {
    const data = rows.data ?? []
    return [
      { name: 'p50', values: alignToAxis(axis, data, scope.bucket, 'p50_latency_ms', null) },
      { name: 'p95', values: alignToAxis(axis, data, scope.bucket, 'p95_latency_ms', null) },
      { name: 'p99', values: alignToAxis(axis, data, scope.bucket, 'p99_latency_ms', null) },
    ]
  }, [rows.data, axis, scope.bucket])
  const option = useMemo(
    () =>
      timeSeriesOption(
        {
          axis,
          series,
          kind: 'line',
          stacked: false,
          format: formatLatency,
          axisFormat: formatLatency,
          latencyBands: true,
        },
        theme,
      ),
    [axis, series, theme],
  )
  return (
    <Panel
      title="Latency percentiles"
      subtitle={`p50, p95 and p99 per ${scope.bucket}; bands: green under 1.5 s, amber to 3 s, red above`}
      wide
      stale={rows.stale}
    >
      <QueryBody state={rows} what="latency" isEmpty={(data) => data.length === 0} empty={<NoEventsHint />}>
        {() => (
          <>
            <Chart
              option={option}
              label={`Line chart of p50, p95 and p99 latency per ${scope.bucket}`}
              testId="latency-chart"
              className="chart chart-tall"
              describedBy="latency-table"
            />
            <HiddenTable
              id="latency-table"
              caption={`Latency percentiles per ${scope.bucket}`}
              columns={['Period', 'p50', 'p95', 'p99']}
              rows={axis.map((slot, index) => [
                slot.longLabel,
                ...series.map((entry) => formatLatency(entry.values[index])),
              ])}
            />
          </>
        )}
      </QueryBody>
    </Panel>
  )
}

function ErrorRatePanel() {
  const { scope } = useDashboard()
  const theme = useChartTheme()
  const axis = useTimeAxis(scope)
  const rows = useLatencySeries()
  const series = useMemo(
    () => [
      {
        name: 'Error rate',
        values: alignToAxis(axis, rows.data ?? [], scope.bucket, 'error_rate', null),
        color: theme.palette.bad,
      },
    ],
    [rows.data, axis, scope.bucket, theme],
  )
  const option = useMemo(
    () =>
      timeSeriesOption(
        {
          axis,
          series,
          kind: 'area',
          stacked: false,
          format: formatPercent,
          axisFormat: (value) => formatPercent(value),
        },
        theme,
      ),
    [axis, series, theme],
  )
  return (
    <Panel
      title="Error rate over time"
      subtitle={`Share of calls with status error, per ${scope.bucket}`}
      wide
      stale={rows.stale}
    >
      <QueryBody
        state={rows}
        what="error rates"
        isEmpty={(data) => data.length === 0}
        empty={<NoEventsHint />}
      >
        {() => (
          <>
            <Chart
              option={option}
              label={`Area chart of the error rate per ${scope.bucket}`}
              testId="error-rate-chart"
              className="chart chart-short"
              describedBy="error-rate-table"
            />
            <HiddenTable
              id="error-rate-table"
              caption={`Error rate per ${scope.bucket}`}
              columns={['Period', 'Error rate']}
              rows={axis.map((slot, index) => [slot.longLabel, formatPercent(series[0]?.values[index])])}
            />
          </>
        )}
      </QueryBody>
    </Panel>
  )
}

interface ErrorRow extends QueryRow {
  failed_requests: number
  failed_cost: number | null
}

function ErrorsByPanel() {
  const { scope, view, update } = useDashboard()
  const theme = useChartTheme()
  const dimension = breakdownDimension(view.errorsBy)
  const label = breakdownLabel(view.errorsBy)
  const queries = errorsByQueries(scope, dimension)
  const all = useAnalyticsQuery(queries.all)
  const failed = useAnalyticsQuery(queries.failed)
  const rows = useMemo((): ErrorRow[] | undefined => {
    if (!all.data || !failed.data) return undefined
    const failedBy = new Map(failed.data.map((row) => [String(row[dimension]), row]))
    return all.data
      .map((row) => {
        const match = failedBy.get(String(row[dimension]))
        return {
          ...row,
          failed_requests: match?.requests ?? 0,
          failed_cost: match ? (knownCost(match) ?? null) : 0,
        }
      })
      .sort((left, right) => (right.error_rate ?? 0) - (left.error_rate ?? 0))
  }, [all.data, failed.data, dimension])
  const bars = useMemo(
    () =>
      (rows ?? []).slice(0, 15).map((row) => ({
        name: String(row[dimension]),
        value: row.error_rate ?? null,
        details: [
          `Failed calls: ${formatInteger(row.failed_requests)} of ${formatInteger(row.requests)}`,
          `Cost of failed calls: ${formatUsd(row.failed_cost)}`,
        ],
      })),
    [rows, dimension],
  )
  const columns: Column<ErrorRow>[] = [
    nameColumn(dimension, label) as Column<ErrorRow>,
    requestsColumn as Column<ErrorRow>,
    {
      key: 'failed_requests',
      label: 'Failed calls',
      numeric: true,
      value: (row) => row.failed_requests,
      format: (value) => formatInteger(value as number),
    },
    rateColumn('error_rate', 'Error rate') as Column<ErrorRow>,
    {
      key: 'failed_cost',
      label: 'Cost of failed calls',
      numeric: true,
      value: (row) => row.failed_cost,
      format: (value) => (value === null ? 'unknown' : formatUsd(value as number)),
    },
    latencyColumn('p95_latency_ms', 'p95') as Column<ErrorRow>,
  ]
  return (
    <Panel
      title={`Errors by ${label.toLowerCase()}`}
      subtitle="Highest error rate first · click to filter"
      actions={
        <Segmented
          label="Errors by"
          small
          options={ERROR_DIMENSIONS}
          value={ERROR_DIMENSIONS.some((entry) => entry.key === view.errorsBy) ? view.errorsBy : 'feature'}
          onChange={(errorsBy) => update({ errorsBy })}
          testIdPrefix="errors-by-"
        />
      }
      wide
      stale={all.stale || failed.stale}
    >
      <QueryBody
        state={{
          data: rows,
          error: all.error ?? failed.error,
          loading: all.loading || failed.loading,
          refetch: all.refetch,
        }}
        what="errors"
        isEmpty={(data) => data.length === 0}
        empty={<NoEventsHint />}
      >
        {(data) => (
          <div className="split">
            <RankedBarsChart
              bars={bars}
              format={formatPercent}
              axisFormat={formatPercent}
              color={theme.palette.bad}
              label={`Horizontal bar chart of the error rate by ${label.toLowerCase()}; figures in the table`}
              testId="errors-chart"
              onSelect={(name) => update({ filters: drillDown(view.filters, dimension, name) })}
            />
            <DataTable
              title={`Errors by ${label.toLowerCase()}`}
              columns={columns}
              rows={data}
              rowKey={(row) => String(row[dimension])}
              testId="errors-table"
              onRowClick={(row) =>
                update({ filters: drillDown(view.filters, dimension, String(row[dimension])) })
              }
              rowActionLabel={(row) => `Filter by ${label.toLowerCase()} ${rowName(row, dimension)}`}
            />
          </div>
        )}
      </QueryBody>
    </Panel>
  )
}
