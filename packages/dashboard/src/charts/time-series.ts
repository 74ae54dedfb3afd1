// Bars, lines or areas over a time axis: cost, tokens, latency and mix over time.

import type { ChartOption } from '../components/chart'
import type { BucketSlot } from '../lib/buckets'
import { LATENCY_BANDS } from '../lib/format'
import { type ChartMarker, markersAt } from './anomaly-markers'
import { legend, optionBase, type ValueFormat, valueAxis } from './chart-parts'
import type { ChartTheme } from './chart-theme'
import { seriesColor } from './palette'
import { colorDot, escapeHtml, firstDataIndex, tooltipBase } from './tooltip'

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
  format: ValueFormat
  /** Y-axis labels. */
  axisFormat: (value: number) => string
  /** Add a "Total" line to the tooltip (stacked money or counts). */
  total?: (values: readonly (number | null)[]) => string
  /** What that line is called (default "Total"). */
  totalLabel?: string
  /** Shade the latency colour bands (green < 1.5 s, amber ≤ 3 s, red above). */
  latencyBands?: boolean
  /** Values are shares (0–1): the axis ends at 100%. */
  shares?: boolean
  /** Anomalies to shade over the buckets they cover, their sentences in those buckets' tooltips. */
  markers?: readonly ChartMarker[]
}

/** The series that carries the anomaly markers: it draws no value of its own. */
const MARKER_SERIES_ID = 'anomaly-markers'

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
  const markers = spec.markers ?? []
  // A marker spans its buckets: whole bars (see the ticks below), or on lines from its first point
  // to the next bucket's.
  const markArea =
    markers.length > 0
      ? {
          silent: true,
          data: markers.map((marker) => [
            { xAxis: marker.first, itemStyle: { color: palette.anomalyFill } },
            { xAxis: spec.kind === 'bar' ? marker.last : Math.min(marker.last + 1, axis.length - 1) },
          ]),
        }
      : undefined
  // A series of its own carries them, so hiding a series from the legend does not hide them; bars
  // side by side would make room for it, so there the first series carries them instead.
  const ownMarkerSeries = markArea !== undefined && (spec.kind !== 'bar' || spec.stacked)
  return {
    ...optionBase(theme),
    legend: { ...legend(palette, showLegend), data: series.map((entry) => entry.name) },
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
          lines.push(`${colorDot(color)}${escapeHtml(entry.name)}: <strong>${spec.format(value)}</strong>`)
        })
        if (spec.total)
          lines.push(`${escapeHtml(spec.totalLabel ?? 'Total')}: <strong>${spec.total(values)}</strong>`)
        for (const marker of markersAt(markers, index))
          lines.push(
            `<div class="tooltip-anomaly" style="max-width:24em;margin-top:4px;white-space:normal">${colorDot(palette.warning)}<strong>${escapeHtml(marker.kind)}</strong>: ${escapeHtml(marker.summary)}</div>`,
          )
        return lines.join('<br/>')
      },
    },
    xAxis: {
      type: 'category',
      data: axis.map((slot) => slot.label),
      boundaryGap: spec.kind === 'bar',
      axisLabel: { color: palette.mutedText, hideOverlap: true },
      axisLine: { lineStyle: { color: palette.gridLine } },
      // ECharts places a bar chart's mark areas on the axis ticks: a tick at every bar's edge (not
      // centred under its label) lets a marker span whole bars. Hidden: one tick per bucket would be a
      // comb at 1,500 buckets.
      axisTick:
        spec.kind === 'bar'
          ? { show: false, alignWithLabel: false, interval: 0 }
          : { alignWithLabel: true, lineStyle: { color: palette.gridLine } },
    },
    yAxis: valueAxis(palette, spec.axisFormat, spec.shares ? { max: 1 } : {}),
    series: [
      ...series.map((entry, position) => {
        const color = entry.color ?? seriesColor(palette, position, entry.name)
        const common = {
          id: `series:${entry.name}`,
          name: entry.name,
          data: [...entry.values],
          itemStyle: { color },
          emphasis: { focus: 'series' },
          ...(spec.stacked ? { stack: 'total' } : {}),
          ...(position === 0 && bands ? { markArea: bands } : {}),
          ...(position === 0 && markArea && !ownMarkerSeries ? { markArea } : {}),
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
      ...(ownMarkerSeries
        ? [
            {
              id: MARKER_SERIES_ID,
              name: 'Anomalies',
              type: spec.kind === 'bar' ? 'bar' : 'line',
              data: axis.map(() => null),
              silent: true,
              ...(spec.stacked ? { stack: 'total' } : {}),
              markArea,
            },
          ]
        : []),
    ],
  }
}
