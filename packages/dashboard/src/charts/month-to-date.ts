// This month's running total and where it is heading.

import type { ChartOption } from '../components/chart'
import { legend, optionBase, type ValueFormat, valueAxis } from './chart-parts'
import type { ChartTheme } from './chart-theme'
import { colorDot, escapeHtml, firstDataIndex, tooltipBase } from './tooltip'

export interface MonthToDateSpec {
  /** The month's days, axis labels. */
  days: readonly string[]
  /** Spend so far, day by day, through today (shorter than `days`). */
  actual: readonly number[]
  /** The projected running total from today to the month's last day. */
  projection: readonly (number | null)[]
  /** Last month's total, drawn as a reference line. */
  previousTotal: number | null
  format: ValueFormat
  axisFormat: (value: number) => string
}

/** Month-to-date running total, solid, and its projection to month end, dashed. */
export function monthToDateOption(spec: MonthToDateSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  return {
    ...optionBase(theme),
    legend: legend(palette, true),
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase(palette, 'axis'),
      axisPointer: { type: 'line' },
      formatter: (params: unknown) => {
        const index = firstDataIndex(params)
        const day = spec.days[index]
        if (!day) return ''
        const lines = [`<strong>${escapeHtml(day)}</strong>`]
        const actual = spec.actual[index]
        if (actual !== undefined)
          lines.push(`${colorDot(palette.bar)}Spent so far: <strong>${spec.format(actual)}</strong>`)
        const projected = spec.projection[index]
        if (typeof projected === 'number' && actual === undefined)
          lines.push(`${colorDot(palette.projection)}Projected: <strong>${spec.format(projected)}</strong>`)
        return lines.join('<br/>')
      },
    },
    xAxis: {
      type: 'category',
      data: [...spec.days],
      boundaryGap: false,
      axisLabel: {
        color: palette.mutedText,
        hideOverlap: true,
        formatter: (day: string) => String(Number(day.slice(8))),
      },
      axisLine: { lineStyle: { color: palette.gridLine } },
    },
    yAxis: valueAxis(palette, spec.axisFormat),
    series: [
      {
        id: 'actual',
        name: 'Spent',
        type: 'line',
        data: [...spec.actual],
        showSymbol: false,
        lineStyle: { width: 2.5, color: palette.bar },
        itemStyle: { color: palette.bar },
        areaStyle: { opacity: 0.12, color: palette.bar },
        ...(spec.previousTotal !== null
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: palette.mutedText, type: 'dotted' },
                label: {
                  color: palette.mutedText,
                  position: 'insideStartTop',
                  formatter: `Last month ${spec.format(spec.previousTotal)}`,
                },
                data: [{ yAxis: spec.previousTotal }],
              },
            }
          : {}),
      },
      {
        id: 'projection',
        name: 'Projected',
        type: 'line',
        data: [...spec.projection],
        showSymbol: false,
        lineStyle: { width: 2, type: 'dashed', color: palette.projection },
        itemStyle: { color: palette.projection },
      },
    ],
  }
}
