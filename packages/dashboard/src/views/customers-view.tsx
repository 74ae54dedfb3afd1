import type { QueryRow } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { DataTable } from '../components/data-table'
import { Panel, QueryBody } from '../components/panel'
import { unpricedNote } from '../components/unpriced-link'
import { useDashboard } from '../hooks/dashboard-context'
import { drillDown } from '../lib/filters'
import { formatInteger, formatUsd, formatUsdShort } from '../lib/format'
import { collapseRows } from '../lib/series'
import { CUSTOMER_POINTS, CUSTOMER_TABLE_ROWS, USER_POINTS } from '../queries/customers-queries'
import { breakdownColumns, costShareLines, rowName, totalRow } from './breakdown-columns'
import { NoEventsHint } from './cost-over-time-panel'
import { RankedBarsPanel } from './ranked-bars-panel'
import { RequestsCostScatterPanel } from './requests-cost-scatter-panel'
import { UnitEconomicsPanels } from './unit-economics-panels'
import { useCostBreakdown } from './use-cost-breakdown'

const BARS = 15

/** The table's caption: how many customers it lists, as many as it shows (no "Top 50" over 12). */
function customersCaption(rows: readonly QueryRow[]): string {
  const listed = rows.filter((row) => !row.others).length
  const others = rows.find((row) => row.others)
  const rest = others ? `, every other customer in one row (${formatInteger(others.requests)} requests)` : ''
  return `The ${formatInteger(listed)} ${listed === 1 ? 'customer' : 'customers'} with the highest cost${rest}; click a name for the customer's own page.`
}

/** Who spends: top customers, requests against cost, margins and cost per outcome, and a page per customer. */
export function CustomersView() {
  const { view, setView, update } = useDashboard()
  const {
    breakdown: customers,
    totals,
    rows,
    totalCost,
  } = useCostBreakdown('customer_id', CUSTOMER_TABLE_ROWS)
  const open = (customer: string) => setView({ ...view, view: 'customer', customer })

  const bars = useMemo(
    () =>
      collapseRows(rows, 'customer_id', 'cost_usd', BARS).map(({ row, ...bar }) => ({
        ...bar,
        details: row && costShareLines(row, totalCost),
      })),
    [rows, totalCost],
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
      <RequestsCostScatterPanel
        dimension="customer_id"
        what="customer"
        title="Requests vs cost"
        points={CUSTOMER_POINTS}
        testId="customers-scatter"
        onSelect={open}
      />
      <RequestsCostScatterPanel
        dimension="user_id"
        what="user"
        title="Users: requests vs cost"
        points={USER_POINTS}
        testId="users-scatter"
        wide
        onSelect={(user) => update({ filters: drillDown(view.filters, 'user_id', user) })}
      />
      <UnitEconomicsPanels />
      <Panel title="Customers" wide stale={customers.stale || totals.stale}>
        <QueryBody state={customers} what="customers" isEmpty={() => empty} empty={<NoEventsHint />}>
          {(data) => (
            <DataTable
              title="Cost by customer"
              caption={customersCaption(data)}
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
