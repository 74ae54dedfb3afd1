// A donut of each name's share: the breakdown's share of cost.

import type { ChartOption } from '../components/chart'
import { legend, optionBase, type ValueFormat } from './chart-parts'
import type { ChartTheme } from './chart-theme'
import { seriesColor } from './palette'
import type { RankedBar } from './ranked-bars'
import { escapeHtml, tooltipBase } from './tooltip'

export interface ShareSpec {
  rows: readonly RankedBar[]
  format: ValueFormat
  /** Share text for a value, e.g. "34%". */
  share: (value: number) => string
}

/** A donut of shares; "Others" and "unattributed" in the muted colour. */
export function shareOption(spec: ShareSpec, theme: ChartTheme): ChartOption {
  const { palette } = theme
  const rows = spec.rows.filter((row) => (row.value ?? 0) > 0)
  return {
    ...optionBase(theme),
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
