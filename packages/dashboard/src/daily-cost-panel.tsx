import { type ReactNode, useMemo } from 'react'
import type { Timeseries } from './api'
import { Chart } from './chart'
import { DARK_PALETTE, dailyCostOption, LIGHT_PALETTE } from './chart-options'
import { usePrefersDark, usePrefersReducedMotion } from './color-scheme'
import { DataTable } from './data-table'
import { formatDayLabel, formatInteger, formatUsd } from './format'
import { Panel, PanelMessage } from './panel'
import { fillDays, type TimeRange } from './time-range'

export interface DailyCostPanelProps {
  timeseries: Timeseries | undefined
  range: TimeRange
  loading: boolean
  rangeIsEmpty: boolean
  /** Offered when the range is empty; undefined when the range already is "All". */
  onShowAll: (() => void) | undefined
}

/** Cost per local calendar day, from GET /api/timeseries?bucket=day. */
export function DailyCostPanel({ timeseries, range, loading, rangeIsEmpty, onShowAll }: DailyCostPanelProps) {
  const dark = usePrefersDark()
  const reducedMotion = usePrefersReducedMotion()
  const days = useMemo(() => fillDays(timeseries?.points ?? [], range), [timeseries, range])
  const option = useMemo(
    () => dailyCostOption(days, dark ? DARK_PALETTE : LIGHT_PALETTE, !reducedMotion),
    [days, dark, reducedMotion],
  )

  let body: ReactNode
  if (rangeIsEmpty) {
    body = (
      <PanelMessage>
        <p>No events in this time range.</p>
        {onShowAll ? (
          <button type="button" className="button" onClick={onShowAll}>
            Show all time
          </button>
        ) : null}
      </PanelMessage>
    )
  } else if (!timeseries) {
    body = <PanelMessage busy={loading}>{loading ? 'Loading daily cost…' : 'No data.'}</PanelMessage>
  } else {
    body = (
      <>
        <Chart
          option={option}
          label={`Bar chart of cost per day, ${days.length} days`}
          testId="daily-cost-chart"
          className={loading ? 'chart chart-daily is-refreshing' : 'chart chart-daily'}
        />
        <DataTable
          caption="Cost per day"
          columns={['Day', 'Cost', 'Requests']}
          rows={days.map((day) => [
            formatDayLabel(day.label, 'long'),
            formatUsd(day.cost_usd),
            formatInteger(day.point?.requests ?? 0),
          ])}
        />
      </>
    )
  }

  return (
    <Panel title="Daily cost" subtitle="Per calendar day in your time zone">
      {body}
    </Panel>
  )
}
