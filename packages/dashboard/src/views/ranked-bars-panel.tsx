import { Panel, QueryBody } from '../components/panel'
import { RankedBarsChart, type RankedBarsChartProps } from '../components/ranked-bars-chart'
import type { QueryState } from '../hooks/use-analytics-query'
import { NoEventsHint } from './cost-over-time-panel'

export interface RankedBarsPanelProps extends RankedBarsChartProps {
  title: string
  subtitle: string
  /** The query the bars are drawn from: its loading, failure and staleness are the panel's. */
  query: QueryState<readonly unknown[]>
  /** What is loading, e.g. "customers". */
  what: string
}

/**
 * A panel of ranked bars (cost by a dimension, top customers, cost per call): loading, failure and
 * "no events" from its query, then the bars. Beside cost over time, because its empty state is
 * the views' own hint (try all time, clear the filters).
 */
export function RankedBarsPanel({ title, subtitle, query, what, ...chart }: RankedBarsPanelProps) {
  return (
    <Panel title={title} subtitle={subtitle} stale={query.stale}>
      <QueryBody state={query} what={what} isEmpty={(rows) => rows.length === 0} empty={<NoEventsHint />}>
        {() => <RankedBarsChart {...chart} />}
      </QueryBody>
    </Panel>
  )
}
