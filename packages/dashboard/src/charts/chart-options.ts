// ECharts options for the dashboard's charts, built from query results. Pure functions: the Chart
// component only hands them to ECharts. Series carry ids so an update merges into the drawn chart.

import type { ChartOption } from '../components/chart'
import type { BucketSlot } from '../lib/buckets'
import { LATENCY_BANDS } from '../lib/format'
import { type ChartPalette, seriesColor } from './palette'

export interface ChartTheme {
  palette: ChartPalette
  animate: boolean
  /** Phone width: shorter labels, less room. */
  narrow: boolean
}

type Format = (value: number | null | undefined) => string

/** Tooltips are HTML: anything that came from events (customer ids, feature names) is escaped. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

function tooltipBase(palette: ChartPalette, trigger: 'axis' | 'item') {
  return {
    trigger,
    ...(trigger === 'axis' ? { axisPointer: { type: 'shadow' } } : {}),
    backgroundColor: palette.tooltipBackground,
    borderColor: palette.tooltipBorder,
    textStyle: { color: palette.text, fontSize: 13 },
    confine: true,
  }
}

function valueAxis(palette: ChartPalette, format: (value: number) => string, extra: object = {}) {
  return {
    type: 'value',
    axisLabel: { color: palette.mutedText, hideOverlap: true, formatter: format },
    splitLine: { lineStyle: { color: palette.gridLine } },
    ...extra,
  }
}

function legend(palette: ChartPalette, show: boolean) {
  return {
    show,
    type: 'scroll',
    top: 0,
    left: 0,
    icon: 'roundRect',
    itemWidth: 12,
    itemHeight: 10,
    textStyle: { color: palette.text },
    pageTextStyle: { color: palette.mutedText },
    pageIconColor: palette.text,
    pageIconInactiveColor: palette.gridLine,
  }
}

/** ECharts hands axis-tooltip formatters one entry per series; the first carries the index. */
export function firstDataIndex(params: unknown): number {
  const first = Array.isArray(params) ? params[0] : params
  const index = (first as { dataIndex?: unknown } | undefined)?.dataIndex
  return typeof index === 'number' ? index : -1
}

function dot(color: string): string {
  return `<span style="display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:6px;background:${color}"></span>`
}

export interface TimeSeries {
  name: string
  values: readonly (number | null)[]
  others?: boolean
  /** Overrides the palette's colour for this series. */
  color?: string
  dashed?: boolean
}

export interface TimeSeriesSpec {
  axis: readonly BucketSlot[]
  series: readonly TimeSeries[]
  kind: 'bar' | 'line' | 'area'
  stacked: boolean
  /** Tooltip values. */
  format: Format
  /** Y-axis labels. */
  axisFormat: (value: number) => string
  /** Add a "Total" line to the tooltip (stacked money or counts). */
  total?: (values: readonly (number | null)[]) => string
  /** Shade the latency colour bands (green < 1.5 s, amber ≤ 3 s, red above). */
  latencyBands?: boolean
  /** Values are shares (0–1): the axis ends at 100%. */
  shares?: boolean
}

