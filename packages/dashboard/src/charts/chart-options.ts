// ECharts options for the dashboard's charts, built from API data. Pure functions: the Chart
// component only hands them to ECharts.

import type { BreakdownRow, TimeseriesPoint } from './api'
import type { ChartOption } from './chart'
import {
  formatCompact,
  formatDayLabel,
  formatInteger,
  formatLatency,
  formatShare,
  formatUsd,
  formatUsdShort,
} from './format'

export interface ChartPalette {
  text: string
  mutedText: string
  gridLine: string
  bar: string
  barMuted: string
  tooltipBackground: string
  tooltipBorder: string
  warning: string
}

export const LIGHT_PALETTE: ChartPalette = {
  text: '#1e293b',
  mutedText: '#64748b',
  gridLine: '#e2e8f0',
  bar: '#4f46e5',
  barMuted: '#94a3b8',
  tooltipBackground: '#ffffff',
  tooltipBorder: '#cbd5e1',
  warning: '#b45309',
}

export const DARK_PALETTE: ChartPalette = {
  text: '#e2e8f0',
  mutedText: '#94a3b8',
  gridLine: '#334155',
  bar: '#818cf8',
  barMuted: '#64748b',
  tooltipBackground: '#1e293b',
  tooltipBorder: '#475569',
  warning: '#fbbf24',
}

/** The bucket the server uses for a missing attribution value. */
export const UNATTRIBUTED = 'unattributed'

/** Tooltips are HTML: anything that came from events (customer ids, feature names) is escaped. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

function tooltipBase(palette: ChartPalette) {
  return {
    trigger: 'axis',
    axisPointer: { type: 'shadow' },
    backgroundColor: palette.tooltipBackground,
    borderColor: palette.tooltipBorder,
    textStyle: { color: palette.text, fontSize: 13 },
    confine: true,
  }
}

/** ECharts hands axis-tooltip formatters one entry per series; the first carries the index. */
function firstDataIndex(params: unknown): number {
  const first = Array.isArray(params) ? params[0] : params
  const index = (first as { dataIndex?: unknown } | undefined)?.dataIndex
  return typeof index === 'number' ? index : -1
}

export interface DailyCost {
  label: string
  /** null: every call of the day had an unknown price. */
  cost_usd: number | null
  point?: TimeseriesPoint
}

export function dailyCostOption(
  days: readonly DailyCost[],
  palette: ChartPalette,
  animate: boolean,
): ChartOption {
  return {
    animation: animate,
    backgroundColor: 'transparent',
    grid: { left: 8, right: 12, top: 16, bottom: 16 },
    tooltip: {
      ...tooltipBase(palette),
      formatter: (params: unknown) => {
        const day = days[firstDataIndex(params)]
        if (!day) return ''
        const requests = day.point?.requests ?? 0
        const tokens = day.point?.total_tokens ?? 0
        return [
          `<strong>${escapeHtml(formatDayLabel(day.label, 'long'))}</strong>`,
          `Cost: <strong>${formatUsd(day.cost_usd)}</strong>`,
          `Requests: ${formatInteger(requests)}`,
          `Tokens: ${formatCompact(tokens)}`,
        ].join('<br/>')
      },
    },
    xAxis: {
      type: 'category',
      data: days.map((day) => day.label),
      axisLabel: { color: palette.mutedText, formatter: (label: string) => formatDayLabel(label) },
      axisLine: { lineStyle: { color: palette.gridLine } },
      axisTick: { alignWithLabel: true, lineStyle: { color: palette.gridLine } },
    },
    yAxis: {
      type: 'value',
      axisLabel: {
        color: palette.mutedText,
        hideOverlap: true,
        formatter: (value: number) => formatUsdShort(value),
      },
      splitLine: { lineStyle: { color: palette.gridLine } },
    },
    series: [
      {
        type: 'bar',
        name: 'Cost',
        data: days.map((day) => day.cost_usd),
        barMaxWidth: 32,
        itemStyle: { color: palette.bar, borderRadius: [3, 3, 0, 0] },
        emphasis: { itemStyle: { opacity: 0.85 } },
      },
    ],
  }
}

/**
 * Horizontal bars, highest cost on top. `totalCost` (the range's cost) gives each row its share;
 * the `unattributed` bucket is drawn grey because it is the part nobody has tagged yet.
 */
export function breakdownOption(
  rows: readonly BreakdownRow[],
  totalCost: number | null | undefined,
  palette: ChartPalette,
  animate: boolean,
  /** Room for the value names (model ids run long); less on a phone. */
  labelWidth = 180,
): ChartOption {
  return {
    animation: animate,
    backgroundColor: 'transparent',
    grid: { left: 8, right: 80, top: 8, bottom: 16 },
    tooltip: {
      ...tooltipBase(palette),
      formatter: (params: unknown) => {
        const row = rows[firstDataIndex(params)]
        if (!row) return ''
        const lines = [
          `<strong>${escapeHtml(row.value)}</strong>`,
          `Cost: <strong>${formatUsd(row.cost_usd)}</strong>`,
        ]
        if (typeof totalCost === 'number' && row.cost_usd !== null) {
          lines.push(`Share of cost: ${formatShare(row.cost_usd, totalCost)}`)
        }
        lines.push(
          `Requests: ${formatInteger(row.requests)}`,
          `Tokens: ${formatCompact(row.total_tokens)}`,
          `Avg latency: ${formatLatency(row.avg_latency_ms)}`,
        )
        if (row.unpriced_count) {
          lines.push(
            `<span style="color:${palette.warning}">${formatInteger(row.unpriced_count)} with unknown price</span>`,
          )
        }
        return lines.join('<br/>')
      },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((row) => row.value),
      axisLabel: { color: palette.text, width: labelWidth, overflow: 'truncate' },
      axisLine: { lineStyle: { color: palette.gridLine } },
      axisTick: { show: false },
    },
    xAxis: {
      type: 'value',
      axisLabel: {
        color: palette.mutedText,
        hideOverlap: true,
        formatter: (value: number) => formatUsdShort(value),
      },
      splitLine: { lineStyle: { color: palette.gridLine } },
    },
    series: [
      {
        type: 'bar',
        name: 'Cost',
        // A row whose cost is unknown (every call unpriced) gets a zero-length bar so its label
        // can still say so.
        data: rows.map((row) => ({
          value: row.cost_usd ?? 0,
          itemStyle: { color: row.value === UNATTRIBUTED ? palette.barMuted : palette.bar },
        })),
        barMaxWidth: 22,
        itemStyle: { borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: 'right',
          color: palette.mutedText,
          formatter: (params: { dataIndex?: number }) => {
            const cost = rows[params.dataIndex ?? -1]?.cost_usd
            return typeof cost === 'number' ? formatUsd(cost) : 'cost unknown'
          },
        },
      },
    ],
  }
}
