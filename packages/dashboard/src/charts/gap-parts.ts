// The gap between the invoice and the tracked cost, day by day, in its parts (docs/invoice.md):
// stacked bars, each part in the same colour wherever it appears. A part can be negative (tracked
// events the provider did not bill, money billed below spendlens' price): it stacks below zero.

import type { GapPart } from '@spendlens/server/api-types'
import type { ChartOption } from '../components/chart'
import type { BucketSlot } from '../lib/buckets'
import { GAP_PART_LIST } from '../lib/gap-parts'
import type { ValueFormat } from './chart-parts'
import type { ChartTheme } from './chart-theme'
import type { ChartPalette } from './palette'
import { timeSeriesOption } from './time-series'

/** One colour per part: amber for usage nobody tracked, grey for what cannot be split. */
export function gapPartColor(palette: ChartPalette, part: GapPart): string {
  const colors: Record<GapPart, string | undefined> = {
    untracked_usage: palette.series[2],
    price_difference: palette.series[1],
    non_model: palette.series[5],
    unexplained: palette.barMuted,
  }
  return colors[part] ?? palette.bar
}

export interface GapPartsSpec {
  /** UTC days. */
  axis: readonly BucketSlot[]
  /** Each part per day; null: no complete invoice covers the day. */
  parts: Record<GapPart, readonly (number | null)[]>
  format: ValueFormat
  axisFormat: (value: number) => string
}

/** The parts of each day's gap as stacked bars (negative ones below zero); the tooltip adds the gap. */
export function gapPartsOption(spec: GapPartsSpec, theme: ChartTheme): ChartOption {
  return timeSeriesOption(
    {
      axis: spec.axis,
      series: GAP_PART_LIST.map(({ part, label }) => ({
        name: label,
        values: spec.parts[part],
        color: gapPartColor(theme.palette, part),
      })),
      kind: 'bar',
      stacked: true,
      format: spec.format,
      axisFormat: spec.axisFormat,
      total: (values) =>
        values.every((value) => value === null)
          ? 'no complete invoice'
          : spec.format(values.reduce<number>((sum, value) => sum + (value ?? 0), 0)),
      totalLabel: 'Gap',
    },
    theme,
  )
}
