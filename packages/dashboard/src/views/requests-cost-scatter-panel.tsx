import type { Dimension } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { scatterOption } from '../charts/scatter'
import { Chart } from '../components/chart'
import { HiddenTable } from '../components/hidden-table'
import { Panel, QueryBody } from '../components/panel'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { useChartTheme } from '../hooks/use-chart-theme'
import { formatCompact, formatInteger, formatUsd, formatUsdShort } from '../lib/format'
import { requestsCostScatterQuery } from '../queries/panel-queries'
import { NoEventsHint } from './cost-over-time-panel'

export interface RequestsCostScatterProps {
  /** One point per value: `customer_id`, `user_id`. */
  dimension: Dimension
  /** "customer", "user". */
  what: string
  title: string
  /** The most expensive this many are drawn; the rest are stated under the chart. */
  points: number
  testId: string
  onSelect: (value: string) => void
  /** Spans both columns. */
  wide?: boolean
}

/**
 * One point per customer (or user): requests against cost over the filters, bubble size tokens. The
 * most expensive `points` are drawn; how many more there are, and what they add up to, is said
 * under the chart (the query's `others` row), and so is every one whose cost is unknown (not drawn
 * at $0).
 */
export function RequestsCostScatterPanel({
  dimension,
  what,
  title,
  points,
  testId,
  onSelect,
  wide,
}: RequestsCostScatterProps) {
  const { scope } = useDashboard()
  const theme = useChartTheme()
  const rows = useAnalyticsQuery(requestsCostScatterQuery(scope, dimension, points))
  const { drawn, unknown, rest } = useMemo(() => {
    const data = rows.data ?? []
    const groups = data.filter((row) => !row.others)
    return {
      drawn: groups
        .filter((row) => typeof row.cost_usd === 'number')
        .map((row) => ({
          name: String(row[dimension]),
          x: row.requests ?? 0,
          y: row.cost_usd ?? 0,
          size: row.total_tokens ?? 0,
        })),
      unknown: groups.filter((row) => typeof row.cost_usd !== 'number').map((row) => String(row[dimension])),
      rest: data.find((row) => row.others),
    }
  }, [rows.data, dimension])
  const option = useMemo(
    () =>
      scatterOption(
        {
          points: drawn,
          xName: 'Requests',
          yName: 'Cost',
          xFormat: formatCompact,
          yFormat: formatUsdShort,
          sizeName: 'Tokens',
          sizeFormat: formatCompact,
        },
        theme,
      ),
    [drawn, theme],
  )
  const plural = `${what}s`
  const tableId = `${testId}-table`
  return (
    <Panel
      title={title}
      subtitle={`One point per ${what}, the ${points} with the highest cost at most; bubble size is tokens · log scales`}
      stale={rows.stale}
      wide={wide}
      testId={`${testId}-panel`}
    >
      <QueryBody state={rows} what={plural} isEmpty={(data) => data.length === 0} empty={<NoEventsHint />}>
        {() => (
          <>
            <Chart
              option={option}
              label={`Scatter chart of ${plural}: requests against cost, bubble size by tokens`}
              testId={testId}
              className="chart chart-breakdown"
              describedBy={tableId}
              onItemClick={(click) => {
                const point = drawn[click.dataIndex]
                if (point) onSelect(point.name)
              }}
            />
            <p className="table-note muted" data-testid={`${testId}-note`} data-drawn={drawn.length}>
              {`${formatInteger(drawn.length)} ${drawn.length === 1 ? what : plural} drawn`}
              {rest
                ? `; the others (${formatInteger(rest.requests)} requests, ${rest.cost_usd === null || rest.cost_usd === undefined ? 'cost unknown' : formatUsd(rest.cost_usd)}) are not`
                : ''}
              {unknown.length > 0
                ? `; ${formatInteger(unknown.length)} of unknown cost not drawn (${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''})`
                : ''}
              .
            </p>
            <HiddenTable
              id={tableId}
              caption={`Requests, cost and tokens per ${what}`}
              columns={[what[0]?.toUpperCase() + what.slice(1), 'Requests', 'Cost', 'Tokens']}
              rows={drawn.map((point) => [
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
  )
}
