import type { ChartPalette } from './palette'

/** What every chart option is built for: the colour scheme, whether to animate, the screen width. */
export interface ChartTheme {
  palette: ChartPalette
  /** Animate updates (live mode's refreshes); a chart's first draw never animates. */
  animate: boolean
  /** Phone width: shorter labels, less room. */
  narrow: boolean
}
