// A budget's burn over its current period: spend to date against the amount, the forecast to the
// reset, its thresholds, and when the forecast says it runs out.

import type { Budget, QueryRow } from '@spendlens/server/api-types'
import type { ChartOption } from '../components/chart'
import { optionBase, type ValueFormat, valueAxis } from './chart-parts'
import type { ChartTheme } from './chart-theme'
import { colorDot, escapeHtml, tooltipBase } from './tooltip'

/** A moment (epoch ms) and the spend of the period up to it. */
export type BurnPoint = readonly [number, number]

/**
 * Spend to date from a budget's hourly rows: 0 at the period's start, then the running total at
 * the end of each hour, the last point at `asOf` with the status's own spend (what the server
 * counts, so the line ends where the figures say).
 */
export function burnPoints(budget: Budget, rows: readonly QueryRow[], asOf: number): BurnPoint[] {
  const start = Date.parse(budget.status.period_start)
  const end = Math.min(asOf, Date.parse(budget.status.resets_at))
  const hourly = rows
    .map((row) => [Date.parse(row.bucket_start ?? ''), row.cost_usd ?? 0] as const)
    .filter(([time]) => Number.isFinite(time))
    .sort((left, right) => left[0] - right[0])
  const points: BurnPoint[] = [[start, 0]]
  let total = 0
  for (const [time, cost] of hourly) {
    total += cost
    const hourEnd = Math.max(start, time) + 3_600_000
    if (hourEnd < end) points.push([hourEnd, total])
  }
  points.push([end, budget.status.spent_usd])
  return points
}

/** The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value`. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  const step = [1, 2, 2.5, 5, 10].find((multiple) => multiple * power >= value * (1 - 1e-12)) ?? 10
  return step * power
}

/** The burn chart's height in CSS pixels: the panel draws it so, and its labels are laid out for it. */
export const BURN_CHART_HEIGHT = 240

/**
 * The plot's height within the chart: less the grid's margins and the time axis's labels
 * (containLabel puts them inside the chart's box).
 */
const PLOT_HEIGHT = BURN_CHART_HEIGHT - 16 - 8 - 24

/** Two threshold labels closer than this (CSS px) would overlap: one line of 12 px text and a gap. */
export const LABEL_GAP_PX = 18

/**
 * The threshold lines' labels, each under its line's end (where neither the spend, which starts at
 * the left, nor the amount's label, above its own line, is) unless it would overlap the next: lines
 * closer than LABEL_GAP_PX on the axis share one label, under the highest of them ("80% · 90%"),
 * and the others draw no label. `top` is the axis's maximum, `plotHeight` its length in px.
 */
export function thresholdLabels(
  thresholds: readonly number[],
  amountUsd: number,
  top: number,
  plotHeight = PLOT_HEIGHT,
): { threshold: number; label: string | null }[] {
  const sorted = [...thresholds].sort((left, right) => left - right)
  const pixels = (threshold: number) => ((threshold * amountUsd) / top) * plotHeight
  const groups: number[][] = []
  for (const threshold of sorted) {
    const group = groups[groups.length - 1]
    const previous = group?.[group.length - 1]
    if (group && previous !== undefined && pixels(threshold) - pixels(previous) < LABEL_GAP_PX)
      group.push(threshold)
    else groups.push([threshold])
  }
  return groups.flatMap((group) =>
    group.map((threshold, index) => ({
      threshold,
      label:
        index === group.length - 1 ? group.map((each) => `${Math.round(each * 100)}%`).join(' · ') : null,
    })),
  )
}

export interface BudgetBurnSpec {
  budget: Budget
  points: readonly BurnPoint[]
  /** When the status was read (epoch ms): where the forecast starts. */
  asOf: number
  format: ValueFormat
  axisFormat: (value: number) => string
  /** A moment on the budget's clock, for the tooltip and the run-out line. */
  formatTime: (time: number) => string
}

