import type { Dimension } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { heatmapOption } from '../charts/heatmap'
import { monthToDateOption } from '../charts/month-to-date'
import { timeSeriesOption } from '../charts/time-series'
import { Chart } from '../components/chart'
import { HiddenTable } from '../components/hidden-table'
import { Panel, QueryBody } from '../components/panel'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { useChartTheme, useTimeAxis } from '../hooks/use-chart-theme'
import { drillDown } from '../lib/filters'
import { formatCompact, formatInteger, formatShare, formatUsd, formatUsdShort } from '../lib/format'
import { cumulative, monthDays, projectMonthEnd } from '../lib/month-projection'
import { alignToAxis, weekHourGrid } from '../lib/series'
import { addDays, dateLabel, startOfDateLabel } from '../lib/zoned-time'
import {
  heatmapQuery,
  monthToDateQueries,
  OVERVIEW_TOP_LISTS,
  topListQuery,
} from '../queries/overview-queries'
import { seriesTotalsQuery } from '../queries/series-queries'
import { CostOverTimePanel, NoEventsHint } from './cost-over-time-panel'
import { LongContextWarning } from './long-context-warning'
import { knownCost, SummaryCards } from './summary-cards'

export function OverviewView() {
  const { view, update } = useDashboard()
  return (
    <>
      <SummaryCards />
      <LongContextWarning />
      <div className="grid">
        <CostOverTimePanel stack={view.stack} onStackChange={(stack) => update({ stack })} />
        <TokensPanel />
        <MonthToDatePanel />
        <HeatmapPanel metric="requests" />
        <HeatmapPanel metric="cost_usd" />
        <div className="grid-3 panel-wide">
          {OVERVIEW_TOP_LISTS.map(({ dimension, title }) => (
            <TopList key={dimension} dimension={dimension} title={title} />
          ))}
        </div>
      </div>
    </>
  )
}

/** Prompt (input) and completion (output) tokens per bucket. */
function TokensPanel() {
  const { scope } = useDashboard()
  const theme = useChartTheme()
  const axis = useTimeAxis(scope)
  // The same request as the cost chart's totals: one fetch serves both.
  const totals = useAnalyticsQuery(seriesTotalsQuery(scope))
  const series = useMemo(() => {
    const rows = totals.data ?? []
    return [
      { name: 'Prompt (input)', values: alignToAxis(axis, rows, scope.bucket, 'input_tokens') },
      { name: 'Completion (output)', values: alignToAxis(axis, rows, scope.bucket, 'output_tokens') },
    ]
  }, [totals.data, axis, scope.bucket])
  const option = useMemo(
    () =>
      timeSeriesOption(
        {
          axis,
          series,
          kind: 'bar',
          stacked: true,
          format: (value) => `${formatInteger(value)} tokens`,
          axisFormat: (value) => formatCompact(value),
          total: (values) =>
            `${formatInteger(values.reduce<number>((sum, value) => sum + (value ?? 0), 0))} tokens`,
        },
        theme,
      ),
    [axis, series, theme],
  )
  return (
    <Panel
      title="Prompt vs completion tokens"
      subtitle={`Per ${scope.bucket}; input counts cached tokens too`}
      stale={totals.stale}
    >
      <QueryBody
        state={totals}
        what="tokens over time"
        isEmpty={(rows) => rows.length === 0}
        empty={<NoEventsHint />}
      >
        {() => (
          <>
            <Chart
              option={option}
              label={`Stacked bar chart of input and output tokens per ${scope.bucket}`}
              testId="tokens-chart"
              className="chart"
              describedBy="tokens-chart-table"
            />
            <HiddenTable
              id="tokens-chart-table"
              caption={`Tokens per ${scope.bucket}`}
              columns={['Period', 'Input tokens', 'Output tokens']}
              rows={axis.map((slot, index) => [
                slot.longLabel,
                formatInteger(series[0]?.values[index]),
                formatInteger(series[1]?.values[index]),
              ])}
            />
          </>
        )}
      </QueryBody>
    </Panel>
  )
}

