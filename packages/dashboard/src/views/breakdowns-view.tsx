import { isTagKey } from '@spendlens/server/api-types'
import { useMemo, useState } from 'react'
import { shareOption } from '../charts/share'
import { Chart } from '../components/chart'
import { DataTable } from '../components/data-table'
import { Panel, QueryBody } from '../components/panel'
import { unpricedNote } from '../components/unpriced-link'
import { useDashboard } from '../hooks/dashboard-context'
import { useChartTheme } from '../hooks/use-chart-theme'
import { drillDown } from '../lib/filters'
import {
  formatInteger,
  formatLatency,
  formatPercent,
  formatShare,
  formatUsd,
  formatUsdShort,
} from '../lib/format'
import { collapseRows } from '../lib/series'
import { BREAKDOWNS, type BreakdownKey, breakdownDimension, breakdownLabel } from '../lib/view-state'
import { BREAKDOWN_TABLE_ROWS } from '../queries/breakdowns-queries'
import { breakdownColumns, costShareLines, rowName, totalRow } from './breakdown-columns'
import { NoEventsHint } from './cost-over-time-panel'
import { RankedBarsPanel } from './ranked-bars-panel'
import { useCostBreakdown } from './use-cost-breakdown'
import { WhatIfPanel } from './what-if-panel'

/** Bars the chart draws before "Others". */
const CHART_BARS = 15
/** Slices of the donut before "Others". */
const SLICES = 8

const isOthers = (row: { others?: boolean }) => row.others === true

/** Cost by any dimension: bars, shares and the full table; a row filters every chart by its value. */
export function BreakdownsView() {
  const { view, update } = useDashboard()
  const theme = useChartTheme()
  const key = view.breakdown
  const dimension = breakdownDimension(key)
  const label = breakdownLabel(key)
  const [tagKey, setTagKey] = useState(key.startsWith('tags.') ? key.slice(5) : '')

  const { breakdown, totals, rows, totalCost } = useCostBreakdown(dimension, BREAKDOWN_TABLE_ROWS)

  const bars = useMemo(
    () =>
      collapseRows(rows, dimension, 'cost_usd', CHART_BARS).map(({ row, ...bar }) => ({
        ...bar,
        details: row && [
          ...costShareLines(row, totalCost),
          `Cost / request: ${formatUsd(row.cost_per_request)}`,
          `p95 latency: ${formatLatency(row.p95_latency_ms)}`,
          `Error rate: ${formatPercent(row.error_rate)}`,
          ...(row.unpriced_count
            ? [
                `<span style="color:${theme.palette.warning}">${formatInteger(row.unpriced_count)} with unknown price</span>`,
              ]
            : []),
        ],
      })),
    [rows, dimension, totalCost, theme],
  )
  const slices = useMemo(() => collapseRows(rows, dimension, 'cost_usd', SLICES), [rows, dimension])
  const pieOption = useMemo(
    () =>
      shareOption(
        {
          rows: slices,
          format: formatUsd,
          share: (value) => (totalCost ? formatShare(value, totalCost) : '—'),
        },
        theme,
      ),
    [slices, totalCost, theme],
  )

  const filterBy = (value: string) => update({ filters: drillDown(view.filters, dimension, value) })
  const options: { key: BreakdownKey; label: string }[] = BREAKDOWNS.map((entry) => ({
    key: entry.key,
    label: entry.label,
  }))

  const switcher = (
    <div className="breakdown-switch">
      <fieldset className="segmented segmented-small" aria-label="Break down by">
        {options.map((option) => (
          <button
            key={option.key}
            type="button"
            aria-pressed={key === option.key}
            data-testid={`breakdown-${option.key}`}
            onClick={() => update({ breakdown: option.key })}
          >
            {option.label}
          </button>
        ))}
      </fieldset>
      <form
        className="tag-form"
        onSubmit={(event) => {
          event.preventDefault()
          if (isTagKey(tagKey)) update({ breakdown: `tags.${tagKey}` })
        }}
      >
        <label className="field-inline">
          <span>or tag</span>
          <input
            value={tagKey}
            onChange={(event) => setTagKey(event.target.value.trim())}
            placeholder="plan"
            size={10}
            spellCheck={false}
            aria-invalid={tagKey !== '' && !isTagKey(tagKey)}
          />
        </label>
        <button type="submit" className="button button-small" aria-pressed={key.startsWith('tags.')}>
          Show
        </button>
      </form>
    </div>
  )

  const empty = rows.length === 0
  return (
    <>
      {switcher}
      <div className="grid">
        <RankedBarsPanel
          title={`Cost by ${label.toLowerCase()}`}
          subtitle={`Top ${CHART_BARS} and the rest · click a bar to filter`}
          query={breakdown}
          what={`cost by ${label.toLowerCase()}`}
          bars={bars}
          format={formatUsd}
          axisFormat={formatUsdShort}
          unknownLabel="cost unknown"
          label={`Horizontal bar chart of cost by ${label.toLowerCase()}, top ${Math.min(CHART_BARS, rows.length)}; figures in the table below`}
          testId="breakdown-chart"
          describedBy="breakdown-table-caption"
          onSelect={filterBy}
        />
        <Panel title="Share of cost" subtitle={`Top ${SLICES} and the rest`} stale={breakdown.stale}>
          <QueryBody state={breakdown} what="shares" isEmpty={() => empty} empty={<NoEventsHint />}>
            {() => (
              <Chart
                option={pieOption}
                label={`Donut chart of each ${label.toLowerCase()}'s share of cost; figures in the table below`}
                testId="share-chart"
                className="chart chart-breakdown"
                onItemClick={(click) => {
                  const slice = slices[click.dataIndex]
                  if (slice && !slice.others) filterBy(slice.name)
                }}
              />
            )}
          </QueryBody>
        </Panel>
        <Panel title={`${label} table`} wide stale={breakdown.stale || totals.stale}>
          <QueryBody state={breakdown} what="the table" isEmpty={() => empty} empty={<NoEventsHint />}>
            {(data) => (
              <DataTable
                title={`Cost by ${label.toLowerCase()}`}
                caption={
                  <span id="breakdown-table-caption">
                    Top {BREAKDOWN_TABLE_ROWS} by cost
                    {data.some((row) => row.others) ? ', then everything else as Others' : ''}; click a name
                    to filter every chart by it.
                  </span>
                }
                columns={breakdownColumns(dimension, label, totalCost)}
                rows={data}
                rowKey={(row) => (row.others ? '\u0000others' : String(row[dimension]))}
                testId="breakdown-table"
                onRowClick={(row) => filterBy(String(row[dimension]))}
                rowActionLabel={(row) => `Filter by ${label.toLowerCase()} ${rowName(row, dimension)}`}
                isRowClickable={(row) => !row.others}
                pinLast={isOthers}
                footer={totalRow(totals.data?.[0])}
                note={unpricedNote(data)}
              />
            )}
          </QueryBody>
        </Panel>
        <WhatIfPanel />
      </div>
    </>
  )
}
