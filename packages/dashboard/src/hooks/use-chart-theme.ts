import { useMemo } from 'react'
import type { ChartTheme } from '../charts/chart-theme'
import { DARK_PALETTE, LIGHT_PALETTE } from '../charts/palette'
import { type BucketSlot, bucketAxis } from '../lib/buckets'
import type { Scope } from '../lib/scope'
import { useDashboard } from './dashboard-context'
import { useNarrowScreen, usePrefersDark, usePrefersReducedMotion } from './use-color-scheme'

/**
 * Palette, animation and width, following the system's colour scheme and motion settings. Charts
 * animate only live mode's refreshes (from the drawn values to the new ones), when the system allows
 * motion: a view's first answer, or the answer to a changed range or filter, is drawn at once.
 */
export function useChartTheme(): ChartTheme {
  const { view } = useDashboard()
  const dark = usePrefersDark()
  const reducedMotion = usePrefersReducedMotion()
  const narrow = useNarrowScreen()
  const animate = view.live && !reducedMotion
  return useMemo(
    () => ({ palette: dark ? DARK_PALETTE : LIGHT_PALETTE, animate, narrow }),
    [dark, animate, narrow],
  )
}

/** The scope's time axis, every bucket included. */
export function useTimeAxis(scope: Scope): BucketSlot[] {
  return useMemo(
    () => (scope.span ? bucketAxis(scope.span, scope.bucket, scope.timeZone) : []),
    [scope.span, scope.bucket, scope.timeZone],
  )
}