/** Spend to date as an area, the forecast dashed to the reset, the amount and thresholds as lines. */
export function budgetBurnOption(spec: BudgetBurnSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  const { budget, points, asOf } = spec
  const { status, amountUsd } = budget
  const start = Date.parse(status.period_start)
  const resetsAt = Date.parse(status.resets_at)
  const now = Math.min(asOf, resetsAt)
  const over = status.used >= 1
  const heading = status.forecast.runs_out_at !== null || status.forecast.end_of_period_usd > amountUsd
  const spentColor = over ? palette.bad : heading ? palette.warning : palette.bar
  const forecast: BurnPoint[] =
    status.forecast.method === 'no_history' || now >= resetsAt
      ? []
      : [
          [now, status.spent_usd],
          [resetsAt, status.forecast.end_of_period_usd],
        ]
  const runsOutAt = status.forecast.runs_out_at === null ? null : Date.parse(status.forecast.runs_out_at)
  // The amount always in sight, with room for its label, on a round top.
  const top = niceCeiling(Math.max(amountUsd * 1.08, status.spent_usd, status.forecast.end_of_period_usd))
  const thresholdLines = thresholdLabels(
    budget.thresholds.filter((threshold) => threshold !== 1),
    amountUsd,
    top,
  ).map(({ threshold, label }) => ({
    yAxis: threshold * amountUsd,
    lineStyle: { color: palette.mutedText, type: 'dotted', width: 1 },
    label:
      label === null
        ? { show: false }
        : { color: palette.mutedText, position: 'insideEndBottom', formatter: label },
  }))
  return {
    ...optionBase(theme),
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase(palette, 'axis'),
      axisPointer: { type: 'line' },
      formatter: (params: unknown) => {
        const entries = (Array.isArray(params) ? params : [params]) as {
          seriesId?: string
          value?: BurnPoint
        }[]
        const first = entries.find((entry) => Array.isArray(entry.value))
        if (!first?.value) return ''
        const lines = [`<strong>${escapeHtml(spec.formatTime(first.value[0]))}</strong>`]
        for (const entry of entries) {
          if (!entry.value) continue
          const label = entry.seriesId === 'forecast' ? 'Forecast' : 'Spent'
          const color = entry.seriesId === 'forecast' ? palette.projection : spentColor
          lines.push(`${colorDot(color)}${label}: <strong>${spec.format(entry.value[1])}</strong>`)
        }
        lines.push(`Amount: <strong>${spec.format(amountUsd)}</strong>`)
        return lines.join('<br/>')
      },
    },
    xAxis: {
      type: 'time',
      min: start,
      max: resetsAt,
      axisLabel: {
        color: palette.mutedText,
        hideOverlap: true,
        formatter: (time: number) => spec.formatTime(time),
      },
      axisLine: { lineStyle: { color: palette.gridLine } },
      splitLine: { show: false },
    },
    yAxis: valueAxis(palette, spec.axisFormat, { max: top, min: 0 }),
    series: [
      {
        id: 'spent',
        name: 'Spent',
        type: 'line',
        data: points.map((point) => [...point]),
        showSymbol: false,
        lineStyle: { width: 2.5, color: spentColor },
        itemStyle: { color: spentColor },
        areaStyle: { opacity: 0.14, color: spentColor },
        markLine: {
          silent: true,
          symbol: 'none',
          data: [
            {
              yAxis: amountUsd,
              lineStyle: { color: palette.bad, type: 'solid', width: 1.5 },
              label: {
                color: palette.bad,
                position: 'insideEndTop',
                formatter: `Amount ${spec.format(amountUsd)}`,
              },
            },
            ...thresholdLines,
            ...(runsOutAt === null
              ? []
              : [
                  {
                    xAxis: runsOutAt,
                    lineStyle: { color: palette.warning, type: 'dashed', width: 1.5 },
                    label: {
                      color: palette.warning,
                      position: 'insideEndTop',
                      formatter: `Runs out ${spec.formatTime(runsOutAt)}`,
                    },
                  },
                ]),
          ],
        },
      },
      {
        id: 'forecast',
        name: 'Forecast',
        type: 'line',
        data: forecast.map((point) => [...point]),
        showSymbol: false,
        lineStyle: { width: 2, type: 'dashed', color: palette.projection },
        itemStyle: { color: palette.projection },
      },
    ],
  }
}
