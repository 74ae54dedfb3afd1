// The pieces most chart options share: the animated, transparent base, the value axis, the axis of
// ranked names and the legend. Each chart module composes its option from these.

import type { ChartTheme } from './chart-theme'
import type { ChartPalette } from './palette'

/** A tooltip or label text for a value; unknown (null) has its own text, never "0". */
export type ValueFormat = (value: number | null | undefined) => string

/** Animated as the theme says (live mode's refreshes): an update animates from the drawn values to the new. */
export function optionBase(theme: ChartTheme) {
  return { animation: theme.animate, animationDurationUpdate: 300, backgroundColor: 'transparent' }
}

export function valueAxis(palette: ChartPalette, format: (value: number) => string, extra: object = {}) {
  return {
    type: 'value',
    axisLabel: { color: palette.mutedText, hideOverlap: true, formatter: format },
    splitLine: { lineStyle: { color: palette.gridLine } },
    ...extra,
  }
}

/** The vertical axis of a ranking: names top to bottom, long ones cut to `width` (narrower on a phone). */
export function rankAxis(
  theme: ChartTheme,
  names: readonly string[],
  width: number | undefined,
  wideWidth: number,
) {
  const { palette } = theme
  return {
    type: 'category',
    inverse: true,
    data: [...names],
    axisLabel: {
      color: palette.text,
      width: width ?? (theme.narrow ? 100 : wideWidth),
      overflow: 'truncate',
    },
    axisLine: { lineStyle: { color: palette.gridLine } },
    axisTick: { show: false },
  }
}

export function legend(palette: ChartPalette, show: boolean) {
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
