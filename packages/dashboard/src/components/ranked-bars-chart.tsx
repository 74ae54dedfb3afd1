import { useMemo } from 'react'
import type { ValueFormat } from '../charts/chart-parts'
import { type RankedBar, rankedBarsOption } from '../charts/ranked-bars'
import { useChartTheme } from '../hooks/use-chart-theme'
import { Chart } from './chart'

/** A bar of a ranking; `others` is the rest folded into one bar, which names nothing to pick. */
export interface PickableBar extends RankedBar {
  others?: boolean
}

export interface RankedBarsChartProps {
  /** Memoized by the caller: a new array redraws the chart. */
  bars: readonly PickableBar[]
  /** The bar-end label and tooltip value. */
  format: ValueFormat
  axisFormat: (value: number) => string
  /** Label for a bar without a value. */
  unknownLabel?: string
  color?: string
  /** What the chart shows, for screen readers. */
  label: string
  testId: string
  describedBy?: string
  /** A click on a bar other than Others, with the bar's name (a drill-down). */
  onSelect: (name: string) => void
}

/** A ranking as horizontal bars, first on top; clicking a named bar picks it. */
export function RankedBarsChart({
  bars,
  format,
  axisFormat,
  unknownLabel,
  color,
  label,
  testId,
  describedBy,
  onSelect,
}: RankedBarsChartProps) {
  const theme = useChartTheme()
  const option = useMemo(
    () => rankedBarsOption({ rows: bars, format, axisFormat, unknownLabel, color }, theme),
    [bars, format, axisFormat, unknownLabel, color, theme],
  )
  return (
    <Chart
      option={option}
      label={label}
      testId={testId}
      className="chart chart-breakdown"
      describedBy={describedBy}
      onItemClick={(click) => {
        const bar = bars[click.dataIndex]
        if (bar && !bar.others) onSelect(bar.name)
      }}
    />
  )
}
