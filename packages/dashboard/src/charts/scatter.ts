// Bubbles of two figures against each other: customers' requests against cost, models' cost
// per request against latency.

import type { ChartOption } from '../components/chart'
import { optionBase, type ValueFormat, valueAxis } from './chart-parts'
import type { ChartTheme } from './chart-theme'
import { escapeHtml, tooltipBase } from './tooltip'

export interface ScatterPoint {
  name: string
  x: number
  y: number
  size: number
}

export interface ScatterSpec {
  points: readonly ScatterPoint[]
  xName: string
  yName: string
  xFormat: ValueFormat
  yFormat: ValueFormat
  sizeName: string
  sizeFormat: ValueFormat
}

/** Bubbles on log axes: customers span orders of magnitude. */
export function scatterOption(spec: ScatterSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  const { points } = spec
  const maxSize = Math.max(1, ...points.map((point) => point.size))
  const positive = points.every((point) => point.x > 0 && point.y > 0)
  const axisType = positive && points.length > 1 ? 'log' : 'value'
  return {
    ...optionBase(theme),
    grid: { left: 8, right: 24, top: 28, bottom: 28, containLabel: true },
    tooltip: {
      ...tooltipBase(palette, 'item'),
      formatter: (params: { dataIndex?: number }) => {
        const point = points[params.dataIndex ?? -1]
        if (!point) return ''
        return [
          `<strong>${escapeHtml(point.name)}</strong>`,
          `${spec.xName}: ${spec.xFormat(point.x)}`,
          `${spec.yName}: ${spec.yFormat(point.y)}`,
          `${spec.sizeName}: ${spec.sizeFormat(point.size)}`,
        ].join('<br/>')
      },
    },
    xAxis: {
      ...valueAxis(palette, (value: number) => spec.xFormat(value)),
      type: axisType,
      name: spec.xName,
      nameLocation: 'middle',
      nameGap: 28,
      nameTextStyle: { color: palette.mutedText },
    },
    yAxis: {
      ...valueAxis(palette, (value: number) => spec.yFormat(value)),
      type: axisType,
      name: spec.yName,
      nameTextStyle: { color: palette.mutedText, align: 'left' },
    },
    series: [
      {
        id: 'points',
        type: 'scatter',
        data: points.map((point) => ({ name: point.name, value: [point.x, point.y] })),
        symbolSize: (_value: unknown, params: { dataIndex: number }) =>
          6 + 30 * Math.sqrt((points[params.dataIndex]?.size ?? 0) / maxSize),
        itemStyle: {
          color: palette.bar,
          opacity: 0.7,
          borderColor: palette.tooltipBackground,
          borderWidth: 1,
        },
        emphasis: { focus: 'self' },
      },
    ],
  }
}