/** Bars, lines or areas over a time axis, stacked or side by side. */
export function timeSeriesOption(spec: TimeSeriesSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  const { axis, series } = spec
  const showLegend = series.length > 1
  const highest = Math.max(0, ...series.flatMap((entry) => entry.values.map((value) => value ?? 0)))
  const bandTop = Math.max(highest, LATENCY_BANDS.badAboveMs) * 1.2
  const bands = spec.latencyBands
    ? {
        silent: true,
        data: [
          [{ yAxis: 0, itemStyle: { color: palette.goodFill } }, { yAxis: LATENCY_BANDS.slowFromMs }],
          [
            { yAxis: LATENCY_BANDS.slowFromMs, itemStyle: { color: palette.slowFill } },
            { yAxis: LATENCY_BANDS.badAboveMs },
          ],
          [{ yAxis: LATENCY_BANDS.badAboveMs, itemStyle: { color: palette.badFill } }, { yAxis: bandTop }],
        ],
      }
    : undefined
  return {
    animation: theme.animate,
    animationDurationUpdate: 300,
    backgroundColor: 'transparent',
    legend: legend(palette, showLegend),
    grid: { left: 8, right: 16, top: showLegend ? 36 : 12, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase(palette, 'axis'),
      axisPointer: { type: spec.kind === 'bar' ? 'shadow' : 'line' },
      formatter: (params: unknown) => {
        const index = firstDataIndex(params)
        const slot = axis[index]
        if (!slot) return ''
        const lines = [`<strong>${escapeHtml(slot.longLabel)}</strong>`]
        const values = series.map((entry) => entry.values[index] ?? null)
        series.forEach((entry, position) => {
          const value = values[position]
          if (spec.stacked && !value) return
          const color = entry.color ?? seriesColor(palette, position, entry.name)
          lines.push(`${dot(color)}${escapeHtml(entry.name)}: <strong>${spec.format(value)}</strong>`)
        })
        if (spec.total) lines.push(`Total: <strong>${spec.total(values)}</strong>`)
        return lines.join('<br/>')
      },
    },
    xAxis: {
      type: 'category',
      data: axis.map((slot) => slot.label),
      boundaryGap: spec.kind === 'bar',
      axisLabel: { color: palette.mutedText, hideOverlap: true },
      axisLine: { lineStyle: { color: palette.gridLine } },
      axisTick: { alignWithLabel: true, lineStyle: { color: palette.gridLine } },
    },
    yAxis: valueAxis(palette, spec.axisFormat, spec.shares ? { max: 1 } : {}),
    series: series.map((entry, position) => {
      const color = entry.color ?? seriesColor(palette, position, entry.name)
      const common = {
        id: `series:${entry.name}`,
        name: entry.name,
        data: [...entry.values],
        itemStyle: { color },
        emphasis: { focus: 'series' },
        ...(spec.stacked ? { stack: 'total' } : {}),
        ...(position === 0 && bands ? { markArea: bands } : {}),
      }
      if (spec.kind === 'bar') return { ...common, type: 'bar', barMaxWidth: 28 }
      return {
        ...common,
        type: 'line',
        showSymbol: spec.kind === 'line' && axis.length <= 40,
        symbolSize: 5,
        connectNulls: false,
        lineStyle: { width: 2, color, ...(entry.dashed ? { type: 'dashed' } : {}) },
        ...(spec.kind === 'area' ? { areaStyle: { opacity: spec.stacked ? 0.85 : 0.15 } } : {}),
      }
    }),
  }
}

export interface RankedBar {
  name: string
  value: number | null
  /** Drawn in the muted colour ("Others", "unattributed"). */
  muted?: boolean
}

export interface RankedBarsSpec {
  rows: readonly RankedBar[]
  /** The bar-end label and tooltip value. */
  format: Format
  axisFormat: (value: number) => string
  /** Extra tooltip lines for a row (already escaped HTML). */
  details?: (index: number) => string[]
  /** Room for the names (model ids run long). */
  labelWidth?: number
  /** Label for a row without a value. */
  unknownLabel?: string
  color?: string
}

/** Horizontal bars, first row on top: a ranking. */
export function rankedBarsOption(spec: RankedBarsSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  const { rows } = spec
  return {
    animation: theme.animate,
    animationDurationUpdate: 300,
    backgroundColor: 'transparent',
    grid: { left: 8, right: 88, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase(palette, 'axis'),
      formatter: (params: unknown) => {
        const index = firstDataIndex(params)
        const row = rows[index]
        if (!row) return ''
        return [
          `<strong>${escapeHtml(row.name)}</strong>`,
          `<strong>${row.value === null ? (spec.unknownLabel ?? '—') : spec.format(row.value)}</strong>`,
          ...(spec.details?.(index) ?? []),
        ].join('<br/>')
      },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((row) => row.name),
      axisLabel: {
        color: palette.text,
        width: spec.labelWidth ?? (theme.narrow ? 100 : 190),
        overflow: 'truncate',
      },
      axisLine: { lineStyle: { color: palette.gridLine } },
      axisTick: { show: false },
    },
    xAxis: valueAxis(palette, spec.axisFormat),
    series: [
      {
        id: 'bars',
        type: 'bar',
        name: 'value',
        data: rows.map((row) => ({
          value: row.value ?? 0,
          itemStyle: { color: row.muted ? palette.barMuted : (spec.color ?? palette.bar) },
        })),
        barMaxWidth: 22,
        itemStyle: { borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: 'right',
          color: palette.mutedText,
          formatter: (params: { dataIndex?: number }) => {
            const value = rows[params.dataIndex ?? -1]?.value
            return typeof value === 'number' ? spec.format(value) : (spec.unknownLabel ?? '—')
          },
        },
      },
    ],
  }
}