/**
 * This calendar month's spend in the selected zone (the filters apply, the time range does not),
 * with a projection to the month's end from the last seven days' run rate.
 */
function MonthToDatePanel() {
  const { scope, meta } = useDashboard()
  const theme = useChartTheme()
  const { now, timeZone } = scope
  const firstTs = meta?.first_ts
  const queries = useMemo(() => monthToDateQueries(scope, firstTs), [scope, firstTs])
  const { calendar, rateWindow } = queries
  const days = useMemo(() => monthDays(calendar, timeZone), [calendar, timeZone])
  const month = useAnalyticsQuery(queries.month)
  const runRate = useAnalyticsQuery(queries.runRate)
  const lastMonth = useAnalyticsQuery(queries.lastMonth)
  const today = dateLabel(now, timeZone)
  const figures = useMemo(() => {
    if (!month.data || !runRate.data) return undefined
    const byDay = new Map(month.data.map((row) => [row.bucket_label, row.cost_usd ?? 0]))
    const elapsed = days.filter((day) => day <= today)
    const actual = cumulative(elapsed.map((day) => byDay.get(day) ?? 0))
    const monthToDate = actual.at(-1) ?? 0
    const projected = projectMonthEnd({
      monthToDate,
      runRateCost: runRate.data[0]?.cost_usd ?? 0,
      runRateWindow: rateWindow,
      now,
      monthEnd: calendar.end,
    })
    // The dashed line runs straight from now (today's total) to the month's end (the projection).
    const perMs = (projected - monthToDate) / Math.max(1, calendar.end.getTime() - now.getTime())
    const projection = days.map((day) => {
      if (day < today) return null
      if (day === today) return monthToDate
      const dayEnd = startOfDateLabel(addDays(day, 1), timeZone).getTime()
      return monthToDate + perMs * (Math.min(dayEnd, calendar.end.getTime()) - now.getTime())
    })
    return { actual, monthToDate, projected, projection }
  }, [month.data, runRate.data, days, today, now, calendar.end, timeZone, rateWindow])
  const previousTotal = lastMonth.data ? (knownCost(lastMonth.data[0]) ?? null) : null
  const option = useMemo(
    () =>
      figures
        ? monthToDateOption(
            {
              days,
              actual: figures.actual,
              projection: figures.projection,
              previousTotal: previousTotal ?? null,
              format: formatUsd,
              axisFormat: formatUsdShort,
            },
            theme,
          )
        : {},
    [figures, days, previousTotal, theme],
  )
  const monthName = new Intl.DateTimeFormat('en-US', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(Date.parse(`${calendar.month}-01T00:00:00Z`))
  return (
    <Panel
      title="Month to date"
      subtitle={`${monthName}, ${timeZone} · projection from the last 7 days' run rate`}
      stale={month.stale || runRate.stale}
      testId="month-panel"
    >
      <QueryBody
        state={{
          data: figures,
          error: month.error ?? runRate.error,
          loading: month.loading || runRate.loading,
          refetch: month.refetch,
        }}
        what="month-to-date spend"
      >
        {(data) => (
          <>
            <dl className="mini-stats">
              <div>
                <dt>Spent so far</dt>
                <dd data-testid="mtd-spent" data-value={data.monthToDate} title={`$${data.monthToDate}`}>
                  {formatUsd(data.monthToDate)}
                </dd>
              </div>
              <div>
                <dt>Projected by month end</dt>
                <dd data-testid="mtd-projected" data-value={data.projected}>
                  {formatUsd(data.projected)}
                </dd>
              </div>
              <div>
                <dt>Last month</dt>
                <dd data-testid="mtd-last-month">{formatUsd(previousTotal)}</dd>
              </div>
            </dl>
            <Chart
              option={option}
              label={`Line chart of cumulative spend in ${monthName}: ${formatUsd(data.monthToDate)} so far, ${formatUsd(data.projected)} projected`}
              testId="month-chart"
              className="chart chart-short"
            />
          </>
        )}
      </QueryBody>
    </Panel>
  )
}

/** Requests or cost by hour of day × day of week, in the selected zone. */
function HeatmapPanel({ metric }: { metric: 'requests' | 'cost_usd' }) {
  const { scope } = useDashboard()
  const theme = useChartTheme()
  const span = scope.span
  const { request, clipped } = heatmapQuery(scope)
  const hours = useAnalyticsQuery(request)
  const grid = useMemo(() => weekHourGrid(hours.data ?? [], metric), [hours.data, metric])
  const format =
    metric === 'requests'
      ? (value: number | null | undefined) => `${formatInteger(value)} requests`
      : formatUsd
  const option = useMemo(() => heatmapOption(grid, format, theme), [grid, format, theme])
  const title = metric === 'requests' ? 'Requests by hour' : 'Cost by hour'
  return (
    <Panel
      title={title}
      subtitle={`Hour of day × day of week, ${scope.timeZone}${clipped ? ' · last 13 weeks of the range' : ''}`}
      stale={hours.stale}
    >
      <QueryBody
        state={{ ...hours, data: span ? hours.data : [] }}
        what="activity by hour"
        isEmpty={(rows) => rows.length === 0}
        empty={<NoEventsHint />}
      >
        {() => (
          <>
            <Chart
              option={option}
              label={`Heat map of ${metric === 'requests' ? 'requests' : 'cost'} by hour of day and day of week`}
              testId={metric === 'requests' ? 'heatmap-requests' : 'heatmap-cost'}
              className="chart chart-heatmap"
              describedBy={`heatmap-${metric}-table`}
            />
            <HiddenTable
              id={`heatmap-${metric}-table`}
              caption={`${title}, by day of week`}
              columns={[
                'Day',
                ...Array.from({ length: 24 }, (_, hour) => `${String(hour).padStart(2, '0')}:00`),
              ]}
              rows={['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map(
                (day, index) => [
                  day,
                  ...(grid[index] ?? []).map((value) =>
                    metric === 'requests' ? formatInteger(value) : formatUsd(value),
                  ),
                ],
              )}
            />
          </>
        )}
      </QueryBody>
    </Panel>
  )
}

/** A short ranked list with share bars (Plausible-style); a click filters everything by the value. */
function TopList({ dimension, title }: { dimension: Dimension; title: string }) {
  const { scope, view, update } = useDashboard()
  const top = useAnalyticsQuery(topListQuery(scope, dimension))
  const rows = top.data ?? []
  const total = rows.reduce((sum, row) => sum + (row.cost_usd ?? 0), 0)
  const max = Math.max(0, ...rows.filter((row) => !row.others).map((row) => row.cost_usd ?? 0))
  return (
    <Panel title={title} subtitle="By cost · click to filter" stale={top.stale} testId={`top-${dimension}`}>
      <QueryBody
        state={top}
        what={title.toLowerCase()}
        isEmpty={(data) => data.length === 0}
        empty={<p>No events.</p>}
      >
        {(data) => (
          <ol className="top-list">
            {data.map((row) => {
              const name = row.others ? 'Others' : String(row[dimension])
              const cost = row.cost_usd ?? null
              const width =
                !row.others && max > 0 && cost ? Math.max(1, Math.min(100, (cost / max) * 100)) : 0
              const content = (
                <>
                  <span className="top-bar" style={{ width: `${width}%` }} aria-hidden="true" />
                  <span className="top-name">{name}</span>
                  <span className="top-value" data-value={cost ?? ''}>
                    {cost === null ? 'unknown' : formatUsd(cost)}
                  </span>
                  <span className="top-share muted">{cost === null ? '' : formatShare(cost, total)}</span>
                </>
              )
              return (
                <li key={name} className={row.others ? 'is-others' : undefined}>
                  {row.others ? (
                    <div className="top-row">{content}</div>
                  ) : (
                    <button
                      type="button"
                      className="top-row"
                      onClick={() => update({ filters: drillDown(view.filters, dimension, name) })}
                      title={`Filter by ${name}: ${formatInteger(row.requests)} requests`}
                    >
                      {content}
                    </button>
                  )}
                </li>
              )
            })}
          </ol>
        )}
      </QueryBody>
    </Panel>
  )
}
