import { useMemo } from 'react'
import type { ChartTheme } from '../charts/chart-theme'
import { DARK_PALETTE, LIGHT_PALETTE } from '../charts/palette'
import { type BucketSlot, bucketAxis } from '../lib/buckets'
import type { Scope } from '../lib/scope'
import { useNarrowScreen, usePrefersDark, usePrefersReducedMotion } from './use-color-scheme'

/** Palette, animation and width, following the system's colour scheme and motion settings. */
export function useChartTheme(): ChartTheme {
  const dark = usePrefersDark()
  const reducedMotion = usePrefersReducedMotion()
  const narrow = useNarrowScreen()
  return useMemo(
    () => ({ palette: dark ? DARK_PALETTE : LIGHT_PALETTE, animate: !reducedMotion, narrow }),
    [dark, reducedMotion, narrow],
  )
}

/** The scope's time axis, every bucket included. */
export function useTimeAxis(scope: Scope): BucketSlot[] {
  return useMemo(
    () => (scope.span ? bucketAxis(scope.span, scope.bucket, scope.timeZone) : []),
    [scope.span, scope.bucket, scope.timeZone],
  )
}