export interface ShareSpec {
  rows: readonly RankedBar[]
  format: Format
  /** Share text for a value, e.g. "34%". */
  share: (value: number) => string
}

/** A donut of shares; "Others" and "unattributed" in the muted colour. */
export function shareOption(spec: ShareSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  const rows = spec.rows.filter((row) => (row.value ?? 0) > 0)
  return {
    animation: theme.animate,
    animationDurationUpdate: 300,
    backgroundColor: 'transparent',
    tooltip: {
      ...tooltipBase(palette, 'item'),
      formatter: (params: { dataIndex?: number }) => {
        const row = rows[params.dataIndex ?? -1]
        if (!row || row.value === null) return ''
        return `<strong>${escapeHtml(row.name)}</strong><br/>${spec.format(row.value)} · ${spec.share(row.value)}`
      },
    },
    // Beside the donut on a laptop, under it on a phone.
    legend: theme.narrow
      ? { ...legend(palette, true), top: 'auto', bottom: 0, left: 'center' }
      : { ...legend(palette, true), orient: 'vertical', left: 'auto', right: 0, top: 'middle' },
    series: [
      {
        id: 'share',
        type: 'pie',
        radius: ['45%', '72%'],
        center: theme.narrow ? ['50%', '45%'] : ['32%', '50%'],
        avoidLabelOverlap: true,
        label: { show: false },
        itemStyle: { borderColor: palette.tooltipBackground, borderWidth: 2 },
        data: rows.map((row, index) => ({
          name: row.name,
          value: row.value,
          itemStyle: { color: row.muted ? palette.barMuted : seriesColor(palette, index, row.name) },
        })),
      },
    ],
  }
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** Day of week × hour of day; grid[weekday, Monday first][hour]. */
export function heatmapOption(
  grid: readonly (readonly number[])[],
  format: Format,
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
  xFormat: Format
  yFormat: Format
  sizeName: string
  sizeFormat: Format
}

/** Bubbles on log axes: customers span orders of magnitude. */
export function scatterOption(spec: ScatterSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  const { points } = spec
  const maxSize = Math.max(1, ...points.map((point) => point.size))
  const positive = points.every((point) => point.x > 0 && point.y > 0)
  const axisType = positive && points.length > 1 ? 'log' : 'value'
  return {
    animation: theme.animate,
    animationDurationUpdate: 300,
    backgroundColor: 'transparent',
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
        emphasis: {
          focus: 'self',
          label: { show: true, formatter: '{b}', position: 'top', color: palette.text },
        },
      },
    ],
  }
}

export interface MonthToDateSpec {
  /** The month's days, axis labels. */
  days: readonly string[]
  /** Spend so far, day by day, through today (shorter than `days`). */
  actual: readonly number[]
  /** The projected running total from today to the month's last day. */
  projection: readonly (number | null)[]
  /** Last month's total, drawn as a reference line. */
  previousTotal: number | null
  format: Format
  axisFormat: (value: number) => string
}

/** Month-to-date running total, solid, and its projection to month end, dashed. */
export function monthToDateOption(spec: MonthToDateSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  return {
    animation: theme.animate,
    animationDurationUpdate: 300,
    backgroundColor: 'transparent',
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
          lines.push(`${dot(palette.bar)}Spent so far: <strong>${spec.format(actual)}</strong>`)
        const projected = spec.projection[index]
        if (typeof projected === 'number' && actual === undefined)
          lines.push(`${dot(palette.projection)}Projected: <strong>${spec.format(projected)}</strong>`)
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

export interface RankedStackSpec {
  names: readonly string[]
  series: readonly { name: string; values: readonly number[] }[]
  format: Format
  axisFormat: (value: number) => string
  labelWidth?: number
}

/** Horizontal stacked bars, one per name (e.g. input and output tokens per call of each template). */
export function rankedStackOption(spec: RankedStackSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  return {
    animation: theme.animate,
    animationDurationUpdate: 300,
    backgroundColor: 'transparent',
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
              `${dot(seriesColor(palette, position, entry.name))}${escapeHtml(entry.name)}: <strong>${spec.format(entry.values[index])}</strong>`,
          ),
        ].join('<br/>')
      },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: [...spec.names],
      axisLabel: {
        color: palette.text,
        width: spec.labelWidth ?? (theme.narrow ? 100 : 170),
        overflow: 'truncate',
      },
      axisLine: { lineStyle: { color: palette.gridLine } },
      axisTick: { show: false },
    },
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
