// Horizontal bars, first row on top: cost by feature, top customers, cost per call, error rates.

import type { ChartOption } from '../components/chart'
import { optionBase, rankAxis, type ValueFormat, valueAxis } from './chart-parts'
import type { ChartTheme } from './chart-theme'
import { escapeHtml, firstDataIndex, tooltipBase } from './tooltip'

export interface RankedBar {
  name: string
  value: number | null
  /** Drawn in the muted colour ("Others", "unattributed"). */
  muted?: boolean
  /** Tooltip lines under the value (already escaped HTML). */
  details?: readonly string[]
}

export interface RankedBarsSpec {
  rows: readonly RankedBar[]
  /** The bar-end label and tooltip value. */
  format: ValueFormat
  axisFormat: (value: number) => string
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
    ...optionBase(theme),
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
          ...(row.details ?? []),
        ].join('<br/>')
      },
    },
    yAxis: rankAxis(
      theme,
      rows.map((row) => row.name),
      spec.labelWidth,
      190,
    ),
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
