// The invoice beside the tracked cost, day by day: what the providers billed as bars, what the
// events account for as a line over them, so a day's gap is the space between the two.

import type { ChartOption } from '../components/chart'
import type { BucketSlot } from '../lib/buckets'
import { legend, optionBase, type ValueFormat, valueAxis } from './chart-parts'
import type { ChartTheme } from './chart-theme'
import { colorDot, escapeHtml, firstDataIndex, tooltipBase } from './tooltip'

export interface InvoiceDaysSpec {
  /** UTC days. */
  axis: readonly BucketSlot[]
  /** Per day; null: no complete invoice covers the day. */
  invoiced: readonly (number | null)[]
  tracked: readonly (number | null)[]
  /** tracked ÷ invoiced per day; null when nothing was invoiced. */
  coverage: readonly (number | null)[]
  format: ValueFormat
  axisFormat: (value: number) => string
  coverageFormat: ValueFormat
}

/** Invoiced per day as bars, tracked as a line; the tooltip adds the day's gap and coverage. */
export function invoiceDaysOption(spec: InvoiceDaysSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  const invoicedColor = palette.barMuted
  const trackedColor = palette.bar
  return {
    ...optionBase(theme),
    legend: legend(palette, true),
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase(palette, 'axis'),
      formatter: (params: unknown) => {
        const index = firstDataIndex(params)
        const slot = spec.axis[index]
        if (!slot) return ''
        const invoiced = spec.invoiced[index] ?? null
        const tracked = spec.tracked[index] ?? null
        const lines = [`<strong>${escapeHtml(slot.longLabel)}</strong>`]
        if (invoiced === null && tracked === null) {
          lines.push('No complete invoice for this day yet')
          return lines.join('<br/>')
        }
        lines.push(`${colorDot(invoicedColor)}Invoiced: <strong>${spec.format(invoiced)}</strong>`)
        lines.push(`${colorDot(trackedColor)}Tracked: <strong>${spec.format(tracked)}</strong>`)
        lines.push(`Gap: <strong>${spec.format((invoiced ?? 0) - (tracked ?? 0))}</strong>`)
        lines.push(`Coverage: <strong>${spec.coverageFormat(spec.coverage[index] ?? null)}</strong>`)
        return lines.join('<br/>')
      },
    },
    xAxis: {
      type: 'category',
      data: spec.axis.map((slot) => slot.label),
      axisLabel: { color: palette.mutedText, hideOverlap: true },
      axisLine: { lineStyle: { color: palette.gridLine } },
      axisTick: { alignWithLabel: true, lineStyle: { color: palette.gridLine } },
    },
    yAxis: valueAxis(palette, spec.axisFormat),
    series: [
      {
        id: 'invoiced',
        name: 'Invoiced',
        type: 'bar',
        data: [...spec.invoiced],
        barMaxWidth: 28,
        itemStyle: { color: invoicedColor },
      },
      {
        id: 'tracked',
        name: 'Tracked',
        type: 'line',
        data: [...spec.tracked],
        connectNulls: false,
        showSymbol: spec.axis.length <= 40,
        symbolSize: 7,
        lineStyle: { width: 2.5, color: trackedColor },
        itemStyle: { color: trackedColor },
      },
    ],
  }
}
