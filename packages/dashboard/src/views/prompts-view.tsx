import { type QueryRow, UNATTRIBUTED } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { rankedStackOption } from '../charts/ranked-stack'
import { Chart } from '../components/chart'
import { type Column, DataTable } from '../components/data-table'
import { HiddenTable } from '../components/hidden-table'
import { Panel, QueryBody } from '../components/panel'
import { unpricedNote } from '../components/unpriced-link'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { useChartTheme } from '../hooks/use-chart-theme'
import { drillDown } from '../lib/filters'
import { formatCompact, formatInteger, formatUsd, formatUsdShort } from '../lib/format'
import { promptsQuery } from '../queries/prompts-queries'
import {
  costColumn,
  costPerRequestColumn,
  latencyColumn,
  nameColumn,
  rateColumn,
  requestsColumn,
} from './breakdown-columns'
import { NoEventsHint } from './cost-over-time-panel'
import { RankedBarsPanel } from './ranked-bars-panel'

const BARS = 15

/** Tokens per call of a row: input or output over requests. */
function perCall(row: QueryRow, metric: 'input_tokens' | 'output_tokens'): number | null {
  const requests = row.requests ?? 0
  return requests > 0 ? (row[metric] ?? 0) / requests : null
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((left, right) => left - right)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] ?? null)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/** Tokens and cost per call by prompt template: which template is the most expensive to call. */
export function PromptsView() {
  const { scope, view, update } = useDashboard()
  const theme = useChartTheme()
  const prompts = useAnalyticsQuery(promptsQuery(scope))
  const rows = prompts.data ?? []
  const byCostPerCall = useMemo(
    () =>
      [...rows]
        .filter((row) => typeof row.cost_per_request === 'number')
        .sort((left, right) => (right.cost_per_request ?? 0) - (left.cost_per_request ?? 0)),
    [rows],
  )
  const priciest = byCostPerCall[0]
  const median = medianOf(byCostPerCall.map((row) => row.cost_per_request ?? 0))
  const shown = byCostPerCall.slice(0, BARS)

  const costBars = useMemo(
    () =>
      shown.map((row) => ({
        name: String(row.prompt_id),
        value: row.cost_per_request ?? null,
        muted: row.prompt_id === UNATTRIBUTED,
        details: [`Requests: ${formatInteger(row.requests)}`, `Total cost: ${formatUsd(row.cost_usd)}`],
      })),
    [shown],
  )
  const tokenRows = useMemo(
    () =>
      [...rows]
        .sort((left, right) => (right.avg_tokens_per_request ?? 0) - (left.avg_tokens_per_request ?? 0))
        .slice(0, BARS),
    [rows],
  )
  const tokensOption = useMemo(
    () =>
      rankedStackOption(
        {
          names: tokenRows.map((row) => String(row.prompt_id)),
          series: [
            { name: 'Input per call', values: tokenRows.map((row) => perCall(row, 'input_tokens') ?? 0) },
            { name: 'Output per call', values: tokenRows.map((row) => perCall(row, 'output_tokens') ?? 0) },
          ],
          format: (value) => `${formatInteger(value)} tokens`,
          axisFormat: formatCompact,
        },
        theme,
      ),
    [tokenRows, theme],
  )
  const columns: Column<QueryRow>[] = [
    nameColumn('prompt_id', 'Prompt template'),
    costPerRequestColumn,
    requestsColumn,
    costColumn('Total cost'),
    {
      key: 'input_per_call',
      label: 'Input tokens / call',
      numeric: true,
      value: (row) => perCall(row, 'input_tokens'),
      format: (value) => formatInteger(value as number | null),
    },
    {
      key: 'output_per_call',
      label: 'Output tokens / call',
      numeric: true,
      value: (row) => perCall(row, 'output_tokens'),
      format: (value) => formatInteger(value as number | null),
    },
    rateColumn('cache_hit_rate', 'Cache hit rate'),
    latencyColumn('p95_latency_ms', 'p95 latency'),
    rateColumn('error_rate', 'Error rate'),
  ]
  const empty = rows.length === 0
  return (
    <>
      {priciest && median ? (
        <p className="callout" data-testid="prompt-callout">
          Most expensive per call: <strong className="mono">{String(priciest.prompt_id)}</strong> at{' '}
          <strong>{formatUsd(priciest.cost_per_request)}</strong> a call
          {median > 0 && (priciest.cost_per_request ?? 0) / median >= 1.5
            ? `, ${formatInteger((priciest.cost_per_request ?? 0) / median)}× the median template`
            : ''}
          , {formatInteger(priciest.requests)} calls, {formatUsd(priciest.cost_usd)} in all.
        </p>
      ) : null}
      <div className="grid">
        <RankedBarsPanel
          title="Cost per call"
          subtitle={`Top ${BARS} templates by cost per call · click to filter`}
          query={prompts}
          what="prompt templates"
          bars={costBars}
          format={formatUsd}
          axisFormat={formatUsdShort}
          label="Horizontal bar chart of cost per call by prompt template; figures in the table below"
          testId="prompt-cost-chart"
          onSelect={(prompt) => update({ filters: drillDown(view.filters, 'prompt_id', prompt) })}
        />
        <Panel
          title="Tokens per call"
          subtitle="Average input and output tokens of one call"
          stale={prompts.stale}
        >
          <QueryBody state={prompts} what="prompt templates" isEmpty={() => empty} empty={<NoEventsHint />}>
            {() => (
              <>
                <Chart
                  option={tokensOption}
                  label="Stacked bar chart of input and output tokens per call by prompt template"
                  testId="prompt-tokens-chart"
                  className="chart chart-breakdown"
                  describedBy="prompt-tokens-table"
                />
                <HiddenTable
                  id="prompt-tokens-table"
                  caption="Tokens per call by prompt template"
                  columns={['Template', 'Input per call', 'Output per call']}
                  rows={tokenRows.map((row) => [
                    String(row.prompt_id),
                    formatInteger(perCall(row, 'input_tokens')),
                    formatInteger(perCall(row, 'output_tokens')),
                  ])}
                />
              </>
            )}
          </QueryBody>
        </Panel>
        <Panel title="Prompt templates" wide stale={prompts.stale}>
          <QueryBody state={prompts} what="prompt templates" isEmpty={() => empty} empty={<NoEventsHint />}>
            {(data) => (
              <DataTable
                title="Prompt templates"
                caption="Sorted by cost per call; a template is its prompt_id (given, or a hash of the prompt)."
                columns={columns}
                rows={data}
                rowKey={(row) => String(row.prompt_id)}
                testId="prompt-table"
                defaultSort={{ key: 'cost_per_request', direction: 'desc' }}
                onRowClick={(row) =>
                  update({ filters: drillDown(view.filters, 'prompt_id', String(row.prompt_id)) })
                }
                rowActionLabel={(row) => `Filter by prompt template ${row.prompt_id}`}
                note={unpricedNote(data)}
              />
            )}
          </QueryBody>
        </Panel>
      </div>
    </>
  )
}
