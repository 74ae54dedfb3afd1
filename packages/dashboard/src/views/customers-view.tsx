import { UNATTRIBUTED } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { rankedBarsOption } from '../charts/ranked-bars'
import { scatterOption } from '../charts/scatter'
import { Chart } from '../components/chart'
import { DataTable } from '../components/data-table'
import { HiddenTable } from '../components/hidden-table'
import { Panel, QueryBody } from '../components/panel'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { useChartTheme } from '../hooks/use-chart-theme'
import { formatCompact, formatInteger, formatShare, formatUsd, formatUsdShort } from '../lib/format'
import { scopeQuery } from '../lib/scope'
import { collapseRows, sumUsd } from '../lib/series'
import { BREAKDOWN_METRICS, breakdownColumns, rowName, totalRow, unpricedNote } from './breakdown-columns'
import { NoEventsHint } from './cost-over-time-panel'

const TABLE_ROWS = 50
const BARS = 15
/** Customers drawn in the scatter: the top ones by cost. */
const POINTS = 100

/** Who spends: top customers, requests against cost, and a page per customer. */
export function CustomersView() {
  const { scope, view, setView } = useDashboard()
  const theme = useChartTheme()
  const customers = useAnalyticsQuery(
    scopeQuery(scope, {
      groupBy: ['customer_id'],
      metrics: BREAKDOWN_METRICS,
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit: TABLE_ROWS,
      others: true,
    }),
  )
  const points = useAnalyticsQuery(
    scopeQuery(scope, {
      groupBy: ['customer_id'],
      metrics: ['requests', 'cost_usd', 'total_tokens'],
      orderBy: { metric: 'cost_usd', direction: 'desc' },
      limit: POINTS,
    }),
  )
  const totals = useAnalyticsQuery(scopeQuery(scope, { metrics: BREAKDOWN_METRICS }))
  const rows = customers.data ?? []
  const totalCost = totals.data?.[0]?.cost_usd ?? sumUsd(rows.map((row) => row.cost_usd))
  const open = (customer: string) => setView({ ...view, view: 'customer', customer })

  const bars = useMemo(
    () =>
      collapseRows(rows, 'customer_id', 'cost_usd', BARS).map((entry) => ({
        ...entry,
        muted: entry.others || entry.name === UNATTRIBUTED,
      })),
    [rows],
  )
  const barOption = useMemo(
    () =>
      rankedBarsOption(
        {
          rows: bars,
          format: formatUsd,
          axisFormat: formatUsdShort,
          unknownLabel: 'cost unknown',
          details: (index) => {
            const row = bars[index]?.row
            if (!row) return []
            return [
              `Share: ${typeof row.cost_usd === 'number' && totalCost ? formatShare(row.cost_usd, totalCost) : '—'}`,
              `Requests: ${formatInteger(row.requests)}`,
            ]
          },
        },
        theme,
      ),
    [bars, totalCost, theme],
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
      <Panel
        title="Top customers"
        subtitle="By cost · click a bar to open the customer"
        stale={customers.stale}
      >
        <QueryBody state={customers} what="customers" isEmpty={() => empty} empty={<NoEventsHint />}>
          {() => (
            <Chart
              option={barOption}
              label="Horizontal bar chart of the customers with the highest cost; figures in the table below"
              testId="customers-chart"
              className="chart chart-breakdown"
              onItemClick={(click) => {
                const bar = bars[click.dataIndex]
                if (bar && !bar.others) open(bar.name)
              }}
            />
          )}
        </QueryBody>
      </Panel>
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
