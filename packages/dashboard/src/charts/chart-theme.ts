import type { ChartPalette } from './palette'

/** What every chart option is built for: the colour scheme, whether to animate, the screen width. */
export interface ChartTheme {
  palette: ChartPalette
  animate: boolean
  /** Phone width: shorter labels, less room. */
  narrow: boolean
}
