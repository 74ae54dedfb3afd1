// What the chart modules' tests build options with: the light theme without animation, a dollar
// format, and a way to call an option's tooltip.

import type { ChartTheme } from './chart-theme'
import { LIGHT_PALETTE } from './palette'

export const theme: ChartTheme = { palette: LIGHT_PALETTE, animate: false, narrow: false }

export const usd = (value: number | null | undefined) => (typeof value === 'number' ? `$${value}` : '—')

type Formatter = (params: unknown) => string

/** The option's tooltip formatter. */
export function tooltip(option: unknown): Formatter {
  return (option as { tooltip: { formatter: Formatter } }).tooltip.formatter
}
