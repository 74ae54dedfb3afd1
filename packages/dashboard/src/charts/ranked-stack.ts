// Horizontal stacked bars, one per name: input and output tokens per call of each template.

import type { ChartOption } from '../components/chart'
import { legend, optionBase, rankAxis, type ValueFormat, valueAxis } from './chart-parts'
import type { ChartTheme } from './chart-theme'
import { seriesColor } from './palette'
import { colorDot, escapeHtml, firstDataIndex, tooltipBase } from './tooltip'

export interface RankedStackSpec {
  names: readonly string[]
  series: readonly { name: string; values: readonly number[] }[]
  format: ValueFormat
  axisFormat: (value: number) => string
  labelWidth?: number
}

/** Horizontal stacked bars, one per name (e.g. input and output tokens per call of each template). */
export function rankedStackOption(spec: RankedStackSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  return {
    ...optionBase(theme),
    legend: legend(palette, true),
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase(palette, 'axis'),
      formatter: (params: unknown) => {
        const index = firstDataIndex(params)
        const name = spec.names[index]
        if (name === undefined) return ''
        return [
          `<strong>${escapeHtml(name)}</strong>`,
          ...spec.series.map(
            (entry, position) =>
              `${colorDot(seriesColor(palette, position, entry.name))}${escapeHtml(entry.name)}: <strong>${spec.format(entry.values[index])}</strong>`,
          ),
        ].join('<br/>')
      },
    },
    yAxis: rankAxis(theme, spec.names, spec.labelWidth, 170),
    xAxis: valueAxis(palette, spec.axisFormat),
    series: spec.series.map((entry, position) => ({
      id: `series:${entry.name}`,
      name: entry.name,
      type: 'bar',
      stack: 'total',
      barMaxWidth: 20,
      data: [...entry.values],
      itemStyle: { color: seriesColor(palette, position, entry.name) },
    })),
  }
}
