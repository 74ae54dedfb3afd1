import { useMemo } from 'react'
import { scatterOption } from '../charts/scatter'
import { Chart } from '../components/chart'
import { DataTable } from '../components/data-table'
import { HiddenTable } from '../components/hidden-table'
import { Panel, QueryBody } from '../components/panel'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { useChartTheme } from '../hooks/use-chart-theme'
import { formatCompact, formatInteger, formatUsd, formatUsdShort } from '../lib/format'
import { scopeQuery } from '../lib/scope'
import { collapseRows } from '../lib/series'
import { breakdownColumns, costShareLines, rowName, totalRow, unpricedNote } from './breakdown-columns'
import { NoEventsHint } from './cost-over-time-panel'
import { RankedBarsPanel } from './ranked-bars-panel'
import { UnitEconomicsPanels } from './unit-economics-panels'
import { useCostBreakdown } from './use-cost-breakdown'

const TABLE_ROWS = 50
const BARS = 15
/** Customers drawn in the scatter: the top ones by cost. */
const POINTS = 100

/** Who spends: top customers, requests against cost, margins and cost per outcome, and a page per customer. */
export function CustomersView() {
  const { scope, view, setView } = useDashboard()
  const theme = useChartTheme()
  const { breakdown: customers, totals, rows, totalCost } = useCostBreakdown('customer_id', TABLE_ROWS)
  const points = useAnalyticsQuery(
    scopeQuery(scope, {
      groupBy: ['customer_id'],
      metrics: ['requests', 'cost_usd', 'total_tokens'],
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit: POINTS,
    }),
  )
  const open = (customer: string) => setView({ ...view, view: 'customer', customer })

  const bars = useMemo(
    () =>
      collapseRows(rows, 'customer_id', 'cost_usd', BARS).map(({ row, ...bar }) => ({
        ...bar,
        details: row && costShareLines(row, totalCost),
      })),
    [rows, totalCost],
  )
  const scatterPoints = useMemo(
    () =>
      (points.data ?? [])
        .filter((row) => typeof row.cost_usd === 'number')
        .map((row) => ({
          name: String(row.customer_id),
          x: row.requests ?? 0,
          y: row.cost_usd ?? 0,
          size: row.total_tokens ?? 0,
        })),
    [points.data],
  )
  const scatter = useMemo(
    () =>
      scatterOption(
        {
          points: scatterPoints,
          xName: 'Requests',
          yName: 'Cost',
          xFormat: formatCompact,
          yFormat: formatUsdShort,
          sizeName: 'Tokens',
          sizeFormat: formatCompact,
        },
        theme,
      ),
    [scatterPoints, theme],
  )
  const empty = rows.length === 0

  return (
    <div className="grid">
      <RankedBarsPanel
        title="Top customers"
        subtitle="By cost · click a bar to open the customer"
        query={customers}
        what="customers"
        bars={bars}
        format={formatUsd}
        axisFormat={formatUsdShort}
        unknownLabel="cost unknown"
        label="Horizontal bar chart of the customers with the highest cost; figures in the table below"
        testId="customers-chart"
        onSelect={open}
      />
      <Panel
        title="Requests vs cost"
        subtitle={`Top ${POINTS} customers by cost; bubble size is tokens · log scales`}
        stale={points.stale}
      >
        <QueryBody
          state={points}
          what="customers"
          isEmpty={(data) => data.length === 0}
          empty={<NoEventsHint />}
        >
          {() => (
            <>
              <Chart
                option={scatter}
                label="Scatter chart of customers: requests against cost, bubble size by tokens"
                testId="customers-scatter"
                className="chart chart-breakdown"
                describedBy="customers-scatter-table"
                onItemClick={(click) => {
                  const point = scatterPoints[click.dataIndex]
                  if (point) open(point.name)
                }}
              />
              <HiddenTable
                id="customers-scatter-table"
                caption="Requests, cost and tokens per customer"
                columns={['Customer', 'Requests', 'Cost', 'Tokens']}
                rows={scatterPoints.map((point) => [
                  point.name,
                  formatInteger(point.x),
                  formatUsd(point.y),
                  formatInteger(point.size),
                ])}
              />
            </>
          )}
        </QueryBody>
      </Panel>
      <UnitEconomicsPanels />
      <Panel title="Customers" wide stale={customers.stale || totals.stale}>
        <QueryBody state={customers} what="customers" isEmpty={() => empty} empty={<NoEventsHint />}>
          {(data) => (
            <DataTable
              title="Cost by customer"
              caption={`Top ${TABLE_ROWS} customers by cost; click a name for the customer's own page.`}
              columns={breakdownColumns('customer_id', 'Customer', totalCost)}
              rows={data}
              rowKey={(row) => (row.others ? '\u0000others' : String(row.customer_id))}
              testId="customers-table"
              onRowClick={(row) => open(String(row.customer_id))}
              rowActionLabel={(row) => `Open customer ${rowName(row, 'customer_id')}`}
              isRowClickable={(row) => !row.others}
              pinLast={(row) => row.others === true}
              footer={totalRow(totals.data?.[0])}
              note={unpricedNote(data)}
            />
          )}
        </QueryBody>
      </Panel>
    </div>
  )
}
