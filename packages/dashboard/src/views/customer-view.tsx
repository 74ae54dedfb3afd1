import type { Dimension, Filter, QueryRow } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { DataTable } from '../components/data-table'
import { Panel, QueryBody } from '../components/panel'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { viewHref } from '../hooks/use-view-state'
import { drillDown } from '../lib/filters'
import {
  CONVERSATIONS,
  CUSTOMER_TABLES,
  conversationsQuery,
  customerFilter,
  customerTableQuery,
} from '../queries/customer-queries'
import {
  breakdownColumns,
  costColumn,
  costPerRequestColumn,
  latencyColumn,
  nameColumn,
  rateColumn,
  requestsColumn,
  rowName,
} from './breakdown-columns'
import { CostOverTimePanel } from './cost-over-time-panel'
import { SummaryCards } from './summary-cards'

/** One customer: its figures, trend, features, models, users and conversations. */
export function CustomerView() {
  const { view, setView, update } = useDashboard()
  const customer = view.customer ?? ''
  const only: Filter[] = useMemo(() => customerFilter(customer), [customer])
  const back = { ...view, view: 'customers' as const, customer: undefined }
  const filtered = view.filters.some(
    (filter) =>
      filter.dimension === 'customer_id' &&
      filter.op === 'in' &&
      filter.values.length === 1 &&
      filter.values[0] === customer,
  )
  return (
    <>
      <div className="page-header">
        <a
          href={viewHref(back)}
          onClick={(event) => {
            event.preventDefault()
            setView(back)
          }}
        >
          ← All customers
        </a>
        <h2 data-testid="customer-name">
          Customer <span className="mono">{customer}</span>
        </h2>
        {filtered ? null : (
          <button
            type="button"
            className="button button-small"
            onClick={() => update({ filters: drillDown(view.filters, 'customer_id', customer) })}
          >
            Filter every view to this customer
          </button>
        )}
      </div>
      <SummaryCards extraFilters={only} />
      <div className="grid">
        <CostOverTimePanel
          stack="feature"
          extraFilters={only}
          title="Cost over time by feature"
          testId="customer-cost-chart"
        />
        {CUSTOMER_TABLES.map(({ dimension, label, testId }) => (
          <CustomerTable key={dimension} dimension={dimension} label={label} only={only} testId={testId} />
        ))}
        <ConversationsTable only={only} />
      </div>
    </>
  )
}

function CustomerTable({
  dimension,
  label,
  only,
  testId,
}: {
  dimension: Dimension
  label: string
  only: Filter[]
  testId: string
}) {
  const { scope, view, update } = useDashboard()
  const rows = useAnalyticsQuery(customerTableQuery(scope, dimension, only))
  const total = (rows.data ?? []).reduce((sum, row) => sum + (row.cost_usd ?? 0), 0)
  // A whole row wide: half of one clipped the last columns at 1280 px and 1920 px alike (the
  // dashboard is at most 1360 px wide), so each table has every column of a breakdown.
  const columns = breakdownColumns(dimension, label, total)
  return (
    <Panel title={`${label}s`} subtitle="Click a name to filter every view by it" wide stale={rows.stale}>
      <QueryBody
        state={rows}
        what={`${label.toLowerCase()}s`}
        isEmpty={(data) => data.length === 0}
        empty={<p>No events.</p>}
      >
        {(data) => (
          <DataTable
            title={`Customer ${label.toLowerCase()}s`}
            columns={columns}
            rows={data}
            rowKey={(row) => (row.others ? '\u0000others' : String(row[dimension]))}
            testId={testId}
            onRowClick={(row) =>
              update({ filters: drillDown(view.filters, dimension, String(row[dimension])) })
            }
            rowActionLabel={(row) => `Filter by ${label.toLowerCase()} ${rowName(row, dimension)}`}
            isRowClickable={(row) => !row.others}
            pinLast={(row) => row.others === true}
          />
        )}
      </QueryBody>
    </Panel>
  )
}

/** The customer's conversations (session_id) by cost; one opens its requests in the log. */
function ConversationsTable({ only }: { only: Filter[] }) {
  const { scope, view, setView } = useDashboard()
  const sessions = useAnalyticsQuery(conversationsQuery(scope, only))
  const open = (row: QueryRow) =>
    setView({
      ...view,
      view: 'requests',
      customer: undefined,
      filters: drillDown(
        drillDown(view.filters, 'customer_id', view.customer ?? ''),
        'session_id',
        String(row.session_id),
      ),
    })
  return (
    <Panel
      title="Conversations"
      subtitle={`The ${CONVERSATIONS} most expensive sessions · click one for its requests`}
      wide
      stale={sessions.stale}
    >
      <QueryBody
        state={sessions}
        what="conversations"
        isEmpty={(data) => data.length === 0}
        empty={<p>No conversations.</p>}
      >
        {(data) => (
          <DataTable
            title="Customer conversations"
            columns={[
              nameColumn('session_id', 'Conversation (session_id)'),
              costColumn(),
              requestsColumn,
              costPerRequestColumn,
              {
                key: 'total_tokens',
                label: 'Tokens',
                numeric: true,
                value: (row) => row.total_tokens ?? 0,
                format: (value) => Number(value ?? 0).toLocaleString('en-US'),
              },
              latencyColumn('avg_latency_ms', 'Avg latency'),
              rateColumn('error_rate', 'Error rate'),
            ]}
            rows={data}
            rowKey={(row) => String(row.session_id)}
            testId="customer-conversations"
            onRowClick={open}
            rowActionLabel={(row) => `Show the requests of conversation ${row.session_id}`}
          />
        )}
      </QueryBody>
    </Panel>
  )
}
