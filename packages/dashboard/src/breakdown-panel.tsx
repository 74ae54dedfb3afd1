import { type ReactNode, useMemo } from 'react'
import type { Breakdown as BreakdownData } from './api'
import { Chart } from './chart'
import { breakdownOption, DARK_PALETTE, LIGHT_PALETTE } from './chart-options'
import { useNarrowScreen, usePrefersDark, usePrefersReducedMotion } from './color-scheme'
import { DataTable } from './data-table'
import { formatInteger, formatUsd } from './format'
import { Panel, PanelMessage } from './panel'
import { BREAKDOWNS, type Breakdown } from './view-state'

export interface BreakdownPanelProps {
  breakdown: BreakdownData | undefined
  totalCost: number | null | undefined
  loading: boolean
  rangeIsEmpty: boolean
  selected: Breakdown
  selectedLabel: string
  limit: number
  onSelect: (breakdown: Breakdown) => void
}

/** The top cost drivers by feature, customer or model, from GET /api/breakdown. */
export function BreakdownPanel({
  breakdown,
  totalCost,
  loading,
  rangeIsEmpty,
  selected,
  selectedLabel,
  limit,
  onSelect,
}: BreakdownPanelProps) {
  const dark = usePrefersDark()
  const reducedMotion = usePrefersReducedMotion()
  const narrow = useNarrowScreen()
  const option = useMemo(
    () =>
      breakdownOption(
        breakdown?.rows ?? [],
        totalCost,
        dark ? DARK_PALETTE : LIGHT_PALETTE,
        !reducedMotion,
        narrow ? 110 : 200,
      ),
    [breakdown, totalCost, dark, reducedMotion, narrow],
  )
  const rows = breakdown?.rows ?? []

  const actions = (
    <fieldset className="segmented segmented-small" aria-label="Break down by">
      {BREAKDOWNS.map((entry) => (
        <button
          key={entry.key}
          type="button"
          aria-pressed={selected === entry.key}
          data-testid={`breakdown-${entry.key}`}
          onClick={() => onSelect(entry.key)}
        >
          {entry.label}
        </button>
      ))}
    </fieldset>
  )

  let body: ReactNode
  if (rangeIsEmpty) {
    body = <PanelMessage>No events in this time range.</PanelMessage>
  } else if (!breakdown) {
    body = <PanelMessage busy={loading}>{loading ? 'Loading breakdown…' : 'No data.'}</PanelMessage>
  } else {
    body = (
      <>
        <Chart
          option={option}
          label={`Horizontal bar chart of cost by ${selectedLabel.toLowerCase()}, top ${rows.length}`}
          testId="breakdown-chart"
          className={loading ? 'chart chart-breakdown is-refreshing' : 'chart chart-breakdown'}
        />
        <DataTable
          caption={`Cost by ${selectedLabel.toLowerCase()}`}
          columns={[selectedLabel, 'Cost', 'Requests']}
          rows={rows.map((row) => [row.value, formatUsd(row.cost_usd), formatInteger(row.requests)])}
          testId="breakdown-table"
        />
      </>
    )
  }

  return (
    <Panel
      title={`Top ${limit} by ${selectedLabel.toLowerCase()}`}
      subtitle="Ranked by cost"
      actions={actions}
    >
      {body}
    </Panel>
  )
}
