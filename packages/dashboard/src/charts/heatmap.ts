// Day of week × hour of day: when requests and cost happen.

import type { ChartOption } from '../components/chart'
import type { ValueFormat } from './chart-parts'
import type { ChartTheme } from './chart-theme'
import { tooltipBase } from './tooltip'

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** Day of week × hour of day; grid[weekday, Monday first][hour]. */
export function heatmapOption(
  grid: readonly (readonly number[])[],
  format: ValueFormat,
  theme: ChartTheme,
): ChartOption {
  const { palette } = theme
  const data: [number, number, number][] = []
  let max = 0
  grid.forEach((hours, weekday) => {
    hours.forEach((value, hour) => {
      data.push([hour, weekday, value])
      max = Math.max(max, value)
    })
  })
  return {
    animation: false,
    backgroundColor: 'transparent',
    grid: { left: 8, right: 8, top: 4, bottom: 36, containLabel: true },
    tooltip: {
      ...tooltipBase(palette, 'item'),
      formatter: (params: { value?: [number, number, number] }) => {
        const [hour, weekday, value] = params.value ?? [0, 0, 0]
        const hours = `${String(hour).padStart(2, '0')}:00–${String(hour + 1).padStart(2, '0')}:00`
        return `<strong>${WEEKDAYS[weekday]} ${hours}</strong><br/>${format(value)}`
      },
    },
    xAxis: {
      type: 'category',
      data: Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0')),
      splitArea: { show: false },
      axisLabel: { color: palette.mutedText, interval: theme.narrow ? 5 : 2 },
      axisLine: { show: false },
      axisTick: { show: false },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: WEEKDAYS,
      axisLabel: { color: palette.mutedText },
      axisLine: { show: false },
      axisTick: { show: false },
    },
    visualMap: {
      min: 0,
      max: Math.max(max, Number.EPSILON),
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      itemWidth: 10,
      text: [format(max), format(0)],
      textStyle: { color: palette.mutedText, fontSize: 11 },
      inRange: { color: [...palette.heat] },
    },
    series: [
      {
        id: 'heat',
        type: 'heatmap',
        data,
        itemStyle: { borderColor: palette.tooltipBackground, borderWidth: 1, borderRadius: 2 },
        emphasis: { itemStyle: { borderColor: palette.text } },
      },
    ],
  }
}
