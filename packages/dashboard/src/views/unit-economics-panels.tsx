import type { CostPerOutcomeRow, CustomerMargin, UnitEconomicsAnswer } from '@spendlens/server/api-types'
import type { Column } from '../components/data-table'
import { DataTable } from '../components/data-table'
import { Panel, QueryBody } from '../components/panel'
import { useDashboard } from '../hooks/dashboard-context'
import type { QueryState } from '../hooks/use-analytics-query'
import { useUnitEconomics } from '../hooks/use-decisions'
import { viewHref } from '../hooks/use-view-state'
import { formatInteger, formatPercent, formatUsd } from '../lib/format'

const number = (value: unknown) => (typeof value === 'number' ? value : null)
const money = (value: unknown) => formatUsd(number(value))
const SHARES = [0.1, 0.2, 0.3, 0.5] as const

/**
 * Unit economics on the Customers view (GET /api/unit-economics): each customer's margin once its
 * LLM calls are paid, the ones past a share of their revenue flagged, and what the calls cost per
 * business outcome.
 */
export function UnitEconomicsPanels() {
  const { view } = useDashboard()
  const economics = useUnitEconomics(view.maxCostShare)
  return (
    <>
      <MarginsPanel economics={economics} />
      <CostPerOutcomePanel economics={economics} />
    </>
  )
}

function MarginsPanel({ economics }: { economics: QueryState<UnitEconomicsAnswer> }) {
  const { view, setView, update } = useDashboard()
  const share = view.maxCostShare
  const open = (customer: string) => setView({ ...view, view: 'customer', customer })
  const columns: Column<CustomerMargin>[] = [
    { key: 'customer_id', label: 'Customer', value: (row) => row.customer_id },
    { key: 'plan', label: 'Plan', value: (row) => row.plan ?? '', format: (value) => String(value || '—') },
    { key: 'revenue_usd', label: 'Revenue', numeric: true, value: (row) => row.revenue_usd, format: money },
    { key: 'cost_usd', label: 'LLM cost', numeric: true, value: (row) => row.cost_usd, format: money },
    {
      key: 'margin_usd',
      label: 'Margin',
      numeric: true,
      value: (row) => row.margin_usd,
      format: money,
      cellClass: (row) => (row.margin_usd !== null && row.margin_usd < 0 ? 'tone-bad' : undefined),
    },
    {
      key: 'cost_share',
      label: 'Cost ÷ revenue',
      numeric: true,
      value: (row) => row.cost_share,
      format: (value, row) =>
        row.over_share && row.cost_share === null ? 'no revenue' : formatPercent(number(value)),
      cellClass: (row) => (row.over_share ? 'tone-bad is-flagged' : undefined),
    },
    {
      key: 'over_share',
      label: `Over ${formatPercent(share)}`,
      value: (row) => (row.over_share ? 'yes' : ''),
      format: (value) => (value ? '⚠ over' : ''),
      cellClass: (row) => (row.over_share ? 'tone-bad' : undefined),
    },
    {
      key: 'outcomes',
      label: 'Outcomes',
      numeric: true,
      value: (row) => row.outcomes,
      format: (value) => formatInteger(number(value)),
    },
  ]
  const shareControl = (
    <label className="field-inline">
      <span>Flag past</span>
      <select
        value={String(share)}
        onChange={(event) => update({ maxCostShare: Number(event.target.value) })}
        data-testid="margins-share"
      >
        {[...new Set([...SHARES, share])].sort().map((value) => (
          <option key={value} value={String(value)}>
            {formatPercent(value)} of revenue
          </option>
        ))}
      </select>
    </label>
  )
  return (
    <Panel
      title="Margin by customer"
      subtitle="Revenue in the period less its LLM cost; customers whose LLM cost passes a share of their revenue first"
      actions={shareControl}
      wide
      stale={economics.stale}
      testId="margins-panel"
    >
      <QueryBody
        state={economics}
        what="margins"
        isEmpty={(data) => data.customers.length === 0}
        empty={
          <p>
            No customer has calls or revenue in this period. Revenue comes from PUT /api/revenue or `spendlens
            revenue import file.csv`.
          </p>
        }
      >
        {(data) => (
          <>
            <p className="margins-headline" data-testid="margins-headline" data-value={data.over_share}>
              {data.over_share === 0
                ? `No customer’s LLM cost passes ${formatPercent(data.max_cost_share)} of its revenue.`
                : `${formatInteger(data.over_share)} ${data.over_share === 1 ? 'customer’s' : 'customers’'} LLM cost passes ${formatPercent(data.max_cost_share)} of ${data.over_share === 1 ? 'its' : 'their'} revenue.`}{' '}
              <span className="muted">
                Revenue {formatUsd(data.totals.revenue_usd)}, LLM cost {formatUsd(data.totals.cost_usd)},
                margin {formatUsd(data.totals.margin_usd)} (customers with revenue on file).
              </span>
            </p>
            <DataTable
              title="Margin by customer"
              columns={columns}
              rows={data.customers}
              rowKey={(row) => row.customer_id}
              testId="margins-table"
              onRowClick={(row) => open(row.customer_id)}
              rowHref={(row) => viewHref({ ...view, view: 'customer', customer: row.customer_id })}
              rowActionLabel={(row) => `Open customer ${row.customer_id}`}
              note={data.notes.length > 0 ? <p className="muted">{data.notes.join(' ')}</p> : undefined}
            />
          </>
        )}
      </QueryBody>
    </Panel>
  )
}

const OUTCOME_COLUMNS: Column<CostPerOutcomeRow>[] = [
  { key: 'outcome', label: 'Outcome', value: (row) => row.outcome },
  {
    key: 'feature',
    label: 'Feature',
    value: (row) => row.feature,
    format: (value) => (value === null ? 'every feature' : String(value)),
  },
  {
    key: 'outcomes',
    label: 'Outcomes',
    numeric: true,
    value: (row) => row.outcomes,
    format: (value) => formatInteger(number(value)),
  },
  { key: 'value_usd', label: 'Value', numeric: true, value: (row) => row.value_usd, format: money },
  {
    key: 'cost_usd',
    label: 'LLM cost',
    numeric: true,
    value: (row) => row.cost_usd,
    format: (value, row) => (value === null && row.feature !== null ? 'unknown' : money(value)),
  },
  {
    key: 'cost_per_outcome_usd',
    label: 'Cost per outcome',
    numeric: true,
    value: (row) => row.cost_per_outcome_usd,
    format: (value) => (value === null ? 'unknown' : money(value)),
  },
]

function CostPerOutcomePanel({ economics }: { economics: QueryState<UnitEconomicsAnswer> }) {
  return (
    <Panel
      title="Cost per outcome"
      subtitle="What a feature’s calls cost per business outcome (POST /v1/outcomes); outcomes naming no feature against every feature’s cost"
      wide
      stale={economics.stale}
      testId="outcomes-panel"
    >
      <QueryBody
        state={{ ...economics, data: economics.data?.cost_per_outcome }}
        what="cost per outcome"
        isEmpty={(rows) => rows.length === 0}
        empty={
          <p>
            No outcomes in this period. Send them to POST /v1/outcomes with an ingest key: a resolved ticket,
            a conversion, with its value when known.
          </p>
        }
      >
        {(rows) => (
          <DataTable
            title="Cost per outcome"
            columns={OUTCOME_COLUMNS}
            rows={rows}
            rowKey={(row) => `${row.feature}\u0000${row.outcome}`}
            testId="outcomes-table"
          />
        )}
      </QueryBody>
    </Panel>
  )
}
